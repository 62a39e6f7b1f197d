/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_session: open an SSH session as ssh(1) does (RFC 4253 transport, RFC 4252
 * authentication, OpenSSH's known_hosts), on libssh2 1.10.
 *
 * Read ssh2_connect() here, then ssh2_check_host_key() in ssh2_hostkey.c
 * and ssh2_authenticate() in ssh2_auth.c: each step is one named call.
 * lessons/05-ssh-one-channel.md walks through them.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>

#include "common/cli.h"
#include "common/net.h"
#include "ssh_tools/ssh2_session.h"

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
static char *known_hosts_path(const char *given);
static int handshake_failed(LIBSSH2_SESSION *session, const char *name);

/* -- The command line -- */

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

/* -- Opening and closing -- */

int ssh2_open(const struct ssh2_options *opts, struct ssh2_session *ssh)
{
    int status = ssh2_connect(opts, ssh);
    if (status == CLI_EXIT_OK) {
        status = ssh2_authenticate(opts, ssh);
    }
    return status;
}

int ssh2_connect(const struct ssh2_options *opts, struct ssh2_session *ssh)
{
    char name[SSH2_HOST_NAME_SIZE];
    *ssh = (struct ssh2_session){.fd = -1};
    if (ssh2_known_host_name(opts->host, opts->port_number, name,
                              sizeof name) < 0) {
        warnx("host name too long: %s", opts->host);
        return CLI_EXIT_USAGE;
    }
    ssh->known_hosts = known_hosts_path(opts->known_hosts);
    if (ssh->known_hosts == NULL) {
        return CLI_EXIT_FAILURE;
    }
    /* 1. TCP, with TCP_NODELAY: each exec round trip is several packets. */
    ssh->fd = net_connect(opts->host, opts->port, opts->timeout_ms);
    if (ssh->fd < 0) {
        return cli_exit_for_connect(errno);
    }
    if (libssh2_init(0) != 0 ||
        (ssh->session = libssh2_session_init()) == NULL) {
        warnx("libssh2 could not start a session");
        return CLI_EXIT_FAILURE;
    }
    libssh2_session_set_timeout(ssh->session, opts->timeout_ms);
    /* 2. Ask for a host-key type known_hosts can vouch for. */
    int status = ssh2_prefer_known_types(ssh, name);
    if (status != CLI_EXIT_OK) {
        return status;
    }
    /* 3. RFC 4253: versions, KEXINIT, key exchange, NEWKEYS. */
    if (libssh2_session_handshake(ssh->session, ssh->fd) != 0) {
        return handshake_failed(ssh->session, name);
    }
    /* 4. Is this really the host we meant? */
    return ssh2_check_host_key(opts, ssh, name);
}

/*
 * One line on why.  No algorithm in common is, against OpenSSH 8.8 and
 * later, most often an RSA-only server (but any list may be the one): it offers
 * its RSA key only as rsa-sha2-256/512 (RFC 8332), and libssh2 1.10 verifies
 * only ssh-rsa.
 */
static int handshake_failed(LIBSSH2_SESSION *session, const char *name)
{
    if (libssh2_session_last_errno(session) != LIBSSH2_ERROR_KEX_FAILURE) {
        return ssh2_fail(session, "SSH handshake");
    }
    warnx("SSH handshake with %s: no algorithms in common (if its only "
          "host key is RSA: libssh2 1.10 verifies an RSA host key only as "
          "ssh-rsa, which OpenSSH 8.8 and later no longer offer)",
          name);
    return CLI_EXIT_FAILURE;
}

void ssh2_close(struct ssh2_session *ssh, const char *goodbye)
{
    if (ssh->session != NULL) {
        libssh2_session_set_blocking(ssh->session, 1);
        libssh2_session_disconnect(ssh->session, goodbye);
        libssh2_session_free(ssh->session);
        libssh2_exit();
    }
    if (ssh->fd >= 0) {
        close(ssh->fd);
    }
    free(ssh->known_hosts);
    *ssh = (struct ssh2_session){.fd = -1};
}

int ssh2_fail(LIBSSH2_SESSION *session, const char *what)
{
    char *message = NULL;
    int code = libssh2_session_last_error(session, &message, NULL, 0);
    warnx("%s: %s", what,
          message != NULL && *message != '\0' ? message : "failed");
    switch (code) {
    case LIBSSH2_ERROR_TIMEOUT:
    case LIBSSH2_ERROR_SOCKET_TIMEOUT:
        return CLI_EXIT_TIMEOUT;
    case LIBSSH2_ERROR_BANNER_RECV:
    case LIBSSH2_ERROR_SOCKET_DISCONNECT:
    case LIBSSH2_ERROR_SOCKET_RECV:
    case LIBSSH2_ERROR_SOCKET_SEND:
        return CLI_EXIT_CLOSED;
    default:
        return CLI_EXIT_FAILURE;
    }
}

/* GIVEN, or ~/.ssh/known_hosts; a string to free, or NULL. */
static char *known_hosts_path(const char *given)
{
    const char *home = ssh2_home_dir();
    char *path = NULL;
    if (given != NULL) {
        path = strdup(given);
    } else if (home != NULL) {
        size_t size = strlen(home) + sizeof "/.ssh/known_hosts";
        path = malloc(size);
        if (path != NULL) {
            snprintf(path, size, "%s/.ssh/known_hosts", home);
        }
    } else {
        warnx("no home directory for ~/.ssh/known_hosts: "
              "use --known-hosts FILE");
        return NULL;
    }
    if (path == NULL) {
        warn("known_hosts path");
    }
    return path;
}

/* $HOME, or the password database's idea of it, or NULL. */
const char *ssh2_home_dir(void)
{
    const char *home = getenv("HOME");
    if (home != NULL && *home != '\0') {
        return home;
    }
    struct passwd *pw = getpwuid(getuid());
    return pw != NULL ? pw->pw_dir : NULL;
}
