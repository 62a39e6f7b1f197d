/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tn_wire: a tn_session's state and the plumbing under its API.  NOT API:
 * only tn_session.c, tn_wire.c and tn_show.c include it; programs use
 * telnet_tools/tn_session.h.
 *
 * The session is three files, each calling only the ones below it:
 *   tn_session.c  the API: open, expect, read, write, negotiate
 *   tn_wire.c     bytes to and from the socket, libtelnet's events
 *   tn_show.c     the debug switch's lines and the one-line failures
 */
#ifndef SHELLWIRE_TELNET_TN_WIRE_H
#define SHELLWIRE_TELNET_TN_WIRE_H

#include <stddef.h>
#include <stdio.h>

#include <libtelnet.h>

#include "common/bytebuf.h"
#include "telnet_tools/tn_session.h"

/* One read from the socket. */
#define TN_READ_CHUNK 4096
/* Text room: the limit, one more read, and a CR held back from the last. */
#define TN_TEXT_ROOM (TN_PENDING_MAX + TN_READ_CHUNK + 1)

struct tn_session {
    int fd;
    telnet_t *telnet;
    int timeout_ms; /* for each write */
    tn_option_handler *handler;
    void *handler_arg;
    FILE *debug;
    struct bytebuf text; /* text received, NVT line ends made "\n" */
    int held_cr;         /* a CR came last: the next byte says what it means */
    struct bytebuf out;  /* bytes for the server, not yet written */
    unsigned negotiations;
    int closed;  /* the server closed the connection */
    int failure; /* an errno set while libtelnet parsed, with why */
    char why[160];
};

/* Start libtelnet on S, in proxy mode; 0, or -1 with errno. */
int tn_wire_start(struct tn_session *s);

/* A point TIMEOUT_MS from now on the monotonic clock, -1 for never. */
long long tn_wire_deadline(int timeout_ms);

/*
 * Wait until DEADLINE for the socket, send what is queued, and feed what
 * arrives to libtelnet.  1 went on, 0 the server has closed, -1 failed.
 */
int tn_wire_pump(struct tn_session *s, long long deadline);

/* Write everything queued before DEADLINE; 0 or -1. */
int tn_wire_flush_all(struct tn_session *s, long long deadline);

/* -1 with errno set if the session has failed, else 0. */
int tn_wire_failed(const struct tn_session *s);

#endif
