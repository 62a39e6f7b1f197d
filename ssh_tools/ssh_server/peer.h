/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * peer: who is at the other end of one connection, for the log, and when
 * it last did anything, for --idle-timeout.  Every other file of the
 * server may note activity and log through it; it calls none of them.
 */
#ifndef SHELLWIRE_SSH_SERVER_PEER_H
#define SHELLWIRE_SSH_SERVER_PEER_H

struct peer {
    char name[80];            /* "127.0.0.1 port 50412" */
    long long last_active_ms; /* monoclock_ms() of the last message */
};

/* Name PEER after the socket FD's other end ("?" if unknown). */
void peer_init(struct peer *peer, int fd);

/* The client did something: its idle time starts again. */
void peer_touch(struct peer *peer);

/* "ssh_server: 127.0.0.1 port 50412: ..." on stderr, with control bytes
 * from the wire (a user name) shown as '?' so they cannot forge lines. */
void peer_log(const struct peer *peer, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#endif
