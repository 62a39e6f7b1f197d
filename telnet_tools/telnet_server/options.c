/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, its command line: getopt_long, --help, and the checks
 * of what was asked (--max-startups, --no-login --shell on loopback only).
 */

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <err.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "common/net.h"
#include "common/users.h"
#include "telnet_tools/telnet_server/login.h"
#include "telnet_tools/telnet_server/server.h"

#define USAGE                                                                  \
    "usage: telnet_server [-b ADDR] [-p PORT] [--users FILE | --no-login]\n"   \
    "                     [--shell COMMAND] [--max-clients N]\n"               \
    "                     [--idle-timeout SECONDS] [--login-grace-time S]\n"   \
    "                     [--max-startups START:RATE:FULL]\n"                  \
    "                     [--per-source-max N]\n"                              \
    "       telnet_server --hash-password"

static int take_option(int ch, const char *arg, struct options *opt);
static int check_open_shell(const char *addr);
static int is_loopback(const struct sockaddr *sa);
static int number_option(int ch, const char *arg, struct server *s);
static int parse_startups(const char *arg, struct gate_limits *limits);
static void print_help(void);

/* getopt_long; -1 to go on, else the exit status (help, version, usage). */
int options_parse(int argc, char **argv, struct options *opt)
{
    static const struct option options[] = {
        {"bind", required_argument, NULL, 'b'},
        {"port", required_argument, NULL, 'p'},
        {"users", required_argument, NULL, 'u'},
        {"no-login", no_argument, NULL, 'n'},
        {"shell", required_argument, NULL, 's'},
        {"max-clients", required_argument, NULL, 'm'},
        {"idle-timeout", required_argument, NULL, 'i'},
        {"login-grace-time", required_argument, NULL, 'g'},
        {"max-startups", required_argument, NULL, 'M'},
        {"per-source-max", required_argument, NULL, 'P'},
        {"hash-password", no_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int status = -1;
    int ch;

    opt->server.max_clients = 10000;
    opt->server.grace_ms = 60000;
    while (status == -1 &&
           (ch = getopt_long(argc, argv, "b:p:hV", options, NULL)) != -1) {
        status = take_option(ch, optarg, opt);
    }
    if (status == -1 && (optind < argc || (opt->users_file && opt->no_login))) {
        cli_print_usage_error(USAGE);
        status = CLI_EXIT_USAGE;
    }
    if (status == -1 && opt->no_login && opt->server.shell != NULL) {
        status = check_open_shell(opt->addr);
    }
    return status;
}

/*
 * --no-login --shell hands a shell to whoever connects: only on a
 * loopback address (reachable from this machine alone), and loudly.
 */
static int check_open_shell(const char *addr)
{
    struct addrinfo hints = {0};
    struct addrinfo *list = NULL;
    int loopback = 1;

    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if (getaddrinfo(addr, "0", &hints, &list) != 0) {
        loopback = 0;
    }
    for (struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        loopback = loopback && is_loopback(ai->ai_addr);
    }
    if (list != NULL) {
        freeaddrinfo(list);
    }
    if (!loopback) {
        warnx("--no-login --shell gives a shell to anyone who connects: "
              "refused on %s, allowed only on a loopback address "
              "(-b 127.0.0.1 or -b ::1)",
              addr);
        return CLI_EXIT_USAGE;
    }
    warnx("WARNING: --no-login --shell: anyone on this machine who "
          "connects to %s gets a shell as this user, with no password",
          addr);
    return -1;
}

/* 127.0.0.0/8, ::1, or ::ffff:127.x.y.z. */
static int is_loopback(const struct sockaddr *sa)
{
    static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0,    0,
                                               0, 0, 0, 0, 0xff, 0xff};
    const unsigned char *b;

    if (sa->sa_family == AF_INET) {
        b = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
        return b[0] == 127;
    }
    if (sa->sa_family != AF_INET6) {
        return 0;
    }
    b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
    if (memcmp(b, v4mapped, sizeof(v4mapped)) == 0) {
        return b[12] == 127;
    }
    return memcmp(b, &in6addr_loopback, 16) == 0;
}

/* One option CH with its argument ARG; -1 to go on, else an exit status. */
static int take_option(int ch, const char *arg, struct options *opt)
{
    struct server *s = &opt->server;
    long number;

    switch (ch) {
    case 'b':
        opt->addr = arg;
        break;
    case 'p':
        /* getaddrinfo() would take 99999 and listen on 34463. */
        if (cli_parse_number(arg, 0, 65535, "PORT", &number) == -1) {
            return CLI_EXIT_USAGE;
        }
        opt->port = arg;
        break;
    case 'u':
        opt->users_file = arg;
        break;
    case 'n':
        opt->no_login = 1;
        break;
    case 's':
        s->shell = arg;
        break;
    case 'm':
    case 'i':
    case 'g':
    case 'P':
        return number_option(ch, arg, s);
    case 'M':
        return parse_startups(arg, &s->limits);
    case 'H':
        opt->hash_password = 1;
        break;
    case 'h':
        print_help();
        return CLI_EXIT_OK;
    case 'V':
        cli_print_version("telnet_server");
        return CLI_EXIT_OK;
    default:
        cli_print_usage_error(USAGE);
        return CLI_EXIT_USAGE;
    }
    return -1;
}

/* The options that take a number: -1 to go on, or the usage status. */
static int number_option(int ch, const char *arg, struct server *s)
{
    long n;

    switch (ch) {
    case 'm':
        return cli_parse_number(arg, 1, 1000000, "max-clients",
                                &s->max_clients) == -1
                   ? CLI_EXIT_USAGE
                   : -1;
    case 'i':
        if (cli_parse_number(arg, 0, 86400, "idle-timeout", &n) == -1) {
            return CLI_EXIT_USAGE;
        }
        s->idle_ms = n * 1000;
        return -1;
    case 'g':
        if (cli_parse_number(arg, 0, 86400, "login-grace-time", &n) == -1) {
            return CLI_EXIT_USAGE;
        }
        s->grace_ms = n * 1000;
        return -1;
    default: /* 'P' */
        if (cli_parse_number(arg, 1, 1000000, "per-source-max", &n) == -1) {
            return CLI_EXIT_USAGE;
        }
        s->limits.per_source = (int)n;
        return -1;
    }
}

/*
 * --max-startups START:RATE:FULL, as sshd's MaxStartups: from START
 * connections not logged in yet, refuse RATE% of new ones, rising to all
 * at FULL.  -1 to go on, or the usage status.
 */
static int parse_startups(const char *arg, struct gate_limits *limits)
{
    long n[3] = {0, 0, 0};
    char *end = NULL;
    const char *at = arg;

    for (int i = 0; i < 3; i++) {
        n[i] = strtol(at, &end, 10);
        if (end == at || n[i] < 1 || n[i] > 1000000 ||
            *end != (i < 2 ? ':' : '\0')) {
            warnx("max-startups must be START:RATE:FULL, numbers with "
                  "START <= FULL and RATE <= 100, not '%s'",
                  arg);
            return CLI_EXIT_USAGE;
        }
        at = end + 1;
    }
    if (n[0] > n[2] || n[1] > 100) {
        warnx("max-startups must be START:RATE:FULL, numbers with "
              "START <= FULL and RATE <= 100, not '%s'",
              arg);
        return CLI_EXIT_USAGE;
    }
    limits->start = (int)n[0];
    limits->rate = (int)n[1];
    limits->full = (int)n[2];
    return -1;
}

/* --help: usage, options, exit statuses. */
static void print_help(void)
{
    printf("%s\n\n"
           "A Telnet server with a command console (help lists "
           "the commands).\n"
           "  -b, --bind ADDR         listen on ADDR (127.0.0.1)\n"
           "  -p, --port PORT         listen on PORT (2323; 0: any)\n"
           "  --users FILE            name:crypt-hash accounts\n"
           "  --no-login              no login: straight to the "
           "console\n"
           "  --shell COMMAND         after login run COMMAND on a "
           "pty instead\n"
           "  --max-clients N         refuse more than N sessions "
           "(10000)\n"
           "  --idle-timeout SECONDS  close silent sessions (0: "
           "never)\n"
           "  --login-grace-time S    time to log in, from connect (60; "
           "0: none)\n"
           "  --max-startups S:R:F    from S not logged in, refuse R%% of "
           "new ones,\n"
           "                          all at F (10:30:100)\n"
           "  --per-source-max N      not logged in from one address "
           "(10)\n"
           "  --hash-password         read a password, print its "
           "hash for FILE\n"
           "  -h, --help, -V, --version\n\n"
           "Without --users or --no-login a one-time account is "
           "made and printed.\n"
           "SIGTERM or SIGINT ends it, telling every session.\n\n",
           USAGE);
    cli_print_exit_codes(stdout, CLI_EXIT_OK, CLI_EXIT_USAGE);
}
