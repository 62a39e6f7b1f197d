/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * kexinit: parse SSH_MSG_KEXINIT from the bytes of the first binary packet.
 *
 * RFC 4253 section 6, every packet:
 *     uint32    packet_length     (not counting itself)
 *     byte      padding_length
 *     byte[n1]  payload           n1 = packet_length - padding_length - 1
 *     byte[n2]  random padding    n2 = padding_length, at least 4
 *     byte[m]   mac               m = 0 before the first NEWKEYS
 * RFC 4253 section 7.1, the payload of a KEXINIT:
 *     byte      SSH_MSG_KEXINIT (20)
 *     byte[16]  cookie            (random bytes)
 *     name-list x 10              kex_algorithms ... languages_s2c
 *     boolean   first_kex_packet_follows
 *     uint32    0                 (reserved)
 * A name-list is a uint32 length and that many bytes of comma-separated
 * names (RFC 4251 section 5).  Every read below goes through struct
 * reader, which refuses to go past the end of what it was given.
 */
#include <stdlib.h>
#include <string.h>

#include "ssh_tools/kexinit.h"

/* RFC 4253 section 6: the padding is 4 to 255 bytes, and the packet
 * before encryption is a multiple of 8 bytes long. */
#define MIN_PADDING 4
#define BLOCK_SIZE  8
/* RFC 4251 section 6: an algorithm name is at most 64 characters. */
#define MAX_NAME 64

const char *const kexinit_list_names[KEXINIT_LISTS] = {
    "kex_algorithms",
    "server_host_key_algorithms",
    "encryption_algorithms_c2s",
    "encryption_algorithms_s2c",
    "mac_algorithms_c2s",
    "mac_algorithms_s2c",
    "compression_algorithms_c2s",
    "compression_algorithms_s2c",
    "languages_c2s",
    "languages_s2c",
};

/* A cursor over bytes we may read: P points at LEFT readable bytes. */
struct reader {
    const unsigned char *p;
    size_t left;
};

static int frame_packet(const unsigned char *buf, size_t len, struct kexinit *k,
                        struct reader *payload);
static int read_byte(struct reader *r, unsigned *out);
static int read_u32(struct reader *r, uint32_t *out);
static int read_name_list(struct reader *r, char **out);

enum kexinit_status kexinit_parse(const unsigned char *buf, size_t len,
                                  struct kexinit *k)
{
    memset(k, 0, sizeof(*k));
    struct reader r;
    int framed = frame_packet(buf, len, k, &r);
    if (framed != KEXINIT_OK) {
        return framed;
    }
    if (read_byte(&r, &k->message) < 0) {
        k->error = "the payload is empty";
        return KEXINIT_MALFORMED;
    }
    if (k->message != SSH_MSG_KEXINIT) {
        return KEXINIT_NOT_KEXINIT;
    }
    if (r.left < KEXINIT_COOKIE_LEN) {
        k->error = "the payload ends inside the cookie";
        return KEXINIT_MALFORMED;
    }
    memcpy(k->cookie, r.p, KEXINIT_COOKIE_LEN);
    r.p += KEXINIT_COOKIE_LEN;
    r.left -= KEXINIT_COOKIE_LEN;
    for (int i = 0; i < KEXINIT_LISTS; i++) {
        if (read_name_list(&r, &k->lists[i]) < 0) {
            k->error = r.left == 0 ? "the payload ends inside a name-list"
                                   : "a name-list is not a list of names";
            kexinit_free(k);
            return KEXINIT_MALFORMED;
        }
    }
    unsigned follows;
    if (read_byte(&r, &follows) < 0 || read_u32(&r, &k->reserved) < 0) {
        k->error = "the payload ends before its last fields";
        kexinit_free(k);
        return KEXINIT_MALFORMED;
    }
    /* RFC 4251 section 5: any non-zero boolean means TRUE. */
    k->first_kex_packet_follows = follows != 0;
    return KEXINIT_OK;
}

void kexinit_free(struct kexinit *k)
{
    for (int i = 0; i < KEXINIT_LISTS; i++) {
        free(k->lists[i]);
        k->lists[i] = NULL;
    }
}

/* Check the section 6 framing; point PAYLOAD at the payload bytes. */
static int frame_packet(const unsigned char *buf, size_t len, struct kexinit *k,
                        struct reader *payload)
{
    struct reader r = {buf, len};
    if (read_u32(&r, &k->packet_length) < 0) {
        return KEXINIT_INCOMPLETE;
    }
    if (k->packet_length > KEXINIT_MAX_PACKET - 4) {
        k->error = "the packet length is more than 35000 bytes";
        return KEXINIT_MALFORMED;
    }
    k->needed = 4 + (size_t)k->packet_length;
    if (len < k->needed) {
        return KEXINIT_INCOMPLETE;
    }
    if (k->needed % BLOCK_SIZE != 0) {
        k->error = "the packet is not a multiple of 8 bytes long";
        return KEXINIT_MALFORMED;
    }
    r.left = k->packet_length; /* from here, only this packet's bytes */
    if (read_byte(&r, &k->padding_length) < 0 ||
        k->padding_length < MIN_PADDING) {
        k->error = "the padding is shorter than 4 bytes";
        return KEXINIT_MALFORMED;
    }
    if (k->padding_length > r.left) {
        k->error = "the padding is longer than the packet";
        return KEXINIT_MALFORMED;
    }
    payload->p = r.p;
    payload->left = r.left - k->padding_length;
    return KEXINIT_OK;
}

/* One byte, or -1 at the end. */
static int read_byte(struct reader *r, unsigned *out)
{
    if (r->left < 1) {
        return -1;
    }
    *out = r->p[0];
    r->p++;
    r->left--;
    return 0;
}

/* RFC 4251 section 5: uint32 is four bytes, most significant first. */
static int read_u32(struct reader *r, uint32_t *out)
{
    if (r->left < 4) {
        return -1;
    }
    *out = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
           (uint32_t)r->p[2] << 8 | (uint32_t)r->p[3];
    r->p += 4;
    r->left -= 4;
    return 0;
}

/* A name-list as a new NUL-terminated string, or -1 (nothing allocated). */
static int read_name_list(struct reader *r, char **out)
{
    uint32_t len;
    if (read_u32(r, &len) < 0) {
        r->left = 0;
        return -1;
    }
    /* The length is the peer's claim: believe it only if the bytes are
     * there.  Comparing before adding cannot overflow. */
    if (len > r->left) {
        r->left = 0;
        return -1;
    }
    if (!kexinit_names_valid(r->p, len)) {
        return -1;
    }
    char *copy = malloc((size_t)len + 1);
    if (copy == NULL) {
        return -1;
    }
    memcpy(copy, r->p, len);
    copy[len] = '\0';
    r->p += len;
    r->left -= len;
    *out = copy;
    return 0;
}

/*
 * RFC 4251 sections 5 and 6: names are printable US-ASCII without spaces,
 * 1 to 64 characters, separated by single commas; the list may be empty.
 * Checking this also keeps terminal escapes off the instructor's screen.
 */
int kexinit_names_valid(const unsigned char *s, size_t len)
{
    size_t name_len = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ',') {
            if (name_len == 0) {
                return 0;
            }
            name_len = 0;
        } else if (s[i] <= ' ' || s[i] > '~' || ++name_len > MAX_NAME) {
            return 0;
        }
    }
    return len == 0 || name_len > 0;
}
