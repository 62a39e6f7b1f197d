/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_session authentication (RFC 4252), in OpenSSH's order: ssh-agent, the key
 * files, keyboard-interactive (RFC 4256), password.  On failure it says
 * what was tried and what the server offered, and why an RSA key fails
 * with libssh2 1.10.
 *
 * Read ssh2_authenticate() first.  Lesson: lessons/10-ssh-host-keys.md.
 */
#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>

#include "common/cli.h"
#include "common/prompt.h"
#include "ssh_tools/ssh2_session.h"

#define TRIED_SIZE        1024
#define KEY_HEAD_SIZE     8192
#define PASSWORD_ATTEMPTS 3
#define PROMPT_SIZE       512
/* base64 of "openssh-key-v1\0", then the cipher name "none" as an SSH
 * string (length 4): an OpenSSH private key file without a passphrase. */
#define OPENSSH_KEY_PLAIN "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUA"

/* How one way of logging in went. */
enum attempt {
    AUTH_OK,
    AUTH_NEXT,
    AUTH_BROKEN
};

/* What authentication has done so far (libssh2's session "abstract"). */
struct auth {
    const struct ssh2_options *opts;
    LIBSSH2_SESSION *session;
    char tried[TRIED_SIZE]; /* "ssh-agent (1 key), ..." for the report */
    char *password;         /* --password-stdin's line, read once */
    int gave_up;            /* no answer to a prompt */
    int rsa_refused;
};

static int offers(const char *list, const char *method);
static int try_agent(struct auth *a);
static int blob_is_rsa(const unsigned char *blob, size_t len);
static int try_key_files(struct auth *a);
static int try_key_file(struct auth *a, const char *path);
static int key_file_encrypted(const char *path);
static int key_file_is_rsa(const char *path, const char *pub);
static int can_ask_password(const struct auth *a);
static int try_keyboard(struct auth *a);
static LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC(answer_prompts);
static char *ask_secret(struct auth *a, const char *prompt);
static int try_password(struct auth *a);
static void note(struct auth *a, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
static int attempt_failed(struct auth *a);
static void report_auth_failure(const struct auth *a, const char *offered);

/* -- Authentication (RFC 4252), in OpenSSH's order -- */

int ssh2_authenticate(const struct ssh2_options *opts, struct ssh2_session *ssh)
{
    static int (*const methods[])(struct auth *) = {try_agent, try_key_files,
                                                    try_keyboard, try_password};
    static const char *const method_names[] = {
        "publickey", "publickey", "keyboard-interactive", "password"};
    struct auth a = {.opts = opts, .session = ssh->session};
    int result = AUTH_NEXT;
    /* RFC 4252 5.2: a "none" request is answered with the methods left. */
    const char *list =
        libssh2_userauth_list(ssh->session, opts->user, strlen(opts->user));
    char *offered = list != NULL ? strdup(list) : NULL;
    if (offered == NULL) {
        if (libssh2_userauth_authenticated(ssh->session)) {
            result = AUTH_OK; /* the server let us in with "none" */
        } else {
            return ssh2_fail(ssh->session, "asking how to log in");
        }
    }
    *libssh2_session_abstract(ssh->session) = &a;
    for (size_t i = 0; result == AUTH_NEXT && i < 4; i++) {
        if (offers(offered, method_names[i])) {
            result = methods[i](&a);
        }
    }
    *libssh2_session_abstract(ssh->session) = NULL;
    prompt_forget(a.password);
    int status = CLI_EXIT_OK;
    if (result == AUTH_BROKEN) {
        status = ssh2_fail(ssh->session, "authentication");
    } else if (result == AUTH_NEXT) {
        report_auth_failure(&a, offered);
        status = CLI_EXIT_AUTH;
    } else {
        libssh2_session_set_timeout(ssh->session, 0);
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
static int try_agent(struct auth *a)
{
    if (getenv("SSH_AUTH_SOCK") == NULL) {
        return AUTH_NEXT;
    }
    LIBSSH2_AGENT *agent = libssh2_agent_init(a->session);
    struct libssh2_agent_publickey *id = NULL, *prev = NULL;
    int result = AUTH_NEXT, keys = 0;
    if (agent == NULL || libssh2_agent_connect(agent) != 0 ||
        libssh2_agent_list_identities(agent) != 0) {
        note(a, "ssh-agent (not reachable)");
        goto out;
    }
    while (result == AUTH_NEXT &&
           libssh2_agent_get_identity(agent, &id, prev) == 0) {
        keys++;
        if (libssh2_agent_userauth(agent, a->opts->user, id) == 0) {
            result = AUTH_OK;
        } else {
            a->rsa_refused |= blob_is_rsa(id->blob, id->blob_len);
            result = attempt_failed(a);
        }
        prev = id;
    }
    note(a, "ssh-agent (%d key%s)", keys, keys == 1 ? "" : "s");
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
static int try_key_files(struct auth *a)
{
    static const char *const defaults[] = {"id_ed25519", "id_ecdsa", "id_rsa"};
    if (a->opts->identity != NULL) {
        return try_key_file(a, a->opts->identity);
    }
    const char *home = ssh2_home_dir();
    int result = AUTH_NEXT;
    for (size_t i = 0; home != NULL && result == AUTH_NEXT && i < 3; i++) {
        char path[PATH_MAX];
        int n = snprintf(path, sizeof path, "%s/.ssh/%s", home, defaults[i]);
        if (n > 0 && (size_t)n < sizeof path && access(path, F_OK) == 0) {
            result = try_key_file(a, path);
        }
    }
    return result;
}

/* One private key file, asking for its passphrase if it has one. */
static int try_key_file(struct auth *a, const char *path)
{
    char pub[PATH_MAX], prompt[PROMPT_SIZE];
    char *passphrase = NULL;
    int n = snprintf(pub, sizeof pub, "%s.pub", path);
    /* Without FILE.pub, libssh2 works the public key out itself. */
    int have_pub = n > 0 && (size_t)n < sizeof pub && access(pub, R_OK) == 0;
    int encrypted = key_file_encrypted(path);
    if (encrypted < 0) {
        note(a, "%s (unreadable)", path);
        return AUTH_NEXT;
    }
    if (encrypted) {
        snprintf(prompt, sizeof prompt,
                 "Enter passphrase for key '%s': ", path);
        passphrase = ask_secret(a, prompt);
        if (passphrase == NULL) {
            note(a, "%s (no passphrase given)", path);
            return AUTH_NEXT;
        }
    }
    const char *user = a->opts->user;
    int rc = libssh2_userauth_publickey_fromfile_ex(
        a->session, user, (unsigned)strlen(user), have_pub ? pub : NULL, path,
        passphrase != NULL ? passphrase : "");
    prompt_forget(passphrase);
    if (rc == 0) {
        return AUTH_OK;
    }
    /* libssh2 1.10 says FILE when it cannot read the key, and
     * PUBLICKEY_UNVERIFIED when, given FILE.pub, it cannot sign with it. */
    if (rc == LIBSSH2_ERROR_FILE ||
        (rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED && encrypted)) {
        note(a, "%s (%s)", path,
             encrypted ? "wrong passphrase" : "not a key libssh2 can read");
        return AUTH_NEXT;
    }
    note(a, "%s (refused)", path);
    a->rsa_refused |= key_file_is_rsa(path, have_pub ? pub : NULL);
    return attempt_failed(a);
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

/* A password can come from --password-stdin or a terminal. */
static int can_ask_password(const struct auth *a)
{
    if (a->opts->password_stdin) {
        return 1;
    }
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return 0;
    }
    close(fd);
    return 1;
}

/* RFC 4256: the server asks questions (PAM's "Password: "), we answer. */
static int try_keyboard(struct auth *a)
{
    if (!can_ask_password(a)) {
        note(a, "keyboard-interactive (no terminal to ask on)");
        return AUTH_NEXT;
    }
    const char *user = a->opts->user;
    int attempts = a->opts->password_stdin ? 1 : PASSWORD_ATTEMPTS;
    int result = AUTH_NEXT;
    a->gave_up = 0;
    for (int i = 0; result == AUTH_NEXT && !a->gave_up && i < attempts; i++) {
        if (libssh2_userauth_keyboard_interactive_ex(a->session, user,
                                                     (unsigned)strlen(user),
                                                     answer_prompts) == 0) {
            result = AUTH_OK;
        } else {
            result = attempt_failed(a);
        }
    }
    if (result != AUTH_OK) {
        note(a, "keyboard-interactive");
    }
    return result;
}

/* libssh2 calls this for each INFO_REQUEST; it frees the answers. */
static LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC(answer_prompts)
{
    struct auth *a = *abstract;
    (void)name;
    (void)name_len;
    (void)instruction;
    (void)instruction_len;
    for (int i = 0; i < num_prompts; i++) {
        char prompt[PROMPT_SIZE];
        snprintf(prompt, sizeof prompt, "(%s@%s) %.*s", a->opts->user,
                 a->opts->host, (int)prompts[i].length, prompts[i].text);
        char *answer = a->gave_up ? NULL : ask_secret(a, prompt);
        if (answer == NULL) {
            a->gave_up = 1;
            answer = strdup("");
        }
        responses[i].text = answer;
        responses[i].length = answer != NULL ? (unsigned)strlen(answer) : 0;
        /* libssh2 frees the answer without wiping it; we cannot help that,
         * but our own copies are wiped by prompt_forget(). */
    }
}

/* The password from stdin (read once) or asked on the terminal. */
static char *ask_secret(struct auth *a, const char *prompt)
{
    if (!a->opts->password_stdin) {
        return prompt_secret(prompt);
    }
    if (a->password == NULL && !a->gave_up) {
        a->password = prompt_line(stdin);
    }
    if (a->password == NULL) {
        a->gave_up = 1;
        return NULL;
    }
    char *copy = strdup(a->password);
    if (copy == NULL) {
        warn("password");
    }
    return copy;
}

/* RFC 4252 section 8: the password itself, over the encrypted channel. */
static int try_password(struct auth *a)
{
    if (!can_ask_password(a)) {
        note(a, "password (no terminal to ask on)");
        return AUTH_NEXT;
    }
    const char *user = a->opts->user;
    char prompt[PROMPT_SIZE];
    snprintf(prompt, sizeof prompt, "%s@%s's password: ", user, a->opts->host);
    int attempts = a->opts->password_stdin ? 1 : PASSWORD_ATTEMPTS;
    int result = AUTH_NEXT;
    a->gave_up = 0;
    for (int i = 0; result == AUTH_NEXT && !a->gave_up && i < attempts; i++) {
        char *password = ask_secret(a, prompt);
        if (password == NULL) {
            break;
        }
        int rc = libssh2_userauth_password_ex(a->session, user,
                                              (unsigned)strlen(user), password,
                                              (unsigned)strlen(password), NULL);
        prompt_forget(password);
        result = rc == 0 ? AUTH_OK : attempt_failed(a);
    }
    if (result != AUTH_OK) {
        note(a, "password");
    }
    return result;
}

/* Add one "what (how it went)" to the list of what was tried. */
static void note(struct auth *a, const char *format, ...)
{
    size_t used = strlen(a->tried);
    va_list ap;
    if (used > 0 && used + 2 < sizeof a->tried) {
        memcpy(a->tried + used, ", ", 3);
        used += 2;
    }
    va_start(ap, format);
    vsnprintf(a->tried + used, sizeof a->tried - used, format, ap);
    va_end(ap);
}

/* A refusal means try the next way; a dead connection means stop. */
static int attempt_failed(struct auth *a)
{
    switch (libssh2_session_last_errno(a->session)) {
    case LIBSSH2_ERROR_SOCKET_DISCONNECT:
    case LIBSSH2_ERROR_SOCKET_RECV:
    case LIBSSH2_ERROR_SOCKET_SEND:
    case LIBSSH2_ERROR_TIMEOUT:
        return AUTH_BROKEN;
    default:
        return AUTH_NEXT;
    }
}

/* What we tried and what the server would have taken. */
static void report_auth_failure(const struct auth *a, const char *offered)
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
