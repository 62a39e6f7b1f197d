/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * session: step 2 of ssh_inspect, a real handshake with libssh2.
 *
 * After the KEXINITs, both sides run the chosen key exchange and switch
 * on encryption (RFC 4253 sections 7 to 8); an eavesdropper sees nothing
 * more.  libssh2 does that work; we ask it what was chosen, which host key
 * the server proved it holds, whether known_hosts vouches for that key,
 * and which ways of logging in the server offers USER (RFC 4252 section
 * 5.2: a "none" request is answered with that list).  The host-key and
 * known_hosts rules are ssh_tools/ssh2_hostkey.c's, so that we see what our own
 * clients (and OpenSSH's ssh) would see.
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
#include "ssh_tools/ssh2_agree.h"
#include "ssh_tools/ssh2_session.h"

/* Room for every host-key method name libssh2 1.10 knows. */
#define HOSTKEY_METHODS_SIZE 256
static int handshake(struct ssh2_session *ssh, struct inspection *in);
static int no_match(LIBSSH2_SESSION *session, struct inspection *in);
static int prefer_known_types(LIBSSH2_SESSION *session, struct inspection *in);
static int read_chosen(LIBSSH2_SESSION *session, struct inspection *in);
static int read_host_key(LIBSSH2_SESSION *session, struct inspection *in);
static int read_auth_methods(struct ssh2_session *ssh, struct inspection *in);

/* Connect again, with libssh2, within -t SECONDS however the server talks. */
int inspect_session(struct inspection *in)
{
    struct ssh2_session ssh = {.fd = -1};
    int status = CLI_EXIT_FAILURE;
    if (ssh2_session_new(&ssh) < 0) {
        return status;
    }
    /* The session library's deadline: no chatter moves it. */
    ssh2_deadline(&ssh, in->timeout_ms);
    ssh.fd = net_connect(in->host, in->port, in->timeout_ms);
    if (ssh.fd < 0) {
        status = cli_exit_for_connect(errno);
        goto out;
    }
    status = prefer_known_types(ssh.session, in);
    if (status == CLI_EXIT_OK) {
        status = handshake(&ssh, in);
    }
    if (status == CLI_EXIT_OK) {
        status = read_chosen(ssh.session, in);
    }
    if (status == CLI_EXIT_OK) {
        status = read_host_key(ssh.session, in);
    }
    if (status == CLI_EXIT_OK && in->user != NULL) {
        status = read_auth_methods(&ssh, in);
    }
out:
    ssh2_close(&ssh, "inspected, thank you");
    return status;
}

/* RFC 4253 7 to 8; no algorithm in common is named, from step 1's lists. */
static int handshake(struct ssh2_session *ssh, struct inspection *in)
{
    if (libssh2_session_handshake(ssh->session, ssh->fd) == 0) {
        return CLI_EXIT_OK;
    }
    if (!ssh->timed_out &&
        libssh2_session_last_errno(ssh->session) == LIBSSH2_ERROR_KEX_FAILURE) {
        int status = no_match(ssh->session, in);
        if (status != CLI_EXIT_OK) {
            return status;
        }
    }
    return ssh2_step_fail(ssh, "SSH handshake");
}

/*
 * Which of step 1's lists shares nothing with libssh2's (EXIT_NO_MATCH):
 * main() says it after the report, under the lists it names.
 */
static int no_match(LIBSSH2_SESSION *session, struct inspection *in)
{
    char *ours[SSH2_AGREED_LISTS] = {NULL};
    if (ssh2_our_lists(session, ours) < 0) {
        return CLI_EXIT_FAILURE;
    }
    int index = ssh2_unmatched_list(in->kex.lists, ours);
    ssh2_free_lists(ours);
    if (index < 0) {
        return CLI_EXIT_OK; /* not that: libssh2's own words then */
    }
    in->unmatched = index + 1;
    return EXIT_NO_MATCH;
}

/*
 * As OpenSSH does, ask first for the host-key types known_hosts holds for
 * this host: left to itself libssh2 1.10 would pick ECDSA, and a known
 * ed25519 host would look unknown.
 */
static int prefer_known_types(LIBSSH2_SESSION *session, struct inspection *in)
{
    char methods[HOSTKEY_METHODS_SIZE];
    if (ssh2_known_host_name(in->host, in->port_number, in->known_name,
                             sizeof(in->known_name)) < 0) {
        warnx("host name too long: %s", in->host);
        return CLI_EXIT_USAGE;
    }
    unsigned known = ssh2_known_types(session, in->known_hosts, in->known_name);
    if (ssh2_hostkey_preference(known, methods, sizeof(methods)) < 0 ||
        libssh2_session_method_pref(session, LIBSSH2_METHOD_HOSTKEY, methods) !=
            0) {
        return ssh2_fail(session, "host-key preference");
    }
    return CLI_EXIT_OK;
}

/* The method libssh2 settled on for each KEXINIT list. */
static int read_chosen(LIBSSH2_SESSION *session, struct inspection *in)
{
    for (int type = 0; type < CHOSEN_METHODS; type++) {
        const char *name = libssh2_session_methods(session, type);
        if (name == NULL) {
            return ssh2_fail(session, "libssh2_session_methods");
        }
        in->chosen[type] = strdup(name);
        if (in->chosen[type] == NULL) {
            warn("strdup");
            return CLI_EXIT_FAILURE;
        }
    }
    return CLI_EXIT_OK;
}

/* Key type, SHA256 fingerprint as OpenSSH writes it, and known_hosts. */
static int read_host_key(LIBSSH2_SESSION *session, struct inspection *in)
{
    size_t len;
    int type;
    const char *key = libssh2_session_hostkey(session, &len, &type);
    const char *hash =
        libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256);
    if (key == NULL || hash == NULL) {
        return ssh2_fail(session, "reading the server's host key");
    }
    in->key_type = ssh2_key_type_name(type);
    if (in->key_type == NULL) {
        in->key_type = "unknown";
    }
    ssh2_format_sha256((const unsigned char *)hash, in->fingerprint);
    switch (ssh2_check_known_hosts(session, in->known_hosts, in->known_name,
                                   key, len, type, &in->changed_line)) {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH:
        in->known = "known";
        break;
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
        in->known = "CHANGED";
        break;
    case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
        in->known = "not known";
        break;
    default:
        in->known = "unreadable"; /* ssh2_session said why, on stderr */
        break;
    }
    return CLI_EXIT_OK;
}

/* RFC 4252 section 5.2: the methods that can continue, for USER. */
static int read_auth_methods(struct ssh2_session *ssh, struct inspection *in)
{
    const char *list = libssh2_userauth_list(ssh->session, in->user,
                                             (unsigned)strlen(in->user));
    if (list == NULL) {
        if (libssh2_userauth_authenticated(ssh->session)) {
            in->auth_none_accepted = 1; /* the server let us in as is */
            return CLI_EXIT_OK;
        }
        return ssh2_step_fail(ssh, "authentication methods");
    }
    /* Encrypted, but still the server's words: no escapes to the screen. */
    if (!kexinit_names_valid((const unsigned char *)list, strlen(list))) {
        warnx("the server's authentication methods are not a name-list");
        return CLI_EXIT_FAILURE;
    }
    in->auth_methods = strdup(list);
    if (in->auth_methods == NULL) {
        warn("strdup");
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}
