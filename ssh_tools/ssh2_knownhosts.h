/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_knownhosts: what OpenSSH's known_hosts file says about a host.
 */
#ifndef SHELLWIRE_SSH_SSH2_KNOWNHOSTS_H
#define SHELLWIRE_SSH_SSH2_KNOWNHOSTS_H

#include <stddef.h>

#include <libssh2.h>

/*
 * The host-key types (bit 1 << libssh2 host-key type) that known_hosts FILE
 * holds for NAME (as ssh2_known_host_name() makes it; hashed entries
 * too).  SESSION only lends libssh2 its allocator.  0 if none or no file.
 */
unsigned ssh2_known_types(LIBSSH2_SESSION *session, const char *file,
                          const char *name);

/*
 * Check KEY (raw, LEN bytes, libssh2 host-key type TYPE) for NAME against
 * known_hosts FILE, one line at a time: LIBSSH2_KNOWNHOST_CHECK_MATCH,
 * _MISMATCH (the first disagreeing line's number in *BAD_LINE), _NOTFOUND
 * (also when FILE does not exist) or _FAILURE (one line on stderr).
 */
int ssh2_check_known_hosts(LIBSSH2_SESSION *session, const char *file,
                           const char *name, const char *key, size_t len,
                           int type, long *bad_line);

#endif
