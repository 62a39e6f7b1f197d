/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: arbitrary client bytes through one telnet_server
 * session, as the event loop would feed them: the filter in front of
 * libtelnet, negotiation, login, the console.  The input is cut into
 * reads of varying sizes, so sequences split across reads are exercised.
 * The loop (main.c) and children (child.c) are replaced by the few lines
 * below; exec is off, so nothing forks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/console.h"
#include "common/users.h"
#include "telnet_tools/telnet_server/server.h"

/* SHA-256 crypt of "pw" with 1000 rounds: cheap enough to fuzz logins. */
#define CHEAP_HASH                                                             \
    "$5$rounds=1000$fuzzsalt$mHgO0SkrCLgPfQN0WzvafcDYfx8VQqxcrLH3/VCZqKC"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t queued;

void conn_queue(struct conn *c, const char *buf, size_t len)
{
    (void)c;
    for (size_t i = 0; i < len; i++) {
        queued += (unsigned char)buf[i];
    }
}

void conn_close_soon(struct conn *c)
{
    c->phase = PHASE_CLOSING;
}

int child_exec(struct conn *c, const char *command)
{
    (void)c;
    (void)command;
    return -1;
}

int child_shell(struct conn *c)
{
    (void)c;
    return -1;
}

void child_from_client(struct conn *c, const char *buf, size_t len)
{
    (void)c;
    (void)buf;
    (void)len;
}

void child_resize(struct conn *c)
{
    (void)c;
}

static void console_write(void *ctx, const char *buf, size_t len)
{
    negotiate_send(ctx, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct users *users;
    struct server server = {0};
    struct conn *c;
    struct console_io io = {NULL, console_write, login_line, NULL};

    if (users == NULL) {
        users = users_new();
        if (users == NULL || users_add(users, "brandon", CHEAP_HASH) == -1) {
            abort();
        }
    }
    if (size == 0) {
        return 0;
    }
    server.users = data[0] & 1 ? users : NULL;
    c = calloc(1, sizeof(*c));
    io.ctx = c;
    c->fd = -1;
    c->child_fd = -1;
    c->server = &server;
    snprintf(c->peer, sizeof(c->peer), "fuzz");
    c->console = console_new(&io);
    if (c->console == NULL || negotiate_start(c) == -1) {
        abort();
    }
    for (size_t at = 1; at < size;) {
        size_t n = 1 + data[at] % 64;
        n = n < size - at ? n : size - at;
        negotiate_input(c, (const char *)data + at, n);
        at += n;
        if (c->phase == PHASE_DELAY) {
            login_deadline(c);
        }
    }
    negotiate_deadline(c);
    negotiate_deadline(c);
    console_tick(c->console);
    telnet_free(c->telnet);
    console_free(c->console);
    free(c);
    return 0;
}
