/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_agree: which KEXINIT list shares nothing with the server's (see
 * ssh2_agree.h).  libssh2 1.10 says only "Unable to exchange encryption
 * keys"; the server's lists are in the clear (RFC 4253 7.1), so we read
 * them from the bytes it sent and compare them with what libssh2 knows.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh2.h>

#include "common/bytebuf.h"
#include "ssh_tools/kexinit.h"
#include "ssh_tools/ssh2_agree.h"

static int list_has(const char *list, const char *name, size_t len);
static int lists_meet(const char *theirs, const char *ours);
static char *join_names(const char **names, int count);

/* Each list in turn, in KEXINIT order, as the server chooses. */
int ssh2_unmatched_list(char *const *server, char *const *ours)
{
    for (int i = 0; i < SSH2_AGREED_LISTS; i++) {
        if (!lists_meet(server[i], ours[i])) {
            return i;
        }
    }
    return -1;
}

/* Is NAME (LEN bytes) one of LIST's comma-separated names? */
static int list_has(const char *list, const char *name, size_t len)
{
    for (const char *p = list; p != NULL && *p != '\0';) {
        const char *comma = strchr(p, ',');
        size_t word = comma != NULL ? (size_t)(comma - p) : strlen(p);
        if (word == len && strncmp(p, name, len) == 0) {
            return 1;
        }
        p = comma != NULL ? comma + 1 : NULL;
    }
    return 0;
}

/* Does any of THEIRS appear in OURS? */
static int lists_meet(const char *theirs, const char *ours)
{
    for (const char *p = theirs; p != NULL && *p != '\0';) {
        const char *comma = strchr(p, ',');
        size_t word = comma != NULL ? (size_t)(comma - p) : strlen(p);
        if (list_has(ours, p, word)) {
            return 1;
        }
        p = comma != NULL ? comma + 1 : NULL;
    }
    return 0;
}

/* OpenSSH's words for each list (sshconnect2.c, kex.c: "no matching"). */
void ssh2_no_match_line(int index, const char *offer, char *buf, size_t size)
{
    static const char *const kinds[SSH2_AGREED_LISTS] = {"key exchange method",
                                                         "host key type",
                                                         "cipher",
                                                         "cipher",
                                                         "MAC",
                                                         "MAC",
                                                         "compression method",
                                                         "compression method"};
    const char *kind =
        index >= 0 && index < SSH2_AGREED_LISTS ? kinds[index] : "algorithm";
    /* RFC 8332: OpenSSH 8.8 and later offer an RSA key only this way. */
    int rsa = index == 1 && strstr(offer, "rsa-sha2-") != NULL;
    snprintf(buf, size, "no matching %s found. Their offer: %s%s", kind, offer,
             rsa ? " (libssh2 1.10 verifies an RSA host key only as "
                   "ssh-rsa, which OpenSSH 8.8 and later no longer offer)"
                 : "");
}

/* Skip the lines up to and with "SSH-...", then parse the packet. */
int ssh2_explain_no_match(LIBSSH2_SESSION *session,
                          const struct bytebuf *opening, char *buf, size_t size)
{
    if (opening->data == NULL) {
        return -1; /* nothing came */
    }
    const char *p = opening->data, *end = p + opening->len;
    while (p != NULL && p < end && (end - p < 4 || memcmp(p, "SSH-", 4) != 0)) {
        p = memchr(p, '\n', (size_t)(end - p));
        p = p != NULL ? p + 1 : NULL;
    }
    p = p != NULL && p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
    struct kexinit k;
    if (p == NULL || kexinit_parse((const unsigned char *)p + 1,
                                   (size_t)(end - p - 1), &k) != KEXINIT_OK) {
        return -1;
    }
    char *ours[SSH2_AGREED_LISTS] = {NULL};
    int index = -1;
    if (ssh2_our_lists(session, ours) == 0) {
        index = ssh2_unmatched_list(k.lists, ours);
    }
    if (index >= 0) {
        ssh2_no_match_line(index, k.lists[index], buf, size);
    }
    ssh2_free_lists(ours);
    kexinit_free(&k);
    return index >= 0 ? 0 : -1;
}

/* libssh2_session_supported_algs() for each list, joined with commas. */
int ssh2_our_lists(LIBSSH2_SESSION *session, char *ours[SSH2_AGREED_LISTS])
{
    for (int i = 0; i < SSH2_AGREED_LISTS; i++) {
        const char **names = NULL;
        /* The method types are numbered as KEXINIT orders its lists. */
        int count = libssh2_session_supported_algs(session, i, &names);
        ours[i] = count >= 0 ? join_names(names, count) : NULL;
        if (names != NULL) {
            libssh2_free(session, (void *)names);
        }
        if (ours[i] == NULL) {
            warnx("libssh2's algorithm lists: out of memory or unknown");
            ssh2_free_lists(ours);
            return -1;
        }
    }
    return 0;
}

/* Free what ssh2_our_lists() made. */
void ssh2_free_lists(char *ours[SSH2_AGREED_LISTS])
{
    for (int i = 0; i < SSH2_AGREED_LISTS; i++) {
        free(ours[i]);
        ours[i] = NULL;
    }
}

/* "a,b,c" from COUNT names, malloc'd, or NULL. */
static char *join_names(const char **names, int count)
{
    struct bytebuf b = {0};
    for (int i = 0; i < count; i++) {
        if ((i > 0 && bytebuf_append(&b, ",", 1, 0) < 0) ||
            bytebuf_append(&b, names[i], strlen(names[i]), 0) < 0) {
            bytebuf_free(&b);
            return NULL;
        }
    }
    if (bytebuf_append(&b, "", 1, 0) < 0) {
        bytebuf_free(&b);
        return NULL;
    }
    return b.data;
}
