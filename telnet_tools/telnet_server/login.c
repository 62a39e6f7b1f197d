/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, logging in: the dialogue `login: `, `Password: ` (its
 * owner asks through the console, the password never echoed, and checks
 * it with crypt(3)); a third wrong password ends it.  And where accounts
 * come from: a one-time account, or --hash-password for a users file.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/prompt.h"
#include "common/users.h"
#include "telnet_tools/telnet_server/login.h"

#define GUEST_NAME     "guest"
#define GUEST_PASSWORD 12

static void copy_name(char *dst, size_t size, const char *src);

/* After a name, ask for its password; after a password, check the pair. */
enum login_next login_line(struct login *l, const char *line)
{
    if (!l->have_user) {
        copy_name(l->user, sizeof(l->user), line);
        l->have_user = l->user[0] != '\0';
        return l->have_user ? LOGIN_ASK_PASSWORD : LOGIN_ASK_NAME;
    }
    l->have_user = 0;
    return LOGIN_CHECK;
}

/* A right password lets the user in; the third wrong one ends it. */
enum login_next login_checked(struct login *l, int ok)
{
    if (ok) {
        return LOGIN_IN;
    }
    l->failures++;
    return l->failures >= LOGIN_TRIES ? LOGIN_GIVE_UP : LOGIN_ASK_NAME;
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
