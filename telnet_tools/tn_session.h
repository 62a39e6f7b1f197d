/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tn_session: a Telnet client session over libtelnet, the part of Python's
 * telnetlib that the book's telnet_login.py and telnet_codes.py use: open,
 * read_until, expect, write, read_all, an option-negotiation callback and
 * a debug switch.  tn_session.c is the API; tn_wire.c and tn_show.c its
 * plumbing.
 *
 * Text is read and written as the Network Virtual Terminal of RFC 854 has
 * it: an end of line is CR LF on the wire and "\n" here; a bare CR is
 * CR NUL on the wire and "\r" here; a data byte 255 is doubled (IAC IAC).
 *
 * Every function that can fail says so in one line on stderr and returns
 * -1 with errno set to one of:
 *   ETIMEDOUT   the time-out passed first
 *   ECONNRESET  the server closed the connection first
 *   EMSGSIZE    more than TN_PENDING_MAX bytes came without a match
 *   EPROTO      the server broke the protocol: more than TN_NEGOTIATION_MAX
 *               negotiations, or compression (MCCP) nobody agreed to
 *   ENOBUFS     the server stopped reading (TN_OUTPUT_MAX bytes queued)
 * or a system error.  tn_exit_for() turns these into cli exit statuses.
 */
#ifndef SHELLWIRE_TELNET_TN_SESSION_H
#define SHELLWIRE_TELNET_TN_SESSION_H

#include <sys/types.h>

#include <stddef.h>
#include <stdio.h>

#include "common/cli.h"

/* Text kept while waiting for a pattern: a hostile server cannot grow it. */
#define TN_PENDING_MAX 65536
/* Bytes queued for a server that does not read them. */
#define TN_OUTPUT_MAX 65536
/* Negotiations and subnegotiations accepted from one server. */
#define TN_NEGOTIATION_MAX 1000
/* The longest subnegotiation passed to the option handler. */
#define TN_SB_MAX 512

/* The command given to an option handler for a subnegotiation. */
#define TN_SB 250

struct tn_session;

/*
 * An option handler sees every negotiation the server sends.  COMMAND is
 * DO, DONT, WILL or WONT (libtelnet's TELNET_DO ...), or TN_SB for a
 * subnegotiation, whose bytes between IAC SB OPTION and IAC SE are in
 * DATA[0..LEN).  It answers with tn_negotiate() and tn_subnegotiate().
 */
typedef void tn_option_handler(struct tn_session *session,
                               unsigned char command, unsigned char option,
                               const unsigned char *data, size_t len,
                               void *arg);

/*
 * Connect to HOST port PORT, TIMEOUT_MS for the connection and for each
 * write (<= 0: no limit).  NULL on failure, errno as for net_connect().
 */
struct tn_session *tn_open(const char *host, const char *port, int timeout_ms);

/* A session on a connected socket FD, which it then owns (tests, fuzzing). */
struct tn_session *tn_attach(int fd, int timeout_ms);

/* Close the connection and free everything; NULL is fine. */
void tn_close(struct tn_session *session);

/*
 * Install HANDLER (telnetlib's set_option_negotiation_callback).  Without
 * one, the session refuses every option: DO gets WONT, WILL gets DONT.
 */
void tn_set_option_handler(struct tn_session *session,
                           tn_option_handler *handler, void *arg);

/* Print every event received and sent on OUT, or stop with NULL. */
void tn_set_debug(struct tn_session *session, FILE *out);

/*
 * Wait up to TIMEOUT_MS (< 0: forever) until one of the COUNT strings in
 * PATTERNS appears in the text.  Returns the index of the one that appears
 * first; the text up to and including it is consumed, and if TEXT is not
 * NULL it gets a malloc'd, NUL-terminated copy of that text (the caller
 * frees it).  On failure the text read so far stays for the next call.
 */
int tn_expect(struct tn_session *session, const char *const *patterns,
              size_t count, int timeout_ms, char **text);

/* tn_expect() with one pattern: 0 or -1. */
int tn_read_until(struct tn_session *session, const char *pattern,
                  int timeout_ms);

/*
 * Up to SIZE bytes of text, waiting up to TIMEOUT_MS for at least one.
 * Returns how many, 0 once the server has closed the connection, or -1.
 */
ssize_t tn_read_some(struct tn_session *session, char *buf, size_t size,
                     int timeout_ms);

/*
 * Copy all text to OUT until the server closes the connection; fails with
 * ETIMEDOUT if it stays silent for IDLE_MS (< 0: wait forever).
 */
int tn_read_all(struct tn_session *session, FILE *out, int idle_ms);

/*
 * Copy text to OUT until the server is quiet for QUIET_MS, MAX bytes have
 * come, or it closes the connection: 0.  TIMEOUT_MS (< 0: none) bounds the
 * whole, so a server that never falls quiet fails with ETIMEDOUT; QUIET_MS
 * is at most half of it, so that a quiet server can end in time.
 */
int tn_read_screen(struct tn_session *session, FILE *out, size_t max,
                   int quiet_ms, int timeout_ms);

/* Send LEN bytes of text as NVT ("\n" as CR LF, IAC doubled); 0 or -1. */
int tn_write(struct tn_session *session, const char *text, size_t len);

/* Send LINE and an end of line (CR LF) in one write; 0 or -1. */
int tn_write_line(struct tn_session *session, const char *line);

/*
 * Queue IAC COMMAND OPTION (WILL, WONT, DO or DONT); it leaves with the
 * answers to what the server sent, or with the next write.  0 or -1.
 */
int tn_negotiate(struct tn_session *session, unsigned char command,
                 unsigned char option);

/* Queue IAC SB OPTION DATA IAC SE, DATA's IAC bytes doubled; 0 or -1. */
int tn_subnegotiate(struct tn_session *session, unsigned char option,
                    const void *data, size_t len);

/* The exit status for a failed tn_ call, from its errno. */
enum cli_exit tn_exit_for(int saved_errno);

#endif
