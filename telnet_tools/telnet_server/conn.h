/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, one connection (conn.c): the struct the loop keeps for
 * each client, and what the loop may ask of it.  The connection owns its
 * parts and is the only one to move it from phase to phase.
 */
#ifndef SHELLWIRE_TELNET_SERVER_CONN_H
#define SHELLWIRE_TELNET_SERVER_CONN_H

#include <sys/types.h>

#include "common/console.h"
#include "telnet_tools/telnet_server/child.h"
#include "telnet_tools/telnet_server/login.h"
#include "telnet_tools/telnet_server/negotiate.h"
#include "telnet_tools/telnet_server/server.h"
#include "telnet_tools/telnet_server/wire.h"

/* Where a connection is in its life. */
enum phase {
    PHASE_NEGOTIATING,   /* our options are out, answers awaited */
    PHASE_LOGGING_IN,    /* the console asks login: and Password: */
    PHASE_CHECKING,      /* a password was typed: crypt(3) runs on */
                         /* passcheck's thread; input waits in the kernel */
    PHASE_ANSWER_HELD,   /* checked: the answer waits for its time */
    PHASE_AT_CONSOLE,    /* logged in, typing commands */
    PHASE_RUNNING_CHILD, /* exec or --shell: bytes to and from a child */
    PHASE_CLOSING        /* send what is queued, then close */
};

/* One Telnet session: everything the loop knows about one client. */
struct conn {
    unsigned long id; /* passcheck's answers name it */
    enum phase phase;
    struct server *server;
    struct wire wire;       /* the socket, and bytes queued for it */
    struct negotiation neg; /* libtelnet and the options */
    struct console *console;
    struct login login;
    struct child child;
    long long born;       /* for the login grace time */
    long long last_input; /* for the idle time-out */
    long long answer_at;  /* a password's answer, not before this */
    int answer_ok;        /* ... and the answer: right or wrong */
    int check_pending;    /* passcheck has our password: keep C till then */
    int in_gate;          /* counted by the gate as not logged in yet */
};

/*
 * A new session on socket FD, numbered ID; on NULL the caller closes FD,
 * first sending *REFUSED if the gate set it (a line for the client).
 */
struct conn *conn_new(int fd, struct server *s, unsigned long id,
                      const char **refused);

/* The socket polled readable (or hung up): read and act on it. */
void conn_read(struct conn *c);

/* The child's descriptor polled readable: relay its output. */
void conn_child_output(struct conn *c);

/* Send what is queued; close a finished session once all is out. */
void conn_flush(struct conn *c);

/* Run what is due at NOW; the time of the next deadline, or -1. */
long long conn_tick(struct conn *c, long long now);

/* Whether to poll the socket for input: not while we hold it back. */
int conn_wants_input(const struct conn *c);

/* Passcheck's answer to this session's password. */
void conn_password_checked(struct conn *c, int ok);

/* Nothing left to do: the socket is closed and no check is pending. */
int conn_finished(const struct conn *c);

/* PID was reaped. */
void conn_child_exited(struct conn *c, pid_t pid);

/* The server stops: tell the client TEXT, and close. */
void conn_shut_down(struct conn *c, const char *text);

/* Release the session and everything it owns. */
void conn_free(struct conn *c);

#endif
