/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bytebuf: a byte queue that grows by doubling, up to a limit its owner
 * sets.  Output waiting for a slow peer and a command's collected output
 * both live in one.  Start with `struct bytebuf b = {0};` and free it with
 * bytebuf_free().
 */
#ifndef SHELLWIRE_COMMON_BYTEBUF_H
#define SHELLWIRE_COMMON_BYTEBUF_H

#include <stddef.h>

struct bytebuf {
    char *data;
    size_t len; /* bytes waiting, from data[0] */
    size_t cap; /* bytes allocated */
};

/*
 * Append LEN bytes, growing the buffer by doubling.  Returns 0, or -1 with
 * nothing appended when the result would pass LIMIT bytes (0: no limit) or
 * memory runs out (errno says which: ENOBUFS or ENOMEM).  Reports nothing:
 * the owner decides what a full buffer means for its peer.
 */
int bytebuf_append(struct bytebuf *b, const void *bytes, size_t len,
                   size_t limit);

/* Forget the first N bytes (those sent), keeping the rest in order. */
void bytebuf_consume(struct bytebuf *b, size_t n);

/* Release the memory; the buffer is empty and usable again. */
void bytebuf_free(struct bytebuf *b);

#endif
