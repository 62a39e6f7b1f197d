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
 * Read main() first, then loop.c (the event loop), auth.c (who gets in)
 * channel.c and modes.c (what they get).  Lesson: lessons/09-ssh-server.md.
 */
#include <err.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "common/cli.h"
#include "common/net.h"
#include "common/users.h"
#include "server.h"

#define USAGE                                                                  \
    "usage: ssh_server [-b ADDR] [-p PORT] [--host-key FILE] [--users FILE]\n" \
    "                  [--authorized-keys FILE] [--allow-user NAME]...\n"      \
    "                  [--mode echo|console] [--max-clients N] "               \
    "[--idle-timeout SECONDS]"
#define DEFAULT_ADDR         "127.0.0.1"
#define DEFAULT_PORT         "2222"
#define DEFAULT_HOST_KEY     "ssh_server_ed25519_key"
#define DEFAULT_MAX_CLIENTS  64
#define DEFAULT_IDLE_TIMEOUT 600
#define LISTEN_BACKLOG       64
/* libssh 0.10.6's default cipher list ends in a comma: an empty name, which
 * RFC 4251 section 5 forbids and a strict reader (ssh_inspect) rejects. */
#define CIPHERS                                                                \
    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,"                    \
    "aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr"

static int parse_options(int argc, char **argv, struct config *cfg);
static int parse_mode(const char *text, enum mode *mode);
static void print_help(void);
static int check_login_methods(const struct config *cfg);
static int set_up(struct server *server);
static ssh_bind new_bind(ssh_key key);

int main(int argc, char **argv)
{
    struct server server = {.listen_fd = -1};
    int status = parse_options(argc, argv, &server.cfg);
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
    auth_free_keys(&server);
    users_free(server.users);
    free(server.clients);
    free(server.cfg.allowed_users);
    return status;
}

/* Options into CFG; -1 means go on, otherwise the exit status. */
static int parse_options(int argc, char **argv, struct config *cfg)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"bind", required_argument, NULL, 'b'},
        {"port", required_argument, NULL, 'p'},
        {"host-key", required_argument, NULL, 'k'},
        {"users", required_argument, NULL, 'U'},
        {"authorized-keys", required_argument, NULL, 'a'},
        {"allow-user", required_argument, NULL, 'u'},
        {"mode", required_argument, NULL, 'm'},
        {"max-clients", required_argument, NULL, 'c'},
        {"idle-timeout", required_argument, NULL, 'i'},
        {NULL, 0, NULL, 0},
    };
    *cfg = (struct config){.addr = DEFAULT_ADDR,
                           .port = DEFAULT_PORT,
                           .host_key_path = DEFAULT_HOST_KEY,
                           .mode = MODE_CONSOLE,
                           .max_clients = DEFAULT_MAX_CLIENTS,
                           .idle_timeout_s = DEFAULT_IDLE_TIMEOUT};
    long number;
    int opt;
    while ((opt = getopt_long(argc, argv, "hVb:p:", options, NULL)) != -1) {
        int ok = 0;
        switch (opt) {
        case 'h':
            print_help();
            return CLI_EXIT_OK;
        case 'V':
            cli_print_version("ssh_server");
            return CLI_EXIT_OK;
        case 'b':
            cfg->addr = optarg;
            break;
        case 'p':
            ok = cli_parse_number(optarg, 0, 65535, "port", &number);
            cfg->port = optarg;
            break;
        case 'k':
            cfg->host_key_path = optarg;
            break;
        case 'U':
            cfg->users_path = optarg;
            break;
        case 'a':
            cfg->keys_path = optarg;
            break;
        case 'u': {
            char **grown = realloc(cfg->allowed_users,
                                   (cfg->allowed_count + 1) * sizeof(*grown));
            if (grown == NULL) {
                warn("realloc");
                return CLI_EXIT_FAILURE;
            }
            cfg->allowed_users = grown;
            cfg->allowed_users[cfg->allowed_count++] = optarg;
            break;
        }
        case 'm':
            ok = parse_mode(optarg, &cfg->mode);
            break;
        case 'c':
            ok = cli_parse_number(optarg, 1, 10000, "max-clients",
                                  &cfg->max_clients);
            break;
        case 'i':
            ok = cli_parse_number(optarg, 0, 86400, "idle-timeout",
                                  &cfg->idle_timeout_s);
            break;
        default:
            ok = -1;
        }
        if (ok < 0) {
            cli_print_usage_error(USAGE);
            return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        cli_print_usage_error(USAGE);
        return CLI_EXIT_USAGE;
    }
    return -1;
}

static int parse_mode(const char *text, enum mode *mode)
{
    if (strcmp(text, "echo") == 0) {
        *mode = MODE_ECHO;
        return 0;
    }
    if (strcmp(text, "console") == 0) {
        *mode = MODE_CONSOLE;
        return 0;
    }
    warnx("unknown mode %s (echo or console)", text);
    return -1;
}

static void print_help(void)
{
    printf("%s\n\n"
           "An SSH server on libssh.  In console mode (the default) each "
           "session gets\ntelnet_server's command console (`ssh host help` "
           "runs one command); in\necho mode every chunk of bytes comes "
           "back as `echo: ` and its escaped form\n(Twisted Conch's echo "
           "server).  Start-up prints the host key's SHA256\nfingerprint."
           "\n\n"
           "  -b, --bind ADDR            address to listen on (default %s)\n"
           "  -p, --port PORT            port (default %s; 0: any free "
           "port)\n"
           "      --host-key FILE        private host key; made (ed25519, "
           "0600) if missing\n"
           "                             (default ./%s)\n"
           "      --users FILE           name:crypt-hash lines, for "
           "password logins\n"
           "      --authorized-keys FILE public keys that may log in, as "
           "any user name\n"
           "      --allow-user NAME      let NAME in with no check at all "
           "(teaching aid)\n"
           "      --mode echo|console    what a session does (default "
           "console)\n"
           "      --max-clients N        connections served at once "
           "(default %d)\n"
           "      --idle-timeout SECONDS drop a silent client (default %d; "
           "0: never)\n"
           "  -h, --help, -V, --version\n\n"
           "At least one way to log in must be given.  A client has %d s "
           "to log in;\nthree wrong passwords end its connection.  SIGINT "
           "or SIGTERM stops the\nserver.\n\n",
           USAGE, DEFAULT_ADDR, DEFAULT_PORT, DEFAULT_HOST_KEY,
           DEFAULT_MAX_CLIENTS, DEFAULT_IDLE_TIMEOUT, LOGIN_GRACE_S);
    cli_print_exit_codes(stdout, CLI_EXIT_OK, CLI_EXIT_USAGE);
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
    char *fingerprint = NULL;
    ssh_key key = host_key_load(cfg->host_key_path, &fingerprint);
    if (key == NULL) {
        return -1;
    }
    printf("host key %s: %s %s\n", cfg->host_key_path,
           ssh_key_type_to_char(ssh_key_type(key)), fingerprint);
    free(fingerprint);
    server->bind = new_bind(key);
    if (server->bind == NULL) {
        return -1;
    }
    if (cfg->keys_path != NULL && auth_load_keys(server, cfg->keys_path) < 0) {
        return -1;
    }
    if (cfg->users_path != NULL) {
        server->users = users_load(cfg->users_path);
        if (server->users == NULL) {
            return -1;
        }
    }
    for (size_t i = 0; i < cfg->allowed_count; i++) {
        fprintf(stderr,
                "ssh_server: WARNING: --allow-user %s: anyone may log in as "
                "%s with no password and no key\n",
                cfg->allowed_users[i], cfg->allowed_users[i]);
    }
    server->clients = calloc(cfg->max_clients, sizeof(struct client *));
    server->event = ssh_event_new();
    if (server->clients == NULL || server->event == NULL) {
        warnx("out of memory");
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
