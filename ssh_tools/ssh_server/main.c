/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh_server: the server side of SSH, on libssh.  It proves who it is with
 * its host key, decides who may log in, and answers a client's channel
 * requests: with telnet_server's console (telnetsrv's SSHHandler), or in
 * echo mode with every chunk of bytes escaped (Twisted Conch's echo
 * server).  One process serves many clients at once.
 *
 *     $ ssh_server -p 2222 --authorized-keys ~/.ssh/id_ed25519.pub
 *     $ ssh -p 2222 127.0.0.1
 *
 * RFC 4253 (transport, host key), 4252 (authentication), 4254 (channels).
 * Read main() first, then loop.c (the event loop), client.c (one
 * connection), auth.c (who gets in), channel.c and modes.c (what they
 * get); options.c is the command line.
 * Lesson: lessons/09-ssh-server.md.
 */
#include <err.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "auth.h"
#include "common/cli.h"
#include "common/net.h"
#include "common/passcheck.h"
#include "common/users.h"
#include "hostkey.h"
#include "server.h"

/* As telnet_server: a burst of connections waits in the kernel's queue
 * instead of being refused and retried a second later. */
#define LISTEN_BACKLOG 512
/* libssh 0.10.6's default cipher list ends in a comma: an empty name, which
 * RFC 4251 section 5 forbids and a strict reader (ssh_inspect) rejects. */
#define CIPHERS                                                                \
    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,"                    \
    "aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr"

static int check_login_methods(const struct config *cfg);
static int set_up(struct server *server);
static int load_host_key(struct server *server);
static ssh_bind new_bind(ssh_key key);
static int load_rules(struct server *server);

int main(int argc, char **argv)
{
    struct server server = {.listen_fd = -1};
    int status = options_parse(argc, argv, &server.cfg);
    if (status >= 0) {
        goto out;
    }
    status = CLI_EXIT_USAGE;
    if (check_login_methods(&server.cfg) < 0) {
        goto out;
    }
    /* Logs go out line by line, even to a pipe. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* A client that vanishes must cost us an EPIPE, not our life. */
    signal(SIGPIPE, SIG_IGN);
    status = CLI_EXIT_FAILURE;
    if (server_catch_signals() < 0) {
        goto out;
    }
    if (ssh_init() != SSH_OK) {
        warnx("ssh_init failed");
        goto out;
    }
    /* Steps 1-3: host key, who may log in, the listening socket. */
    if (set_up(&server) == 0) {
        /* Step 4: serve until SIGINT or SIGTERM. */
        status = server_run(&server) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
    }
    if (server.event != NULL) {
        ssh_event_free(server.event);
    }
    if (server.bind != NULL) {
        ssh_bind_free(server.bind);
    }
    ssh_finalize();
out:
    if (server.listen_fd >= 0) {
        close(server.listen_fd);
    }
    passcheck_stop(server.passcheck); /* before the users it reads */
    gate_free(server.gate);
    trace_log_close(server.trace_log);
    auth_free_keys(&server.rules);
    users_free(server.rules.users);
    free(server.clients);
    free(server.cfg.allowed_users);
    return status;
}

/* A server nobody can log in to is a mistake: say so before starting. */
static int check_login_methods(const struct config *cfg)
{
    if (cfg->users_path == NULL && cfg->keys_path == NULL &&
        cfg->allowed_count == 0) {
        warnx("no way to log in: give --users FILE, --authorized-keys FILE "
              "or --allow-user NAME");
        return -1;
    }
    return 0;
}

/* Host key, authorized keys, the event loop's handles and the socket. */
static int set_up(struct server *server)
{
    const struct config *cfg = &server->cfg;
    if (load_host_key(server) < 0 || load_rules(server) < 0) {
        return -1;
    }
    int failed;
    server->trace_log =
        trace_log_open(cfg->trace_path, cfg->diagram_path, &failed);
    if (failed) {
        return -1;
    }
    server->clients = calloc(cfg->max_clients, sizeof(struct client *));
    server->event = ssh_event_new();
    if (server->clients == NULL || server->event == NULL) {
        warnx("out of memory");
        return -1;
    }
    server->gate = gate_new(&cfg->limits);
    if (server->gate == NULL) {
        return -1;
    }
    server->listen_fd = net_listen(cfg->addr, cfg->port, LISTEN_BACKLOG);
    if (server->listen_fd < 0) {
        return -1;
    }
    printf("listening on %s port %d, %s mode\n", cfg->addr,
           net_local_port(server->listen_fd),
           cfg->mode == MODE_ECHO ? "echo" : "console");
    return 0;
}

/* The host key, its fingerprint printed, in a new libssh listener. */
static int load_host_key(struct server *server)
{
    const char *path = server->cfg.host_key_path;
    char *fingerprint = NULL;
    ssh_key key = host_key_load(path, &fingerprint);
    if (key == NULL) {
        return -1;
    }
    printf("host key %s: %s %s\n", path,
           ssh_key_type_to_char(ssh_key_type(key)), fingerprint);
    free(fingerprint);
    server->bind = new_bind(key);
    return server->bind == NULL ? -1 : 0;
}

/* The libssh listener settings every session copies: ours, not the system's
 * libssh_server_config, and the host key KEY (the bind owns it after). */
static ssh_bind new_bind(ssh_key key)
{
    ssh_bind bind = ssh_bind_new();
    bool no = false;
    if (bind == NULL ||
        ssh_bind_options_set(bind, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no) != 0 ||
        ssh_bind_options_set(bind, SSH_BIND_OPTIONS_CIPHERS_C_S, CIPHERS) !=
            0 ||
        ssh_bind_options_set(bind, SSH_BIND_OPTIONS_CIPHERS_S_C, CIPHERS) !=
            0 ||
        ssh_bind_options_set(bind, SSH_BIND_OPTIONS_IMPORT_KEY, key) != 0) {
        warnx("libssh would not take our settings or the host key");
        ssh_key_free(key);
        if (bind != NULL) {
            ssh_bind_free(bind);
        }
        return NULL;
    }
    return bind;
}

/* Who may log in: --allow-user names, authorized keys, the users file. */
static int load_rules(struct server *server)
{
    const struct config *cfg = &server->cfg;
    server->rules.allowed_users = cfg->allowed_users;
    server->rules.allowed_count = cfg->allowed_count;
    if (cfg->keys_path != NULL &&
        auth_load_keys(&server->rules, cfg->keys_path) < 0) {
        return -1;
    }
    if (cfg->users_path != NULL) {
        server->rules.users = users_load(cfg->users_path);
        if (server->rules.users == NULL) {
            return -1;
        }
        /* Passwords are checked on its thread, off the event loop. */
        server->passcheck = passcheck_start(server->rules.users);
        if (server->passcheck == NULL) {
            return -1;
        }
    }
    for (size_t i = 0; i < cfg->allowed_count; i++) {
        fprintf(stderr,
                "ssh_server: WARNING: --allow-user %s: anyone may log in as "
                "%s with no password and no key\n",
                cfg->allowed_users[i], cfg->allowed_users[i]);
    }
    return 0;
}
