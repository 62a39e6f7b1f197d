/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_keys: host-key types and fingerprints, pure functions on bytes and
 * names (unit-tested in tests/unit/test_ssh2_session.c, also used by
 * ssh_inspect).  RFC 4253 6.6 names the key types; the fingerprint is
 * OpenSSH's "SHA256:" and base64.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libssh2.h>

#include "ssh_tools/ssh2_keys.h"

#define SHA256_LEN 32
#define MD5_LEN    16

static void base64_unpadded(const unsigned char *in, size_t len, char *out);

/*
 * Host-key types in the order we ask for them, OpenSSH 9's order.  DSA is
 * named but never asked for (OpenSSH 9 has dropped it).  Only names that
 * libssh2 1.10 knows: given an unknown one, libssh2_session_method_pref()
 * copies overlapping memory when it drops it.
 */
const struct ssh2_key_type ssh2_key_types[] = {
    {LIBSSH2_HOSTKEY_TYPE_ED25519, "ssh-ed25519", "ED25519",
     LIBSSH2_KNOWNHOST_KEY_ED25519, 1},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_256, "ecdsa-sha2-nistp256", "ECDSA",
     LIBSSH2_KNOWNHOST_KEY_ECDSA_256, 1},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_384, "ecdsa-sha2-nistp384", "ECDSA",
     LIBSSH2_KNOWNHOST_KEY_ECDSA_384, 1},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_521, "ecdsa-sha2-nistp521", "ECDSA",
     LIBSSH2_KNOWNHOST_KEY_ECDSA_521, 1},
    {LIBSSH2_HOSTKEY_TYPE_RSA, "ssh-rsa", "RSA", LIBSSH2_KNOWNHOST_KEY_SSHRSA,
     1},
    {LIBSSH2_HOSTKEY_TYPE_DSS, "ssh-dss", "DSA", LIBSSH2_KNOWNHOST_KEY_SSHDSS,
     0},
};
const size_t ssh2_key_type_count =
    sizeof ssh2_key_types / sizeof ssh2_key_types[0];

/* The table's row for libssh2 host-key type TYPE, or NULL. */
const struct ssh2_key_type *ssh2_key_type_find(int type)
{
    for (size_t i = 0; i < ssh2_key_type_count; i++) {
        if (ssh2_key_types[i].type == type) {
            return &ssh2_key_types[i];
        }
    }
    return NULL;
}

/* "ssh-ed25519", or NULL for a type we do not know. */
const char *ssh2_key_type_name(int hostkey_type)
{
    const struct ssh2_key_type *kt = ssh2_key_type_find(hostkey_type);
    return kt != NULL ? kt->name : NULL;
}

/* "ED25519", as OpenSSH's messages say it. */
const char *ssh2_key_type_label(int hostkey_type)
{
    const struct ssh2_key_type *kt = ssh2_key_type_find(hostkey_type);
    return kt != NULL ? kt->label : "UNKNOWN";
}

/* "HOST" on port 22, "[HOST]:PORT" elsewhere, as known_hosts names it. */
int ssh2_known_host_name(const char *host, int port, char *buf, size_t size)
{
    int n = port == 22 ? snprintf(buf, size, "%s", host)
                       : snprintf(buf, size, "[%s]:%d", host, port);
    return n >= 0 && (size_t)n < size ? 0 : -1;
}

/* "SHA256:" and the digest in unpadded base64. */
void ssh2_format_sha256(const unsigned char digest[32],
                        char buf[SSH2_FINGERPRINT_SIZE])
{
    memcpy(buf, "SHA256:", sizeof "SHA256:");
    base64_unpadded(digest, SHA256_LEN, buf + 7);
}

/* Does the --fingerprint PIN name this key (SHA256 or MD5)? */
int ssh2_pin_matches(const char *pin, const unsigned char sha256[32],
                     const unsigned char md5[16])
{
    if (strncmp(pin, "SHA256:", 7) == 0) {
        char fp[SSH2_FINGERPRINT_SIZE];
        ssh2_format_sha256(sha256, fp);
        return strcmp(pin, fp) == 0;
    }
    if (strncmp(pin, "MD5:", 4) != 0 || md5 == NULL) {
        return 0;
    }
    /* "MD5:" and 16 bytes as aa:bb:...:pp, either case. */
    char hex[3 * MD5_LEN];
    for (size_t i = 0; i < MD5_LEN; i++) {
        snprintf(hex + 3 * i, 4, "%02x%s", md5[i], i + 1 < MD5_LEN ? ":" : "");
    }
    return strcasecmp(pin + 4, hex) == 0;
}

/* The host-key methods to ask for: known ones first. */
int ssh2_hostkey_preference(unsigned known_mask, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    /* Two rounds: the known types, then the others. */
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < ssh2_key_type_count; i++) {
            const struct ssh2_key_type *kt = &ssh2_key_types[i];
            int known = (known_mask & (1u << kt->type)) != 0;
            if (!kt->negotiable || known != (round == 0)) {
                continue;
            }
            int n = snprintf(buf + used, size - used, "%s%s",
                             used > 0 ? "," : "", kt->name);
            if (n < 0 || (size_t)n >= size - used) {
                return -1;
            }
            used += (size_t)n;
        }
    }
    return 0;
}

/* RFC 4648 base64, without the '=' padding (as OpenSSH's fingerprints). */
static void base64_unpadded(const unsigned char *in, size_t len, char *out)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned long group = (unsigned long)in[i] << 16;
        size_t have = len - i < 3 ? len - i : 3;
        if (have > 1) {
            group |= (unsigned long)in[i + 1] << 8;
        }
        if (have > 2) {
            group |= in[i + 2];
        }
        for (size_t d = 0; d <= have; d++) {
            out[o++] = digits[(group >> (18 - 6 * d)) & 0x3f];
        }
    }
    out[o] = '\0';
}
