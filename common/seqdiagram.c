/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * seqdiagram: collect a two-party conversation, then write it as Mermaid
 * text or (seqdiagram_svg.c) as an SVG picture.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/seqdiagram_internal.h"
static int add_item(struct seqdiagram *d, enum item_kind kind,
                    const char *text);
static void write_mermaid(const struct seqdiagram *d, FILE *out);
static void put_mermaid(FILE *out, const char *text);

enum seqdiagram_format seqdiagram_format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot != NULL && strcmp(dot, ".mmd") == 0) {
        return SEQDIAGRAM_MERMAID;
    }
    if (dot != NULL && strcmp(dot, ".svg") == 0) {
        return SEQDIAGRAM_SVG;
    }
    return SEQDIAGRAM_UNKNOWN;
}

struct seqdiagram *seqdiagram_new(const char *client, const char *server)
{
    struct seqdiagram *d = calloc(1, sizeof(*d));
    if (d != NULL) {
        d->client = strdup(client);
        d->server = strdup(server);
    }
    if (d == NULL || d->client == NULL || d->server == NULL) {
        warnx("out of memory for a diagram");
        seqdiagram_free(d);
        return NULL;
    }
    return d;
}

int seqdiagram_arrow(struct seqdiagram *d, int from_client, const char *label)
{
    return add_item(d, from_client ? ITEM_FROM_CLIENT : ITEM_FROM_SERVER,
                    label);
}

int seqdiagram_note(struct seqdiagram *d, const char *text)
{
    return add_item(d, ITEM_NOTE, text);
}

int seqdiagram_boundary(struct seqdiagram *d, const char *text)
{
    if (!d->shaded) {
        d->shaded = 1;
        d->shade_from = d->count;
    }
    return add_item(d, ITEM_BOUNDARY, text);
}

static int add_item(struct seqdiagram *d, enum item_kind kind, const char *text)
{
    if (d->count == d->cap) {
        size_t cap = d->cap == 0 ? 64 : d->cap * 2;
        struct item *grown = realloc(d->items, cap * sizeof(*grown));
        if (grown == NULL) {
            warnx("out of memory for a diagram");
            return -1;
        }
        d->items = grown;
        d->cap = cap;
    }
    char *copy = strdup(text);
    if (copy == NULL) {
        warnx("out of memory for a diagram");
        return -1;
    }
    d->items[d->count++] = (struct item){kind, copy};
    return 0;
}

int seqdiagram_write(const struct seqdiagram *d, const char *path)
{
    enum seqdiagram_format format = seqdiagram_format_of(path);
    if (format == SEQDIAGRAM_UNKNOWN) {
        warnx("%s: a diagram is FILE.svg or FILE.mmd", path);
        return -1;
    }
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        warn("%s", path);
        return -1;
    }
    seqdiagram_print(d, out, format);
    int failed = ferror(out);
    if (fclose(out) != 0 || failed) {
        warn("%s", path);
        return -1;
    }
    return 0;
}

void seqdiagram_print(const struct seqdiagram *d, FILE *out,
                      enum seqdiagram_format format)
{
    if (format == SEQDIAGRAM_SVG) {
        seqdiagram_write_svg(d, out);
    } else {
        write_mermaid(d, out);
    }
}

void seqdiagram_free(struct seqdiagram *d)
{
    if (d == NULL) {
        return;
    }
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].text);
    }
    free(d->items);
    free(d->client);
    free(d->server);
    free(d);
}

/* Mermaid's sequenceDiagram: participants C and S, one line per item. */
static void write_mermaid(const struct seqdiagram *d, FILE *out)
{
    static const char *const starts[] = {
        "    C->>S: ", "    S->>C: ", "    Note over C,S: ",
        "    Note over C,S: "};
    fputs("sequenceDiagram\n    participant C as ", out);
    put_mermaid(out, d->client);
    fputs("\n    participant S as ", out);
    put_mermaid(out, d->server);
    fputc('\n', out);
    for (size_t i = 0; i < d->count; i++) {
        fputs(starts[d->items[i].kind], out);
        put_mermaid(out, d->items[i].text);
        fputc('\n', out);
    }
}

/* Text in a Mermaid message: ';' ends a statement and '#' starts an entity. */
static void put_mermaid(FILE *out, const char *text)
{
    for (; *text != '\0'; text++) {
        if (*text == ';' || *text == '#') {
            fprintf(out, "#%d;", *text);
        } else {
            fputc(*text, out);
        }
    }
}
