/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * auth: who may log in (RFC 4252).  The client names a user and tries
 * methods one by one: "none" first, then public keys, then a password.
 * libssh calls one callback per attempt and sends our answer: success, or
 * failure with the list of methods still worth trying.  These are
 * telnetsrv's three callbacks and Paramiko's check_auth_* methods.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "common/users.h"
#include "server.h"

#define BLANKS " \t\r\n"

static int parse_key_line(struct server *server, char *line, const char *path,
                          long number);
static int auth_none(ssh_session session, const char *user, void *userdata);
static int auth_pubkey(ssh_session session, const char *user,
                       struct ssh_key_struct *pubkey, char signature_state,
                       void *userdata);
static int auth_password(ssh_session session, const char *user,
                         const char *password, void *userdata);
static int key_is_authorized(const struct server *server, ssh_key key);
static void logged_in(struct client *client, const char *user, const char *how);

int auth_load_keys(struct server *server, const char *path)
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
    while (status == 0 && getline(&line, &size, f) != -1) {
        status = parse_key_line(server, line, path, ++number);
    }
    if (status == 0 && ferror(f)) {
        warn("read %s", path);
        status = -1;
    }
    free(line);
    fclose(f);
    if (status == 0 && server->key_count == 0) {
        warnx("%s holds no keys", path);
        status = -1;
    }
    return status;
}

/* One authorized_keys line: "TYPE BASE64 [COMMENT]"; blanks and # skipped. */
static int parse_key_line(struct server *server, char *line, const char *path,
                          long number)
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
        realloc(server->keys, (server->key_count + 1) * sizeof(ssh_key));
    if (grown == NULL) {
        warn("realloc");
        ssh_key_free(key);
        return -1;
    }
    server->keys = grown;
    server->keys[server->key_count++] = key;
    return 0;
}

void auth_free_keys(struct server *server)
{
    for (size_t i = 0; i < server->key_count; i++) {
        ssh_key_free(server->keys[i]);
    }
    free(server->keys);
    server->keys = NULL;
    server->key_count = 0;
}

void auth_set_callbacks(struct client *client)
{
    const struct config *cfg = &client->server->cfg;
    int methods = 0;
    client->server_cb.userdata = client;
    client->server_cb.channel_open_request_session_function = channel_open;
    if (cfg->allowed_count > 0) {
        client->server_cb.auth_none_function = auth_none;
    }
    if (cfg->keys_path != NULL) {
        client->server_cb.auth_pubkey_function = auth_pubkey;
        methods |= SSH_AUTH_METHOD_PUBLICKEY;
    }
    if (cfg->users_path != NULL) {
        client->server_cb.auth_password_function = auth_password;
        methods |= SSH_AUTH_METHOD_PASSWORD;
    }
    ssh_callbacks_init(&client->server_cb);
    ssh_set_server_callbacks(client->session, &client->server_cb);
    /* The methods named in every failure reply. */
    ssh_set_auth_methods(client->session, methods);
}

/* "none": telnetsrv's authCallbackUsername, the --allow-user teaching aid. */
static int auth_none(ssh_session session, const char *user, void *userdata)
{
    struct client *client = userdata;
    const struct config *cfg = &client->server->cfg;
    (void)session;
    client_touch(client);
    for (size_t i = 0; i < cfg->allowed_count; i++) {
        if (strcmp(user, cfg->allowed_users[i]) == 0) {
            logged_in(client, user, "--allow-user, no check");
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
static int auth_pubkey(ssh_session session, const char *user,
                       struct ssh_key_struct *pubkey, char signature_state,
                       void *userdata)
{
    struct client *client = userdata;
    (void)session;
    client_touch(client);
    int known = key_is_authorized(client->server, pubkey);
    if (!known) {
        char *fp = key_fingerprint(pubkey);
        client_log(client, "key %s for %s is not in %s", fp != NULL ? fp : "?",
                   user, client->server->cfg.keys_path);
        free(fp);
        return SSH_AUTH_DENIED;
    }
    if (signature_state == SSH_PUBLICKEY_STATE_NONE) {
        return SSH_AUTH_SUCCESS;
    }
    if (signature_state != SSH_PUBLICKEY_STATE_VALID) {
        client_log(client, "bad signature with a key for %s", user);
        return SSH_AUTH_DENIED;
    }
    logged_in(client, user, "publickey");
    return SSH_AUTH_SUCCESS;
}

/*
 * "password": checked against the users file, like telnet_server's login.
 * A wrong one pauses this client (loop.c stops reading it for a while);
 * the third drops it.  The password itself is never logged.
 */
static int auth_password(ssh_session session, const char *user,
                         const char *password, void *userdata)
{
    struct client *client = userdata;
    (void)session;
    client_touch(client);
    if (users_verify(client->server->users, user, password) == 1) {
        logged_in(client, user, "password");
        return SSH_AUTH_SUCCESS;
    }
    client->password_failures++;
    client_log(client, "wrong password for %s (%d of %d)", user,
               client->password_failures, MAX_PASSWORD_FAILURES);
    if (client->password_failures >= MAX_PASSWORD_FAILURES) {
        client->drop = "three wrong passwords";
    } else {
        client->pause = 1;
    }
    return SSH_AUTH_DENIED;
}

static int key_is_authorized(const struct server *server, ssh_key key)
{
    for (size_t i = 0; i < server->key_count; i++) {
        if (ssh_key_cmp(server->keys[i], key, SSH_KEY_CMP_PUBLIC) == 0) {
            return 1;
        }
    }
    return 0;
}

static void logged_in(struct client *client, const char *user, const char *how)
{
    snprintf(client->user, sizeof(client->user), "%s", user);
    client->authenticated = 1;
    client_log(client, "%s logged in (%s)", client->user, how);
}
