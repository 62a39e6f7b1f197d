/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hostkey: the server's identity, loaded or made once, and fingerprints. */
#ifndef SHELLWIRE_SSH_SERVER_HOSTKEY_H
#define SHELLWIRE_SSH_SERVER_HOSTKEY_H

#include <libssh/libssh.h>

/* The key in PATH, or a new ed25519 key saved there (0600); its SHA256
 * fingerprint in *FINGERPRINT (free()).  NULL on failure. */
ssh_key host_key_load(const char *path, char **fingerprint);
/* "SHA256:..." of any key, as ssh-keygen -l shows it (free()). */
char *key_fingerprint(ssh_key key);

#endif
