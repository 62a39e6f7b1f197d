/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: arbitrary client bytes through one telnet_server
 * session's Telnet side, login dialogue and console, as the event loop
 * would feed them: the filter in front of libtelnet, the negotiation and
 * its time-outs, login, the console.  The input is cut into reads of
 * varying sizes, so sequences split across reads are exercised; inputs up
 * to 64 KiB (the seeds include one that long).  The few lines of glue
 * below stand in for session.c; exec is off, so nothing forks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/console.h"
#include "common/users.h"
#include "telnet_tools/telnet_server/login.h"
#include "telnet_tools/telnet_server/negotiate.h"

/* SHA-256 crypt of "pw" with 1000 rounds: cheap enough to fuzz logins. */
#define CHEAP_HASH                                                             \
    "$5$rounds=1000$fuzzsalt$mHgO0SkrCLgPfQN0WzvafcDYfx8VQqxcrLH3/VCZqKC"
#define INPUT_MAX ((size_t)64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One session, as session.c keeps it. */
struct fake {
    struct negotiation neg;
    struct console *console;
    struct login login;
    struct users *users; /* NULL: --no-login */
    int over;
    size_t queued;
};

static void on_send(void *ctx, const char *buf, size_t len)
{
    struct fake *f = ctx;

    for (size_t i = 0; i < len; i++) {
        f->queued += (unsigned char)buf[i];
    }
}

static void on_text(void *ctx, const char *buf, size_t len)
{
    struct fake *f = ctx;

    if (!f->over && console_input(f->console, buf, len) == CONSOLE_OVER) {
        f->over = 1;
    }
}

static void on_news(void *ctx, enum negotiate_news news)
{
    struct fake *f = ctx;

    if (news == NEWS_READY && f->users != NULL) {
        console_ask(f->console, "login: ", 1);
    } else if (news == NEWS_READY) {
        console_start(f->console, NULL, NULL);
    } else if (news == NEWS_ECHO) {
        console_set_echo(f->console, f->neg.we_echo);
    } else if (news == NEWS_TERM) {
        console_set_term(f->console, f->neg.term);
    } else if (news == NEWS_WINDOW) {
        console_set_window(f->console, f->neg.cols, f->neg.rows);
    } else if (news == NEWS_AYT) {
        console_message(f->console, "[telnet_server: yes]");
    } else {
        f->over = 1;
    }
}

static void on_write(void *ctx, const char *buf, size_t len)
{
    struct fake *f = ctx;

    negotiate_send(&f->neg, buf, len);
}

static void on_line(void *ctx, const char *line)
{
    struct fake *f = ctx;
    enum login_next next = login_line(&f->login, line);

    if (next == LOGIN_CHECK) {
        next = login_checked(&f->login,
                             users_verify(f->users, f->login.user, line));
    }
    if (next == LOGIN_ASK_PASSWORD) {
        console_ask(f->console, "Password: ", 0);
    } else if (next == LOGIN_IN) {
        console_start(f->console, f->login.user, NULL);
    } else if (next == LOGIN_GIVE_UP) {
        f->over = 1;
    } else {
        console_ask(f->console, "login: ", 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct users *users;
    struct fake *f;
    struct console_io io = {NULL, on_write, on_line, NULL};
    struct negotiate_calls calls = {NULL, on_send, on_text, on_news};

    if (users == NULL) {
        users = users_new();
        if (users == NULL || users_add(users, "brandon", CHEAP_HASH) == -1) {
            abort();
        }
    }
    if (size == 0 || size > INPUT_MAX) {
        return 0;
    }
    f = calloc(1, sizeof(*f));
    if (f == NULL) {
        abort();
    }
    f->users = data[0] & 1 ? users : NULL;
    io.ctx = calls.ctx = f;
    f->console = console_new(&io);
    if (f->console == NULL || negotiate_start(&f->neg, &calls) == -1) {
        abort();
    }
    for (size_t at = 1; at < size;) {
        size_t n = 1 + data[at] % 64;
        n = n < size - at ? n : size - at;
        negotiate_input(&f->neg, (const char *)data + at, n);
        at += n;
    }
    /* Both negotiation time-outs, then the console's timers. */
    negotiate_tick(&f->neg, f->neg.deadline + 1);
    negotiate_tick(&f->neg, f->neg.deadline + 1);
    console_tick(f->console);
    negotiate_free(&f->neg);
    console_free(f->console);
    free(f);
    return 0;
}
