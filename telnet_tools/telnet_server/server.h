/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server: what its files share.  main.c owns the event loop and the
 * table of connections, options.c the command line, conn.c one
 * connection's socket and buffers,
 * negotiate.c its Telnet side (libtelnet), login.c the login dialogue,
 * child.c `exec` and --shell.
 */
#ifndef SHELLWIRE_TELNET_SERVER_H
#define SHELLWIRE_TELNET_SERVER_H

#include <stddef.h>
#include <sys/types.h>

#include <libtelnet.h>

#include "common/console.h"
#include "common/users.h"

#define TERM_MAX      40
#define PEER_MAX      64
#define LOGIN_TRIES   3
#define LOGIN_DELAY   1000 /* ms after a failed login */
#define NEGOTIATE_MAX 2000 /* ms to wait for answers to our options */
#define SB_MAX        256  /* subnegotiation bytes kept; the rest dropped */

/* Where a connection is in its life. */
enum phase {
    PHASE_NEGOTIATE, /* our first options are out */
    PHASE_NEGOTIATE2,
    PHASE_LOGIN,   /* the console asks login: and Password: */
    PHASE_DELAY,   /* after a failed login: input waits in the kernel */
    PHASE_CONSOLE, /* logged in, commands */
    PHASE_CHILD,   /* exec or --shell: bytes go to and from a child */
    PHASE_CLOSING  /* send what is queued, then close */
};

/* Options and shared state of the one server process. */
struct server {
    struct users *users; /* NULL: --no-login */
    const char *shell;   /* --shell COMMAND, or NULL */
    long idle_ms;        /* 0: no idle time-out */
    long max_clients;
    int children; /* running exec and shell children */
};

/* One Telnet session: everything the loop knows about one client. */
struct conn {
    int fd;
    char peer[PEER_MAX];
    struct server *server;
    enum phase phase;
    long long wake_at;    /* negotiation or login-delay deadline, or 0 */
    long long last_input; /* for the idle time-out */
    telnet_t *telnet;
    struct console *console;
    /* Negotiation: what we asked and have not heard back about yet. */
    unsigned long long waiting; /* a bit per option code */
    int char_mode;              /* the client let us echo */
    int client_echoes;
    int ttype_ok;
    char term[TERM_MAX];
    int cols, rows;
    /* The filter in front of libtelnet (negotiate.c). */
    int sb_state;
    unsigned char sb_cmd;
    size_t sb_len;
    /* Login. */
    char user[USERS_NAME_MAX + 1];
    int have_user;
    int failures;
    /* Bytes for the client not yet taken by the kernel. */
    char *out;
    size_t out_len, out_cap;
    /* exec or --shell. */
    pid_t pid;
    int child_fd;
    int child_is_pty;
    int after_cr; /* a key: the client's CR, before its LF or NUL */
    int pipe_cr;  /* exec's output: a CR, held for the byte after it */
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

/* options.c */
int parse_options(int argc, char **argv, struct options *opt);
int set_up_users(struct options *opt);
void set_up_descriptors(long max_clients);

/* main.c: the loop; the connection table.  conn.c: one connection. */
struct conn *conn_new(int fd, struct server *s);
void read_client(struct conn *c);
void conn_queue(struct conn *c, const char *buf, size_t len);
void conn_close_soon(struct conn *c);
void flush_out(struct conn *c);
void conn_free(struct conn *c);

/* negotiate.c */
int negotiate_start(struct conn *c);
void negotiate_input(struct conn *c, const char *buf, size_t len);
void negotiate_deadline(struct conn *c);
void negotiate_send(struct conn *c, const char *buf, size_t len);

/* login.c */
void login_begin(struct conn *c);
void login_line(void *ctx, const char *line);
void login_deadline(struct conn *c);
int login_one_time_account(struct users **users);
int login_hash_password(void);

/* child.c */
int child_exec(struct conn *c, const char *command);
int child_shell(struct conn *c);
void child_from_client(struct conn *c, const char *buf, size_t len);
void child_output(struct conn *c);
void child_resize(struct conn *c);
void child_stop(struct conn *c);
void child_reap(struct server *s, struct conn **conns, size_t count);

#endif
