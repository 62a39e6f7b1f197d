/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_options: the command line every SSH client shares,
 * `[options] HOST USER` or `[options] USER@HOST`, apart from the SSH in
 * ssh2_session.c.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/cli.h"
#include "ssh_tools/ssh2_options.h"

/* Long options without a one-letter form. */
enum {
    OPT_KNOWN_HOSTS = 256,
    OPT_ACCEPT_NEW,
    OPT_FINGERPRINT,
    OPT_PASSWORD_STDIN,
    OPT_TIMEOUT
};

static const struct option long_options[] = {
    {"port", required_argument, NULL, 'p'},
    {"identity", required_argument, NULL, 'i'},
    {"known-hosts", required_argument, NULL, OPT_KNOWN_HOSTS},
    {"accept-new", no_argument, NULL, OPT_ACCEPT_NEW},
    {"fingerprint", required_argument, NULL, OPT_FINGERPRINT},
    {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static enum ssh2_parse parse_option(struct ssh2_options *opts, int opt,
                                    const char *arg);

/* getopt_long over the shared options, then HOST USER or USER@HOST. */
enum ssh2_parse ssh2_parse_args(int argc, char **argv,
                                struct ssh2_options *opts, int *next)
{
    *opts = (struct ssh2_options){.port = SSH2_DEFAULT_PORT,
                                  .port_number = 22,
                                  .timeout_ms = SSH2_DEFAULT_TIMEOUT_MS};
    int opt;
    /* '+': stop at HOST, so `ls -l` after it is the remote command's. */
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+p:i:hV", long_options, NULL)) !=
           -1) {
        enum ssh2_parse result = parse_option(opts, opt, optarg);
        if (result != SSH2_PARSE_OK) {
            return result;
        }
    }
    int used = cli_host_user(argc - optind, argv + optind, 0, &opts->host,
                             &opts->user);
    if (used < 0) {
        return SSH2_PARSE_ERROR;
    }
    *next = optind + used;
    return SSH2_PARSE_OK;
}

/* The parse, with --help, --version and usage errors answered. */
int ssh2_command_line(int argc, char **argv, const char *name,
                      const char *usage, void (*print_help)(void),
                      int more_args, struct ssh2_options *opts, int *next)
{
    switch (ssh2_parse_args(argc, argv, opts, next)) {
    case SSH2_PARSE_HELP:
        print_help();
        return CLI_EXIT_OK;
    case SSH2_PARSE_VERSION:
        cli_print_version(name);
        return CLI_EXIT_OK;
    case SSH2_PARSE_ERROR:
        cli_print_usage_error(usage);
        return CLI_EXIT_USAGE;
    case SSH2_PARSE_OK:
        break;
    }
    if (!more_args && *next < argc) {
        warnx("unexpected argument '%s'", argv[*next]);
        cli_print_usage_error(usage);
        return CLI_EXIT_USAGE;
    }
    return -1;
}

/* One option from getopt_long into OPTS. */
static enum ssh2_parse parse_option(struct ssh2_options *opts, int opt,
                                    const char *arg)
{
    long n;
    switch (opt) {
    case 'p':
        if (cli_parse_number(arg, 1, 65535, "port", &n) < 0) {
            return SSH2_PARSE_ERROR;
        }
        opts->port = arg;
        opts->port_number = (int)n;
        return SSH2_PARSE_OK;
    case 'i':
        opts->identity = arg;
        return SSH2_PARSE_OK;
    case OPT_KNOWN_HOSTS:
        opts->known_hosts = arg;
        return SSH2_PARSE_OK;
    case OPT_ACCEPT_NEW:
        opts->accept_new = 1;
        return SSH2_PARSE_OK;
    case OPT_FINGERPRINT:
        if (strncmp(arg, "SHA256:", 7) != 0 && strncmp(arg, "MD5:", 4) != 0) {
            warnx("--fingerprint wants SHA256:... or MD5:..., as "
                  "ssh-keygen -l prints it, not '%s'",
                  arg);
            return SSH2_PARSE_ERROR;
        }
        opts->fingerprint = arg;
        return SSH2_PARSE_OK;
    case OPT_PASSWORD_STDIN:
        opts->password_stdin = 1;
        return SSH2_PARSE_OK;
    case OPT_TIMEOUT:
        if (cli_parse_number(arg, 1, 3600, "timeout", &n) < 0) {
            return SSH2_PARSE_ERROR;
        }
        opts->timeout_ms = (int)n * 1000;
        return SSH2_PARSE_OK;
    case 'h':
        return SSH2_PARSE_HELP;
    case 'V':
        return SSH2_PARSE_VERSION;
    default: /* getopt_long has said what was wrong */
        return SSH2_PARSE_ERROR;
    }
}

/* The shared options' lines for a program's --help. */
void ssh2_print_options(FILE *out)
{
    fputs("  -p, --port PORT         the server's port (default 22)\n"
          "  -i, --identity FILE     the private key to log in with "
          "(default: ssh-agent,\n"
          "                          then ~/.ssh/id_ed25519, id_ecdsa, "
          "id_rsa)\n"
          "      --known-hosts FILE  the known host keys "
          "(default ~/.ssh/known_hosts)\n"
          "      --accept-new        record an unknown host key without "
          "asking\n"
          "      --fingerprint FP    accept only the host key with this "
          "fingerprint\n"
          "                          (SHA256:... as ssh-keygen -l prints "
          "it, or MD5:...)\n"
          "      --password-stdin    read the password from the first "
          "line of stdin\n"
          "      --timeout SECONDS   give up connecting and logging in "
          "after this long\n"
          "                          (default 15)\n"
          "  -h, --help              show this help\n"
          "  -V, --version           show the version\n",
          out);
}
