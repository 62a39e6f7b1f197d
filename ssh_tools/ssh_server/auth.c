/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * auth: who may log in (RFC 4252).  The client names a user and tries
 * methods one by one: "none" first, then public keys, then a password.
 * Each attempt gets our answer: success, or failure with the list of
 * methods still worth trying.  These are telnetsrv's three callbacks and
 * Paramiko's check_auth_* methods.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "auth.h"
#include "hostkey.h"

#define BLANKS " \t\r\n"

static int parse_key_line(struct auth_rules *rules, char *line,
                          const char *path, long number);
static int key_is_authorized(const struct auth_rules *rules, ssh_key key);
static void logged_in(struct login *login, const struct peer *peer,
                      const char *user, const char *how);

int auth_load_keys(struct auth_rules *rules, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        warn("authorized keys %s", path);
        return -1;
    }
    char *line = NULL;
    size_t size = 0;
    long number = 0;
    int status = 0;
    rules->keys_path = path;
    while (status == 0 && getline(&line, &size, f) != -1) {
        status = parse_key_line(rules, line, path, ++number);
    }
    if (status == 0 && ferror(f)) {
        warn("read %s", path);
        status = -1;
    }
    free(line);
    fclose(f);
    if (status == 0 && rules->key_count == 0) {
        warnx("%s holds no keys", path);
        status = -1;
    }
    return status;
}

/* One authorized_keys line: "TYPE BASE64 [COMMENT]"; blanks and # skipped. */
static int parse_key_line(struct auth_rules *rules, char *line,
                          const char *path, long number)
{
    char *type = line + strspn(line, BLANKS);
    if (*type == '\0' || *type == '#') {
        return 0;
    }
    char *b64 = type + strcspn(type, BLANKS);
    if (*b64 != '\0') {
        *b64++ = '\0';
    }
    b64 += strspn(b64, BLANKS);
    b64[strcspn(b64, BLANKS)] = '\0';
    enum ssh_keytypes_e kind = ssh_key_type_from_name(type);
    if (kind == SSH_KEYTYPE_UNKNOWN) {
        /* OpenSSH allows options (from=, command=) before the type. */
        warnx("%s line %ld: key options are not supported; line skipped", path,
              number);
        return 0;
    }
    ssh_key key = NULL;
    if (ssh_pki_import_pubkey_base64(b64, kind, &key) != SSH_OK) {
        warnx("%s line %ld: not a valid %s key", path, number, type);
        return -1;
    }
    ssh_key *grown =
        realloc(rules->keys, (rules->key_count + 1) * sizeof(ssh_key));
    if (grown == NULL) {
        warn("realloc");
        ssh_key_free(key);
        return -1;
    }
    rules->keys = grown;
    rules->keys[rules->key_count++] = key;
    return 0;
}

void auth_free_keys(struct auth_rules *rules)
{
    for (size_t i = 0; i < rules->key_count; i++) {
        ssh_key_free(rules->keys[i]);
    }
    free(rules->keys);
    rules->keys = NULL;
    rules->key_count = 0;
}

int auth_methods(const struct auth_rules *rules)
{
    int methods = 0;
    if (rules->keys_path != NULL) {
        methods |= SSH_AUTH_METHOD_PUBLICKEY;
    }
    if (rules->users != NULL) {
        methods |= SSH_AUTH_METHOD_PASSWORD;
    }
    return methods;
}

/* "none": telnetsrv's authCallbackUsername, the --allow-user teaching aid. */
int auth_none(const struct auth_rules *rules, struct login *login,
              const struct peer *peer, const char *user)
{
    for (size_t i = 0; i < rules->allowed_count; i++) {
        if (strcmp(user, rules->allowed_users[i]) == 0) {
            logged_in(login, peer, user, "--allow-user, no check");
            return SSH_AUTH_SUCCESS;
        }
    }
    return SSH_AUTH_DENIED;
}

/*
 * "publickey" comes twice: first a probe, "would you take this key?"
 * (signature state NONE), answered without proof; then the same key with a
 * signature libssh has already verified (VALID).  Only that logs us in.
 */
int auth_pubkey(const struct auth_rules *rules, struct login *login,
                const struct peer *peer, const char *user, ssh_key key,
                char signature_state)
{
    if (rules->keys_path == NULL) {
        return SSH_AUTH_DENIED;
    }
    if (!key_is_authorized(rules, key)) {
        char *fp = key_fingerprint(key);
        peer_log(peer, "key %s for %s is not in %s", fp != NULL ? fp : "?",
                 user, rules->keys_path);
        free(fp);
        return SSH_AUTH_DENIED;
    }
    if (signature_state == SSH_PUBLICKEY_STATE_NONE) {
        return SSH_AUTH_SUCCESS;
    }
    if (signature_state != SSH_PUBLICKEY_STATE_VALID) {
        peer_log(peer, "bad signature with a key for %s", user);
        return SSH_AUTH_DENIED;
    }
    logged_in(login, peer, user, "publickey");
    return SSH_AUTH_SUCCESS;
}

/*
 * "password": checked against the users file, like telnet_server's login,
 * but on passcheck's thread (authq.c); this is its verdict, OK 1 for a
 * right one.  The failures are counted for the connection to act on; the
 * password itself is never logged.
 */
int auth_password_checked(struct login *login, const struct peer *peer,
                          const char *user, int ok)
{
    if (ok == 1) {
        logged_in(login, peer, user, "password");
        return SSH_AUTH_SUCCESS;
    }
    login->password_failures++;
    peer_log(peer, "wrong password for %s (%d of %d)", user,
             login->password_failures, MAX_PASSWORD_FAILURES);
    return SSH_AUTH_DENIED;
}

static int key_is_authorized(const struct auth_rules *rules, ssh_key key)
{
    for (size_t i = 0; i < rules->key_count; i++) {
        if (ssh_key_cmp(rules->keys[i], key, SSH_KEY_CMP_PUBLIC) == 0) {
            return 1;
        }
    }
    return 0;
}

static void logged_in(struct login *login, const struct peer *peer,
                      const char *user, const char *how)
{
    snprintf(login->user, sizeof(login->user), "%s", user);
    login->authenticated = 1;
    peer_log(peer, "%s logged in (%s)", login->user, how);
}
