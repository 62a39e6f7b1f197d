/* SPDX-License-Identifier: GPL-3.0-or-later */
/* repr: Python-style and C-style quoting of byte strings. */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/repr.h"

/* Worst case: every byte as \xNN, two quotes and a NUL. */
#define ESCAPED_SIZE(len) ((len)*4 + 3)

static size_t utf8_printable_length(const unsigned char *p, size_t left);
static char *put_escape(char *out, unsigned char byte, char quote);

char *repr_python(const char *s, size_t len)
{
    if (len > (SIZE_MAX - 3) / 4) {
        warnx("repr: string too long");
        return NULL;
    }
    char *out = malloc(ESCAPED_SIZE(len));
    if (out == NULL) {
        warn("repr");
        return NULL;
    }
    /* Python picks double quotes only to avoid escaping a single quote. */
    char quote = memchr(s, '\'', len) && !memchr(s, '"', len) ? '"' : '\'';
    const unsigned char *p = (const unsigned char *)s;
    char *o = out;
    *o++ = quote;
    for (size_t i = 0; i < len;) {
        size_t n = p[i] >= 0x80 ? utf8_printable_length(p + i, len - i) : 0;
        if (n > 0) {
            memcpy(o, p + i, n);
            o += n;
            i += n;
        } else {
            o = put_escape(o, p[i++], quote);
        }
    }
    *o++ = quote;
    *o = '\0';
    return out;
}

/* Length of one printable, well-formed UTF-8 character at P, or 0. */
static size_t utf8_printable_length(const unsigned char *p, size_t left)
{
    size_t n;
    uint32_t cp;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        n = 2, cp = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        n = 3, cp = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        n = 4, cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (n > left) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    /* Overlong forms, surrogates, out of range, and the C1 controls. */
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
        cp <= 0x9f) {
        return 0;
    }
    return n;
}

/* One ASCII byte, escaped when it is not printable or is QUOTE or \. */
static char *put_escape(char *out, unsigned char byte, char quote)
{
    static const char hex[] = "0123456789abcdef";
    const char *named = NULL;
    switch (byte) {
    case '\n':
        named = "\\n";
        break;
    case '\r':
        named = "\\r";
        break;
    case '\t':
        named = "\\t";
        break;
    case '\\':
        named = "\\\\";
        break;
    default:
        break;
    }
    if (named != NULL) {
        memcpy(out, named, 2);
        return out + 2;
    }
    if (byte == (unsigned char)quote) {
        *out++ = '\\';
        *out++ = (char)byte;
    } else if (byte >= 0x20 && byte < 0x7f) {
        *out++ = (char)byte;
    } else {
        *out++ = '\\';
        *out++ = 'x';
        *out++ = hex[byte >> 4];
        *out++ = hex[byte & 0xf];
    }
    return out;
}

char *repr_python_list(char *const *items, size_t count)
{
    size_t size = 3, used = 0;
    char *out = malloc(size);
    if (out == NULL) {
        warn("repr");
        return NULL;
    }
    out[used++] = '[';
    for (size_t i = 0; i < count; i++) {
        char *one = repr_python(items[i], strlen(items[i]));
        size_t n = one ? strlen(one) : 0;
        char *bigger = one ? realloc(out, size + n + 2) : NULL;
        if (bigger == NULL) {
            if (one != NULL) {
                warn("repr");
            }
            free(one);
            free(out);
            return NULL;
        }
        out = bigger;
        size += n + 2;
        if (i > 0) {
            memcpy(out + used, ", ", 2);
            used += 2;
        }
        memcpy(out + used, one, n);
        used += n;
        free(one);
    }
    out[used++] = ']';
    out[used] = '\0';
    return out;
}

char *repr_c(const void *bytes, size_t len)
{
    if (len > (SIZE_MAX - 3) / 4) {
        warnx("repr: string too long");
        return NULL;
    }
    char *out = malloc(ESCAPED_SIZE(len));
    if (out == NULL) {
        warn("repr");
        return NULL;
    }
    const unsigned char *p = bytes;
    char *o = out;
    *o++ = '"';
    for (size_t i = 0; i < len; i++) {
        o = put_escape(o, p[i], '"');
    }
    *o++ = '"';
    *o = '\0';
    return out;
}
