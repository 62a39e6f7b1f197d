/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, the login dialogue (login.c): which question comes next,
 * and what a checked password means.  It asks nothing and checks nothing
 * itself: its owner shows the prompts and runs the check, and acts on
 * what these functions return.  Also the accounts: --hash-password and
 * the one-time account.
 */
#ifndef SHELLWIRE_TELNET_SERVER_LOGIN_H
#define SHELLWIRE_TELNET_SERVER_LOGIN_H

#include "common/users.h"

#define LOGIN_TRIES 3 /* wrong passwords before we hang up */

/* One session's login; everything here is login.c's. */
struct login {
    char user[USERS_NAME_MAX + 1]; /* printable; "" before a name */
    int have_user;                 /* the next line is the password */
    int failures;
};

/* What the owner does next. */
enum login_next {
    LOGIN_ASK_NAME,     /* show "login: ", echoed */
    LOGIN_ASK_PASSWORD, /* show "Password: ", not echoed */
    LOGIN_CHECK,        /* check l->user with the line just given */
    LOGIN_IN,           /* logged in as l->user */
    LOGIN_GIVE_UP       /* "Login incorrect", and hang up */
};

/* A line typed at our prompt: ask for the password, ask again, or check. */
enum login_next login_line(struct login *l, const char *line);

/* The check's answer (after the delay): LOGIN_IN, ASK_NAME or GIVE_UP. */
enum login_next login_checked(struct login *l, int ok);

/* A one-time account (user guest), its password printed once; 0 or -1. */
int login_one_time_account(struct users **users);

/* --hash-password: read a password, print its crypt hash; 0 or -1. */
int login_hash_password(void);

#endif
