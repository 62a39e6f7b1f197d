/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_session: open an SSH session with libssh2 the way OpenSSH's ssh(1)
 * does it: TCP connect, handshake, the host key against known_hosts (or a
 * pinned fingerprint), then authentication in OpenSSH's order, all within
 * one deadline.  What a client program includes: the parts' headers too.
 *
 * Read ssh2_open() in ssh2_session.c: each step is one call, its body one
 * file down (ssh2_hostkey.c, ssh2_auth.c), and everything they share is in
 * ssh2_base.h.  Lessons: lessons/05-ssh-one-channel.md and
 * lessons/10-ssh-host-keys.md.
 */
#ifndef SHELLWIRE_SSH_SSH2_SESSION_H
#define SHELLWIRE_SSH_SSH2_SESSION_H

#include <libssh2.h>

#include "ssh_tools/ssh2_auth.h"
#include "ssh_tools/ssh2_base.h"
#include "ssh_tools/ssh2_hostkey.h"
#include "ssh_tools/ssh2_keys.h"
#include "ssh_tools/ssh2_knownhosts.h"
#include "ssh_tools/ssh2_options.h"

/*
 * Connect, check the host key, authenticate, within OPTS->timeout_ms in
 * all: a session ready for channels, blocking, with no time-out left on
 * it.  Returns an enum cli_exit (CLI_EXIT_OK, or the kind of failure
 * after one line on stderr).  SSH is filled in either way: ssh2_close() it.
 */
int ssh2_open(const struct ssh2_options *opts, struct ssh2_session *ssh);

/*
 * RFC 4253: identification, KEXINIT, key exchange, NEWKEYS, on SSH's
 * socket, for the host known_hosts calls NAME.  An enum cli_exit after
 * one line; no algorithm in common is named as OpenSSH names it.
 */
int ssh2_handshake(struct ssh2_session *ssh, const char *name);

/* Say goodbye (SSH_MSG_DISCONNECT), free the session, close the socket. */
void ssh2_close(struct ssh2_session *ssh, const char *goodbye);

/*
 * A request on a channel failed (RFC 4254 5.4 CHANNEL_FAILURE, or the
 * connection): "WHAT request failed on channel NUMBER" as OpenSSH says it
 * when the server refused (exit 1), else ssh2_fail().
 */
int ssh2_request_fail(struct ssh2_session *ssh, const char *what, int number);

/*
 * After the server's EOF, wait for its CLOSE before closing ours (RFC 4254
 * 5.3), as OpenSSH does: "exit-status" may come after EOF (6.10).
 */
int ssh2_channel_finish(struct ssh2_session *ssh, LIBSSH2_CHANNEL *channel);

#endif
