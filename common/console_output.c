/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * console_output: how the console's output reaches the transport.  Every
 * part of the console appends bytes with the console_emit functions
 * (bare LF becomes CR LF, errors turn red on a colour terminal), and one
 * console_flush() at the end of each call hands them to io->write in one
 * piece.  console_print() and console_message() (telnetsrv's
 * writemessage, used by the timers) write a line from outside a command.
 * Next: console_split.c.
 */
#include <stdio.h>
#include <string.h>

#include "common/console.h"
#include "common/console_internal.h"

#define RED   "\x1b[91m"
#define PLAIN "\x1b[0m"

void console_print(struct console *c, const char *text)
{
    console_emit_line(c, text);
    console_flush(c);
}

void console_message(struct console *c, const char *text)
{
    int prompting = c->mode == MODE_COMMAND || c->mode == MODE_ASK;

    if (prompting) {
        console_emit_str(c, c->char_mode ? "\r\x1b[K" : "\r\n");
    }
    console_emit_line(c, text);
    if (prompting) {
        console_show_prompt(c);
        if (console_echoes(c)) {
            console_emit(c, c->line, c->len);
            console_emit_left(
                c, console_columns(c->line + c->cursor, c->len - c->cursor));
        }
    }
    console_flush(c);
}

/* The prompt, or the continuation prompt under a continued command. */
void console_show_prompt(struct console *c)
{
    console_emit_str(c, c->pending ? CONTINUE_TEXT : c->prompt);
}

/* Whether typed bytes are echoed by us. */
int console_echoes(const struct console *c)
{
    return c->char_mode && (c->mode == MODE_COMMAND || c->ask_echo);
}

/* Append N bytes to the output that console_flush() hands over. */
void console_emit(struct console *c, const char *s, size_t n)
{
    /* Out of memory: the user misses some output, nothing worse. */
    (void)bytebuf_append(&c->out, s, n, 0);
}

/* The columns N bytes of UTF-8 take: one for each but continuation bytes. */
size_t console_columns(const char *s, size_t n)
{
    size_t columns = 0;

    for (size_t i = 0; i < n; i++) {
        columns += ((unsigned char)s[i] & 0xc0) != 0x80;
    }
    return columns;
}

void console_emit_str(struct console *c, const char *s)
{
    console_emit(c, s, strlen(s));
}

/* Text whose line ends may be bare LF: each becomes CR LF. */
void console_emit_text(struct console *c, const char *s)
{
    for (const char *nl; (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
        console_emit(c, s, nl - s);
        console_emit_str(c, "\r\n");
    }
    console_emit_str(c, s);
}

void console_emit_line(struct console *c, const char *s)
{
    console_emit_text(c, s);
    console_emit_str(c, "\r\n");
}

/* An error line, red on a terminal that has colours. */
void console_emit_error(struct console *c, const char *s)
{
    console_emit_str(c, c->colour ? RED : "");
    console_emit_text(c, s);
    console_emit_str(c, c->colour ? PLAIN "\r\n" : "\r\n");
}

/* Move the terminal's cursor N columns left. */
void console_emit_left(struct console *c, size_t n)
{
    char seq[24];

    if (n > 0) {
        snprintf(seq, sizeof(seq), "\x1b[%zuD", n);
        console_emit_str(c, seq);
    }
}

/* Hand the output gathered so far to the transport, in one write. */
void console_flush(struct console *c)
{
    struct bytebuf out = c->out; /* taken first: io->write may emit more */

    c->out = (struct bytebuf){0};
    if (out.len > 0) {
        c->io.write(c->io.ctx, out.data, out.len);
    }
    /* An idle session keeps no output buffer: its memory stays small. */
    bytebuf_free(&out);
}
