/* SPDX-License-Identifier: GPL-3.0-or-later */
/* net: TCP connect and listen, for every program of both families. */
#ifndef SHELLWIRE_COMMON_NET_H
#define SHELLWIRE_COMMON_NET_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Connect to HOST port PORT over TCP, trying every address getaddrinfo
 * gives (IPv4 and IPv6) until one answers within TIMEOUT_MS each (<= 0:
 * the kernel's own time-out).  The socket comes back blocking, with
 * TCP_NODELAY set.  On failure: one line on stderr, -1, and errno says why:
 * ENXIO the name did not resolve, ETIMEDOUT, ECONNREFUSED, ...
 */
int net_connect(const char *host, const char *port, int timeout_ms);

/*
 * Listen on ADDR port PORT ("0": any free port), SO_REUSEADDR set, the
 * socket non-blocking.  -1 and one line on stderr on failure.
 */
int net_listen(const char *addr, const char *port, int backlog);

/* The local port a socket is bound to, or -1. */
int net_local_port(int fd);

/* Set or clear O_NONBLOCK; 0 or -1. */
int net_set_nonblocking(int fd, int on);

/* Set TCP_NODELAY: replies leave at once instead of waiting for an ACK. */
int net_set_nodelay(int fd);

/* Write all LEN bytes, retrying short writes and EINTR; LEN or -1. */
ssize_t net_write_all(int fd, const void *buf, size_t len);

/* "host port" of the peer, as text, into BUF of SIZE; 0 or -1. */
int net_peer_name(int fd, char *buf, size_t size);

/*
 * Raise the soft limit on open descriptors (often 1024) to WANT, or as near
 * as the hard limit allows: a server or load generator holding thousands
 * of sockets needs it.  The soft limit now in force, or -1 and one line.
 */
long net_raise_descriptor_limit(long want);

#endif
