/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tracewire: reading a message's fields (RFC 4251 5) and writing the line
 * that shows them, for tracemsg.c and tracechan.c.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/repr.h"
#include "tracemsg.h"

/* Append to the line; a line too long is cut, never overrun. */
void line_put(struct line *l, const char *format, ...)
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
void line_text(struct line *l, const char *key, struct wire *w)
{
    const char *s;
    size_t len = wire_string(w, &s);
    line_name(l, key, s, len);
}

void line_name(struct line *l, const char *key, const char *s, size_t len)
{
    line_put(l, "%s%s", *key == '=' ? "" : " ", key);
    for (size_t i = 0; i < len && i < 120; i++) {
        unsigned char c = (unsigned char)s[i];
        line_put(l, "%c", c >= 0x20 && c < 0x7f ? c : '?');
    }
}

/* Bytes as one quoted C string ("ls -l\n"). */
void line_quoted(struct line *l, const char *bytes, size_t len)
{
    char *text = repr_c(bytes, len);
    line_put(l, "%s", text != NULL ? text : "\"?\"");
    free(text);
}

/* RFC 4251 5: the data types, read from the message.  Past its end they
 * read as zero and empty. */
uint32_t wire_u32(struct wire *w)
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

unsigned wire_u8(struct wire *w)
{
    if (w->left < 1) {
        w->bad = 1;
        return 0;
    }
    w->left--;
    return *w->p++;
}

size_t wire_string(struct wire *w, const char **s)
{
    uint32_t len = wire_u32(w);
    if (len > w->left) {
        w->bad = 1;
        len = 0;
    }
    *s = (const char *)w->p;
    w->p += len;
    w->left -= len;
    return len;
}
