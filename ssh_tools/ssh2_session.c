/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_session: the SSH login as one screen (RFC 4253 transport, RFC 4252
 * authentication, OpenSSH's known_hosts), on libssh2 1.10.
 *
 * Read ssh2_open() first: four numbered steps, each one call whose body is
 * one level down.  lessons/05-ssh-one-channel.md walks through them.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <libssh2.h>

#include "common/cli.h"
#include "common/monoclock.h"
#include "common/net.h"
#include "ssh_tools/ssh2_agree.h"
#include "ssh_tools/ssh2_session.h"

/* Room for OpenSSH's "no matching ... found. Their offer: ..." line. */
#define NO_MATCH_SIZE 1024

static int tcp_connect(const struct ssh2_options *opts,
                       struct ssh2_session *ssh);

/* The four steps of an SSH login, in the order lessons 05 and 10 meet them. */
int ssh2_open(const struct ssh2_options *opts, struct ssh2_session *ssh)
{
    char name[SSH2_HOST_NAME_SIZE]; /* "[host]:port", as known_hosts has it */
    *ssh = (struct ssh2_session){.fd = -1};
    if (ssh2_known_host_name(opts->host, opts->port_number, name, sizeof name) <
        0) {
        warnx("host name too long: %s", opts->host);
        return CLI_EXIT_USAGE;
    }
    ssh->known_hosts = ssh2_known_hosts_path(opts->known_hosts);
    if (ssh->known_hosts == NULL || ssh2_session_new(ssh) < 0) {
        return CLI_EXIT_FAILURE;
    }
    /* One deadline for all four steps: no traffic moves it. */
    ssh2_deadline(ssh, opts->timeout_ms);

    /* 1. TCP connect (RFC 793): getaddrinfo() and connect(), common/net. */
    int status = tcp_connect(opts, ssh);
    /* 2. Handshake (RFC 4253): identification, KEXINIT, key exchange and
     *    NEWKEYS, asking first for the host-key types known_hosts holds. */
    if (status == CLI_EXIT_OK) {
        status = ssh2_prefer_known_types(ssh, name);
    }
    if (status == CLI_EXIT_OK) {
        status = ssh2_handshake(ssh, name);
    }
    /* 3. Host key (RFC 4251 4.1): the key the server proved it holds,
     *    against OpenSSH's known_hosts (ssh2_hostkey.c). */
    if (status == CLI_EXIT_OK) {
        status = ssh2_check_host_key(opts, ssh, name);
    }
    /* 4. Authenticate (RFC 4252): agent, keys, keyboard-interactive,
     *    password, in OpenSSH's order (ssh2_auth.c). */
    if (status == CLI_EXIT_OK) {
        status = ssh2_authenticate(opts, ssh);
    }
    /* Logged in: the channels that follow have no deadline. */
    ssh2_deadline(ssh, 0);
    bytebuf_free(&ssh->opening);
    return status;
}

/* TCP_NODELAY on: each exec round trip is several small packets. */
static int tcp_connect(const struct ssh2_options *opts,
                       struct ssh2_session *ssh)
{
    long long left = monoclock_left_ms(ssh->deadline_ms);
    ssh->fd = net_connect(opts->host, opts->port, (int)left);
    if (ssh->fd < 0) {
        return cli_exit_for_connect(errno);
    }
    return CLI_EXIT_OK;
}

/* libssh2 does the work; a failure is named as OpenSSH would name it. */
int ssh2_handshake(struct ssh2_session *ssh, const char *name)
{
    char line[NO_MATCH_SIZE];
    if (libssh2_session_handshake(ssh->session, ssh->fd) == 0) {
        return CLI_EXIT_OK;
    }
    if (ssh->timed_out ||
        libssh2_session_last_errno(ssh->session) != LIBSSH2_ERROR_KEX_FAILURE) {
        return ssh2_step_fail(ssh, "SSH handshake");
    }
    if (ssh2_explain_no_match(ssh->session, &ssh->opening, line, sizeof line) <
        0) {
        return ssh2_fail(ssh->session, "SSH handshake");
    }
    warnx("SSH handshake with %s: %s", name, line);
    return CLI_EXIT_FAILURE;
}

/* Blocking again, so the goodbye is sent whatever state we were in. */
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
    bytebuf_free(&ssh->opening);
    *ssh = (struct ssh2_session){.fd = -1};
}

/* libssh2 1.10 says "Unable to complete request for channel-..." */
int ssh2_request_fail(struct ssh2_session *ssh, const char *what, int number)
{
    if (libssh2_session_last_errno(ssh->session) ==
        LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED) {
        warnx("%s request failed on channel %d: the server refused it", what,
              number);
        return CLI_EXIT_FAILURE;
    }
    return ssh2_fail(ssh->session, what);
}

/* wait_closed() first: closing first would lose a late exit-status. */
int ssh2_channel_finish(struct ssh2_session *ssh, LIBSSH2_CHANNEL *channel)
{
    if (libssh2_channel_wait_closed(channel) != 0 ||
        libssh2_channel_close(channel) != 0) {
        return ssh2_fail(ssh->session, "closing the channel");
    }
    return CLI_EXIT_OK;
}
