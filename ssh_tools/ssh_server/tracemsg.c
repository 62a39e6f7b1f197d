/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tracemsg: one decrypted SSH message as one line, by its name in RFC 4250
 * section 4.1 and with the fields that matter.  This file: the transport
 * (RFC 4253) and authentication (RFC 4252) messages; tracechan.c: the
 * connection protocol's (RFC 4254); tracewire.c: reading and writing.
 * Secrets never reach the line: a password is shown by its length, a
 * keyboard-interactive answer by its count, an X11 cookie not at all.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tracemsg.h"

/* RFC 4250 4.1.2: the message numbers; 30 to 34 and 60 depend on the
 * key exchange and authentication methods (message_name()). */
static const char *const message_names[101] = {
    [1] = "DISCONNECT",
    [2] = "IGNORE",
    [3] = "UNIMPLEMENTED",
    [4] = "DEBUG",
    [5] = "SERVICE_REQUEST",
    [6] = "SERVICE_ACCEPT",
    [7] = "EXT_INFO",
    [20] = "KEXINIT",
    [21] = "NEWKEYS",
    [50] = "USERAUTH_REQUEST",
    [51] = "USERAUTH_FAILURE",
    [52] = "USERAUTH_SUCCESS",
    [53] = "USERAUTH_BANNER",
    [61] = "USERAUTH_INFO_RESPONSE",
    [80] = "GLOBAL_REQUEST",
    [81] = "REQUEST_SUCCESS",
    [82] = "REQUEST_FAILURE",
    [90] = "CHANNEL_OPEN",
    [91] = "CHANNEL_OPEN_CONFIRMATION",
    [92] = "CHANNEL_OPEN_FAILURE",
    [93] = "CHANNEL_WINDOW_ADJUST",
    [94] = "CHANNEL_DATA",
    [95] = "CHANNEL_EXTENDED_DATA",
    [96] = "CHANNEL_EOF",
    [97] = "CHANNEL_CLOSE",
    [98] = "CHANNEL_REQUEST",
    [99] = "CHANNEL_SUCCESS",
    [100] = "CHANNEL_FAILURE",
};

/* RFC 4419 5: messages 30 to 34 with a group exchange. */
static const char *const gex_names[] = {
    "KEX_DH_GEX_REQUEST_OLD", "KEX_DH_GEX_GROUP", "KEX_DH_GEX_INIT",
    "KEX_DH_GEX_REPLY", "KEX_DH_GEX_REQUEST"};

static const char *message_name(const struct tracemsg_state *state,
                                unsigned type);
static void describe_early(struct tracemsg_state *state, int from_client,
                           unsigned type, struct wire *w, struct line *l);
static void describe_kexinit(struct tracemsg_state *state, int from_client,
                             struct wire *w, struct line *l);
static void choose_kex(struct tracemsg_state *state);
static void describe_auth(struct tracemsg_state *state, struct wire *w,
                          struct line *l);

void tracemsg_describe(struct tracemsg_state *state, int from_client,
                       const unsigned char *payload, size_t len,
                       char line[TRACEMSG_LINE_MAX])
{
    struct wire w = {payload, len, 0};
    struct line l = {line, 0};
    unsigned type = wire_u8(&w);
    const char *name = message_name(state, type);
    line[0] = '\0';
    if (name == NULL) {
        line_put(&l, "message %u (%zu bytes)", type, len);
        return;
    }
    line_put(&l, "%s", name);
    if (type >= 80) {
        chan_describe(type, &w, &l);
    } else {
        describe_early(state, from_client, type, &w, &l);
    }
}

/* The transport's messages (RFC 4253) and authentication's (RFC 4252). */
static void describe_early(struct tracemsg_state *state, int from_client,
                           unsigned type, struct wire *w, struct line *l)
{
    const char *name;
    switch (type) {
    case 1: /* RFC 4253 11.1 */
        line_put(l, " reason=%u", (unsigned)wire_u32(w));
        line_text(l, "", w);
        break;
    case 5: /* RFC 4253 10 */
    case 6:
        line_text(l, "", w);
        break;
    case 7: /* RFC 8308 2.3: names and values; the names say enough */
        for (uint32_t n = wire_u32(w); n > 0 && !w->bad; n--) {
            line_text(l, "", w);
            wire_string(w, &name);
        }
        break;
    case 20:
        describe_kexinit(state, from_client, w, l);
        break;
    case 50:
        describe_auth(state, w, l);
        break;
    case 51: /* RFC 4252 5.1 */
        line_text(l, "continue=", w);
        line_put(l, " partial=%s", wire_u8(w) ? "yes" : "no");
        break;
    case 60:
        if (strcmp(state->method, "publickey") == 0) {
            line_text(l, "alg=", w);
        }
        break;
    case 61: /* RFC 4256 3.4: the answers are secrets; only their count */
        line_put(l, " answers=%u", (unsigned)wire_u32(w));
        break;
    default:
        break;
    }
}

/* RFC 4253 7.1: the first name of the lists that matter, and remember the
 * kex lists: the method is the client's first that the server offers. */
static void describe_kexinit(struct tracemsg_state *state, int from_client,
                             struct wire *w, struct line *l)
{
    static const char *const keys[] = {"kex=", "hostkey=", "cipher=", "",
                                       "mac="};
    char *kexes = from_client ? state->client_kex : state->server_kex;
    const char *list;
    w->p += w->left < 16 ? w->left : 16; /* the cookie */
    w->left -= w->left < 16 ? w->left : 16;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        size_t len = wire_string(w, &list);
        const char *comma = memchr(list, ',', len);
        size_t first = comma != NULL ? (size_t)(comma - list) : len;
        if (i == 0) {
            snprintf(kexes, sizeof(state->client_kex), "%.*s", (int)len, list);
        }
        if (keys[i][0] != '\0') {
            line_name(l, keys[i], list, first);
        }
    }
    choose_kex(state);
}

/* RFC 4253 7.1: the client's first kex method that the server offers. */
static void choose_kex(struct tracemsg_state *state)
{
    for (const char *c = state->client_kex; *c != '\0' && *state->server_kex;
         c += strcspn(c, ","), c += *c == ',') {
        size_t n = strcspn(c, ",");
        for (const char *s = state->server_kex; *s != '\0';
             s += strcspn(s, ","), s += *s == ',') {
            if (n == strcspn(s, ",") && strncmp(c, s, n) == 0) {
                snprintf(state->kex, sizeof(state->kex), "%.*s", (int)n, c);
                return;
            }
        }
    }
}

/* RFC 4252 5, 7, 8: who, for what, how; a password only by its length. */
static void describe_auth(struct tracemsg_state *state, struct wire *w,
                          struct line *l)
{
    const char *method;
    line_text(l, "user=", w);
    line_text(l, "service=", w);
    size_t len = wire_string(w, &method);
    snprintf(state->method, sizeof(state->method), "%.*s", (int)len, method);
    line_name(l, "method=", method, len);
    if (strcmp(state->method, "publickey") == 0) {
        int is_signed = wire_u8(w) != 0;
        line_text(l, "alg=", w);
        line_put(l, " signed=%s", is_signed ? "yes" : "no");
    } else if (strcmp(state->method, "password") == 0) {
        const char *secret;
        int change = wire_u8(w) != 0;
        line_put(l, " password=(%zu bytes)", wire_string(w, &secret));
        if (change) {
            line_put(l, " new_password=(%zu bytes)", wire_string(w, &secret));
        }
    }
}

/* RFC 4250 4.1; 30 to 34 depend on the key exchange method. */
static const char *message_name(const struct tracemsg_state *state,
                                unsigned type)
{
    if (type == 60) { /* RFC 4252 7, 8 and RFC 4256 3.2 */
        return strcmp(state->method, "publickey") == 0  ? "USERAUTH_PK_OK"
               : strcmp(state->method, "password") == 0 ? "PASSWD_CHANGEREQ"
                                                        : "INFO_REQUEST";
    }
    if (type >= 30 && type <= 34 &&
        strncmp(state->kex, "diffie-hellman-group-exchange", 29) == 0) {
        return gex_names[type - 30]; /* RFC 4419 5 */
    }
    if (type == 30 || type == 31) { /* RFC 4253 8, RFC 5656 4 */
        int dh = strncmp(state->kex, "diffie-hellman", 14) == 0;
        return type == 30 ? (dh ? "KEXDH_INIT" : "KEX_ECDH_INIT")
                          : (dh ? "KEXDH_REPLY" : "KEX_ECDH_REPLY");
    }
    return type < 101 ? message_names[type] : NULL;
}
