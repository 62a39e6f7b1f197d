/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server: what the whole server shares.  main.c owns the event
 * loop and the table of connections, options.c the command line, conn.c
 * one connection (conn.h), which owns its parts: wire.c the socket and
 * its output queue, negotiate.c the Telnet side (with prefilter.c in
 * front of libtelnet), login.c the login dialogue, child.c `exec` and
 * --shell.  Calls only go down that list; news comes back up through
 * return values and callbacks that the caller owns.
 */
#ifndef SHELLWIRE_TELNET_SERVER_H
#define SHELLWIRE_TELNET_SERVER_H

#include "common/gate.h"
#include "common/passcheck.h"
#include "common/users.h"

/* Options and shared state of the one server process. */
struct server {
    struct users *users; /* NULL: --no-login */
    const char *shell;   /* --shell COMMAND, or NULL */
    long idle_ms;        /* 0: no idle time-out */
    long grace_ms;       /* to log in, from connect; 0: no limit */
    long max_clients;
    struct gate_limits limits;   /* --max-startups, --per-source-max */
    struct gate *gate;           /* who may log in; NULL: --no-login */
    struct passcheck *passcheck; /* crypt(3) off the loop; NULL: same */
};

/* What the command line asks for. */
struct options {
    const char *addr;
    const char *port;
    const char *users_file;
    int no_login;
    int hash_password;
    struct server server;
};

/* options.c: -1 to go on, else the exit status (help, version, usage). */
int options_parse(int argc, char **argv, struct options *opt);
int set_up_users(struct options *opt);
void set_up_descriptors(long max_clients);
int set_up_signals(void);
int stop_requested(void);

#endif
