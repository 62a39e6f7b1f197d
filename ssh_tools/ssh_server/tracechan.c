/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tracechan: the connection protocol's messages (RFC 4254) for tracemsg.c:
 * global requests, channels, their requests and their bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tracemsg.h"

/* Bytes of CHANNEL_DATA shown, escaped. */
#define DATA_SHOWN 24
/* OpenSSH's host keys announcement (its PROTOCOL file, 2.5). */
#define HOSTKEYS "hostkeys-00@openssh.com"

static void chan_global(struct wire *w, struct line *l);
static void chan_open(struct wire *w, struct line *l);
static void chan_request(struct wire *w, struct line *l);
static void request_fields(const char *type, struct wire *w, struct line *l);
static void chan_data(struct wire *w, struct line *l, int extended);

/* RFC 4254: a global request, or a channel's message. */
void chan_describe(unsigned type, struct wire *w, struct line *l)
{
    switch (type) {
    case 80:
        chan_global(w, l);
        break;
    case 90:
        chan_open(w, l);
        break;
    case 91: /* RFC 4254 5.1 */
        line_put(l, " channel=%u", (unsigned)wire_u32(w));
        line_put(l, " sender=%u", (unsigned)wire_u32(w));
        line_put(l, " window=%u", (unsigned)wire_u32(w));
        line_put(l, " max_packet=%u", (unsigned)wire_u32(w));
        break;
    case 92:
        line_put(l, " channel=%u", (unsigned)wire_u32(w));
        line_put(l, " reason=%u", (unsigned)wire_u32(w));
        line_text(l, "", w);
        break;
    case 93: /* RFC 4254 5.2 */
        line_put(l, " channel=%u", (unsigned)wire_u32(w));
        line_put(l, " bytes=%u", (unsigned)wire_u32(w));
        break;
    case 94:
    case 95:
        chan_data(w, l, type == 95);
        break;
    case 96: /* RFC 4254 5.3, 5.4 */
    case 97:
    case 99:
    case 100:
        line_put(l, " channel=%u", (unsigned)wire_u32(w));
        break;
    case 98:
        chan_request(w, l);
        break;
    default:
        break;
    }
}

/* RFC 4254 4: a request for the whole connection; OpenSSH's own ones are
 * named NAME@openssh.com (its PROTOCOL file). */
static void chan_global(struct wire *w, struct line *l)
{
    const char *name;
    size_t len = wire_string(w, &name);
    line_name(l, "", name, len);
    line_put(l, " want_reply=%s", wire_u8(w) ? "yes" : "no");
    if (len == strlen(HOSTKEYS) && strncmp(name, HOSTKEYS, len) == 0) {
        unsigned keys = 0;
        while (w->left > 0 && !w->bad) {
            wire_string(w, &name);
            keys += !w->bad;
        }
        line_put(l, " keys=%u", keys);
    }
}

/* RFC 4254 5.1: the channel's type, the sender's number and flow limits. */
static void chan_open(struct wire *w, struct line *l)
{
    line_text(l, "", w);
    line_put(l, " sender=%u", (unsigned)wire_u32(w));
    line_put(l, " window=%u", (unsigned)wire_u32(w));
    line_put(l, " max_packet=%u", (unsigned)wire_u32(w));
}

/* RFC 4254 6: a request on one channel, and whether it wants an answer. */
static void chan_request(struct wire *w, struct line *l)
{
    const char *type;
    line_put(l, " channel=%u", (unsigned)wire_u32(w));
    size_t len = wire_string(w, &type);
    char name[64];
    snprintf(name, sizeof(name), "%.*s", (int)len, type);
    line_name(l, "", type, len);
    int want_reply = wire_u8(w) != 0;
    request_fields(name, w, l);
    line_put(l, " want_reply=%s", want_reply ? "yes" : "no");
}

/* The fields of each request type (RFC 4254 6.2 to 6.10). */
static void request_fields(const char *type, struct wire *w, struct line *l)
{
    if (strcmp(type, "pty-req") == 0) {
        const char *modes;
        line_text(l, "TERM=", w);
        uint32_t cols = wire_u32(w);
        line_put(l, " %ux%u", (unsigned)cols, (unsigned)wire_u32(w));
        wire_u32(w), wire_u32(w); /* the size in pixels */
        size_t len = wire_string(w, &modes);
        /* RFC 4254 8: opcode and uint32 pairs, up to TTY_OP_END (0). */
        size_t count = 0;
        while (count * 5 < len && modes[count * 5] != 0) {
            count++;
        }
        line_put(l, " modes=%zu", count);
    } else if (strcmp(type, "env") == 0) {
        line_text(l, "", w);
        line_text(l, "=", w);
    } else if (strcmp(type, "exec") == 0) {
        const char *command;
        size_t len = wire_string(w, &command);
        line_put(l, " ");
        line_quoted(l, command, len);
    } else if (strcmp(type, "subsystem") == 0 || strcmp(type, "signal") == 0) {
        line_text(l, "", w);
    } else if (strcmp(type, "window-change") == 0) {
        uint32_t cols = wire_u32(w);
        line_put(l, " %ux%u", (unsigned)cols, (unsigned)wire_u32(w));
    } else if (strcmp(type, "exit-status") == 0) {
        line_put(l, " %u", (unsigned)wire_u32(w));
    } else if (strcmp(type, "exit-signal") == 0) {
        line_text(l, "", w);
        line_put(l, " core=%s", wire_u8(w) ? "yes" : "no");
    } else if (strcmp(type, "x11-req") == 0) {
        line_put(l, " (cookie not shown)");
    }
}

/* RFC 4254 5.2: how much, and how it begins. */
static void chan_data(struct wire *w, struct line *l, int extended)
{
    const char *bytes;
    line_put(l, " channel=%u", (unsigned)wire_u32(w));
    if (extended) {
        uint32_t code = wire_u32(w);
        line_put(l, code == 1 ? " stderr" : " type=%u", (unsigned)code);
    }
    size_t len = wire_string(w, &bytes);
    line_put(l, " len=%zu ", len);
    line_quoted(l, bytes, len < DATA_SHOWN ? len : DATA_SHOWN);
    line_put(l, "%s", len > DATA_SHOWN ? "..." : "");
}
