/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_login: log in over Telnet and run one command, the way a script
 * drives a terminal.
 *
 * Telnet has no notion of a login: the server prints "login:" and
 * "Password:" as text, and the client types back, in the clear.  So the
 * program waits for those words, sends the answers, waits for the shell's
 * "$ " prompt, types COMMAND and prints everything until the server hangs
 * up.
 *
 *     $ telnet_login -p 2323 --password-stdin 127.0.0.1 brandon <pw.txt
 *     exec uptime
 *      21:18:15 up  5:40,  1 user,  load average: 0.00, 0.02, 0.05
 *
 * RFC 854 (Telnet and its Network Virtual Terminal).  Read log_in()
 * first.  Lesson: lessons/02-telnet-login.md.  (The book's
 * telnet_login.py, Foundations of Python Network Programming, ch. 16.)
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "common/cli.h"
#include "common/prompt.h"
#include "telnet_tools/tn_args.h"
#include "telnet_tools/tn_session.h"

#define USAGE                                                                  \
    "usage: telnet_login [-d] [-p PORT] [-c COMMAND] [-t SECONDS]\n"           \
    "                    [--password-stdin] HOST USER"
#define DEFAULT_PORT    "23"
#define DEFAULT_COMMAND "exec uptime"
#define DEFAULT_TIMEOUT 10 /* seconds, for each step */
#define SHELL_PROMPT    "$ "

struct options {
    const char *host;
    const char *user;
    const char *port;
    const char *command;
    int timeout_ms;
    int password_stdin;
    int debug;
};

static int parse_options(int argc, char **argv, struct options *opt);
static void print_help(void);
static int log_in(struct tn_session *session, const struct options *opt,
                  const char *password);
static int run_command(struct tn_session *session, const struct options *opt);

int main(int argc, char **argv)
{
    struct options opt = {.port = DEFAULT_PORT,
                          .command = DEFAULT_COMMAND,
                          .timeout_ms = DEFAULT_TIMEOUT * 1000};
    int status = parse_options(argc, argv, &opt);
    if (status >= 0) {
        return status;
    }
    /* Our lines and the server's text reach a pipe in the order made. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* Ask first, as the book's getpass() does: never on the command line. */
    char *password =
        opt.password_stdin ? prompt_line(stdin) : prompt_secret("Password: ");
    if (password == NULL) {
        return CLI_EXIT_FAILURE;
    }
    struct tn_session *session = tn_open(opt.host, opt.port, opt.timeout_ms);
    if (session == NULL) {
        status = cli_exit_for_connect(errno);
        goto out;
    }
    if (opt.debug) {
        tn_set_debug(session, stderr);
    }
    status = log_in(session, &opt, password);
    if (status == CLI_EXIT_OK) {
        status = run_command(session, &opt);
    }
out:
    tn_close(session);
    prompt_forget(password);
    return status;
}

/*
 * The book's conversation: "login:", USER, "assword:" (the server may say
 * "password:" or "Password:"), the password, then either the shell prompt
 * or "Login incorrect".  An exit status.
 */
static int log_in(struct tn_session *session, const struct options *opt,
                  const char *password)
{
    static const char *const after_password[] = {"Login incorrect",
                                                 SHELL_PROMPT};
    if (tn_read_until(session, "login:", opt->timeout_ms) < 0 ||
        tn_write_line(session, opt->user) < 0 ||
        tn_read_until(session, "assword:", opt->timeout_ms) < 0 ||
        tn_write_line(session, password) < 0) {
        return tn_exit_for(errno);
    }
    int which = tn_expect(session, after_password, 2, opt->timeout_ms, NULL);
    if (which < 0) {
        return tn_exit_for(errno);
    }
    if (which == 0) {
        fprintf(stderr, "Username and password failed - giving up\n");
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

/*
 * Type COMMAND at the prompt and print what comes back: the shell echoes
 * the line, runs it, and with "exec" the server closes when it ends.
 */
static int run_command(struct tn_session *session, const struct options *opt)
{
    if (tn_write_line(session, opt->command) < 0 ||
        tn_read_all(session, stdout, opt->timeout_ms) < 0) {
        return tn_exit_for(errno);
    }
    return CLI_EXIT_OK;
}

/* Options and HOST USER; -1 means go on, otherwise the exit status. */
static int parse_options(int argc, char **argv, struct options *opt)
{
    /* getopt_long sets the flag itself, and then returns 0. */
    const struct option options[] = {
        {"port", required_argument, NULL, 'p'},
        {"command", required_argument, NULL, 'c'},
        {"timeout", required_argument, NULL, 't'},
        {"password-stdin", no_argument, &opt->password_stdin, 1},
        {"debug", no_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    long number;
    int c;
    while ((c = getopt_long(argc, argv, "p:c:t:dhV", options, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (cli_parse_number(optarg, 1, 65535, "PORT", &number) < 0) {
                return CLI_EXIT_USAGE;
            }
            opt->port = optarg;
            break;
        case 'c':
            opt->command = optarg;
            break;
        case 't':
            if (cli_parse_number(optarg, 1, 3600, "SECONDS", &number) < 0) {
                return CLI_EXIT_USAGE;
            }
            opt->timeout_ms = (int)number * 1000;
            break;
        case 0:
            break;
        case 'd':
            opt->debug = 1;
            break;
        case 'h':
            print_help();
            return CLI_EXIT_OK;
        case 'V':
            cli_print_version("telnet_login");
            return CLI_EXIT_OK;
        default:
            cli_print_usage_error(USAGE);
            return CLI_EXIT_USAGE;
        }
    }
    if (tn_args_host_user(argc, argv, optind, 0, USAGE, &opt->host,
                          &opt->user) < 0) {
        return CLI_EXIT_USAGE;
    }
    return -1;
}

static void print_help(void)
{
    printf("%s\n\n"
           "Log in to a Telnet server as USER and run one command: wait for\n"
           "\"login:\" and send USER, wait for \"assword:\" and send the\n"
           "password, then at the shell's \"$ \" prompt send COMMAND and\n"
           "print everything until the server closes the connection.\n\n"
           "  -p, --port PORT        server port (default %s)\n"
           "  -c, --command COMMAND  command to run (default \"%s\")\n"
           "  -t, --timeout SECONDS  give up on a step after this long "
           "(default %d)\n"
           "      --password-stdin   read the password as one line from "
           "stdin\n"
           "  -d, --debug            show every Telnet event on stderr\n"
           "  -h, --help             this help;  -V, --version  the version\n"
           "\nThe password is asked on the terminal, never taken from the "
           "command line.\nTelnet sends it in clear text: use this only "
           "where nobody can listen.\n\n",
           USAGE, DEFAULT_PORT, DEFAULT_COMMAND, DEFAULT_TIMEOUT);
    cli_print_exit_codes(stdout, CLI_EXIT_OK, CLI_EXIT_CLOSED);
    puts("  (1 also when the server says \"Login incorrect\")");
}
