/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_login: what logging in (RFC 4252) has done so far, shared by the
 * ways of logging in: keys (ssh2_auth.c) and passwords (ssh2_password.c).
 */
#ifndef SHELLWIRE_SSH_SSH2_LOGIN_H
#define SHELLWIRE_SSH_SSH2_LOGIN_H

#include <libssh2.h>

#include "ssh_tools/ssh2_base.h"

#define SSH2_TRIED_SIZE 1024

/* How one way of logging in went. */
enum ssh2_attempt {
    SSH2_AUTH_OK,
    SSH2_AUTH_NEXT,
    SSH2_AUTH_BROKEN
};

/* What authentication has done so far. */
struct ssh2_login {
    const struct ssh2_options *opts;
    struct ssh2_session *ssh;
    LIBSSH2_SESSION *session;
    char tried[SSH2_TRIED_SIZE]; /* "ssh-agent (1 key), ..." */
    char *password;              /* --password-stdin's line, read once */
    int gave_up;                 /* no answer to a prompt */
    int rsa_refused;
};

/* Add one "what (how it went)" to the list of what was tried. */
void ssh2_login_note(struct ssh2_login *a, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* A refusal means try the next way (NEXT); a dead connection, stop. */
int ssh2_login_failed(struct ssh2_login *a);

#endif
