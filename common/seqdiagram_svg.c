/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * seqdiagram_svg: the SVG picture, laid out here with no tool.  It uses
 * one monospace font, so a label's width is its length times one
 * character's width, and the picture is exactly as wide and as tall as
 * what it holds.
 */
#include <stdio.h>
#include <string.h>

#include "common/seqdiagram_internal.h"

/* SVG geometry, in pixels: big enough to read on a projector. */
#define FONT_PX    15
#define CHAR_W10   91 /* a monospace character is 0.6 em: 9.1 px, x10 */
#define MARGIN     20
#define BOX_H      40
#define ROW_H      36
#define HEAD_H     (MARGIN + BOX_H + 16)
#define MIN_SPAN   240
#define MIN_BOX_W  120
#define LABEL_MAX  96 /* characters of a label drawn; the rest is "..." */
#define CLIENT_INK "#1f4e99"
#define SERVER_INK "#1b6e2e"
#define SHADE      "#eceaf7"

/* Where the SVG's parts go, from the widest label. */
struct layout {
    int left_x, right_x, width, height;
    int client_w, server_w;
};

static struct layout lay_out(const struct seqdiagram *d);
static void svg_party(FILE *out, int x, int w, const char *name,
                      const char *ink);
static void svg_item(const struct layout *at, const struct item *item, int row,
                     FILE *out);
static size_t shown_len(const char *text);
static void put_xml(FILE *out, const char *text);

/* The lifelines far enough apart for the longest label between them. */
static struct layout lay_out(const struct seqdiagram *d)
{
    struct layout at;
    size_t longest = 0;
    for (size_t i = 0; i < d->count; i++) {
        size_t len = shown_len(d->items[i].text);
        longest = len > longest ? len : longest;
    }
    at.client_w = (int)(shown_len(d->client) * CHAR_W10 / 10) + 24;
    at.server_w = (int)(shown_len(d->server) * CHAR_W10 / 10) + 24;
    at.client_w = at.client_w > MIN_BOX_W ? at.client_w : MIN_BOX_W;
    at.server_w = at.server_w > MIN_BOX_W ? at.server_w : MIN_BOX_W;
    int span = (int)(longest * CHAR_W10 / 10) + 40;
    int boxes = (at.client_w + at.server_w) / 2 + 40;
    span = span > boxes ? span : boxes;
    span = span > MIN_SPAN ? span : MIN_SPAN;
    at.left_x = MARGIN + at.client_w / 2;
    at.right_x = at.left_x + span;
    at.width = at.right_x + at.server_w / 2 + MARGIN;
    at.height = HEAD_H + (int)d->count * ROW_H + MARGIN;
    return at;
}

/* A whole picture: ground, shade, lifelines, the two parties, the rows. */
void seqdiagram_write_svg(const struct seqdiagram *d, FILE *out)
{
    struct layout at = lay_out(d);
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans "
            "Mono, monospace\" font-size=\"%d\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            at.width, at.height, at.width, at.height, FONT_PX);
    if (d->shaded) {
        int top = HEAD_H + (int)d->shade_from * ROW_H + 24;
        fprintf(out,
                "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" "
                "fill=\"" SHADE "\"/>\n",
                top, at.width, at.height - top);
    }
    fprintf(out,
            "<g stroke=\"#888\" stroke-dasharray=\"4 4\">"
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/></g>\n",
            at.left_x, MARGIN + BOX_H, at.left_x, at.height - MARGIN,
            at.right_x, MARGIN + BOX_H, at.right_x, at.height - MARGIN);
    svg_party(out, at.left_x, at.client_w, d->client, CLIENT_INK);
    svg_party(out, at.right_x, at.server_w, d->server, SERVER_INK);
    for (size_t i = 0; i < d->count; i++) {
        svg_item(&at, &d->items[i], (int)i, out);
    }
    fputs("</svg>\n", out);
}

/* One party's box at the top of its lifeline. */
static void svg_party(FILE *out, int x, int w, const char *name,
                      const char *ink)
{
    fprintf(out,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\" "
            "fill=\"white\" stroke=\"%s\" stroke-width=\"2\"/>\n"
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\" "
            "font-weight=\"bold\">",
            x - w / 2, MARGIN, w, BOX_H, ink, x, MARGIN + BOX_H / 2 + 5, ink);
    put_xml(out, name);
    fputs("</text>\n", out);
}

/* Row ROW: an arrow under its label, or a note across both lifelines. */
static void svg_item(const struct layout *at, const struct item *item, int row,
                     FILE *out)
{
    int y = HEAD_H + row * ROW_H;
    int mid = (at->left_x + at->right_x) / 2;
    int rightward = item->kind == ITEM_FROM_CLIENT;
    const char *ink = rightward ? CLIENT_INK : SERVER_INK;
    if (item->kind == ITEM_NOTE || item->kind == ITEM_BOUNDARY) {
        int boundary = item->kind == ITEM_BOUNDARY;
        fprintf(out,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                "stroke=\"%s\" stroke-width=\"2\" "
                "stroke-dasharray=\"8 4\"/>\n"
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                "fill=\"%s\" font-style=\"italic\">",
                MARGIN, y + 24, at->width - MARGIN, y + 24,
                boundary ? "#a0303a" : "#999", mid, y + 16,
                boundary ? "#a0303a" : "#555");
    } else {
        int from = rightward ? at->left_x : at->right_x;
        int to = rightward ? at->right_x - 10 : at->left_x + 10;
        int tip = rightward ? at->right_x : at->left_x;
        fprintf(out,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                "stroke-width=\"2\"/>\n"
                "<polygon points=\"%d,%d %d,%d %d,%d\" fill=\"%s\"/>\n"
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                "fill=\"%s\">",
                from, y + 24, to, y + 24, ink, tip, y + 24, to, y + 19, to,
                y + 29, ink, mid, y + 16, ink);
    }
    put_xml(out, item->text);
    fputs("</text>\n", out);
}

/* Characters of TEXT the SVG shows: up to LABEL_MAX, then "...". */
static size_t shown_len(const char *text)
{
    size_t len = strlen(text);
    return len > LABEL_MAX ? LABEL_MAX + 3 : len;
}

/* TEXT as XML character data, ASCII only, cut at LABEL_MAX. */
static void put_xml(FILE *out, const char *text)
{
    size_t i = 0;
    for (; text[i] != '\0' && i < LABEL_MAX; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '&') {
            fputs("&amp;", out);
        } else if (c == '<') {
            fputs("&lt;", out);
        } else if (c == '>') {
            fputs("&gt;", out);
        } else {
            fputc(c >= 0x20 && c < 0x7f ? c : '?', out);
        }
    }
    fputs(text[i] != '\0' ? "..." : "", out);
}
