/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_hostkey: is this really the host we meant?  OpenSSH's known_hosts
 * (RFC 4251 4.1 leaves the check to the client).  Step 3 of ssh2_open().
 */
#ifndef SHELLWIRE_SSH_SSH2_HOSTKEY_H
#define SHELLWIRE_SSH_SSH2_HOSTKEY_H

#include "ssh_tools/ssh2_base.h"

/*
 * Ask for the host-key types known_hosts holds for NAME ("[host]:port")
 * before the handshake, as OpenSSH does.  An enum cli_exit.
 */
int ssh2_prefer_known_types(struct ssh2_session *ssh, const char *name);

/*
 * Check the key the server proved it holds: pin, known, changed, or
 * unknown (ask or --accept-new, then record).  An enum cli_exit after one
 * explanation on stderr.
 */
int ssh2_check_host_key(const struct ssh2_options *opts,
                        struct ssh2_session *ssh, const char *name);

#endif
