/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_session host keys: is this really the host we meant?  OpenSSH's
 * known_hosts (plain, hashed and [host]:port entries), trust on first use,
 * a changed key refused, a pinned fingerprint (RFC 4251 4.1 leaves the
 * checking to the client; RFC 4253 8 has the server prove it holds the key).
 *
 * Read ssh2_check_host_key() first.  Lesson: lessons/10-ssh-host-keys.md.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libssh2.h>

#include "common/cli.h"
#include "common/net.h"
#include "common/prompt.h"
#include "ssh_tools/ssh2_session.h"

#define SHA256_LEN      32
#define MD5_LEN         16
#define KNOWN_LINE_SIZE 8192
#define QUESTION_SIZE   512

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

static const struct key_type *find_key_type(int type);
static LIBSSH2_KNOWNHOSTS *load_line(LIBSSH2_SESSION *session, const char *line,
                                     size_t len);
static int check_key(LIBSSH2_KNOWNHOSTS *hosts, const char *name,
                     const char *key, size_t len, int known_hosts_type);
static void report_changed(const struct ssh2_session *ssh, const char *name,
                           const struct key_type *kt, const char *fp,
                           long line);
static int accept_unknown(const struct ssh2_options *opts, struct ssh2_session *ssh,
                          const char *name, const struct key_type *kt,
                          const char *fp);
static int record_key(struct ssh2_session *ssh, const char *name, const char *key,
                      size_t len, int known_hosts_type);
static int append_line(const char *file, const char *line, size_t len);
static void base64_unpadded(const unsigned char *in, size_t len, char *out);

/*
 * libssh2 1.10 on its own would pick ECDSA, while OpenSSH records the
 * ed25519 key: then a known host looks unknown.  Ask first for the types
 * known_hosts holds for this host, as OpenSSH does.
 */
int ssh2_prefer_known_types(struct ssh2_session *ssh, const char *name)
{
    char methods[256];
    unsigned known = ssh2_known_types(ssh->session, ssh->known_hosts, name);
    if (ssh2_hostkey_preference(known, methods, sizeof methods) < 0 ||
        libssh2_session_method_pref(ssh->session, LIBSSH2_METHOD_HOSTKEY,
                                    methods) != 0) {
        return ssh2_fail(ssh->session, "host-key preference");
    }
    return CLI_EXIT_OK;
}

/* Pinned fingerprint, else known_hosts: match, changed, or unknown. */
int ssh2_check_host_key(const struct ssh2_options *opts, struct ssh2_session *ssh,
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
    char fp[SSH2_FINGERPRINT_SIZE];
    if (key == NULL || sha256 == NULL || kt == NULL) {
        return ssh2_fail(ssh->session, "reading the server's host key");
    }
    ssh2_format_sha256(sha256, fp);
    if (opts->fingerprint != NULL) {
        if (ssh2_pin_matches(opts->fingerprint, sha256, md5)) {
            return CLI_EXIT_OK;
        }
        warnx("%s host key for %s is %s, not the pinned %s: refusing to "
              "connect",
              kt->label, name, fp, opts->fingerprint);
        return CLI_EXIT_HOSTKEY;
    }
    long line = 0;
    switch (ssh2_check_known_hosts(ssh->session, ssh->known_hosts, name, key,
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

int ssh2_check_known_hosts(LIBSSH2_SESSION *session, const char *file,
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

unsigned ssh2_known_types(LIBSSH2_SESSION *session, const char *file,
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
static void report_changed(const struct ssh2_session *ssh, const char *name,
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
static int accept_unknown(const struct ssh2_options *opts, struct ssh2_session *ssh,
                          const char *name, const struct key_type *kt,
                          const char *fp)
{
    if (!opts->accept_new) {
        char question[QUESTION_SIZE];
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
static int record_key(struct ssh2_session *ssh, const char *name, const char *key,
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
        ssh2_fail(ssh->session, "recording the host key");
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

/* -- Pure parts -- */

static const struct key_type *find_key_type(int type)
{
    for (size_t i = 0; i < KEY_TYPES; i++) {
        if (key_types[i].type == type) {
            return &key_types[i];
        }
    }
    return NULL;
}

const char *ssh2_key_type_name(int hostkey_type)
{
    const struct key_type *kt = find_key_type(hostkey_type);
    return kt != NULL ? kt->name : NULL;
}

const char *ssh2_key_type_label(int hostkey_type)
{
    const struct key_type *kt = find_key_type(hostkey_type);
    return kt != NULL ? kt->label : "UNKNOWN";
}

int ssh2_known_host_name(const char *host, int port, char *buf, size_t size)
{
    int n = port == 22 ? snprintf(buf, size, "%s", host)
                       : snprintf(buf, size, "[%s]:%d", host, port);
    return n >= 0 && (size_t)n < size ? 0 : -1;
}

void ssh2_format_sha256(const unsigned char digest[32],
                         char buf[SSH2_FINGERPRINT_SIZE])
{
    memcpy(buf, "SHA256:", sizeof "SHA256:");
    base64_unpadded(digest, SHA256_LEN, buf + 7);
}

int ssh2_pin_matches(const char *pin, const unsigned char sha256[32],
                      const unsigned char md5[16])
{
    if (strncmp(pin, "SHA256:", 7) == 0) {
        char fp[SSH2_FINGERPRINT_SIZE];
        ssh2_format_sha256(sha256, fp);
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

int ssh2_hostkey_preference(unsigned known_mask, char *buf, size_t size)
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
