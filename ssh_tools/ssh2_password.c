/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_password: logging in with what a person types: keyboard-interactive
 * (RFC 4256, PAM's "Password: ") and password (RFC 4252 section 8), from
 * the terminal or --password-stdin.  Called by ssh2_auth.c.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>

#include "common/monoclock.h"
#include "common/prompt.h"
#include "ssh_tools/ssh2_login.h"
#include "ssh_tools/ssh2_password.h"

#define PASSWORD_ATTEMPTS 3
#define PROMPT_SIZE       512

static int can_ask_password(const struct ssh2_login *a);
static LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC(answer_prompts);

/* A password can come from --password-stdin or a terminal. */
static int can_ask_password(const struct ssh2_login *a)
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
int ssh2_try_keyboard(struct ssh2_login *a)
{
    if (!can_ask_password(a)) {
        ssh2_login_note(a, "keyboard-interactive (no terminal to ask on)");
        return SSH2_AUTH_NEXT;
    }
    const char *user = a->opts->user;
    int attempts = a->opts->password_stdin ? 1 : PASSWORD_ATTEMPTS;
    int result = SSH2_AUTH_NEXT;
    a->gave_up = 0;
    for (int i = 0; result == SSH2_AUTH_NEXT && !a->gave_up && i < attempts;
         i++) {
        if (libssh2_userauth_keyboard_interactive_ex(a->session, user,
                                                     (unsigned)strlen(user),
                                                     answer_prompts) == 0) {
            result = SSH2_AUTH_OK;
        } else {
            result = ssh2_login_failed(a);
        }
    }
    if (result != SSH2_AUTH_OK) {
        ssh2_login_note(a, "keyboard-interactive");
    }
    return result;
}

/* libssh2 calls this for each INFO_REQUEST; it frees the answers. */
static LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC(answer_prompts)
{
    struct ssh2_session *ssh = *abstract;
    struct ssh2_login *a = ssh->asking;
    (void)name;
    (void)name_len;
    (void)instruction;
    (void)instruction_len;
    for (int i = 0; i < num_prompts; i++) {
        char prompt[PROMPT_SIZE];
        snprintf(prompt, sizeof prompt, "(%s@%s) %.*s", a->opts->user,
                 a->opts->host, (int)prompts[i].length, prompts[i].text);
        char *answer = a->gave_up ? NULL : ssh2_ask_secret(a, prompt);
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
char *ssh2_ask_secret(struct ssh2_login *a, const char *prompt)
{
    if (!a->opts->password_stdin) {
        /* A person's thinking is no traffic: the deadline waits. */
        long long asked = monoclock_ms();
        char *answer = prompt_secret(prompt);
        if (a->ssh->deadline_ms > 0) {
            a->ssh->deadline_ms += monoclock_ms() - asked;
        }
        return answer;
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
int ssh2_try_password(struct ssh2_login *a)
{
    if (!can_ask_password(a)) {
        ssh2_login_note(a, "password (no terminal to ask on)");
        return SSH2_AUTH_NEXT;
    }
    const char *user = a->opts->user;
    char prompt[PROMPT_SIZE];
    snprintf(prompt, sizeof prompt, "%s@%s's password: ", user, a->opts->host);
    int attempts = a->opts->password_stdin ? 1 : PASSWORD_ATTEMPTS;
    int result = SSH2_AUTH_NEXT;
    a->gave_up = 0;
    for (int i = 0; result == SSH2_AUTH_NEXT && !a->gave_up && i < attempts;
         i++) {
        char *password = ssh2_ask_secret(a, prompt);
        if (password == NULL) {
            break;
        }
        int rc = libssh2_userauth_password_ex(a->session, user,
                                              (unsigned)strlen(user), password,
                                              (unsigned)strlen(password), NULL);
        prompt_forget(password);
        result = rc == 0 ? SSH2_AUTH_OK : ssh2_login_failed(a);
    }
    if (result != SSH2_AUTH_OK) {
        ssh2_login_note(a, "password");
    }
    return result;
}
