/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * session: step 2 of ssh_inspect, a real handshake with libssh2.
 *
 * After the KEXINITs, both sides run the chosen key exchange and switch
 * on encryption (RFC 4253 sections 7 to 8); an eavesdropper sees nothing
 * more.  libssh2 does that work; we ask it what was chosen, which host key
 * the server proved it holds, whether known_hosts vouches for that key,
 * and which ways of logging in the server offers USER (RFC 4252 section
 * 5.2: a "none" request is answered with that list).
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>

#include "common/cli.h"
#include "common/net.h"
#include "inspect.h"

/*
 * libssh2 1.10 would pick an ECDSA host key first, while OpenSSH records
 * the ed25519 one in known_hosts: ask for OpenSSH's order.  Only names
 * libssh2 1.10 knows (no rsa-sha2-*): dropping an unknown one from the
 * list makes it copy overlapping memory.
 */
#define HOSTKEY_PREFERENCE                                                     \
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"                     \
    "ecdsa-sha2-nistp521,ssh-rsa"
#define SHA256_LEN 32

static int fail(LIBSSH2_SESSION *session, const char *what);
static int read_chosen(LIBSSH2_SESSION *session, struct inspection *in);
static int read_host_key(LIBSSH2_SESSION *session, struct inspection *in);
static int check_known_hosts(LIBSSH2_SESSION *session, struct inspection *in,
                             const char *key, size_t len, int type);
static char *base64_unpadded(const unsigned char *bytes, size_t len);
static int read_auth_methods(LIBSSH2_SESSION *session, struct inspection *in);

int inspect_session(struct inspection *in)
{
    int fd = net_connect(in->host, in->port, in->timeout_ms);
    if (fd < 0) {
        return cli_exit_for_connect(errno);
    }
    int status = CLI_EXIT_FAILURE;
    LIBSSH2_SESSION *session = libssh2_session_init();
    if (session == NULL) {
        warnx("libssh2_session_init failed");
        goto out;
    }
    libssh2_session_set_timeout(session, in->timeout_ms);
    if (libssh2_session_method_pref(session, LIBSSH2_METHOD_HOSTKEY,
                                    HOSTKEY_PREFERENCE) != 0 ||
        libssh2_session_handshake(session, fd) != 0) {
        status = fail(session, "SSH handshake");
        goto out;
    }
    status = read_chosen(session, in);
    if (status == CLI_EXIT_OK) {
        status = read_host_key(session, in);
    }
    if (status == CLI_EXIT_OK && in->user != NULL) {
        status = read_auth_methods(session, in);
    }
out:
    if (session != NULL) {
        libssh2_session_disconnect(session, "inspected, thank you");
        libssh2_session_free(session);
    }
    close(fd);
    return status;
}

/* One line with libssh2's own words, and the exit status they mean. */
static int fail(LIBSSH2_SESSION *session, const char *what)
{
    char *message = NULL;
    int code = libssh2_session_last_error(session, &message, NULL, 0);
    warnx("%s: %s", what, message != NULL ? message : "failed");
    switch (code) {
    case LIBSSH2_ERROR_TIMEOUT:
        return CLI_EXIT_TIMEOUT;
    case LIBSSH2_ERROR_SOCKET_DISCONNECT:
    case LIBSSH2_ERROR_SOCKET_RECV:
    case LIBSSH2_ERROR_SOCKET_SEND:
        return CLI_EXIT_CLOSED;
    default:
        return CLI_EXIT_FAILURE;
    }
}

/* The method libssh2 settled on for each KEXINIT list. */
static int read_chosen(LIBSSH2_SESSION *session, struct inspection *in)
{
    for (int type = 0; type < CHOSEN_METHODS; type++) {
        const char *name = libssh2_session_methods(session, type);
        if (name == NULL) {
            return fail(session, "libssh2_session_methods");
        }
        in->chosen[type] = strdup(name);
        if (in->chosen[type] == NULL) {
            warn("strdup");
            return CLI_EXIT_FAILURE;
        }
    }
    return CLI_EXIT_OK;
}

/* Key type, SHA256 fingerprint as OpenSSH writes it, known_hosts. */
static int read_host_key(LIBSSH2_SESSION *session, struct inspection *in)
{
    static const struct {
        int type;
        const char *name;
        int known_hosts_type;
    } types[] = {
        {LIBSSH2_HOSTKEY_TYPE_RSA, "ssh-rsa", LIBSSH2_KNOWNHOST_KEY_SSHRSA},
        {LIBSSH2_HOSTKEY_TYPE_DSS, "ssh-dss", LIBSSH2_KNOWNHOST_KEY_SSHDSS},
        {LIBSSH2_HOSTKEY_TYPE_ECDSA_256, "ecdsa-sha2-nistp256",
         LIBSSH2_KNOWNHOST_KEY_ECDSA_256},
        {LIBSSH2_HOSTKEY_TYPE_ECDSA_384, "ecdsa-sha2-nistp384",
         LIBSSH2_KNOWNHOST_KEY_ECDSA_384},
        {LIBSSH2_HOSTKEY_TYPE_ECDSA_521, "ecdsa-sha2-nistp521",
         LIBSSH2_KNOWNHOST_KEY_ECDSA_521},
        {LIBSSH2_HOSTKEY_TYPE_ED25519, "ssh-ed25519",
         LIBSSH2_KNOWNHOST_KEY_ED25519},
    };
    size_t len;
    int type;
    const char *key = libssh2_session_hostkey(session, &len, &type);
    const char *hash =
        libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256);
    if (key == NULL || hash == NULL) {
        return fail(session, "host key");
    }
    int known_type = LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
    in->key_type = "unknown";
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (types[i].type == type) {
            in->key_type = types[i].name;
            known_type = types[i].known_hosts_type;
        }
    }
    in->fingerprint = base64_unpadded((const unsigned char *)hash, SHA256_LEN);
    if (in->fingerprint == NULL) {
        return CLI_EXIT_FAILURE;
    }
    return check_known_hosts(session, in, key, len, known_type);
}

/* Look the key up in known_hosts ("[host]:port" unless port 22). */
static int check_known_hosts(LIBSSH2_SESSION *session, struct inspection *in,
                             const char *key, size_t len, int type)
{
    LIBSSH2_KNOWNHOSTS *hosts = libssh2_knownhost_init(session);
    if (hosts == NULL) {
        return fail(session, "libssh2_knownhost_init");
    }
    in->known = "unreadable";
    if (libssh2_knownhost_readfile(hosts, in->known_hosts,
                                   LIBSSH2_KNOWNHOST_FILE_OPENSSH) >= 0) {
        int typemask =
            LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | type;
        switch (libssh2_knownhost_checkp(hosts, in->host, in->port_number, key,
                                         len, typemask, NULL)) {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH:
            in->known = "known";
            break;
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
            in->known = "CHANGED";
            in->key_changed = 1;
            break;
        default:
            in->known = "not known";
            break;
        }
    }
    libssh2_knownhost_free(hosts);
    return CLI_EXIT_OK;
}

/* RFC 4648 base64, without the '=' padding, as ssh-keygen -l shows it. */
static char *base64_unpadded(const unsigned char *bytes, size_t len)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc(len / 3 * 4 + 5);
    if (out == NULL) {
        warn("malloc");
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        /* Three bytes make 24 bits, four digits of six bits each. */
        unsigned long bits = (unsigned long)bytes[i] << 16;
        size_t have = len - i < 3 ? len - i : 3;
        if (have > 1) {
            bits |= (unsigned long)bytes[i + 1] << 8;
        }
        if (have > 2) {
            bits |= bytes[i + 2];
        }
        for (size_t d = 0; d <= have; d++) {
            out[o++] = digits[(bits >> (18 - 6 * d)) & 0x3F];
        }
    }
    out[o] = '\0';
    return out;
}

/* RFC 4252 section 5.2: the methods that can continue, for USER. */
static int read_auth_methods(LIBSSH2_SESSION *session, struct inspection *in)
{
    const char *list =
        libssh2_userauth_list(session, in->user, (unsigned)strlen(in->user));
    if (list == NULL) {
        if (libssh2_userauth_authenticated(session)) {
            in->auth_none_accepted = 1; /* the server let us in as is */
            return CLI_EXIT_OK;
        }
        return fail(session, "authentication methods");
    }
    in->auth_methods = strdup(list);
    if (in->auth_methods == NULL) {
        warn("strdup");
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}
