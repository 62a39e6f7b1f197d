/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2s: open an SSH session as ssh(1) does (RFC 4253 transport, RFC 4252
 * authentication, OpenSSH's known_hosts), on libssh2 1.10.
 *
 * Read ssh2s_connect() and then ssh2s_authenticate(): each step is one
 * named call.  lessons/05-ssh-one-channel.md walks through them.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libssh2.h>

#include "common/cli.h"
#include "common/net.h"
#include "common/prompt.h"
#include "common/ssh2s.h"

#define SHA256_LEN        32
#define MD5_LEN           16
#define TRIED_SIZE        1024
#define KNOWN_LINE_SIZE   8192
#define KEY_HEAD_SIZE     8192
#define PASSWORD_ATTEMPTS 3
#define PROMPT_SIZE       512
/* base64 of "openssh-key-v1\0", then the cipher name "none" as an SSH
 * string (length 4): an OpenSSH private key file without a passphrase. */
#define OPENSSH_KEY_PLAIN "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUA"

/* Long options without a one-letter form. */
enum {
    OPT_KNOWN_HOSTS = 256,
    OPT_ACCEPT_NEW,
    OPT_FINGERPRINT,
    OPT_PASSWORD_STDIN,
    OPT_TIMEOUT
};

/* How one way of logging in went. */
enum attempt {
    AUTH_OK,
    AUTH_NEXT,
    AUTH_BROKEN
};

/*
 * Host-key types in the order we ask for them, OpenSSH 9's order.  DSA is
 * named but never asked for (OpenSSH 9 has dropped it).  Only names that
 * libssh2 1.10 knows: given an unknown one, libssh2_session_method_pref()
 * copies overlapping memory when it drops it.
 */
static const struct key_type {
    int type;             /* LIBSSH2_HOSTKEY_TYPE_* */
    const char *name;     /* in KEXINIT and in known_hosts */
    const char *label;    /* as OpenSSH's messages say it */
    int known_hosts_type; /* LIBSSH2_KNOWNHOST_KEY_* */
    int negotiable;
} key_types[] = {
    {LIBSSH2_HOSTKEY_TYPE_ED25519, "ssh-ed25519", "ED25519",
     LIBSSH2_KNOWNHOST_KEY_ED25519, 1},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_256, "ecdsa-sha2-nistp256", "ECDSA",
     LIBSSH2_KNOWNHOST_KEY_ECDSA_256, 1},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_384, "ecdsa-sha2-nistp384", "ECDSA",
     LIBSSH2_KNOWNHOST_KEY_ECDSA_384, 1},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_521, "ecdsa-sha2-nistp521", "ECDSA",
     LIBSSH2_KNOWNHOST_KEY_ECDSA_521, 1},
    {LIBSSH2_HOSTKEY_TYPE_RSA, "ssh-rsa", "RSA", LIBSSH2_KNOWNHOST_KEY_SSHRSA,
     1},
    {LIBSSH2_HOSTKEY_TYPE_DSS, "ssh-dss", "DSA", LIBSSH2_KNOWNHOST_KEY_SSHDSS,
     0},
};
#define KEY_TYPES (sizeof key_types / sizeof key_types[0])

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

/* What authentication has done so far (libssh2's session "abstract"). */
struct auth {
    const struct ssh2s_options *opts;
    LIBSSH2_SESSION *session;
    char tried[TRIED_SIZE]; /* "ssh-agent (1 key), ..." for the report */
    char *password;         /* --password-stdin's line, read once */
    int gave_up;            /* no answer to a prompt */
    int rsa_refused;
};

static enum ssh2s_parse parse_option(struct ssh2s_options *opts, int opt,
                                     const char *arg);
static char *known_hosts_path(const char *given);
static const char *home_dir(void);
static const struct key_type *find_key_type(int type);
static int prefer_known_types(struct ssh2s *ssh, const char *name);
static int check_host_key(const struct ssh2s_options *opts, struct ssh2s *ssh,
                          const char *name);
static LIBSSH2_KNOWNHOSTS *load_line(LIBSSH2_SESSION *session, const char *line,
                                     size_t len);
static int check_key(LIBSSH2_KNOWNHOSTS *hosts, const char *name,
                     const char *key, size_t len, int known_hosts_type);
static void report_changed(const struct ssh2s *ssh, const char *name,
                           const struct key_type *kt, const char *fp,
                           long line);
static int accept_unknown(const struct ssh2s_options *opts, struct ssh2s *ssh,
                          const char *name, const struct key_type *kt,
                          const char *fp);
static int record_key(struct ssh2s *ssh, const char *name, const char *key,
                      size_t len, int known_hosts_type);
static int append_line(const char *file, const char *line, size_t len);
static int offers(const char *list, const char *method);
static int try_agent(struct auth *a);
static int blob_is_rsa(const unsigned char *blob, size_t len);
static int try_key_files(struct auth *a);
static int try_key_file(struct auth *a, const char *path);
static int key_file_encrypted(const char *path);
static int key_file_is_rsa(const char *path, const char *pub);
static int can_ask_password(const struct auth *a);
static int try_keyboard(struct auth *a);
static LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC(answer_prompts);
static char *ask_secret(struct auth *a, const char *prompt);
static int try_password(struct auth *a);
static void note(struct auth *a, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
static int attempt_failed(struct auth *a);
static void report_auth_failure(const struct auth *a, const char *offered);
static void base64_unpadded(const unsigned char *in, size_t len, char *out);

/* -- The command line -- */

enum ssh2s_parse ssh2s_parse_args(int argc, char **argv,
                                  struct ssh2s_options *opts, int *next)
{
    *opts = (struct ssh2s_options){.port = SSH2S_DEFAULT_PORT,
                                   .port_number = 22,
                                   .timeout_ms = SSH2S_DEFAULT_TIMEOUT_MS};
    int opt;
    /* '+': stop at HOST, so `ls -l` after it is the remote command's. */
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+p:i:hV", long_options, NULL)) !=
           -1) {
        enum ssh2s_parse result = parse_option(opts, opt, optarg);
        if (result != SSH2S_PARSE_OK) {
            return result;
        }
    }
    int used = cli_host_user(argc - optind, argv + optind, 0, &opts->host,
                             &opts->user);
    if (used < 0) {
        return SSH2S_PARSE_ERROR;
    }
    *next = optind + used;
    return SSH2S_PARSE_OK;
}

/* One option from getopt_long into OPTS. */
static enum ssh2s_parse parse_option(struct ssh2s_options *opts, int opt,
                                     const char *arg)
{
    long n;
    switch (opt) {
    case 'p':
        if (cli_parse_number(arg, 1, 65535, "port", &n) < 0) {
            return SSH2S_PARSE_ERROR;
        }
        opts->port = arg;
        opts->port_number = (int)n;
        return SSH2S_PARSE_OK;
    case 'i':
        opts->identity = arg;
        return SSH2S_PARSE_OK;
    case OPT_KNOWN_HOSTS:
        opts->known_hosts = arg;
        return SSH2S_PARSE_OK;
    case OPT_ACCEPT_NEW:
        opts->accept_new = 1;
        return SSH2S_PARSE_OK;
    case OPT_FINGERPRINT:
        if (strncmp(arg, "SHA256:", 7) != 0 && strncmp(arg, "MD5:", 4) != 0) {
            warnx("--fingerprint wants SHA256:... or MD5:..., as "
                  "ssh-keygen -l prints it, not '%s'",
                  arg);
            return SSH2S_PARSE_ERROR;
        }
        opts->fingerprint = arg;
        return SSH2S_PARSE_OK;
    case OPT_PASSWORD_STDIN:
        opts->password_stdin = 1;
        return SSH2S_PARSE_OK;
    case OPT_TIMEOUT:
        if (cli_parse_number(arg, 1, 3600, "timeout", &n) < 0) {
            return SSH2S_PARSE_ERROR;
        }
        opts->timeout_ms = (int)n * 1000;
        return SSH2S_PARSE_OK;
    case 'h':
        return SSH2S_PARSE_HELP;
    case 'V':
        return SSH2S_PARSE_VERSION;
    default: /* getopt_long has said what was wrong */
        return SSH2S_PARSE_ERROR;
    }
}

void ssh2s_print_options(FILE *out)
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

int ssh2s_open(const struct ssh2s_options *opts, struct ssh2s *ssh)
{
    int status = ssh2s_connect(opts, ssh);
    if (status == CLI_EXIT_OK) {
        status = ssh2s_authenticate(opts, ssh);
    }
    return status;
}

int ssh2s_connect(const struct ssh2s_options *opts, struct ssh2s *ssh)
{
    char name[SSH2S_HOST_NAME_SIZE];
    *ssh = (struct ssh2s){.fd = -1};
    if (ssh2s_known_host_name(opts->host, opts->port_number, name,
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
    int status = prefer_known_types(ssh, name);
    if (status != CLI_EXIT_OK) {
        return status;
    }
    /* 3. RFC 4253: versions, KEXINIT, key exchange, NEWKEYS. */
    if (libssh2_session_handshake(ssh->session, ssh->fd) != 0) {
        return ssh2s_fail(ssh->session, "SSH handshake");
    }
    /* 4. Is this really the host we meant? */
    return check_host_key(opts, ssh, name);
}

void ssh2s_close(struct ssh2s *ssh, const char *goodbye)
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
    *ssh = (struct ssh2s){.fd = -1};
}

int ssh2s_fail(LIBSSH2_SESSION *session, const char *what)
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
    const char *home = home_dir();
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
static const char *home_dir(void)
{
    const char *home = getenv("HOME");
    if (home != NULL && *home != '\0') {
        return home;
    }
    struct passwd *pw = getpwuid(getuid());
    return pw != NULL ? pw->pw_dir : NULL;
}

static const struct key_type *find_key_type(int type)
{
    for (size_t i = 0; i < KEY_TYPES; i++) {
        if (key_types[i].type == type) {
            return &key_types[i];
        }
    }
    return NULL;
}

/* -- Host keys -- */

/*
 * libssh2 1.10 on its own would pick ECDSA, while OpenSSH records the
 * ed25519 key: then a known host looks unknown.  Ask first for the types
 * known_hosts holds for this host, as OpenSSH does.
 */
static int prefer_known_types(struct ssh2s *ssh, const char *name)
{
    char methods[256];
    unsigned known = ssh2s_known_types(ssh->session, ssh->known_hosts, name);
    if (ssh2s_hostkey_preference(known, methods, sizeof methods) < 0 ||
        libssh2_session_method_pref(ssh->session, LIBSSH2_METHOD_HOSTKEY,
                                    methods) != 0) {
        return ssh2s_fail(ssh->session, "host-key preference");
    }
    return CLI_EXIT_OK;
}

/* Pinned fingerprint, else known_hosts: match, changed, or unknown. */
static int check_host_key(const struct ssh2s_options *opts, struct ssh2s *ssh,
                          const char *name)
{
    size_t len;
    int type;
    const char *key = libssh2_session_hostkey(ssh->session, &len, &type);
    const unsigned char *sha256 = (const unsigned char *)libssh2_hostkey_hash(
        ssh->session, LIBSSH2_HOSTKEY_HASH_SHA256);
    const unsigned char *md5 = (const unsigned char *)libssh2_hostkey_hash(
        ssh->session, LIBSSH2_HOSTKEY_HASH_MD5);
    const struct key_type *kt = find_key_type(type);
    char fp[SSH2S_FINGERPRINT_SIZE];
    if (key == NULL || sha256 == NULL || kt == NULL) {
        return ssh2s_fail(ssh->session, "reading the server's host key");
    }
    ssh2s_format_sha256(sha256, fp);
    if (opts->fingerprint != NULL) {
        if (ssh2s_pin_matches(opts->fingerprint, sha256, md5)) {
            return CLI_EXIT_OK;
        }
        warnx("%s host key for %s is %s, not the pinned %s: refusing to "
              "connect",
              kt->label, name, fp, opts->fingerprint);
        return CLI_EXIT_HOSTKEY;
    }
    long line = 0;
    switch (ssh2s_check_known_hosts(ssh->session, ssh->known_hosts, name, key,
                                    len, type, &line)) {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH:
        return CLI_EXIT_OK;
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
        report_changed(ssh, name, kt, fp, line);
        return CLI_EXIT_HOSTKEY;
    case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
        return accept_unknown(opts, ssh, name, kt, fp);
    default:
        return CLI_EXIT_FAILURE;
    }
}

int ssh2s_check_known_hosts(LIBSSH2_SESSION *session, const char *file,
                            const char *name, const char *key, size_t len,
                            int type, long *bad_line)
{
    const struct key_type *kt = find_key_type(type);
    FILE *in = fopen(file, "r");
    if (in == NULL || kt == NULL) {
        if (in == NULL && errno != ENOENT) {
            warn("%s", file);
            return LIBSSH2_KNOWNHOST_CHECK_FAILURE;
        }
        return LIBSSH2_KNOWNHOST_CHECK_NOTFOUND;
    }
    int result = LIBSSH2_KNOWNHOST_CHECK_NOTFOUND;
    char *line = NULL;
    size_t size = 0;
    ssize_t n;
    for (long number = 1; result != LIBSSH2_KNOWNHOST_CHECK_MATCH &&
                          (n = getline(&line, &size, in)) >= 0;
         number++) {
        LIBSSH2_KNOWNHOSTS *hosts = load_line(session, line, (size_t)n);
        int rc = check_key(hosts, name, key, len, kt->known_hosts_type);
        if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH) {
            result = rc;
        } else if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH && *bad_line == 0) {
            result = rc;
            *bad_line = number;
        }
        if (hosts != NULL) {
            libssh2_knownhost_free(hosts);
        }
    }
    free(line);
    fclose(in);
    return result;
}

unsigned ssh2s_known_types(LIBSSH2_SESSION *session, const char *file,
                           const char *name)
{
    /* A key no entry can hold: an entry for NAME of the type asked for
     * then reads as a mismatch, which is all we want to know here. */
    static const char no_key[1] = {0};
    FILE *in = fopen(file, "r");
    unsigned known = 0;
    char *line = NULL;
    size_t size = 0;
    ssize_t n;
    if (in == NULL) {
        return 0;
    }
    while ((n = getline(&line, &size, in)) >= 0) {
        LIBSSH2_KNOWNHOSTS *hosts = load_line(session, line, (size_t)n);
        for (size_t i = 0; hosts != NULL && i < KEY_TYPES; i++) {
            if (check_key(hosts, name, no_key, sizeof no_key,
                          key_types[i].known_hosts_type) ==
                LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
                known |= 1u << key_types[i].type;
            }
        }
        if (hosts != NULL) {
            libssh2_knownhost_free(hosts);
        }
    }
    free(line);
    fclose(in);
    return known;
}

/*
 * One known_hosts line as libssh2's own little collection, or NULL.  Lines
 * it cannot read (comments, @cert-authority, key types libssh2 1.10 does
 * not know) are passed over, as OpenSSH passes over what it cannot use;
 * libssh2_knownhost_readfile() would stop at the first one.
 */
static LIBSSH2_KNOWNHOSTS *load_line(LIBSSH2_SESSION *session, const char *line,
                                     size_t len)
{
    LIBSSH2_KNOWNHOSTS *hosts = libssh2_knownhost_init(session);
    if (hosts != NULL &&
        libssh2_knownhost_readline(hosts, line, len,
                                   LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
        libssh2_knownhost_free(hosts);
        hosts = NULL;
    }
    return hosts;
}

/*
 * NAME is checked as given ("[host]:port" included): libssh2's own port
 * handling (knownhost_checkp) would also accept a plain "host" entry for
 * another port, which OpenSSH does not.
 */
static int check_key(LIBSSH2_KNOWNHOSTS *hosts, const char *name,
                     const char *key, size_t len, int known_hosts_type)
{
    if (hosts == NULL) {
        return LIBSSH2_KNOWNHOST_CHECK_NOTFOUND;
    }
    return libssh2_knownhost_check(hosts, name, key, len,
                                   LIBSSH2_KNOWNHOST_TYPE_PLAIN |
                                       LIBSSH2_KNOWNHOST_KEYENC_RAW |
                                       known_hosts_type,
                                   NULL);
}

/* Loud, as OpenSSH is: this is how a man in the middle looks. */
static void report_changed(const struct ssh2s *ssh, const char *name,
                           const struct key_type *kt, const char *fp, long line)
{
    fprintf(stderr,
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
            "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
            "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
            "Someone could be eavesdropping on you right now "
            "(man-in-the-middle attack)!\n"
            "It is also possible that a host key has just been changed.\n"
            "The fingerprint for the %s key sent by the remote host is\n"
            "%s.\n"
            "If the change is expected, remove the old key with:\n"
            "  ssh-keygen -R '%s' -f %s\n",
            kt->label, fp, name, ssh->known_hosts);
    warnx("%s host key for %s has changed (offending key in %s:%ld): "
          "refusing to connect",
          kt->label, name, ssh->known_hosts, line);
}

/* Trust on first use: ask a person, or --accept-new; then record it. */
static int accept_unknown(const struct ssh2s_options *opts, struct ssh2s *ssh,
                          const char *name, const struct key_type *kt,
                          const char *fp)
{
    if (!opts->accept_new) {
        char question[PROMPT_SIZE];
        snprintf(question, sizeof question,
                 "The authenticity of host '%s' can't be established.\n"
                 "%s key fingerprint is %s.\n"
                 "Are you sure you want to continue connecting (yes/no)? ",
                 name, kt->label, fp);
        int answer = prompt_yes_no(question);
        if (answer != 1) {
            warnx("%s host key for %s is not known (%s)%s", kt->label, name, fp,
                  answer < 0 ? " and there is no terminal to ask: check it, "
                               "then use --accept-new or --fingerprint"
                             : ": not accepted");
            return CLI_EXIT_HOSTKEY;
        }
    }
    size_t len;
    int type;
    const char *key = libssh2_session_hostkey(ssh->session, &len, &type);
    if (record_key(ssh, name, key, len, kt->known_hosts_type) == 0) {
        warnx("permanently added '%s' (%s) to %s", name, kt->label,
              ssh->known_hosts);
    }
    /* Not recorded: OpenSSH goes on too, the key was accepted. */
    return CLI_EXIT_OK;
}

/* Append NAME's key to known_hosts as OpenSSH writes it; 0 or -1. */
static int record_key(struct ssh2s *ssh, const char *name, const char *key,
                      size_t len, int known_hosts_type)
{
    LIBSSH2_KNOWNHOSTS *hosts = libssh2_knownhost_init(ssh->session);
    struct libssh2_knownhost *entry = NULL;
    char line[KNOWN_LINE_SIZE];
    size_t line_len = 0;
    int rc = -1;
    if (hosts == NULL ||
        libssh2_knownhost_addc(hosts, name, NULL, key, len, NULL, 0,
                               LIBSSH2_KNOWNHOST_TYPE_PLAIN |
                                   LIBSSH2_KNOWNHOST_KEYENC_RAW |
                                   known_hosts_type,
                               &entry) != 0 ||
        libssh2_knownhost_writeline(hosts, entry, line, sizeof line, &line_len,
                                    LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
        ssh2s_fail(ssh->session, "recording the host key");
    } else {
        rc = append_line(ssh->known_hosts, line, line_len);
    }
    if (hosts != NULL) {
        libssh2_knownhost_free(hosts);
    }
    return rc;
}

/* Append LINE to FILE (mode 0600), making ~/.ssh (0700) if need be. */
static int append_line(const char *file, const char *line, size_t len)
{
    int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 && errno == ENOENT) {
        char dir[PATH_MAX];
        const char *slash = strrchr(file, '/');
        if (slash != NULL && (size_t)(slash - file) < sizeof dir) {
            memcpy(dir, file, (size_t)(slash - file));
            dir[slash - file] = '\0';
            if (mkdir(dir, 0700) == 0) {
                fd =
                    open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
            }
        }
    }
    if (fd < 0 || net_write_all(fd, line, len) < 0) {
        warn("cannot record the host key in %s", file);
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    if (close(fd) < 0) {
        warn("cannot record the host key in %s", file);
        return -1;
    }
    return 0;
}

/* -- Authentication (RFC 4252), in OpenSSH's order -- */

int ssh2s_authenticate(const struct ssh2s_options *opts, struct ssh2s *ssh)
{
    static int (*const methods[])(struct auth *) = {try_agent, try_key_files,
                                                    try_keyboard, try_password};
    static const char *const method_names[] = {
        "publickey", "publickey", "keyboard-interactive", "password"};
    struct auth a = {.opts = opts, .session = ssh->session};
    int result = AUTH_NEXT;
    /* RFC 4252 5.2: a "none" request is answered with the methods left. */
    const char *list =
        libssh2_userauth_list(ssh->session, opts->user, strlen(opts->user));
    char *offered = list != NULL ? strdup(list) : NULL;
    if (offered == NULL) {
        if (libssh2_userauth_authenticated(ssh->session)) {
            result = AUTH_OK; /* the server let us in with "none" */
        } else {
            return ssh2s_fail(ssh->session, "asking how to log in");
        }
    }
    *libssh2_session_abstract(ssh->session) = &a;
    for (size_t i = 0; result == AUTH_NEXT && i < 4; i++) {
        if (offers(offered, method_names[i])) {
            result = methods[i](&a);
        }
    }
    *libssh2_session_abstract(ssh->session) = NULL;
    prompt_forget(a.password);
    int status = CLI_EXIT_OK;
    if (result == AUTH_BROKEN) {
        status = ssh2s_fail(ssh->session, "authentication");
    } else if (result == AUTH_NEXT) {
        report_auth_failure(&a, offered);
        status = CLI_EXIT_AUTH;
    } else {
        libssh2_session_set_timeout(ssh->session, 0);
    }
    free(offered);
    return status;
}

/* Is METHOD in the server's comma-separated LIST? */
static int offers(const char *list, const char *method)
{
    size_t len = strlen(method);
    for (const char *p = list; p != NULL && *p != '\0';) {
        const char *comma = strchr(p, ',');
        size_t word = comma != NULL ? (size_t)(comma - p) : strlen(p);
        if (word == len && strncmp(p, method, len) == 0) {
            return 1;
        }
        p = comma != NULL ? comma + 1 : NULL;
    }
    return 0;
}

/* Every key the ssh-agent holds, if there is one ($SSH_AUTH_SOCK). */
static int try_agent(struct auth *a)
{
    if (getenv("SSH_AUTH_SOCK") == NULL) {
        return AUTH_NEXT;
    }
    LIBSSH2_AGENT *agent = libssh2_agent_init(a->session);
    struct libssh2_agent_publickey *id = NULL, *prev = NULL;
    int result = AUTH_NEXT, keys = 0;
    if (agent == NULL || libssh2_agent_connect(agent) != 0 ||
        libssh2_agent_list_identities(agent) != 0) {
        note(a, "ssh-agent (not reachable)");
        goto out;
    }
    while (result == AUTH_NEXT &&
           libssh2_agent_get_identity(agent, &id, prev) == 0) {
        keys++;
        if (libssh2_agent_userauth(agent, a->opts->user, id) == 0) {
            result = AUTH_OK;
        } else {
            a->rsa_refused |= blob_is_rsa(id->blob, id->blob_len);
            result = attempt_failed(a);
        }
        prev = id;
    }
    note(a, "ssh-agent (%d key%s)", keys, keys == 1 ? "" : "s");
out:
    if (agent != NULL) {
        libssh2_agent_disconnect(agent);
        libssh2_agent_free(agent);
    }
    return result;
}

/* A public key blob starts with its type as an SSH string (RFC 4253 6.6). */
static int blob_is_rsa(const unsigned char *blob, size_t len)
{
    static const unsigned char rsa[] = {0,   0,   0,   7,   's', 's',
                                        'h', '-', 'r', 's', 'a'};
    return len >= sizeof rsa && memcmp(blob, rsa, sizeof rsa) == 0;
}

/* -i FILE, or each of OpenSSH's default keys that exists. */
static int try_key_files(struct auth *a)
{
    static const char *const defaults[] = {"id_ed25519", "id_ecdsa", "id_rsa"};
    if (a->opts->identity != NULL) {
        return try_key_file(a, a->opts->identity);
    }
    const char *home = home_dir();
    int result = AUTH_NEXT;
    for (size_t i = 0; home != NULL && result == AUTH_NEXT && i < 3; i++) {
        char path[PATH_MAX];
        int n = snprintf(path, sizeof path, "%s/.ssh/%s", home, defaults[i]);
        if (n > 0 && (size_t)n < sizeof path && access(path, F_OK) == 0) {
            result = try_key_file(a, path);
        }
    }
    return result;
}

/* One private key file, asking for its passphrase if it has one. */
static int try_key_file(struct auth *a, const char *path)
{
    char pub[PATH_MAX], prompt[PROMPT_SIZE];
    char *passphrase = NULL;
    int n = snprintf(pub, sizeof pub, "%s.pub", path);
    /* Without FILE.pub, libssh2 works the public key out itself. */
    int have_pub = n > 0 && (size_t)n < sizeof pub && access(pub, R_OK) == 0;
    int encrypted = key_file_encrypted(path);
    if (encrypted < 0) {
        note(a, "%s (unreadable)", path);
        return AUTH_NEXT;
    }
    if (encrypted) {
        snprintf(prompt, sizeof prompt,
                 "Enter passphrase for key '%s': ", path);
        passphrase = ask_secret(a, prompt);
        if (passphrase == NULL) {
            note(a, "%s (no passphrase given)", path);
            return AUTH_NEXT;
        }
    }
    const char *user = a->opts->user;
    int rc = libssh2_userauth_publickey_fromfile_ex(
        a->session, user, (unsigned)strlen(user), have_pub ? pub : NULL, path,
        passphrase != NULL ? passphrase : "");
    prompt_forget(passphrase);
    if (rc == 0) {
        return AUTH_OK;
    }
    /* libssh2 1.10 says FILE when it cannot read the key, and
     * PUBLICKEY_UNVERIFIED when, given FILE.pub, it cannot sign with it. */
    if (rc == LIBSSH2_ERROR_FILE ||
        (rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED && encrypted)) {
        note(a, "%s (%s)", path,
             encrypted ? "wrong passphrase" : "not a key libssh2 can read");
        return AUTH_NEXT;
    }
    note(a, "%s (refused)", path);
    a->rsa_refused |= key_file_is_rsa(path, have_pub ? pub : NULL);
    return attempt_failed(a);
}

/* 1 if the key file needs a passphrase, 0 if not, -1 unreadable. */
static int key_file_encrypted(const char *path)
{
    char text[KEY_HEAD_SIZE];
    FILE *in = fopen(path, "r");
    if (in == NULL) {
        warn("%s", path);
        return -1;
    }
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[n] = '\0';
    return ssh2s_key_text_encrypted(text);
}

/* From FILE.pub's first word, or an old PEM RSA header. */
static int key_file_is_rsa(const char *path, const char *pub)
{
    char text[KEY_HEAD_SIZE] = "";
    FILE *in = fopen(pub != NULL ? pub : path, "r");
    if (in == NULL) {
        return 0;
    }
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[n] = '\0';
    return strncmp(text, "ssh-rsa ", 8) == 0 ||
           strstr(text, "BEGIN RSA PRIVATE KEY") != NULL;
}

/* A password can come from --password-stdin or a terminal. */
static int can_ask_password(const struct auth *a)
{
    if (a->opts->password_stdin) {
        return 1;
    }
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return 0;
    }
    close(fd);
    return 1;
}

/* RFC 4256: the server asks questions (PAM's "Password: "), we answer. */
static int try_keyboard(struct auth *a)
{
    if (!can_ask_password(a)) {
        note(a, "keyboard-interactive (no terminal to ask on)");
        return AUTH_NEXT;
    }
    const char *user = a->opts->user;
    int attempts = a->opts->password_stdin ? 1 : PASSWORD_ATTEMPTS;
    int result = AUTH_NEXT;
    a->gave_up = 0;
    for (int i = 0; result == AUTH_NEXT && !a->gave_up && i < attempts; i++) {
        if (libssh2_userauth_keyboard_interactive_ex(a->session, user,
                                                     (unsigned)strlen(user),
                                                     answer_prompts) == 0) {
            result = AUTH_OK;
        } else {
            result = attempt_failed(a);
        }
    }
    if (result != AUTH_OK) {
        note(a, "keyboard-interactive");
    }
    return result;
}

/* libssh2 calls this for each INFO_REQUEST; it frees the answers. */
static LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC(answer_prompts)
{
    struct auth *a = *abstract;
    (void)name;
    (void)name_len;
    (void)instruction;
    (void)instruction_len;
    for (int i = 0; i < num_prompts; i++) {
        char prompt[PROMPT_SIZE];
        snprintf(prompt, sizeof prompt, "(%s@%s) %.*s", a->opts->user,
                 a->opts->host, (int)prompts[i].length, prompts[i].text);
        char *answer = a->gave_up ? NULL : ask_secret(a, prompt);
        if (answer == NULL) {
            a->gave_up = 1;
            answer = strdup("");
        }
        responses[i].text = answer;
        responses[i].length = answer != NULL ? (unsigned)strlen(answer) : 0;
        /* libssh2 frees the answer without wiping it; we cannot help that,
         * but our own copies are wiped by prompt_forget(). */
    }
}

/* The password from stdin (read once) or asked on the terminal. */
static char *ask_secret(struct auth *a, const char *prompt)
{
    if (!a->opts->password_stdin) {
        return prompt_secret(prompt);
    }
    if (a->password == NULL && !a->gave_up) {
        a->password = prompt_line(stdin);
    }
    if (a->password == NULL) {
        a->gave_up = 1;
        return NULL;
    }
    char *copy = strdup(a->password);
    if (copy == NULL) {
        warn("password");
    }
    return copy;
}

/* RFC 4252 section 8: the password itself, over the encrypted channel. */
static int try_password(struct auth *a)
{
    if (!can_ask_password(a)) {
        note(a, "password (no terminal to ask on)");
        return AUTH_NEXT;
    }
    const char *user = a->opts->user;
    char prompt[PROMPT_SIZE];
    snprintf(prompt, sizeof prompt, "%s@%s's password: ", user, a->opts->host);
    int attempts = a->opts->password_stdin ? 1 : PASSWORD_ATTEMPTS;
    int result = AUTH_NEXT;
    a->gave_up = 0;
    for (int i = 0; result == AUTH_NEXT && !a->gave_up && i < attempts; i++) {
        char *password = ask_secret(a, prompt);
        if (password == NULL) {
            break;
        }
        int rc = libssh2_userauth_password_ex(a->session, user,
                                              (unsigned)strlen(user), password,
                                              (unsigned)strlen(password), NULL);
        prompt_forget(password);
        result = rc == 0 ? AUTH_OK : attempt_failed(a);
    }
    if (result != AUTH_OK) {
        note(a, "password");
    }
    return result;
}

/* Add one "what (how it went)" to the list of what was tried. */
static void note(struct auth *a, const char *format, ...)
{
    size_t used = strlen(a->tried);
    va_list ap;
    if (used > 0 && used + 2 < sizeof a->tried) {
        memcpy(a->tried + used, ", ", 3);
        used += 2;
    }
    va_start(ap, format);
    vsnprintf(a->tried + used, sizeof a->tried - used, format, ap);
    va_end(ap);
}

/* A refusal means try the next way; a dead connection means stop. */
static int attempt_failed(struct auth *a)
{
    switch (libssh2_session_last_errno(a->session)) {
    case LIBSSH2_ERROR_SOCKET_DISCONNECT:
    case LIBSSH2_ERROR_SOCKET_RECV:
    case LIBSSH2_ERROR_SOCKET_SEND:
    case LIBSSH2_ERROR_TIMEOUT:
        return AUTH_BROKEN;
    default:
        return AUTH_NEXT;
    }
}

/* What we tried and what the server would have taken. */
static void report_auth_failure(const struct auth *a, const char *offered)
{
    warnx("authentication failed for %s@%s: tried %s; the server offers %s",
          a->opts->user, a->opts->host,
          a->tried[0] != '\0' ? a->tried : "nothing", offered);
    if (a->rsa_refused) {
        warnx("an RSA key was refused: libssh2 1.10 signs only with ssh-rsa "
              "(SHA-1), which OpenSSH 8.8 and later refuse; use an ed25519 "
              "or ECDSA key");
    }
}

/* -- Pure parts -- */

const char *ssh2s_key_type_name(int hostkey_type)
{
    const struct key_type *kt = find_key_type(hostkey_type);
    return kt != NULL ? kt->name : NULL;
}

const char *ssh2s_key_type_label(int hostkey_type)
{
    const struct key_type *kt = find_key_type(hostkey_type);
    return kt != NULL ? kt->label : "UNKNOWN";
}

int ssh2s_known_host_name(const char *host, int port, char *buf, size_t size)
{
    int n = port == 22 ? snprintf(buf, size, "%s", host)
                       : snprintf(buf, size, "[%s]:%d", host, port);
    return n >= 0 && (size_t)n < size ? 0 : -1;
}

void ssh2s_format_sha256(const unsigned char digest[32],
                         char buf[SSH2S_FINGERPRINT_SIZE])
{
    memcpy(buf, "SHA256:", 7);
    base64_unpadded(digest, SHA256_LEN, buf + 7);
}

int ssh2s_pin_matches(const char *pin, const unsigned char sha256[32],
                      const unsigned char md5[16])
{
    if (strncmp(pin, "SHA256:", 7) == 0) {
        char fp[SSH2S_FINGERPRINT_SIZE];
        ssh2s_format_sha256(sha256, fp);
        return strcmp(pin, fp) == 0;
    }
    if (strncmp(pin, "MD5:", 4) != 0 || md5 == NULL) {
        return 0;
    }
    /* "MD5:" and 16 bytes as aa:bb:...:pp, either case. */
    char hex[3 * MD5_LEN];
    for (size_t i = 0; i < MD5_LEN; i++) {
        snprintf(hex + 3 * i, 4, "%02x%s", md5[i], i + 1 < MD5_LEN ? ":" : "");
    }
    return strcasecmp(pin + 4, hex) == 0;
}

int ssh2s_hostkey_preference(unsigned known_mask, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    /* Two rounds: the known types, then the others. */
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < KEY_TYPES; i++) {
            const struct key_type *kt = &key_types[i];
            int known = (known_mask & (1u << kt->type)) != 0;
            if (!kt->negotiable || known != (round == 0)) {
                continue;
            }
            int n = snprintf(buf + used, size - used, "%s%s",
                             used > 0 ? "," : "", kt->name);
            if (n < 0 || (size_t)n >= size - used) {
                return -1;
            }
            used += (size_t)n;
        }
    }
    return 0;
}

int ssh2s_key_text_encrypted(const char *text)
{
    static const char openssh[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
    if (strstr(text, "Proc-Type: 4,ENCRYPTED") != NULL ||
        strstr(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL) {
        return 1;
    }
    const char *body = strstr(text, openssh);
    if (body == NULL) {
        return 0;
    }
    body += sizeof openssh - 1;
    body += strspn(body, "\r\n");
    return strncmp(body, OPENSSH_KEY_PLAIN, strlen(OPENSSH_KEY_PLAIN)) != 0;
}

/* RFC 4648 base64, without the '=' padding (as OpenSSH's fingerprints). */
static void base64_unpadded(const unsigned char *in, size_t len, char *out)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned long group = (unsigned long)in[i] << 16;
        size_t have = len - i < 3 ? len - i : 3;
        if (have > 1) {
            group |= (unsigned long)in[i + 1] << 8;
        }
        if (have > 2) {
            group |= in[i + 2];
        }
        for (size_t d = 0; d <= have; d++) {
            out[o++] = digits[(group >> (18 - 6 * d)) & 0x3f];
        }
    }
    out[o] = '\0';
}
