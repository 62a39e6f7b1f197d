/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_password: the ways of logging in that ask a person (or stdin).
 */
#ifndef SHELLWIRE_SSH_SSH2_PASSWORD_H
#define SHELLWIRE_SSH_SSH2_PASSWORD_H

#include "ssh_tools/ssh2_login.h"

/* RFC 4256 keyboard-interactive: the server asks, we answer. */
int ssh2_try_keyboard(struct ssh2_login *a);

/* RFC 4252 section 8: the password itself. */
int ssh2_try_password(struct ssh2_login *a);

/*
 * A secret for PROMPT, from --password-stdin's line (read once) or the
 * terminal; malloc'd (prompt_forget() it), or NULL if none was given.
 */
char *ssh2_ask_secret(struct ssh2_login *a, const char *prompt);

#endif
