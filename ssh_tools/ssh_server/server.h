/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * server: what main.c, options.c and loop.c share: the command line and
 * the server's handles.  main.c tells the story (options, host key,
 * listen, run); loop.c holds the event loop and the client table;
 * client.c is one connection, authq.c and auth.c who may log in, channel.c and
 * modes.c what a session does; peer.c names the other end in the log.
 */
#ifndef SHELLWIRE_SSH_SERVER_SERVER_H
#define SHELLWIRE_SSH_SERVER_SERVER_H

#include <stddef.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "auth.h"
#include "common/gate.h"
#include "modes.h"
#include "trace.h"

/* Seconds a client has to log in, as sshd's LoginGraceTime. */
#define LOGIN_GRACE_S 60

/* What the command line asked for. */
struct config {
    const char *addr;
    const char *port;
    const char *host_key_path;
    const char *users_path;
    const char *keys_path;
    char **allowed_users; /* --allow-user NAME, repeatable */
    size_t allowed_count;
    enum mode mode;
    long max_clients;
    long idle_timeout_s;       /* 0: never */
    struct gate_limits limits; /* --max-startups, --per-source-max */
    const char *trace_path;    /* --trace: FILE, or "-" for stdout */
    const char *diagram_path;  /* --diagram FILE.svg or FILE.mmd */
};

struct client;

struct server {
    struct config cfg;
    struct auth_rules rules;        /* keys and users, loaded at start-up */
    struct gate *gate;              /* who may start a login, how fast */
    struct passcheck *passcheck;    /* crypt(3) off the loop, with --users */
    int answers_ready;              /* passcheck has verdicts to collect */
    unsigned long clients_accepted; /* each client's passcheck id */
    ssh_bind bind;
    ssh_event event;
    int listen_fd;
    int accept_ready;
    struct client **clients; /* cfg.max_clients slots, NULL when free */
    size_t client_count;
    struct trace_log *trace_log; /* --trace or --diagram, else NULL */
};

/* options.c: the command line into CFG; -1 to go on, else the exit
 * status (after --help, --version or a usage error). */
int options_parse(int argc, char **argv, struct config *cfg);

/* loop.c: serve until SIGINT or SIGTERM (caught from server_catch_signals
 * on); 0, or -1 if the loop failed. */
int server_catch_signals(void);
int server_run(struct server *server);

#endif
