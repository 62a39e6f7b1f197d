/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh_inspect: what an SSH connection shows before and after encryption.
 *
 * An SSH connection starts in the clear.  Each side sends one text line
 * naming its software, then a KEXINIT packet listing every algorithm it
 * will accept; only after the key exchange is everything encrypted.  This
 * program reads those first bytes itself, as an eavesdropper could, then
 * lets libssh2 complete a real handshake to show what was chosen.
 *
 *     $ ssh_inspect -p 2222 127.0.0.1 alice
 *
 * RFC 4253 sections 4.2 (identification), 6 (binary packets) and 7.1
 * (KEXINIT).  Read clear.c and kexinit.c first (step 1), then session.c
 * (step 2) and report.c.  Lesson: lessons/11-ssh-handshake.md.
 */
#include <sys/types.h>

#include <err.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>

#include "common/cli.h"
#include "inspect.h"
#include "ssh_tools/ssh2_agree.h"
#include "ssh_tools/ssh2_session.h"

#define USAGE                                                                  \
    "usage: ssh_inspect [-t SECONDS] [-p PORT] [--known-hosts FILE] "          \
    "[--json]\n                   HOST [USER]"
#define DEFAULT_TIMEOUT_S 10
/* Room for OpenSSH's "no matching ... found. Their offer: ..." line. */
#define NO_MATCH_SIZE 1024

static int parse_options(int argc, char **argv, struct inspection *in,
                         int *json);
static void print_help(void);
static int parse_operands(int argc, char **argv, struct inspection *in);
static void say_no_match(const struct inspection *in);

int main(int argc, char **argv)
{
    struct inspection in = {.port = "22",
                            .port_number = 22,
                            .timeout_ms = DEFAULT_TIMEOUT_S * 1000};
    int json = 0;
    int status = parse_options(argc, argv, &in, &json);
    if (status >= 0) {
        inspection_free(&in);
        return status;
    }
    /* A peer that hangs up must give an error from write(), not kill us. */
    struct sigaction ignore = {.sa_handler = SIG_IGN};
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, NULL);

    /* Step 1: a plain socket, and what anyone on the path can read. */
    status = read_in_clear(&in);
    /* Step 2: a real libssh2 session, and what the two sides chose. */
    if (status == CLI_EXIT_OK) {
        status = inspect_session(&in);
    }
    /* Step 3: show it; what step 1 saw is worth showing even if step 2
     * failed (its error is already on stderr). */
    if (in.kex.lists[0] != NULL) {
        int printed = json ? report_json(&in)
                           : report_text(&in, isatty(STDOUT_FILENO) &&
                                                  getenv("NO_COLOR") == NULL);
        if (printed < 0 && status == CLI_EXIT_OK) {
            status = CLI_EXIT_FAILURE;
        }
    }
    if (status == EXIT_NO_MATCH) {
        say_no_match(&in);
    }
    if (status == CLI_EXIT_OK && in.changed_line != 0) {
        warnx("the host key of %s is not the one in %s line %ld", in.host,
              in.known_hosts, in.changed_line);
        status = CLI_EXIT_HOSTKEY;
    }
    inspection_free(&in);
    return status;
}

/* Options into IN; -1 means go on, otherwise the exit status. */
static int parse_options(int argc, char **argv, struct inspection *in,
                         int *json)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"json", no_argument, NULL, 'j'},
        {"known-hosts", required_argument, NULL, 'k'},
        {"port", required_argument, NULL, 'p'},
        {"timeout", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    long number = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "hVjk:p:t:", options, NULL)) != -1) {
        switch (opt) {
        case 'h':
            print_help();
            return CLI_EXIT_OK;
        case 'V':
            cli_print_version("ssh_inspect");
            return CLI_EXIT_OK;
        case 'j':
            *json = 1;
            break;
        case 'k':
            in->known_hosts = optarg;
            break;
        case 'p':
            if (cli_parse_number(optarg, 1, 65535, "port", &number) < 0) {
                return CLI_EXIT_USAGE;
            }
            in->port = optarg;
            in->port_number = (int)number;
            break;
        case 't':
            if (cli_parse_number(optarg, 1, 3600, "timeout", &number) < 0) {
                return CLI_EXIT_USAGE;
            }
            in->timeout_ms = (int)number * 1000;
            break;
        default:
            cli_print_usage_error(USAGE);
            return CLI_EXIT_USAGE;
        }
    }
    return parse_operands(argc - optind, argv + optind, in);
}

/* --help: usage, what it shows, the options and the exit statuses. */
static void print_help(void)
{
    printf("%s\n\n"
           "Show what an SSH server sends in the clear (its identification "
           "line and\nKEXINIT algorithm lists), then what a libssh2 "
           "handshake chooses, the host\nkey's SHA256 fingerprint and, "
           "with USER, the authentication methods offered\n(none is "
           "tried).  USER@HOST works too.\n\n"
           "  -p, --port PORT          port (default 22)\n"
           "  -t, --timeout SECONDS    give up waiting after this long "
           "(default %d)\n"
           "      --known-hosts FILE   (default ~/.ssh/known_hosts)\n"
           "      --json               one JSON object instead of text\n"
           "  -h, --help, -V, --version\n\n",
           USAGE, DEFAULT_TIMEOUT_S);
    cli_print_exit_codes(stdout, CLI_EXIT_OK, CLI_EXIT_CLOSED);
    printf("  %d  the host key differs from the one in known_hosts\n"
           "  %d  not an SSH server\n"
           "  %d the server sent no KEXINIT\n"
           "  %d the KEXINIT packet is malformed\n"
           "  %d no algorithm of one kind in common with libssh2\n",
           CLI_EXIT_HOSTKEY, EXIT_NOT_SSH, EXIT_NO_KEXINIT, EXIT_MALFORMED,
           EXIT_NO_MATCH);
}

/* HOST [USER] or USER@HOST, the ARGC words left after the options. */
static int parse_operands(int argc, char **argv, struct inspection *in)
{
    int used = cli_host_user(argc, argv, 1, &in->host, &in->user);
    if (used > 0 && used != argc) {
        warnx("unexpected argument '%s'", argv[used]);
    }
    if (used < 0 || used != argc) {
        cli_print_usage_error(USAGE);
        return CLI_EXIT_USAGE;
    }
    if (in->known_hosts == NULL) {
        /* OpenSSH's own file, ~/.ssh/known_hosts (ssh2_base.c). */
        in->known_hosts_default = ssh2_known_hosts_path(NULL);
        if (in->known_hosts_default == NULL) {
            return CLI_EXIT_FAILURE;
        }
        in->known_hosts = in->known_hosts_default;
    }
    return -1;
}

/* Under the lists: OpenSSH's "no matching cipher found. Their offer:". */
static void say_no_match(const struct inspection *in)
{
    char line[NO_MATCH_SIZE];
    int index = in->unmatched - 1;
    fflush(stdout);
    ssh2_no_match_line(index, in->kex.lists[index], line, sizeof line);
    warnx("SSH handshake with %s: %s", in->known_name, line);
}

void inspection_free(struct inspection *in)
{
    free(in->known_hosts_default);
    free(in->pre_banner);
    free(in->identification);
    kexinit_free(&in->kex);
    for (int i = 0; i < CHOSEN_METHODS; i++) {
        free(in->chosen[i]);
    }
    free(in->auth_methods);
}
