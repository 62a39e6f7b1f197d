/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * seqdiagram_internal: what seqdiagram's two files share.  NOT API: only
 * common/seqdiagram*.c include it; programs use common/seqdiagram.h.
 *   seqdiagram.c      collecting the items, Mermaid, writing a file
 *   seqdiagram_svg.c  the SVG picture's layout and drawing
 */
#ifndef SHELLWIRE_COMMON_SEQDIAGRAM_INTERNAL_H
#define SHELLWIRE_COMMON_SEQDIAGRAM_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "common/seqdiagram.h"

enum item_kind {
    ITEM_FROM_CLIENT,
    ITEM_FROM_SERVER,
    ITEM_NOTE,
    ITEM_BOUNDARY
};

struct item {
    enum item_kind kind;
    char *text;
};

struct seqdiagram {
    char *client, *server;
    struct item *items;
    size_t count, cap;
    size_t shade_from; /* the first boundary's row, or count if none */
    int shaded;
};

/* seqdiagram_svg.c: D as one SVG document on OUT. */
void seqdiagram_write_svg(const struct seqdiagram *d, FILE *out);

#endif
