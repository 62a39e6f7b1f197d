/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * seqdiagram: a sequence diagram of a conversation between two parties,
 * the client C on the left and the server S on the right.  Collect the
 * arrows as they happen, then write them as Mermaid (FILE.mmd, for a slide
 * or mermaid.live) or as a self-contained SVG picture (FILE.svg, drawn
 * here: no tool needed to look at it).  telnet_codes and ssh_server use it.
 */
#ifndef SHELLWIRE_COMMON_SEQDIAGRAM_H
#define SHELLWIRE_COMMON_SEQDIAGRAM_H

#include <stdio.h>

struct seqdiagram;

/* The formats, chosen by a file name's extension. */
enum seqdiagram_format {
    SEQDIAGRAM_UNKNOWN,
    SEQDIAGRAM_MERMAID, /* .mmd */
    SEQDIAGRAM_SVG      /* .svg */
};

enum seqdiagram_format seqdiagram_format_of(const char *path);

/* An empty diagram between CLIENT and SERVER (their labels); NULL and one
 * line on failure. */
struct seqdiagram *seqdiagram_new(const char *client, const char *server);

/* One arrow, from the client to the server if FROM_CLIENT, else back,
 * labelled LABEL.  0, or -1 (one line) if memory ran out. */
int seqdiagram_arrow(struct seqdiagram *d, int from_client, const char *label);

/* A note across both lifelines, between the arrows before and after. */
int seqdiagram_note(struct seqdiagram *d, const char *text);

/* The clear/encrypted boundary: a note, and in the SVG every arrow after
 * it drawn on a shaded ground.  Only the first one shades. */
int seqdiagram_boundary(struct seqdiagram *d, const char *text);

/* Write D to PATH as its extension says.  0, or -1 and one line. */
int seqdiagram_write(const struct seqdiagram *d, const char *path);

/* Write D on OUT as FORMAT (Mermaid unless SEQDIAGRAM_SVG), for a file its
 * caller opened; the caller checks ferror() and closes it. */
void seqdiagram_print(const struct seqdiagram *d, FILE *out,
                      enum seqdiagram_format format);

void seqdiagram_free(struct seqdiagram *d);

#endif
