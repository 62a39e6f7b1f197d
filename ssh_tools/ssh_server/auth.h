/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * auth: who may log in (RFC 4252).  The rules (allowed names, authorized
 * keys, the users file) are loaded once; each connection keeps its own
 * struct login, which these calls fill in.  Each answers one attempt with
 * SSH_AUTH_SUCCESS or SSH_AUTH_DENIED; authq.c sends the answer.
 */
#ifndef SHELLWIRE_SSH_SERVER_AUTH_H
#define SHELLWIRE_SSH_SERVER_AUTH_H

#include <stddef.h>

#include <libssh/libssh.h>

#include "peer.h"

/* Password failures before the connection is dropped (three strikes). */
#define MAX_PASSWORD_FAILURES 3

struct users;

/* Who may log in, for every connection. */
struct auth_rules {
    char **allowed_users; /* --allow-user NAME: no check at all */
    size_t allowed_count;
    const char *keys_path; /* --authorized-keys, for the log */
    ssh_key *keys;
    size_t key_count;
    struct users *users; /* --users */
};

/* One connection's login. */
struct login {
    char user[64];
    int authenticated;
    int password_failures;
};

/* Read an OpenSSH authorized_keys file into RULES; 0 or -1. */
int auth_load_keys(struct auth_rules *rules, const char *path);
void auth_free_keys(struct auth_rules *rules);
/* The methods to offer in every failure reply (SSH_AUTH_METHOD_*). */
int auth_methods(const struct auth_rules *rules);

int auth_none(const struct auth_rules *rules, struct login *login,
              const struct peer *peer, const char *user);
int auth_pubkey(const struct auth_rules *rules, struct login *login,
                const struct peer *peer, const char *user, ssh_key key,
                char signature_state);
/* The verdict on USER's password, checked elsewhere: OK 1 if right. */
int auth_password_checked(struct login *login, const struct peer *peer,
                          const char *user, int ok);

#endif
