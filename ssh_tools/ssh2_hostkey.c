/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_hostkey: is this really the host we meant?  OpenSSH's
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
#include <unistd.h>

#include <libssh2.h>

#include "common/cli.h"
#include "common/net.h"
#include "common/prompt.h"
#include "ssh_tools/ssh2_hostkey.h"
#include "ssh_tools/ssh2_keys.h"
#include "ssh_tools/ssh2_knownhosts.h"

#define KNOWN_LINE_SIZE 8192
#define QUESTION_SIZE   512

static void report_changed(const struct ssh2_session *ssh, const char *name,
                           const struct ssh2_key_type *kt, const char *fp,
                           long line);
static int accept_unknown(const struct ssh2_options *opts,
                          struct ssh2_session *ssh, const char *name,
                          const struct ssh2_key_type *kt, const char *fp);
static int record_key(struct ssh2_session *ssh, const char *name,
                      const char *key, size_t len, int known_hosts_type);
static int append_line(const char *file, const char *line, size_t len);

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
int ssh2_check_host_key(const struct ssh2_options *opts,
                        struct ssh2_session *ssh, const char *name)
{
    size_t len;
    int type;
    const char *key = libssh2_session_hostkey(ssh->session, &len, &type);
    const unsigned char *sha256 = (const unsigned char *)libssh2_hostkey_hash(
        ssh->session, LIBSSH2_HOSTKEY_HASH_SHA256);
    const unsigned char *md5 = (const unsigned char *)libssh2_hostkey_hash(
        ssh->session, LIBSSH2_HOSTKEY_HASH_MD5);
    const struct ssh2_key_type *kt = ssh2_key_type_find(type);
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

/* Loud, as OpenSSH is: this is how a man in the middle looks. */
static void report_changed(const struct ssh2_session *ssh, const char *name,
                           const struct ssh2_key_type *kt, const char *fp,
                           long line)
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
static int accept_unknown(const struct ssh2_options *opts,
                          struct ssh2_session *ssh, const char *name,
                          const struct ssh2_key_type *kt, const char *fp)
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
static int record_key(struct ssh2_session *ssh, const char *name,
                      const char *key, size_t len, int known_hosts_type)
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
