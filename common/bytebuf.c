/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bytebuf: a doubling byte queue with a limit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytebuf.h"

enum {
    FIRST_CAPACITY = 256
};

int bytebuf_append(struct bytebuf *b, const void *bytes, size_t len,
                   size_t limit)
{
    if (len > (size_t)-1 - b->len || (limit > 0 && b->len + len > limit)) {
        errno = ENOBUFS;
        return -1;
    }
    if (b->len + len > b->cap) {
        size_t cap = b->cap > 0 ? b->cap : FIRST_CAPACITY;
        while (cap < b->len + len) {
            cap *= 2;
        }
        char *grown = realloc(b->data, cap);
        if (grown == NULL) {
            errno = ENOMEM;
            return -1;
        }
        b->data = grown;
        b->cap = cap;
    }
    if (len > 0) {
        memcpy(b->data + b->len, bytes, len);
    }
    b->len += len;
    return 0;
}

void bytebuf_consume(struct bytebuf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

void bytebuf_free(struct bytebuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}
