/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, what happens in a session (session.c): conn.c hands it
 * the events, and it moves the session from phase to phase.
 */
#ifndef SHELLWIRE_TELNET_SERVER_SESSION_H
#define SHELLWIRE_TELNET_SERVER_SESSION_H

#include "telnet_tools/telnet_server/conn.h"

/*
 * Admit C through the gate, make its console and start its negotiation;
 * 0, or -1 (said why; *REFUSED set if the gate said no).
 */
int session_start(struct conn *c, const char **refused);

/* Passcheck's answer came: when may it be given? */
void session_checked(struct conn *c, int ok);

/* The held answer to a password is due (PHASE_ANSWER_HELD). */
void session_answer(struct conn *c);

/* The login grace time is over (not logged in yet). */
void session_too_late(struct conn *c);

/* The session goes: it no longer counts at the gate. */
void session_end(struct conn *c);

/* End the session: what is queued goes out, then the socket closes. */
void session_close_soon(struct conn *c);

/* A line of ours (not the console's) to the client. */
void session_say(struct conn *c, const char *text);

#endif
