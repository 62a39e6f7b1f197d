/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * kexinit: the first binary packet of an SSH connection, read from bytes.
 *
 * Before the key exchange nothing is encrypted and there is no MAC, so the
 * server's SSH_MSG_KEXINIT can be read straight off the wire (RFC 4253
 * sections 6 and 7.1).  Every length in it comes from the peer and is
 * checked against the bytes really there before it is used.
 */
#ifndef SHELLWIRE_SSH_INSPECT_KEXINIT_H
#define SHELLWIRE_SSH_INSPECT_KEXINIT_H

#include <stddef.h>
#include <stdint.h>

/* RFC 4253 section 12: message numbers. */
#define SSH_MSG_DISCONNECT 1
#define SSH_MSG_KEXINIT    20

/* RFC 4253 section 6.1: packets a sender may count on us to take. */
#define KEXINIT_MAX_PACKET 35000
#define KEXINIT_COOKIE_LEN 16
/* The ten name-lists, in wire order (RFC 4253 section 7.1). */
#define KEXINIT_LISTS 10

enum kexinit_status {
    KEXINIT_OK,          /* a whole KEXINIT was parsed */
    KEXINIT_INCOMPLETE,  /* more bytes are needed: see .needed */
    KEXINIT_NOT_KEXINIT, /* a well-framed packet of another message */
    KEXINIT_MALFORMED    /* the packet breaks a rule: see .error */
};

struct kexinit {
    size_t needed;          /* bytes the whole packet takes (0: unknown) */
    uint32_t packet_length; /* RFC 4253 section 6, excludes itself */
    unsigned padding_length;
    unsigned message;
    unsigned char cookie[KEXINIT_COOKIE_LEN];
    char *lists[KEXINIT_LISTS]; /* comma-separated names, NUL-terminated */
    int first_kex_packet_follows;
    uint32_t reserved;
    const char *error; /* for KEXINIT_MALFORMED: which rule was broken */
};

/* The RFC's name for each list, "kex_algorithms" ... "languages_s2c". */
extern const char *const kexinit_list_names[KEXINIT_LISTS];

/*
 * Parse the binary packet at the start of BUF (LEN bytes) as a KEXINIT.
 * On KEXINIT_OK the lists are malloc'd: kexinit_free() them.  Any other
 * status leaves no allocation behind.  Never reads past BUF + LEN.
 */
enum kexinit_status kexinit_parse(const unsigned char *buf, size_t len,
                                  struct kexinit *k);

/* Free the lists of a parsed KEXINIT (safe to call twice). */
void kexinit_free(struct kexinit *k);

/*
 * Is S (LEN bytes) a valid name-list: printable US-ASCII names of 1 to 64
 * characters separated by single commas, or empty (RFC 4251 sections 5
 * and 6)?  1 yes, 0 no.
 */
int kexinit_names_valid(const unsigned char *s, size_t len);

#endif
