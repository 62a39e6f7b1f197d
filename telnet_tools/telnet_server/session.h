/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, what happens in a session (session.c): conn.c hands it
 * the events, and it moves the session from phase to phase.
 */
#ifndef SHELLWIRE_TELNET_SERVER_SESSION_H
#define SHELLWIRE_TELNET_SERVER_SESSION_H

#include "telnet_tools/telnet_server/conn.h"

/* Make C's console and start its negotiation; 0 or -1 (said why). */
int session_start(struct conn *c);

/* The held answer to a password is due (PHASE_ANSWER_HELD). */
void session_answer(struct conn *c);

/* End the session: what is queued goes out, then the socket closes. */
void session_close_soon(struct conn *c);

/* A line of ours (not the console's) to the client. */
void session_say(struct conn *c, const char *text);

#endif
