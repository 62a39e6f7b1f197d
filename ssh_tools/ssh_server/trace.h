/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * trace: ssh_server --trace and --diagram.  Every SSH message of a
 * connection, after decryption, in both directions and in order, one line
 * each.  trace.c gets the messages from libssh, tracemsg.c (with
 * tracechan.c and tracewire.c) names each and its fields, traceout.c
 * prints the lines and draws the diagram.  Off, none of this runs:
 * client.c's hooks get a NULL and return at once.
 */
#ifndef SHELLWIRE_SSH_SERVER_TRACE_H
#define SHELLWIRE_SSH_SERVER_TRACE_H

#include <stddef.h>

#include <libssh/libssh.h>

/* Where every connection's trace goes, opened once at start-up. */
struct trace_log;
/* One connection's trace. */
struct trace;

/* trace.c: TRACE_PATH ("-": stdout) and/or DIAGRAM_PATH (FILE.svg or
 * FILE.mmd, one per connection: FILE-1.svg ...); both NULL: NULL, no
 * trace.  On failure one line, and *FAILED is set. */
struct trace_log *trace_log_open(const char *trace_path,
                                 const char *diagram_path, int *failed);
void trace_log_close(struct trace_log *log);

/* trace.c: start tracing SESSION, just accepted on FD from PEER, before
 * its key exchange; NULL when LOG is NULL or on failure (one line). */
struct trace *trace_start(struct trace_log *log, ssh_session session, int fd,
                          const char *peer);
/* trace.c: after each poll, print what the connection said since. */
void trace_poll(struct trace *t);
/* trace.c: the connection is gone (after ssh_free): the last messages,
 * its diagram, and free T. */
void trace_end(struct trace *t);

/* traceout.c: one connection's lines ("[N] C->S ...") and diagram. */
struct traceout;
struct traceout *traceout_new(struct trace_log *log, const char *peer);
void traceout_message(struct traceout *o, int from_client, const char *text);
/* A line about the connection, not a message: "[N] --- TEXT ---". */
void traceout_note(struct traceout *o, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* The clear/encrypted boundary: a note, marked in the diagram too. */
void traceout_boundary(struct traceout *o, const char *text);
/* The last line, the diagram written (FILE-N.svg), O freed. */
void traceout_end(struct traceout *o);

#endif
