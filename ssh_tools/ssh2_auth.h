/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_auth: logging in (RFC 4252) in OpenSSH's order.  Step 4 of
 * ssh2_open().
 */
#ifndef SHELLWIRE_SSH_SSH2_AUTH_H
#define SHELLWIRE_SSH_SSH2_AUTH_H

#include "ssh_tools/ssh2_base.h"

/*
 * ssh-agent, key files, keyboard-interactive, password: an enum cli_exit
 * (CLI_EXIT_AUTH after a line saying what was tried and offered).
 */
int ssh2_authenticate(const struct ssh2_options *opts,
                      struct ssh2_session *ssh);

/*
 * Is this private key file's text protected by a passphrase?  Knows PEM
 * ("Proc-Type: 4,ENCRYPTED", "ENCRYPTED PRIVATE KEY") and OpenSSH's own
 * format (cipher name not "none").  1 yes, 0 no.
 */
int ssh2_key_text_encrypted(const char *text);

#endif
