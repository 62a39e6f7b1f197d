/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_auth: logging in (RFC 4252), in OpenSSH's order: ssh-agent, the
 * key files, keyboard-interactive (RFC 4256), password.  On failure it says
 * what was tried and what the server offered, and why an RSA key fails
 * with libssh2 1.10.
 *
 * Read ssh2_authenticate() first; the password ways are in ssh2_password.c.
 * Lesson: lessons/10-ssh-host-keys.md.
 */
#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>

#include "common/cli.h"
#include "common/prompt.h"
#include "ssh_tools/ssh2_auth.h"
#include "ssh_tools/ssh2_login.h"
#include "ssh_tools/ssh2_password.h"

#define KEY_HEAD_SIZE 8192
#define PROMPT_SIZE   512
/* base64 of "openssh-key-v1\0", then the cipher name "none" as an SSH
 * string (length 4): an OpenSSH private key file without a passphrase. */
#define OPENSSH_KEY_PLAIN "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUA"

static int offers(const char *list, const char *method);
static int try_agent(struct ssh2_login *a);
static int blob_is_rsa(const unsigned char *blob, size_t len);
static int try_key_files(struct ssh2_login *a);
static int try_key_file(struct ssh2_login *a, const char *path);
static int key_file_encrypted(const char *path);
static int key_file_is_rsa(const char *path, const char *pub);
static void report_auth_failure(const struct ssh2_login *a,
                                const char *offered);

/* -- Authentication (RFC 4252), in OpenSSH's order -- */

/*
 * Ask which methods the server takes, then try them in OpenSSH's order
 * until one lets us in: step 4 of ssh2_open().
 */
int ssh2_authenticate(const struct ssh2_options *opts, struct ssh2_session *ssh)
{
    static int (*const methods[])(struct ssh2_login *) = {
        try_agent, try_key_files, ssh2_try_keyboard, ssh2_try_password};
    static const char *const method_names[] = {
        "publickey", "publickey", "keyboard-interactive", "password"};
    struct ssh2_login a = {.opts = opts, .ssh = ssh, .session = ssh->session};
    int result = SSH2_AUTH_NEXT;
    /* RFC 4252 5.2: a "none" request is answered with the methods left. */
    const char *list =
        libssh2_userauth_list(ssh->session, opts->user, strlen(opts->user));
    char *offered = list != NULL ? strdup(list) : NULL;
    if (offered == NULL) {
        if (!libssh2_userauth_authenticated(ssh->session)) {
            return ssh2_step_fail(ssh, "asking how to log in");
        }
        result = SSH2_AUTH_OK; /* the server let us in with "none" */
    }
    ssh->asking = &a; /* for libssh2's keyboard-interactive callback */
    for (size_t i = 0; result == SSH2_AUTH_NEXT && i < 4; i++) {
        if (offers(offered, method_names[i])) {
            result = methods[i](&a);
        }
    }
    ssh->asking = NULL;
    prompt_forget(a.password);
    int status = CLI_EXIT_OK;
    if (result == SSH2_AUTH_BROKEN) {
        status = ssh2_step_fail(ssh, "authentication");
    } else if (result == SSH2_AUTH_NEXT) {
        report_auth_failure(&a, offered);
        status = CLI_EXIT_AUTH;
    }
    free(offered);
    return status;
}

/* Is METHOD in the server's comma-separated LIST? */
static int offers(const char *list, const char *method)
{
    size_t len = strlen(method);
    for (const char *p = list; p != NULL && *p != '\0';) {
        const char *comma = strchr(p, ',');
        size_t word = comma != NULL ? (size_t)(comma - p) : strlen(p);
        if (word == len && strncmp(p, method, len) == 0) {
            return 1;
        }
        p = comma != NULL ? comma + 1 : NULL;
    }
    return 0;
}

/* Every key the ssh-agent holds, if there is one ($SSH_AUTH_SOCK). */
static int try_agent(struct ssh2_login *a)
{
    if (getenv("SSH_AUTH_SOCK") == NULL) {
        return SSH2_AUTH_NEXT;
    }
    LIBSSH2_AGENT *agent = libssh2_agent_init(a->session);
    struct libssh2_agent_publickey *id = NULL, *prev = NULL;
    int result = SSH2_AUTH_NEXT, keys = 0;
    if (agent == NULL || libssh2_agent_connect(agent) != 0 ||
        libssh2_agent_list_identities(agent) != 0) {
        ssh2_login_note(a, "ssh-agent (not reachable)");
        goto out;
    }
    while (result == SSH2_AUTH_NEXT &&
           libssh2_agent_get_identity(agent, &id, prev) == 0) {
        keys++;
        if (libssh2_agent_userauth(agent, a->opts->user, id) == 0) {
            result = SSH2_AUTH_OK;
        } else {
            a->rsa_refused |= blob_is_rsa(id->blob, id->blob_len);
            result = ssh2_login_failed(a);
        }
        prev = id;
    }
    ssh2_login_note(a, "ssh-agent (%d key%s)", keys, keys == 1 ? "" : "s");
out:
    if (agent != NULL) {
        libssh2_agent_disconnect(agent);
        libssh2_agent_free(agent);
    }
    return result;
}

/* A public key blob starts with its type as an SSH string (RFC 4253 6.6). */
static int blob_is_rsa(const unsigned char *blob, size_t len)
{
    static const unsigned char rsa[] = {0,   0,   0,   7,   's', 's',
                                        'h', '-', 'r', 's', 'a'};
    return len >= sizeof rsa && memcmp(blob, rsa, sizeof rsa) == 0;
}

/* -i FILE, or each of OpenSSH's default keys that exists. */
static int try_key_files(struct ssh2_login *a)
{
    static const char *const defaults[] = {"id_ed25519", "id_ecdsa", "id_rsa"};
    if (a->opts->identity != NULL) {
        return try_key_file(a, a->opts->identity);
    }
    const char *home = ssh2_home_dir();
    int result = SSH2_AUTH_NEXT;
    for (size_t i = 0; home != NULL && result == SSH2_AUTH_NEXT && i < 3; i++) {
        char path[PATH_MAX];
        int n = snprintf(path, sizeof path, "%s/.ssh/%s", home, defaults[i]);
        if (n > 0 && (size_t)n < sizeof path && access(path, F_OK) == 0) {
            result = try_key_file(a, path);
        }
    }
    return result;
}

/* One private key file, asking for its passphrase if it has one. */
static int try_key_file(struct ssh2_login *a, const char *path)
{
    char pub[PATH_MAX], prompt[PROMPT_SIZE];
    char *passphrase = NULL;
    int n = snprintf(pub, sizeof pub, "%s.pub", path);
    /* Without FILE.pub, libssh2 works the public key out itself. */
    int have_pub = n > 0 && (size_t)n < sizeof pub && access(pub, R_OK) == 0;
    int encrypted = key_file_encrypted(path);
    if (encrypted < 0) {
        ssh2_login_note(a, "%s (unreadable)", path);
        return SSH2_AUTH_NEXT;
    }
    if (encrypted) {
        snprintf(prompt, sizeof prompt,
                 "Enter passphrase for key '%s': ", path);
        passphrase = ssh2_ask_secret(a, prompt);
        if (passphrase == NULL) {
            ssh2_login_note(a, "%s (no passphrase given)", path);
            return SSH2_AUTH_NEXT;
        }
    }
    const char *user = a->opts->user;
    int rc = libssh2_userauth_publickey_fromfile_ex(
        a->session, user, (unsigned)strlen(user), have_pub ? pub : NULL, path,
        passphrase != NULL ? passphrase : "");
    prompt_forget(passphrase);
    if (rc == 0) {
        return SSH2_AUTH_OK;
    }
    /* libssh2 1.10 says FILE when it cannot read the key, and
     * PUBLICKEY_UNVERIFIED when, given FILE.pub, it cannot sign with it. */
    if (rc == LIBSSH2_ERROR_FILE ||
        (rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED && encrypted)) {
        ssh2_login_note(a, "%s (%s)", path,
                        encrypted ? "wrong passphrase"
                                  : "not a key libssh2 can read");
        return SSH2_AUTH_NEXT;
    }
    ssh2_login_note(a, "%s (refused)", path);
    a->rsa_refused |= key_file_is_rsa(path, have_pub ? pub : NULL);
    return ssh2_login_failed(a);
}

/* 1 if the key file needs a passphrase, 0 if not, -1 unreadable. */
static int key_file_encrypted(const char *path)
{
    char text[KEY_HEAD_SIZE];
    FILE *in = fopen(path, "r");
    if (in == NULL) {
        warn("%s", path);
        return -1;
    }
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[n] = '\0';
    return ssh2_key_text_encrypted(text);
}

/* From FILE.pub's first word, or an old PEM RSA header. */
static int key_file_is_rsa(const char *path, const char *pub)
{
    char text[KEY_HEAD_SIZE] = "";
    FILE *in = fopen(pub != NULL ? pub : path, "r");
    if (in == NULL) {
        return 0;
    }
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[n] = '\0';
    return strncmp(text, "ssh-rsa ", 8) == 0 ||
           strstr(text, "BEGIN RSA PRIVATE KEY") != NULL;
}

/* What we tried and what the server would have taken. */
static void report_auth_failure(const struct ssh2_login *a, const char *offered)
{
    warnx("authentication failed for %s@%s: tried %s; the server offers %s",
          a->opts->user, a->opts->host,
          a->tried[0] != '\0' ? a->tried : "nothing", offered);
    if (a->rsa_refused) {
        warnx("an RSA key was refused: libssh2 1.10 signs only with ssh-rsa "
              "(SHA-1), which OpenSSH 8.8 and later refuse; use an ed25519 "
              "or ECDSA key");
    }
}

/* PEM's and OpenSSH's ways of saying "encrypted". */
int ssh2_key_text_encrypted(const char *text)
{
    static const char openssh[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
    if (strstr(text, "Proc-Type: 4,ENCRYPTED") != NULL ||
        strstr(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL) {
        return 1;
    }
    const char *body = strstr(text, openssh);
    if (body == NULL) {
        return 0;
    }
    body += sizeof openssh - 1;
    body += strspn(body, "\r\n");
    return strncmp(body, OPENSSH_KEY_PLAIN, strlen(OPENSSH_KEY_PLAIN)) != 0;
}
