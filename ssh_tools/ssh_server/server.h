/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * server: what the files of ssh_server share.  main.c tells the story
 * (options, host key, listen, run); hostkey.c loads or makes the host key;
 * auth.c decides who may log in; loop.c holds the event loop and the client
 * table; channel.c answers channel requests and echoes the bytes.
 */
#ifndef SHELLWIRE_SSH_SERVER_SERVER_H
#define SHELLWIRE_SSH_SERVER_SERVER_H

#include <stddef.h>
#include <time.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "trace.h"

/* Password failures before the connection is dropped (three strikes). */
#define MAX_PASSWORD_FAILURES 3
/* Channels one connection may have open at once (ssh_commands opens one
 * per command, OpenSSH's ControlMaster one per ssh command). */
#define MAX_CHANNELS 8
/* Seconds a client has to log in, as sshd's LoginGraceTime. */
#define LOGIN_GRACE_S 60
/* How long a client waits after a wrong password. */
#define PASSWORD_DELAY_S 1
/* Output waiting for the client's window beyond this: the client is
 * flooding us without reading, and is dropped. */
#define MAX_PENDING_OUTPUT ((size_t)1 << 20)

enum mode {
    MODE_ECHO,
    MODE_CONSOLE
};

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
    long idle_timeout_s;      /* 0: never */
    const char *trace_path;   /* --trace: FILE, or "-" for stdout */
    const char *diagram_path; /* --diagram FILE.svg or FILE.mmd */
};

/* One session channel (RFC 4254 6): its requests, its mode, its output. */
struct channel {
    struct client *client;
    ssh_channel handle;
    /* libssh keeps a pointer to this as long as the channel lives. */
    struct ssh_channel_callbacks_struct cb;
    char term[32]; /* from pty-req */
    int cols, rows;
    int has_pty;
    struct console *console; /* console mode, once shell or exec came */
    int capture;    /* keep the console's prompt (exec, in modes.c) ... */
    int cut_prompt; /* ... and cut it from the command's output */
    char prompt[128];
    int got_eof; /* the client sent EOF, or the session is over */
    int closed;  /* we sent EOF and CLOSE: free it */
    char *out;   /* bytes the client's window has no room for yet */
    size_t out_len;
    size_t out_cap;
};

/* One connected client: its SSH session and its channels. */
struct client {
    struct server *server;
    ssh_session session;
    /* libssh keeps a pointer to this as long as the session lives. */
    struct ssh_server_callbacks_struct server_cb;
    struct channel *channels[MAX_CHANNELS];
    char peer[80]; /* "127.0.0.1 port 50412", for the log */
    char user[64];
    int authenticated;
    int password_failures;
    int in_event; /* the session is in the server's ssh_event */
    int pause;    /* a wrong password: leave the event for a while */
    struct timespec connected;
    struct timespec last_active;
    struct timespec paused_until;
    const char *drop;    /* why to disconnect at the next turn, or NULL */
    struct trace *trace; /* --trace or --diagram (trace.c), else NULL */
};

struct server {
    struct config cfg;
    ssh_bind bind;
    ssh_event event;
    int listen_fd;
    int accept_ready;
    struct client **clients; /* cfg.max_clients slots, NULL when free */
    size_t client_count;
    ssh_key *keys; /* the authorized_keys file, loaded at start-up */
    size_t key_count;
    struct users *users;         /* the --users file */
    struct trace_log *trace_log; /* --trace or --diagram, else NULL */
};

/* options.c: the command line into CFG; -1 to go on, else the exit
 * status (after --help, --version or a usage error). */
int options_parse(int argc, char **argv, struct config *cfg);

/* hostkey.c: the key in PATH, or a new ed25519 key saved there (0600);
 * its SHA256 fingerprint in *FINGERPRINT (free()).  NULL on failure. */
ssh_key host_key_load(const char *path, char **fingerprint);
/* hostkey.c: "SHA256:..." of any key, as ssh-keygen -l shows it (free()). */
char *key_fingerprint(ssh_key key);

/* auth.c: read an OpenSSH authorized_keys file into SERVER; 0 or -1. */
int auth_load_keys(struct server *server, const char *path);
void auth_free_keys(struct server *server);
/* auth.c: the authentication callbacks and methods for CLIENT. */
void auth_set_callbacks(struct client *client);

/* channel.c: open a session channel (a server callback), queue output for
 * it, send what fits and close it when done (after each poll), free it. */
ssh_channel channel_open(ssh_session session, void *userdata);
void channel_send(struct channel *ch, const char *bytes, size_t len);
void channel_tend(struct channel *ch);
void channel_release(struct channel *ch);

/* modes.c: echo or console, for the bytes and requests of a channel. */
void mode_input(struct channel *ch, const char *bytes, size_t len);
int mode_start_console(struct channel *ch);
int mode_run_command(struct channel *ch, const char *command);
void mode_tick(struct channel *ch);
long long mode_wait_ms(const struct channel *ch);
int mode_exit_status(const struct channel *ch);

/* loop.c: serve until SIGINT or SIGTERM (caught from server_catch_signals
 * on); 0, or -1 if the loop failed. */
int server_catch_signals(void);
int server_run(struct server *server);
/* loop.c: note activity (for --idle-timeout), and a log line. */
void client_touch(struct client *client);
void client_log(const struct client *client, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#endif
