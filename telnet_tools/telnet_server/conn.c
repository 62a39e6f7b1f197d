/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, one connection's bytes: set a session up, read what the
 * client sends (into libtelnet, negotiate.c), queue what goes back and hand
 * it to the kernel without blocking, and close without a reset.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/console.h"
#include "common/net.h"
#include "telnet_tools/telnet_server/server.h"

#define READ_SIZE 4096
#define OUT_MAX   ((size_t)1024 * 1024) /* a client this far behind: dropped */

static void close_gently(struct conn *c);

static void console_write(void *ctx, const char *buf, size_t len)
{
    negotiate_send(ctx, buf, len);
}

static int console_exec(void *ctx, const char *command)
{
    return child_exec(ctx, command);
}

/* A new session: TCP_NODELAY, its console, our first options. */
struct conn *conn_new(int fd, struct server *s)
{
    struct conn *c = calloc(1, sizeof(*c));
    struct console_io io = {NULL, console_write, login_line, console_exec};

    if (c == NULL) {
        warn("accept");
        return NULL;
    }
    c->fd = fd;
    c->child_fd = -1;
    c->server = s;
    c->last_input = console_now_ms();
    io.ctx = c;
    /* Each reply leaves in one segment, at once (no Nagle delay). */
    if (net_set_nonblocking(fd, 1) == -1 || net_set_nodelay(fd) == -1 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
        net_peer_name(fd, c->peer, sizeof(c->peer)) == -1 ||
        (c->console = console_new(&io)) == NULL || negotiate_start(c) == -1) {
        c->fd = -1; /* the caller closes it */
        conn_free(c);
        return NULL;
    }
    return c;
}

/* Bytes from the client: through libtelnet to the console or child. */
void read_client(struct conn *c)
{
    char buf[READ_SIZE];
    ssize_t n = read(c->fd, buf, sizeof(buf));

    if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
        c->out_len = 0; /* gone: nobody to send to */
        conn_close_soon(c);
        return;
    }
    if (n > 0 && c->phase != PHASE_CLOSING) {
        c->last_input = console_now_ms();
        negotiate_input(c, buf, n);
    }
}

void conn_queue(struct conn *c, const char *buf, size_t len)
{
    if (c->out_len + len > OUT_MAX) {
        c->out_len = 0; /* not reading for a megabyte: give up on it */
        conn_close_soon(c);
        return;
    }
    if (c->out_len + len > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 512;
        while (cap < c->out_len + len) {
            cap *= 2;
        }
        char *grown = realloc(c->out, cap);
        if (grown == NULL) {
            c->out_len = 0;
            conn_close_soon(c);
            return;
        }
        c->out = grown;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, buf, len);
    c->out_len += len;
}

void conn_close_soon(struct conn *c)
{
    c->phase = PHASE_CLOSING;
}

/* Hand queued bytes to the kernel; close a finished session. */
void flush_out(struct conn *c)
{
    while (c->fd != -1 && c->out_len > 0) {
        ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
        if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return; /* POLLOUT will tell us when there is room */
        }
        if (n == -1 && errno == EINTR) {
            continue;
        }
        if (n == -1) {
            c->out_len = 0;
            c->phase = PHASE_CLOSING;
            break;
        }
        memmove(c->out, c->out + n, c->out_len - n);
        c->out_len -= n;
    }
    if (c->out_len == 0 && c->out_cap > 0) {
        free(c->out); /* idle sessions hold no buffer */
        c->out = NULL;
        c->out_cap = 0;
    }
    if (c->phase == PHASE_CLOSING && c->out_len == 0 && c->fd != -1) {
        close_gently(c);
    }
}

/*
 * Close after the last byte: input the client sent that we never read
 * would make close() reset the connection, and the client could lose the
 * reply it has not read yet.  So first say we are done, then discard.
 */
static void close_gently(struct conn *c)
{
    char discard[READ_SIZE];

    shutdown(c->fd, SHUT_WR);
    for (int i = 0; i < 4 && read(c->fd, discard, sizeof(discard)) > 0; i++) {
        continue;
    }
    close(c->fd);
    c->fd = -1;
}

void conn_free(struct conn *c)
{
    child_stop(c);
    if (c->telnet != NULL) {
        telnet_free(c->telnet);
    }
    console_free(c->console);
    if (c->fd != -1) {
        close(c->fd);
    }
    free(c->out);
    free(c);
}
