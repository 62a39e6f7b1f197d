/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, one client's socket and the bytes queued for it
 * (wire.c): reads and writes that never block, a cap on what a client
 * that does not read may make us hold, and a close that loses nothing.
 */
#ifndef SHELLWIRE_TELNET_SERVER_WIRE_H
#define SHELLWIRE_TELNET_SERVER_WIRE_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "common/bytebuf.h"

#define PEER_MAX     64
#define WIRE_OUT_MAX ((size_t)1024 * 1024) /* this far behind: dropped */

/* The socket side of one session; everything here is wire.c's. */
struct wire {
    int fd;                       /* -1 once closed */
    char peer[PEER_MAX];          /* "host port", for the log */
    struct sockaddr_storage addr; /* the peer's address */
    struct bytebuf out;           /* bytes the kernel has not taken yet */
    int broken;                   /* gone, or too far behind: stop */
};

/* Take FD: non-blocking, no Nagle, closed on exec, peer named; 0 or -1. */
int wire_open(struct wire *w, int fd);

/* Read up to SIZE bytes: the count, 0 if none now; -1 gone (EOF, error). */
ssize_t wire_read(struct wire *w, char *buf, size_t size);

/* Queue LEN bytes for the client; past WIRE_OUT_MAX the wire is broken. */
void wire_queue(struct wire *w, const char *buf, size_t len);

/* Hand queued bytes to the kernel, as many as it takes now. */
void wire_flush(struct wire *w);

/* Bytes still queued. */
size_t wire_waiting(const struct wire *w);

/* Close after the last queued byte went out, without a reset. */
void wire_close(struct wire *w);

/* Close at once, whatever is queued. */
void wire_drop(struct wire *w);

#endif
