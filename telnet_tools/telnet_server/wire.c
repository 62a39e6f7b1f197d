/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, one client's socket: read what it sends, queue what goes
 * back and hand it to the kernel without blocking, and close without a
 * reset.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/bytebuf.h"
#include "common/net.h"
#include "telnet_tools/telnet_server/wire.h"

#define DISCARD_SIZE 4096

/* A new client's socket, set up for the loop. */
int wire_open(struct wire *w, int fd)
{
    socklen_t len = sizeof(w->addr);

    memset(w, 0, sizeof(*w));
    w->fd = fd;
    /* Each reply leaves in one segment, at once (no Nagle delay). */
    if (net_set_nonblocking(fd, 1) == -1 || net_set_nodelay(fd) == -1 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
        getpeername(fd, (struct sockaddr *)&w->addr, &len) == -1 ||
        net_peer_name(fd, w->peer, sizeof(w->peer)) == -1) {
        return -1;
    }
    return 0;
}

/* What the client sent; EAGAIN is "nothing now", not an error. */
ssize_t wire_read(struct wire *w, char *buf, size_t size)
{
    ssize_t n = read(w->fd, buf, size);

    if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
        return 0;
    }
    if (n <= 0) {
        bytebuf_free(&w->out); /* gone: nobody to send to */
        w->broken = 1;
        return -1;
    }
    return n;
}

/* Bytes for the client, kept until the kernel takes them. */
void wire_queue(struct wire *w, const char *buf, size_t len)
{
    if (w->broken) {
        return;
    }
    /* Not reading for a megabyte, or no memory: give up on it. */
    if (bytebuf_append(&w->out, buf, len, WIRE_OUT_MAX) == -1) {
        bytebuf_free(&w->out);
        w->broken = 1;
    }
}

/* As much of the queue as the kernel takes now. */
void wire_flush(struct wire *w)
{
    while (w->fd != -1 && w->out.len > 0) {
        ssize_t n = send(w->fd, w->out.data, w->out.len, MSG_NOSIGNAL);
        if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return; /* POLLOUT will tell us when there is room */
        }
        if (n == -1 && errno == EINTR) {
            continue;
        }
        if (n == -1) {
            w->broken = 1;
            break;
        }
        bytebuf_consume(&w->out, n);
    }
    if (w->out.len == 0 || w->broken) {
        bytebuf_free(&w->out); /* idle sessions hold no buffer */
    }
}

/* How far behind the client is, in bytes. */
size_t wire_waiting(const struct wire *w)
{
    return w->out.len;
}

/*
 * Close after the last byte: input the client sent that we never read
 * would make close() reset the connection, and the client could lose the
 * reply it has not read yet.  So first say we are done, then discard.
 */
void wire_close(struct wire *w)
{
    char discard[DISCARD_SIZE];

    bytebuf_free(&w->out);
    if (w->fd == -1) {
        return;
    }
    shutdown(w->fd, SHUT_WR);
    for (int i = 0; i < 4 && read(w->fd, discard, sizeof(discard)) > 0; i++) {
        continue;
    }
    close(w->fd);
    w->fd = -1;
}

/* Close now: the session is freed, whatever is queued. */
void wire_drop(struct wire *w)
{
    bytebuf_free(&w->out);
    if (w->fd != -1) {
        close(w->fd);
        w->fd = -1;
    }
}
