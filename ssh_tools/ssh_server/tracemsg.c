/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tracemsg: one decrypted SSH message as one line, by its name in RFC 4250
 * section 4.1 and with the fields that matter (RFC 4253, 4252, 4254).
 * Secrets never reach the line: a password is shown by its length, a
 * keyboard-interactive answer by its count, an X11 cookie not at all.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/repr.h"
#include "trace.h"

/* Bytes of CHANNEL_DATA shown, escaped. */
#define DATA_SHOWN 24
/* OpenSSH's host keys announcement (its PROTOCOL file, 2.5). */
#define HOSTKEYS "hostkeys-00@openssh.com"

/* A message being read: what is left of it; BAD once it ran short. */
struct wire {
    const unsigned char *p;
    size_t left;
    int bad;
};

/* The line being written. */
struct line {
    char *text;
    size_t len;
};

static void describe_kexinit(struct tracemsg_state *state, int from_client,
                             struct wire *w, struct line *l);
static void describe_auth(struct tracemsg_state *state, struct wire *w,
                          struct line *l);
static void describe_global(struct wire *w, struct line *l);
static void describe_open(struct wire *w, struct line *l);
static void describe_request(struct wire *w, struct line *l);
static void describe_request_fields(const char *type, struct wire *w,
                                    struct line *l);
static void describe_data(struct wire *w, struct line *l, int extended);
static const char *message_name(const struct tracemsg_state *state,
                                unsigned type);
static void put(struct line *l, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
static void put_text(struct line *l, const char *key, struct wire *w);
static void put_quoted(struct line *l, const char *bytes, size_t len);
static uint32_t get_u32(struct wire *w);
static unsigned get_u8(struct wire *w);
static size_t get_string(struct wire *w, const char **s);

void tracemsg_describe(struct tracemsg_state *state, int from_client,
                       const unsigned char *payload, size_t len,
                       char line[TRACEMSG_LINE_MAX])
{
    struct wire w = {payload, len, 0};
    struct line l = {line, 0};
    unsigned type = get_u8(&w);
    const char *name = message_name(state, type);
    line[0] = '\0';
    if (name == NULL) {
        put(&l, "message %u (%zu bytes)", type, len);
        return;
    }
    put(&l, "%s", name);
    switch (type) {
    case 1: /* RFC 4253 11.1 */
        put(&l, " reason=%u", (unsigned)get_u32(&w));
        put_text(&l, "", &w);
        break;
    case 5: /* RFC 4253 10 */
    case 6:
        put_text(&l, "", &w);
        break;
    case 7: /* RFC 8308 2.3: names and values; the names say enough */
        for (uint32_t n = get_u32(&w); n > 0 && !w.bad; n--) {
            put_text(&l, "", &w);
            get_string(&w, &name);
        }
        break;
    case 20:
        describe_kexinit(state, from_client, &w, &l);
        break;
    case 50:
        describe_auth(state, &w, &l);
        break;
    case 51: /* RFC 4252 5.1 */
        put_text(&l, "continue=", &w);
        put(&l, " partial=%s", get_u8(&w) ? "yes" : "no");
        break;
    case 60:
        if (strcmp(state->method, "publickey") == 0) {
            put_text(&l, "alg=", &w);
        }
        break;
    case 61: /* RFC 4256 3.4: the answers are secrets; only their count */
        put(&l, " answers=%u", (unsigned)get_u32(&w));
        break;
    case 80:
        describe_global(&w, &l);
        break;
    case 90:
        describe_open(&w, &l);
        break;
    case 91: /* RFC 4254 5.1 */
        put(&l, " channel=%u", (unsigned)get_u32(&w));
        put(&l, " sender=%u", (unsigned)get_u32(&w));
        put(&l, " window=%u", (unsigned)get_u32(&w));
        put(&l, " max_packet=%u", (unsigned)get_u32(&w));
        break;
    case 92:
        put(&l, " channel=%u", (unsigned)get_u32(&w));
        put(&l, " reason=%u", (unsigned)get_u32(&w));
        put_text(&l, "", &w);
        break;
    case 93: /* RFC 4254 5.2 */
        put(&l, " channel=%u", (unsigned)get_u32(&w));
        put(&l, " bytes=%u", (unsigned)get_u32(&w));
        break;
    case 94:
    case 95:
        describe_data(&w, &l, type == 95);
        break;
    case 96: /* RFC 4254 5.3, 5.4 */
    case 97:
    case 99:
    case 100:
        put(&l, " channel=%u", (unsigned)get_u32(&w));
        break;
    case 98:
        describe_request(&w, &l);
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
    static const char *const keys[] = {"kex", "hostkey", "cipher", "", "mac"};
    char *kexes = from_client ? state->client_kex : state->server_kex;
    const char *list;
    w->p += w->left < 16 ? w->left : 16; /* the cookie */
    w->left -= w->left < 16 ? w->left : 16;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        size_t len = get_string(w, &list);
        size_t first = strcspn(list, ",");
        if (i == 0) {
            snprintf(kexes, sizeof(state->client_kex), "%.*s", (int)len, list);
        }
        if (keys[i][0] != '\0') {
            put(l, " %s=%.*s", keys[i], (int)(first < len ? first : len), list);
        }
    }
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
    put_text(l, "user=", w);
    put_text(l, "service=", w);
    size_t len = get_string(w, &method);
    snprintf(state->method, sizeof(state->method), "%.*s", (int)len, method);
    put(l, " method=%s", state->method);
    if (strcmp(state->method, "publickey") == 0) {
        int is_signed = get_u8(w) != 0;
        put_text(l, "alg=", w);
        put(l, " signed=%s", is_signed ? "yes" : "no");
    } else if (strcmp(state->method, "password") == 0) {
        const char *secret;
        int change = get_u8(w) != 0;
        put(l, " password=(%zu bytes)", get_string(w, &secret));
        if (change) {
            put(l, " new_password=(%zu bytes)", get_string(w, &secret));
        }
    }
}

/* RFC 4254 4: a request for the whole connection; OpenSSH's own ones are
 * named NAME@openssh.com (its PROTOCOL file). */
static void describe_global(struct wire *w, struct line *l)
{
    const char *name;
    size_t len = get_string(w, &name);
    put(l, " %.*s", (int)len, name);
    put(l, " want_reply=%s", get_u8(w) ? "yes" : "no");
    if (len == strlen(HOSTKEYS) && strncmp(name, HOSTKEYS, len) == 0) {
        unsigned keys = 0;
        while (w->left > 0 && !w->bad) {
            get_string(w, &name);
            keys += !w->bad;
        }
        put(l, " keys=%u", keys);
    }
}

/* RFC 4254 5.1: the channel's type, the sender's number and flow limits. */
static void describe_open(struct wire *w, struct line *l)
{
    put_text(l, "", w);
    put(l, " sender=%u", (unsigned)get_u32(w));
    put(l, " window=%u", (unsigned)get_u32(w));
    put(l, " max_packet=%u", (unsigned)get_u32(w));
}

/* RFC 4254 6: a request on one channel, and whether it wants an answer. */
static void describe_request(struct wire *w, struct line *l)
{
    const char *type;
    put(l, " channel=%u", (unsigned)get_u32(w));
    size_t len = get_string(w, &type);
    char name[64];
    snprintf(name, sizeof(name), "%.*s", (int)len, type);
    put(l, " %s", name);
    int want_reply = get_u8(w) != 0;
    describe_request_fields(name, w, l);
    put(l, " want_reply=%s", want_reply ? "yes" : "no");
}

/* The fields of each request type (RFC 4254 6.2 to 6.10). */
static void describe_request_fields(const char *type, struct wire *w,
                                    struct line *l)
{
    if (strcmp(type, "pty-req") == 0) {
        const char *modes;
        put_text(l, "TERM=", w);
        uint32_t cols = get_u32(w);
        put(l, " %ux%u", (unsigned)cols, (unsigned)get_u32(w));
        get_u32(w), get_u32(w); /* the size in pixels */
        size_t len = get_string(w, &modes);
        /* RFC 4254 8: opcode and uint32 pairs, up to TTY_OP_END (0). */
        size_t count = 0;
        while (count * 5 < len && modes[count * 5] != 0) {
            count++;
        }
        put(l, " modes=%zu", count);
    } else if (strcmp(type, "env") == 0) {
        put_text(l, "", w);
        put_text(l, "=", w);
    } else if (strcmp(type, "exec") == 0) {
        const char *command;
        size_t len = get_string(w, &command);
        put(l, " ");
        put_quoted(l, command, len);
    } else if (strcmp(type, "subsystem") == 0 || strcmp(type, "signal") == 0) {
        put_text(l, "", w);
    } else if (strcmp(type, "window-change") == 0) {
        uint32_t cols = get_u32(w);
        put(l, " %ux%u", (unsigned)cols, (unsigned)get_u32(w));
    } else if (strcmp(type, "exit-status") == 0) {
        put(l, " %u", (unsigned)get_u32(w));
    } else if (strcmp(type, "exit-signal") == 0) {
        put_text(l, "", w);
        put(l, " core=%s", get_u8(w) ? "yes" : "no");
    } else if (strcmp(type, "x11-req") == 0) {
        put(l, " (cookie not shown)");
    }
}

/* RFC 4254 5.2: how much, and how it begins. */
static void describe_data(struct wire *w, struct line *l, int extended)
{
    const char *bytes;
    put(l, " channel=%u", (unsigned)get_u32(w));
    if (extended) {
        uint32_t code = get_u32(w);
        put(l, code == 1 ? " stderr" : " type=%u", (unsigned)code);
    }
    size_t len = get_string(w, &bytes);
    put(l, " len=%zu ", len);
    put_quoted(l, bytes, len < DATA_SHOWN ? len : DATA_SHOWN);
    put(l, "%s", len > DATA_SHOWN ? "..." : "");
}

/* RFC 4250 4.1; 30 to 34 depend on the key exchange method. */
static const char *message_name(const struct tracemsg_state *state,
                                unsigned type)
{
    static const char *const names[101] = {
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
    static const char *const gex[] = {"KEX_DH_GEX_REQUEST_OLD",
                                      "KEX_DH_GEX_GROUP", "KEX_DH_GEX_INIT",
                                      "KEX_DH_GEX_REPLY", "KEX_DH_GEX_REQUEST"};
    if (type == 60) { /* RFC 4252 7, 8 and RFC 4256 3.2 */
        return strcmp(state->method, "publickey") == 0  ? "USERAUTH_PK_OK"
               : strcmp(state->method, "password") == 0 ? "PASSWD_CHANGEREQ"
                                                        : "INFO_REQUEST";
    }
    if (type >= 30 && type <= 34 &&
        strncmp(state->kex, "diffie-hellman-group-exchange", 29) == 0) {
        return gex[type - 30]; /* RFC 4419 5 */
    }
    if (type == 30 || type == 31) { /* RFC 4253 8, RFC 5656 4 */
        int dh = strncmp(state->kex, "diffie-hellman", 14) == 0;
        return type == 30 ? (dh ? "KEXDH_INIT" : "KEX_ECDH_INIT")
                          : (dh ? "KEXDH_REPLY" : "KEX_ECDH_REPLY");
    }
    return type < 101 ? names[type] : NULL;
}

/* Append to the line; a line too long is cut, never overrun. */
static void put(struct line *l, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(l->text + l->len, TRACEMSG_LINE_MAX - l->len, format, ap);
    va_end(ap);
    if (n > 0) {
        l->len += (size_t)n;
        if (l->len >= TRACEMSG_LINE_MAX) {
            l->len = TRACEMSG_LINE_MAX - 1;
        }
    }
}

/* " KEY" and a string from the wire, any byte outside printable ASCII as
 * '?' (a name must not be able to forge a line). */
static void put_text(struct line *l, const char *key, struct wire *w)
{
    const char *s;
    size_t len = get_string(w, &s);
    put(l, "%s%s", *key == '=' ? "" : " ", key);
    for (size_t i = 0; i < len && i < 120; i++) {
        unsigned char c = (unsigned char)s[i];
        put(l, "%c", c >= 0x20 && c < 0x7f ? c : '?');
    }
}

/* Bytes as one quoted C string ("ls -l\n"). */
static void put_quoted(struct line *l, const char *bytes, size_t len)
{
    char *text = repr_c(bytes, len);
    put(l, "%s", text != NULL ? text : "\"?\"");
    free(text);
}

/* RFC 4251 5: the data types, read from the message.  Past its end they
 * read as zero and empty. */
static uint32_t get_u32(struct wire *w)
{
    if (w->left < 4) {
        w->bad = 1;
        w->left = 0;
        return 0;
    }
    const unsigned char *p = w->p;
    w->p += 4;
    w->left -= 4;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static unsigned get_u8(struct wire *w)
{
    if (w->left < 1) {
        w->bad = 1;
        return 0;
    }
    w->left--;
    return *w->p++;
}

static size_t get_string(struct wire *w, const char **s)
{
    uint32_t len = get_u32(w);
    if (len > w->left) {
        w->bad = 1;
        len = 0;
    }
    *s = (const char *)w->p;
    w->p += len;
    w->left -= len;
    return len;
}
