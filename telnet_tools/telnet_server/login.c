/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, logging in: `login: ` and `Password: ` through the
 * console's line editor (the password never echoed), checked against the
 * users file with crypt(3).  A failure waits LOGIN_DELAY ms, without
 * blocking the loop, then says `Login incorrect`; the third closes.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/console.h"
#include "common/prompt.h"
#include "common/users.h"
#include "telnet_tools/telnet_server/server.h"

#define GUEST_NAME     "guest"
#define GUEST_PASSWORD 12

static void start_session(struct conn *c);
static void copy_name(char *dst, size_t size, const char *src);

/* After the negotiation: ask who it is, or go straight to the console. */
void login_begin(struct conn *c)
{
    if (c->server->users == NULL) {
        start_session(c);
        return;
    }
    c->phase = PHASE_LOGIN;
    c->have_user = 0;
    console_ask(c->console, "login: ", 1);
}

/* The console's answer: first the name, then the password. */
void login_line(void *ctx, const char *line)
{
    struct conn *c = ctx;

    if (!c->have_user) {
        copy_name(c->user, sizeof(c->user), line);
        c->have_user = c->user[0] != '\0';
        console_ask(c->console,
                    c->have_user ? "Password: " : "login: ", !c->have_user);
        return;
    }
    if (users_verify(c->server->users, c->user, line) == 1) {
        warnx("login %s from %s", c->user, c->peer);
        start_session(c);
        return;
    }
    warnx("failed login for '%s' from %s", c->user, c->peer);
    c->failures++;
    c->have_user = 0;
    c->phase = PHASE_DELAY;
    c->wake_at = console_now_ms() + LOGIN_DELAY;
}

/* The delay after a failure is over. */
void login_deadline(struct conn *c)
{
    console_print(c->console, "Login incorrect");
    if (c->failures >= LOGIN_TRIES) {
        conn_close_soon(c);
        return;
    }
    c->phase = PHASE_LOGIN;
    console_ask(c->console, "login: ", 1);
}

/* Logged in: the console, or the --shell command on a pty. */
static void start_session(struct conn *c)
{
    const char *user = c->user[0] ? c->user : NULL;

    if (c->server->shell != NULL) {
        if (child_shell(c) == -1) {
            console_print(c->console, "telnet_server: cannot start the shell");
            conn_close_soon(c);
        }
        return;
    }
    c->phase = PHASE_CONSOLE;
    console_start(c->console, user, NULL);
}

/* A user name for logs and prompts: printable ASCII only. */
static void copy_name(char *dst, size_t size, const char *src)
{
    size_t n = 0;

    for (; src[n] != '\0' && n < size - 1; n++) {
        dst[n] = src[n];
        if (src[n] <= ' ' || src[n] >= 0x7f) {
            dst[n] = '?';
        }
    }
    dst[n] = '\0';
}

/*
 * No --users and no --no-login: an account for this run only, with a
 * random password, printed once on stdout.
 */
int login_one_time_account(struct users **users)
{
    static const char letters[] = "abcdefghijkmnpqrstuvwxyz"
                                  "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    unsigned char random[GUEST_PASSWORD];
    char password[GUEST_PASSWORD + 1];
    char *hash = NULL;
    int fd = open("/dev/urandom", O_RDONLY);
    int status = -1;

    if (fd == -1 || read(fd, random, sizeof(random)) != sizeof(random)) {
        warn("/dev/urandom");
        goto out;
    }
    for (size_t i = 0; i < sizeof(random); i++) {
        password[i] = letters[random[i] % (sizeof(letters) - 1)];
    }
    password[GUEST_PASSWORD] = '\0';
    hash = users_hash(password);
    *users = users_new();
    if (hash == NULL || *users == NULL ||
        users_add(*users, GUEST_NAME, hash) == -1) {
        goto out;
    }
    printf("telnet_server: one-time account: user %s, password %s\n",
           GUEST_NAME, password);
    status = 0;
out:
    if (fd != -1) {
        close(fd);
    }
    memset(password, 0, sizeof(password));
    free(hash);
    return status;
}

/* --hash-password: a hash for the users file, from the terminal or stdin. */
int login_hash_password(void)
{
    char *password = NULL;
    char *again = NULL;
    char *hash = NULL;
    int status = -1;

    if (isatty(STDIN_FILENO)) {
        password = prompt_secret("Password: ");
        again = password ? prompt_secret("Retype password: ") : NULL;
        if (again != NULL && strcmp(password, again) != 0) {
            warnx("the passwords differ");
            goto out;
        }
    } else {
        password = prompt_line(stdin);
    }
    if (password == NULL || (hash = users_hash(password)) == NULL) {
        goto out;
    }
    printf("%s\n", hash);
    status = 0;
out:
    prompt_forget(password);
    prompt_forget(again);
    free(hash);
    return status;
}
