/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, one connection as the loop sees it: make it, feed it
 * what its descriptors say, run its deadlines, free it.  What the bytes
 * mean, and which phase follows which, is session.c's.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/console.h"
#include "common/monoclock.h"
#include "telnet_tools/telnet_server/conn.h"
#include "telnet_tools/telnet_server/session.h"

#define READ_SIZE 4096

static long long next_deadline(const struct conn *c, long long timer,
                               int idling);
static int logging_in(const struct conn *c);

/* A new session: its socket set up, its console, our first options. */
struct conn *conn_new(int fd, struct server *s, unsigned long id,
                      const char **refused)
{
    struct conn *c = calloc(1, sizeof(*c));

    *refused = NULL;
    if (c == NULL) {
        warn("accept");
        return NULL;
    }
    c->id = id;
    c->server = s;
    c->born = c->last_input = monoclock_ms();
    child_init(&c->child);
    if (wire_open(&c->wire, fd) == -1 || session_start(c, refused) == -1) {
        c->wire.fd = -1; /* the caller closes it */
        conn_free(c);
        return NULL;
    }
    return c;
}

/* Bytes from the client: through libtelnet to the console or child. */
void conn_read(struct conn *c)
{
    char buf[READ_SIZE];
    ssize_t n = wire_read(&c->wire, buf, sizeof(buf));

    if (n == -1) {
        session_close_soon(c);
    } else if (n > 0 && c->phase != PHASE_CLOSING) {
        c->last_input = monoclock_ms();
        negotiate_input(&c->neg, buf, n);
    }
}

/* The child's output to the client; its end ends the session. */
void conn_child_output(struct conn *c)
{
    char out[CHILD_OUT_MAX];
    size_t n = child_read(&c->child, out);

    negotiate_send(&c->neg, out, n);
    if (c->child.fd == -1) {
        session_close_soon(c);
    }
}

/* Hand queued bytes to the kernel; close a finished session. */
void conn_flush(struct conn *c)
{
    wire_flush(&c->wire);
    if (c->wire.broken) {
        session_close_soon(c);
    }
    if (c->phase == PHASE_CLOSING &&
        (wire_waiting(&c->wire) == 0 || c->wire.broken)) {
        wire_close(&c->wire);
    }
}

/* Negotiation and answer deadlines, timers, the idle time-out. */
long long conn_tick(struct conn *c, long long now)
{
    long long timer = console_deadline(c->console);
    long idle = c->server->idle_ms;
    long grace = c->server->grace_ms;

    negotiate_tick(&c->neg, now);
    if (c->phase == PHASE_ANSWER_HELD && now >= c->answer_at) {
        session_answer(c);
    }
    if (grace > 0 && logging_in(c) && now - c->born >= grace) {
        session_too_late(c);
    }
    if (timer != -1 && timer <= now && c->phase == PHASE_AT_CONSOLE) {
        console_tick(c->console);
        timer = console_deadline(c->console);
    }
    /* Only a session waiting for its user idles; a past deadline spins. */
    int idling = idle > 0 && c->phase != PHASE_RUNNING_CHILD &&
                 c->phase != PHASE_CLOSING;
    if (idling && now - c->last_input >= idle) {
        session_say(c, "\r\nIdle time-out, goodbye.\r\n");
        session_close_soon(c);
        idling = 0;
    }
    return next_deadline(c, timer, idling);
}

/* The earliest of C's deadlines still ahead, or -1. */
static long long next_deadline(const struct conn *c, long long timer,
                               int idling)
{
    long long due[5] = {-1, -1, -1, -1, -1};
    long long next = -1;

    due[0] = c->neg.deadline != 0 ? c->neg.deadline : -1;
    if (c->phase == PHASE_ANSWER_HELD) {
        due[1] = c->answer_at;
    }
    /* A timer set before exec never fires: its past time would spin too. */
    if (c->phase == PHASE_AT_CONSOLE) {
        due[2] = timer;
    }
    if (idling) {
        due[3] = c->last_input + c->server->idle_ms;
    }
    if (c->server->grace_ms > 0 && logging_in(c)) {
        due[4] = c->born + c->server->grace_ms;
    }
    for (int i = 0; i < 5; i++) {
        if (due[i] != -1 && (next == -1 || due[i] < next)) {
            next = due[i];
        }
    }
    return next;
}

/* Not logged in yet, and not on the way out. */
static int logging_in(const struct conn *c)
{
    return c->phase == PHASE_NEGOTIATING || c->phase == PHASE_LOGGING_IN ||
           c->phase == PHASE_CHECKING || c->phase == PHASE_ANSWER_HELD;
}

/* Input waits in the kernel while an answer is held, or at the end. */
int conn_wants_input(const struct conn *c)
{
    return c->phase != PHASE_CHECKING && c->phase != PHASE_ANSWER_HELD &&
           c->phase != PHASE_CLOSING;
}

/* Passcheck answered: session.c decides when the client hears it. */
void conn_password_checked(struct conn *c, int ok)
{
    session_checked(c, ok);
}

/* A session waiting for passcheck stays, so that a failure still counts. */
int conn_finished(const struct conn *c)
{
    return c->wire.fd == -1 && !c->check_pending;
}

/* A reaped child is no longer signalled. */
void conn_child_exited(struct conn *c, pid_t pid)
{
    child_exited(&c->child, pid);
}

/* The server stops: a last line, then close. */
void conn_shut_down(struct conn *c, const char *text)
{
    session_say(c, text);
    session_close_soon(c);
    conn_flush(c);
}

/* Everything the session owns, in the reverse order of making. */
void conn_free(struct conn *c)
{
    session_end(c);
    child_stop(&c->child);
    negotiate_free(&c->neg);
    console_free(c->console);
    wire_drop(&c->wire);
    free(c);
}
