/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_keys: host-key types and fingerprints, as pure functions (no
 * socket, no session): unit-tested, and shared by ssh2_hostkey.c and
 * ssh_inspect.
 */
#ifndef SHELLWIRE_SSH_SSH2_KEYS_H
#define SHELLWIRE_SSH_SSH2_KEYS_H

#include <stddef.h>

#include "ssh_tools/ssh2_base.h"

/* One host-key type: libssh2's number, the wire name, OpenSSH's label. */
struct ssh2_key_type {
    int type;             /* LIBSSH2_HOSTKEY_TYPE_* */
    const char *name;     /* in KEXINIT and in known_hosts */
    const char *label;    /* as OpenSSH's messages say it */
    int known_hosts_type; /* LIBSSH2_KNOWNHOST_KEY_* */
    int negotiable;
};

/* Every type libssh2 1.10 knows, in the order we ask for them. */
extern const struct ssh2_key_type ssh2_key_types[];
extern const size_t ssh2_key_type_count;

/* The row for libssh2 host-key type TYPE, or NULL. */
const struct ssh2_key_type *ssh2_key_type_find(int type);

/* The libssh2 host-key type's name ("ssh-ed25519") or NULL. */
const char *ssh2_key_type_name(int hostkey_type);

/* OpenSSH's short name for it ("ED25519", "ECDSA", "RSA") or "UNKNOWN". */
const char *ssh2_key_type_label(int hostkey_type);

/*
 * The name known_hosts uses for HOST on PORT: "HOST" on port 22,
 * "[HOST]:PORT" otherwise.  0, or -1 if it does not fit in SIZE.
 */
int ssh2_known_host_name(const char *host, int port, char *buf, size_t size);

/* "SHA256:" and the digest in base64 without padding, as OpenSSH prints. */
void ssh2_format_sha256(const unsigned char digest[32],
                        char buf[SSH2_FINGERPRINT_SIZE]);

/*
 * Does PIN name this key?  PIN is "SHA256:base64" (OpenSSH) or
 * "MD5:aa:bb:..." (Twisted Conch's verifyHostKey).  1 yes, 0 no.
 */
int ssh2_pin_matches(const char *pin, const unsigned char sha256[32],
                     const unsigned char md5[16]);

/*
 * The host-key methods to ask for, best first: the types KNOWN_MASK says
 * known_hosts holds for this host (bit 1 << libssh2 host-key type), then
 * the rest, ed25519 first.  0, or -1 if it does not fit in SIZE.
 */
int ssh2_hostkey_preference(unsigned known_mask, char *buf, size_t size);

#endif
