/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_base: what every part of the SSH clients' session library shares,
 * at the bottom so that every arrow points down to it: the options, the
 * session, the one login deadline, one way to fail, and the helpers
 * (home directory, known_hosts path, waiting on the socket).
 *
 * The parts above it: ssh2_options.c (the command line), ssh2_hostkey.c
 * (known_hosts), ssh2_auth.c (logging in) and ssh2_session.c, which runs
 * them in order.  Lessons 05, 06, 07 and 10 walk through them.
 */
#ifndef SHELLWIRE_SSH_SSH2_BASE_H
#define SHELLWIRE_SSH_SSH2_BASE_H

#include <stddef.h>

#include <libssh2.h>

#include "common/bytebuf.h"

#define SSH2_DEFAULT_PORT       "22"
#define SSH2_DEFAULT_TIMEOUT_MS 15000
/* "SHA256:" and 43 base64 digits, as OpenSSH prints it, and its NUL. */
#define SSH2_FINGERPRINT_SIZE 51
/* The longest "[host]:port" a known_hosts line names for us. */
#define SSH2_HOST_NAME_SIZE 270

/* The options every SSH client program shares (the common command line). */
struct ssh2_options {
    const char *host;
    const char *user;
    const char *port; /* as text, for net_connect */
    int port_number;
    const char *identity;    /* -i FILE, or NULL: ~/.ssh/id_ed25519, ... */
    const char *known_hosts; /* NULL: ~/.ssh/known_hosts */
    const char *fingerprint; /* "SHA256:..." pin, or NULL */
    int accept_new;          /* record an unknown host key, no question */
    int password_stdin;      /* the password is one line on stdin */
    int timeout_ms;          /* connect, handshake and authentication */
};

/* An open session: the socket and libssh2's session on it. */
struct ssh2_session {
    int fd;
    LIBSSH2_SESSION *session;
    char *known_hosts; /* the file that was checked (owned) */
    /* The login's one deadline (monoclock_ms(), 0: none), which no
     * traffic moves: libssh2 1.10 counts only its quiet waits. */
    long long deadline_ms;
    int timeout_s;          /* the --timeout it came from, for messages */
    int timed_out;          /* the deadline passed */
    struct bytebuf opening; /* the server's first bytes, in the clear */
    void *asking;           /* ssh2_auth's state, for libssh2's callback */
};

/*
 * A libssh2 session for SSH that reads through the deadline: every read
 * before SSH->deadline_ms passes checks it (and keeps the first bytes in
 * SSH->opening); after it, reads fail as a time-out.  0, or -1 and one
 * line on stderr.
 */
int ssh2_session_new(struct ssh2_session *ssh);

/* Start the deadline TIMEOUT_MS from now, or stop it (0). */
void ssh2_deadline(struct ssh2_session *ssh, int timeout_ms);

/*
 * One line on stderr with libssh2's last error after WHAT failed, and the
 * enum cli_exit it means (CLOSED, TIMEOUT or FAILURE).
 */
int ssh2_fail(LIBSSH2_SESSION *session, const char *what);

/* ssh2_fail(), or "WHAT: timed out after N s" (TIMEOUT) past the deadline. */
int ssh2_step_fail(struct ssh2_session *ssh, const char *what);

/* $HOME, or the password database's idea of it, or NULL. */
const char *ssh2_home_dir(void);

/* GIVEN, or ~/.ssh/known_hosts: a string to free, or NULL + one line. */
char *ssh2_known_hosts_path(const char *given);

/*
 * Sleep until the socket can go the way libssh2 was blocked on, or
 * TIMEOUT_MS pass (-1: no limit).  1 ready, 0 timed out, -1 error (one
 * line).  For the programs that run libssh2 without blocking.
 */
int ssh2_wait_socket(const struct ssh2_session *ssh, int timeout_ms);

#endif
