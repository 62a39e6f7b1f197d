/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * options: ssh_server's command line, its defaults and its --help.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "common/seqdiagram.h"
#include "server.h"

#define USAGE                                                                  \
    "usage: ssh_server [-b ADDR] [-p PORT] [--host-key FILE] [--users FILE]\n" \
    "                  [--authorized-keys FILE] [--allow-user NAME]...\n"      \
    "                  [--mode echo|console] [--max-clients N] "               \
    "[--idle-timeout SECONDS]\n"                                               \
    "                  [--max-startups START:RATE:FULL] [--per-source-max "    \
    "N]\n"                                                                     \
    "                  [--trace [FILE|-]] [--diagram FILE.svg|FILE.mmd]"
/* What --help says before the options. */
#define HELP_INTRO                                                             \
    "An SSH server on libssh.  In console mode (the default) each "            \
    "session gets\ntelnet_server's command console (`ssh host help` "          \
    "runs one command); in\necho mode every chunk of bytes comes "             \
    "back as `echo: ` and its escaped form\n(Twisted Conch's echo "            \
    "server).  Start-up prints the host key's SHA256\nfingerprint."            \
    "\n\n"
#define DEFAULT_ADDR         "127.0.0.1"
#define DEFAULT_PORT         "2222"
#define DEFAULT_HOST_KEY     "ssh_server_ed25519_key"
#define DEFAULT_MAX_CLIENTS  64
#define DEFAULT_IDLE_TIMEOUT 600
/* sshd's MaxStartups 10:30:100 and PerSourceMaxStartups-like 10. */
#define DEFAULT_START      10
#define DEFAULT_RATE       30
#define DEFAULT_FULL       100
#define DEFAULT_PER_SOURCE 10

static void set_defaults(struct config *cfg);
static int take_option(int opt, int argc, char **argv, struct config *cfg);
static int add_allowed_user(struct config *cfg, char *name);
static int parse_mode(const char *text, enum mode *mode);
static int parse_startups(const char *text, struct gate_limits *limits);
static const char *trace_path(int argc, char **argv, const char *given);
static void print_help(void);

/* Options into CFG; -1 means go on, otherwise the exit status. */
int options_parse(int argc, char **argv, struct config *cfg)
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
        {"max-startups", required_argument, NULL, 's'},
        {"per-source-max", required_argument, NULL, 'P'},
        {"trace", optional_argument, NULL, 't'},
        {"diagram", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    set_defaults(cfg);
    int opt;
    while ((opt = getopt_long(argc, argv, "hVb:p:", options, NULL)) != -1) {
        int status = take_option(opt, argc, argv, cfg);
        if (status == CLI_EXIT_USAGE) {
            cli_print_usage_error(USAGE);
        }
        if (status >= 0) {
            return status;
        }
    }
    if (optind != argc) {
        cli_print_usage_error(USAGE);
        return CLI_EXIT_USAGE;
    }
    return -1;
}

static void set_defaults(struct config *cfg)
{
    *cfg = (struct config){.addr = DEFAULT_ADDR,
                           .port = DEFAULT_PORT,
                           .host_key_path = DEFAULT_HOST_KEY,
                           .mode = MODE_CONSOLE,
                           .max_clients = DEFAULT_MAX_CLIENTS,
                           .idle_timeout_s = DEFAULT_IDLE_TIMEOUT,
                           .limits = {.start = DEFAULT_START,
                                      .rate = DEFAULT_RATE,
                                      .full = DEFAULT_FULL,
                                      .per_source = DEFAULT_PER_SOURCE}};
}

/* One option into CFG: -1 to go on, else the exit status (CLI_EXIT_USAGE:
 * a usage error, not yet reported). */
static int take_option(int opt, int argc, char **argv, struct config *cfg)
{
    long number = 0;
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
    case 'u':
        if (add_allowed_user(cfg, optarg) < 0) {
            return CLI_EXIT_FAILURE;
        }
        break;
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
    case 's':
        ok = parse_startups(optarg, &cfg->limits);
        break;
    case 'P':
        ok = cli_parse_number(optarg, 1, 10000, "per-source-max", &number);
        cfg->limits.per_source = (int)number;
        break;
    case 't':
        cfg->trace_path = trace_path(argc, argv, optarg);
        break;
    case 'd':
        cfg->diagram_path = optarg;
        ok = seqdiagram_format_of(optarg) == SEQDIAGRAM_UNKNOWN ? -1 : 0;
        break;
    default:
        ok = -1;
    }
    return ok < 0 ? CLI_EXIT_USAGE : -1;
}

/* --allow-user NAME, repeatable: the names are kept, not copied. */
static int add_allowed_user(struct config *cfg, char *name)
{
    char **grown =
        realloc(cfg->allowed_users, (cfg->allowed_count + 1) * sizeof(*grown));
    if (grown == NULL) {
        warn("realloc");
        return -1;
    }
    cfg->allowed_users = grown;
    cfg->allowed_users[cfg->allowed_count++] = name;
    return 0;
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

/* "START:RATE:FULL", as sshd's MaxStartups: 1 <= START <= FULL, RATE a
 * percentage. */
static int parse_startups(const char *text, struct gate_limits *limits)
{
    int start = 0, rate = 0, full = 0, used = 0;
    if (sscanf(text, "%d:%d:%d%n", &start, &rate, &full, &used) != 3 ||
        text[used] != '\0' || start < 1 || start > full || full > 100000 ||
        rate < 1 || rate > 100) {
        warnx("max-startups: START:RATE:FULL, with 1 <= START <= FULL and "
              "RATE from 1 to 100 (%s)",
              text);
        return -1;
    }
    limits->start = start;
    limits->rate = rate;
    limits->full = full;
    return 0;
}

/* --trace alone is stdout; --trace FILE and --trace - take the next
 * word, which getopt gives an optional argument only as --trace=FILE. */
static const char *trace_path(int argc, char **argv, const char *given)
{
    if (given != NULL) {
        return given;
    }
    if (optind < argc &&
        (argv[optind][0] != '-' || strcmp(argv[optind], "-") == 0)) {
        return argv[optind++];
    }
    return "-";
}

static void print_help(void)
{
    printf("%s\n\n" HELP_INTRO
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
           "      --max-startups S:R:F   not logged in yet: from S on, refuse "
           "R%% of new\n"
           "                             connections, rising to all at F "
           "(default %d:%d:%d)\n"
           "      --per-source-max N     not logged in yet, from one "
           "address (default %d)\n"
           "      --trace [FILE|-]       every SSH message of each "
           "connection, decrypted,\n"
           "                             one line each, \"[N] \" first "
           "(alone or -: stdout)\n"
           "      --diagram FILE.svg     each connection's messages as "
           "a sequence diagram,\n"
           "                             FILE-1.svg, FILE-2.svg ... "
           "(FILE.mmd: Mermaid)\n"
           "  -h, --help, -V, --version\n\n",
           USAGE, DEFAULT_ADDR, DEFAULT_PORT, DEFAULT_HOST_KEY,
           DEFAULT_MAX_CLIENTS, DEFAULT_IDLE_TIMEOUT, DEFAULT_START,
           DEFAULT_RATE, DEFAULT_FULL, DEFAULT_PER_SOURCE);
    printf("At least one way to log in must be given.  A client has %d s "
           "to log in;\neach wrong password from an address makes its next "
           "answer wait longer\n(1 s, doubling); three end the connection.  "
           "SIGINT or SIGTERM stops the\nserver.\n\n",
           LOGIN_GRACE_S);
    cli_print_exit_codes(stdout, CLI_EXIT_OK, CLI_EXIT_USAGE);
}
