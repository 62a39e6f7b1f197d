/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_codes: watch a Telnet server negotiate options, and refuse all of
 * them but the terminal type.
 *
 * Before any text, a Telnet server sends commands: IAC DO TTYPE asks "will
 * you tell me your terminal type?", IAC WILL ECHO offers "I will echo".
 * Each gets an answer (RFC 855).  This client answers WILL to DO TTYPE,
 * sends its terminal type whenever asked (RFC 1091), refuses the rest and
 * prints what it refuses; then it logs in like telnet_login.
 *
 *     $ telnet_codes -p 2323 --password-stdin 127.0.0.1 brandon <pw.txt
 *     Will not 32 (TSPEED)
 *     Sending terminal type "mypython"
 *     ...
 *     My terminal type is mypython
 *
 * RFC 854, 855, 1091.  Read answer_option() first.  Lesson:
 * lessons/03-telnet-negotiation.md.  (The book's telnet_codes.py,
 * Foundations of Python Network Programming, ch. 16.)
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libtelnet.h>

#include "common/cli.h"
#include "common/prompt.h"
#include "telnet_tools/tn_args.h"
#include "telnet_tools/tn_names.h"
#include "telnet_tools/tn_session.h"
#include "telnet_tools/tn_trace.h"

#define USAGE                                                                  \
    "usage: telnet_codes [-p PORT] [-T NAME] [-c COMMAND] [-t SECONDS]\n"      \
    "                    [--password-stdin] [--trace] [--no-login]\n"          \
    "                    [--diagram FILE.svg|FILE.mmd] HOST [USER]"
#define DEFAULT_PORT     "23"
#define DEFAULT_TERM     "mypython"
#define DEFAULT_COMMAND  "exec echo My terminal type is $TERM"
#define DEFAULT_TIMEOUT  10   /* seconds, for each step */
#define TERM_MAX         40   /* RFC 1091: at most 40 characters */
#define SILENCE_MS       2000 /* --no-login leaves after this much quiet */
#define FIRST_SCREEN_MAX 8192 /* --no-login shows at most this much text */
#define OPT_DIAGRAM      256  /* --diagram has no short option */

struct options {
    const char *host, *user, *port, *command, *diagram_path, *term;
    int timeout_ms, password_stdin, no_login;
    struct tn_trace trace; /* --trace and --diagram */
};

static void answer_option(struct tn_session *session, unsigned char command,
                          unsigned char option, const unsigned char *data,
                          size_t len, void *arg);
static void reply(struct tn_session *session, struct options *opt,
                  unsigned char command, unsigned char option);
static void send_terminal_type(struct tn_session *session, struct options *opt);
static int log_in(struct tn_session *session, const struct options *opt,
                  const char *password);
static int parse_options(int argc, char **argv, struct options *opt);
static void print_help(void);

int main(int argc, char **argv)
{
    struct options opt = {.port = DEFAULT_PORT,
                          .command = DEFAULT_COMMAND,
                          .timeout_ms = DEFAULT_TIMEOUT * 1000,
                          .term = DEFAULT_TERM};
    int status = parse_options(argc, argv, &opt);
    if (status >= 0) {
        return status;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* lines stay in time order */
    opt.trace.colour = isatty(STDOUT_FILENO);

    char *password = NULL;
    struct tn_session *session = NULL;
    status = CLI_EXIT_FAILURE;
    if (!opt.no_login) {
        password = opt.password_stdin ? prompt_line(stdin)
                                      : prompt_secret("Password: ");
        if (password == NULL) {
            goto out;
        }
    }
    if (tn_trace_open_diagram(&opt.trace, opt.diagram_path, "telnet_codes",
                              opt.host, opt.port) < 0) {
        goto out;
    }
    session = tn_open(opt.host, opt.port, opt.timeout_ms);
    if (session == NULL) {
        status = cli_exit_for_connect(errno);
        goto out;
    }
    /* The lesson: every negotiation comes to answer_option(). */
    tn_set_option_handler(session, answer_option, &opt);
    if (opt.no_login) { /* the first screen: -t bounds it, as a whole */
        if ((status = tn_read_screen(session, stdout, FIRST_SCREEN_MAX,
                                     SILENCE_MS, opt.timeout_ms)) < 0) {
            status = tn_exit_for(errno);
        }
    } else if ((status = log_in(session, &opt, password)) == CLI_EXIT_OK &&
               (tn_write_line(session, opt.command) < 0 ||
                tn_read_all(session, stdout, opt.timeout_ms) < 0)) {
        status = tn_exit_for(errno);
    }
out:
    tn_close(session);
    if (tn_trace_close(&opt.trace) < 0) {
        status = CLI_EXIT_FAILURE;
    }
    /* Lines printed but lost (a full disk) are a failure too. */
    if (status == CLI_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout))) {
        warnx("write to standard output failed");
        status = CLI_EXIT_FAILURE;
    }
    prompt_forget(password);
    return status;
}

/*
 * The book's process_option(): the server's every DO, DONT, WILL, WONT and
 * subnegotiation comes here, and each gets its answer (RFC 855).
 */
static void answer_option(struct tn_session *session, unsigned char command,
                          unsigned char option, const unsigned char *data,
                          size_t len, void *arg)
{
    struct options *opt = arg;
    tn_trace_event(&opt->trace, 0, command, option, data, len);
    /* Like the book, answer DONT and WONT too: RFC 1143 would stay silent. */
    switch (command) {
    case TELNET_DO:
    case TELNET_DONT:
        if (command == TELNET_DO && option == TELNET_TELOPT_TTYPE) {
            reply(session, opt, TELNET_WILL, option);
            break;
        }
        printf("Will not %d (%s)\n", option, tn_option_name(option));
        reply(session, opt, TELNET_WONT, option);
        break;
    case TELNET_WILL:
    case TELNET_WONT:
        printf("Do not %d (%s)\n", option, tn_option_name(option));
        reply(session, opt, TELNET_DONT, option);
        break;
    case TN_SB:
        /* RFC 1091: IAC SB TTYPE SEND IAC SE.  Answer every time asked. */
        if (option == TELNET_TELOPT_TTYPE && len == 1 &&
            data[0] == TELNET_TTYPE_SEND) {
            send_terminal_type(session, opt);
        }
        break;
    default:
        break;
    }
}

/* Answer COMMAND OPTION, traced first so the trace keeps time order. */
static void reply(struct tn_session *session, struct options *opt,
                  unsigned char command, unsigned char option)
{
    tn_trace_event(&opt->trace, 1, command, option, NULL, 0);
    tn_negotiate(session, command, option);
}

/* RFC 1091: IAC SB TTYPE IS name IAC SE. */
static void send_terminal_type(struct tn_session *session, struct options *opt)
{
    unsigned char is[1 + TERM_MAX] = {TELNET_TTYPE_IS};
    size_t len = strlen(opt->term);
    memcpy(is + 1, opt->term, len);
    printf("Sending terminal type \"%s\"\n", opt->term);
    tn_trace_event(&opt->trace, 1, TN_SB, TELNET_TELOPT_TTYPE, is, 1 + len);
    tn_subnegotiate(session, TELNET_TELOPT_TTYPE, is, 1 + len);
}

/* The book's conversation, as in telnet_login.c.  An exit status. */
static int log_in(struct tn_session *session, const struct options *opt,
                  const char *password)
{
    static const char *const after_password[] = {"Login incorrect", "$ "};
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

/* Options and HOST [USER]; -1 means go on, otherwise the exit status. */
static int parse_options(int argc, char **argv, struct options *opt)
{
    /* getopt_long sets the three flags itself, and then returns 0. */
    const struct option options[] = {
        {"port", required_argument, NULL, 'p'},
        {"term", required_argument, NULL, 'T'},
        {"command", required_argument, NULL, 'c'},
        {"timeout", required_argument, NULL, 't'},
        {"password-stdin", no_argument, &opt->password_stdin, 1},
        {"trace", no_argument, &opt->trace.print, 1},
        {"no-login", no_argument, &opt->no_login, 1},
        {"diagram", required_argument, NULL, OPT_DIAGRAM},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    long n;
    int c;
    while ((c = getopt_long(argc, argv, "p:T:c:t:hV", options, NULL)) != -1) {
        if ((c == 'p' && cli_parse_number(optarg, 1, 65535, "PORT", &n) < 0) ||
            (c == 't' &&
             cli_parse_number(optarg, 1, 3600, "SECONDS", &n) < 0)) {
            return CLI_EXIT_USAGE;
        }
        switch (c) {
        case 'p':
            opt->port = optarg;
            break;
        case 'T':
            if (optarg[0] == '\0' || strlen(optarg) > TERM_MAX) {
                warnx("NAME must be 1 to %d characters", TERM_MAX);
                return CLI_EXIT_USAGE;
            }
            opt->term = optarg;
            break;
        case 'c':
            opt->command = optarg;
            break;
        case 't':
            opt->timeout_ms = (int)n * 1000;
            break;
        case 0:
            break;
        case OPT_DIAGRAM:
            opt->diagram_path = optarg;
            break;
        case 'h':
            print_help();
            return CLI_EXIT_OK;
        case 'V':
            cli_print_version("telnet_codes");
            return CLI_EXIT_OK;
        default:
            cli_print_usage_error(USAGE);
            return CLI_EXIT_USAGE;
        }
    }
    if (tn_args_host_user(argc, argv, optind, opt->no_login, USAGE, &opt->host,
                          &opt->user) < 0) {
        return CLI_EXIT_USAGE;
    }
    return -1;
}

static void print_help(void)
{
    printf("%s\n\n"
           "Answer a Telnet server's option negotiation, refusing all but the\n"
           "terminal type and printing each refusal, then log in as USER and\n"
           "run COMMAND, printing what comes back.\n\n"
           "  -p, --port PORT        server port (default %s)\n"
           "  -T, --term NAME        terminal type to send (default %s)\n"
           "  -c, --command COMMAND  (default \"%s\")\n"
           "  -t, --timeout SECONDS  for each step (default %d)\n"
           "      --password-stdin   read the password as one line of stdin\n"
           "      --trace            print every negotiation, both ways\n"
           "      --no-login         no USER: print the first screen, leave\n"
           "                         after %d s of silence (-t bounds it)\n"
           "      --diagram FILE     write a sequence diagram: FILE.svg a "
           "picture, FILE.mmd\n"
           "                         Mermaid text\n"
           "  -h, --help, -V, --version\n\n",
           USAGE, DEFAULT_PORT, DEFAULT_TERM, DEFAULT_COMMAND, DEFAULT_TIMEOUT,
           SILENCE_MS / 1000);
    cli_print_exit_codes(stdout, CLI_EXIT_OK, CLI_EXIT_CLOSED);
    puts("  (1 also when the server says \"Login incorrect\")");
}
