/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * trace: ssh_server --trace and --diagram.  Every SSH message of a
 * connection, after decryption, in both directions and in order, one line
 * each (trace.c), decoded by its RFC 4253/4252/4254 name with the fields
 * that matter (tracemsg.c).  Off, none of this runs: loop.c's hooks get a
 * NULL and return at once.
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

/* tracemsg.c: what one connection's decoder remembers between messages. */
struct tracemsg_state {
    char kex[64];         /* the key exchange method, once both KEXINITs */
    char client_kex[512]; /* the client's KEXINIT kex list, until then */
    char server_kex[512];
    char method[32]; /* the last USERAUTH_REQUEST's method */
};

#define TRACEMSG_LINE_MAX 400

/* tracemsg.c: one SSH message PAYLOAD (LEN bytes, from its type byte on),
 * sent by the client if FROM_CLIENT, as one line into LINE. */
void tracemsg_describe(struct tracemsg_state *state, int from_client,
                       const unsigned char *payload, size_t len,
                       char line[TRACEMSG_LINE_MAX]);

#endif
