/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * console_edit: the console's line editor, called by feed_byte() in
 * console.c for each editing key.  Each function changes the line being
 * typed (c->line, c->len, c->cursor) and, when the console echoes
 * (character mode), draws the change with as few bytes as it can: the
 * rest of the line after the cursor, then ESC [ n D to step back.  The
 * history the arrows walk is kept here too.  Next: console_commands.c.
 *
 * The line is UTF-8, as terminals send it: "é" is the two bytes C3 A9 but
 * one column.  Backspace, Delete and the arrows take a whole character,
 * and steps back count columns, not bytes (one per character: the wide
 * characters of East Asian scripts would need wcwidth() and a locale).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/console.h"
#include "common/console_internal.h"

static size_t char_length(unsigned char lead);
static size_t char_before(const struct console *c, size_t at);
static size_t char_after(const struct console *c, size_t at);
static void redraw(struct console *c);

/* Type CH at the cursor; a character shows once all its bytes are in. */
void console_insert_byte(struct console *c, char ch)
{
    size_t start;

    if (c->len == CONSOLE_LINE_MAX) {
        c->overflow = 1;
        return;
    }
    memmove(c->line + c->cursor + 1, c->line + c->cursor, c->len - c->cursor);
    c->line[c->cursor++] = ch;
    c->len++;
    start = char_before(c, c->cursor);
    if (!console_echoes(c) ||
        c->cursor - start < char_length((unsigned char)c->line[start])) {
        return;
    }
    while (start > 0) { /* lead bytes cut short (not UTF-8) show now */
        size_t cut = char_before(c, start);
        if (start - cut >= char_length((unsigned char)c->line[cut])) {
            break;
        }
        start = cut;
    }
    console_emit(c, c->line + start, c->len - start);
    console_emit_left(c,
                      console_columns(c->line + c->cursor, c->len - c->cursor));
}

/* Backspace (or Delete, FORWARD): remove a character, redraw the rest. */
void console_erase_back(struct console *c, int forward)
{
    size_t from, to;

    if ((forward && c->cursor == c->len) || (!forward && c->cursor == 0)) {
        return;
    }
    from = forward ? c->cursor : char_before(c, c->cursor);
    to = forward ? char_after(c, c->cursor) : c->cursor;
    memmove(c->line + from, c->line + to, c->len - to);
    c->len -= to - from;
    c->cursor = from;
    if (!console_echoes(c)) {
        return;
    }
    if (!forward) {
        console_emit_str(c, "\b");
    }
    console_emit(c, c->line + from, c->len - from);
    console_emit_str(c, " ");
    console_emit_left(c, console_columns(c->line + from, c->len - from) + 1);
}

/* Ctrl-U: forget the whole line. */
void console_kill_line(struct console *c)
{
    c->len = c->cursor = 0;
    redraw(c);
}

/* Ctrl-W: forget the word before the cursor, and the blanks after it. */
void console_kill_word(struct console *c)
{
    size_t start = c->cursor;

    while (start > 0 && c->line[start - 1] == ' ') {
        start--;
    }
    while (start > 0 && c->line[start - 1] != ' ') {
        start--;
    }
    memmove(c->line + start, c->line + c->cursor, c->len - c->cursor);
    c->len -= c->cursor - start;
    c->cursor = start;
    redraw(c);
}

/* Ctrl-C: drop the line and any continuation, and prompt again. */
void console_interrupt(struct console *c)
{
    console_emit_str(c, c->char_mode ? "^C\r\n" : "\r\n");
    free(c->pending);
    c->pending = NULL;
    c->len = c->cursor = 0;
    c->overflow = 0;
    c->history_pos = c->history_count;
    console_show_prompt(c);
}

/* Left, right, home, end. */
void console_move_cursor(struct console *c, size_t to)
{
    if (console_echoes(c) && to < c->cursor) {
        console_emit_left(c, console_columns(c->line + to, c->cursor - to));
    } else if (console_echoes(c) && to > c->cursor) {
        console_emit(c, c->line + c->cursor, to - c->cursor);
    }
    c->cursor = to;
}

/* Up (STEP -1) and down (+1) through the history, in character mode. */
void console_walk_history(struct console *c, int step)
{
    int pos = c->history_pos + step;
    const char *entry;

    if (c->mode != MODE_COMMAND || pos < 0 || pos > c->history_count) {
        return;
    }
    c->history_pos = pos;
    entry = pos == c->history_count ? "" : c->history[pos];
    c->len = strlen(entry);
    if (c->len > CONSOLE_LINE_MAX) {
        c->len = CONSOLE_LINE_MAX;
    }
    memcpy(c->line, entry, c->len);
    c->cursor = c->len;
    redraw(c);
}

/* Add TEXT to the history, unless it repeats the last entry. */
void console_remember(struct console *c, const char *text)
{
    char *copy;

    if (c->history_count > 0 &&
        strcmp(c->history[c->history_count - 1], text) == 0) {
        return;
    }
    copy = strdup(text);
    if (copy == NULL) {
        return;
    }
    if (c->history_count == HISTORY_MAX) {
        free(c->history[0]);
        memmove(c->history, c->history + 1,
                (HISTORY_MAX - 1) * sizeof(c->history[0]));
        c->history_count--;
    }
    c->history[c->history_count++] = copy;
}

/* ESC [ or ESC O, parameters, a final byte: the arrow and edit keys. */
void console_feed_escape(struct console *c, unsigned char ch)
{
    if (c->esc_state == 1) {
        c->esc_state = (ch == '[' || ch == 'O') ? 2 : 0;
        return;
    }
    if ((isdigit(ch) || ch == ';') && c->esc_len < ESC_MAX) {
        c->esc[c->esc_len++] = (char)ch;
        return;
    }
    c->esc[c->esc_len] = '\0';
    c->esc_state = 0;
    if (ch == 'A' || ch == 'B') {
        console_walk_history(c, ch == 'A' ? -1 : 1);
    } else if (ch == 'C' && c->cursor < c->len) {
        console_move_cursor(c, char_after(c, c->cursor));
    } else if (ch == 'D' && c->cursor > 0) {
        console_move_cursor(c, char_before(c, c->cursor));
    } else if (ch == 'H' ||
               (ch == '~' && c->esc_len == 1 && strchr("17", c->esc[0]))) {
        console_move_cursor(c, 0);
    } else if (ch == 'F' ||
               (ch == '~' && c->esc_len == 1 && strchr("48", c->esc[0]))) {
        console_move_cursor(c, c->len);
    } else if (ch == '~' && c->esc_len == 1 && c->esc[0] == '3') {
        console_erase_back(c, 1);
    }
}

/* How many bytes the UTF-8 character that LEAD starts has (RFC 3629). */
static size_t char_length(unsigned char lead)
{
    if (lead >= 0xf0) {
        return 4;
    }
    if (lead >= 0xe0) {
        return 3;
    }
    return lead >= 0xc0 ? 2 : 1;
}

/* Where the character ending at AT starts; a stray byte is one alone. */
static size_t char_before(const struct console *c, size_t at)
{
    size_t start = at - 1;

    while (start > 0 && at - start < 4 &&
           ((unsigned char)c->line[start] & 0xc0) == 0x80) {
        start--;
    }
    if (((unsigned char)c->line[start] & 0xc0) != 0x80 &&
        char_length((unsigned char)c->line[start]) >= at - start) {
        return start;
    }
    return at - 1;
}

/* Where the character starting at AT ends. */
static size_t char_after(const struct console *c, size_t at)
{
    size_t end = at + 1;
    size_t length = char_length((unsigned char)c->line[at]);

    while (end < c->len && end - at < length &&
           ((unsigned char)c->line[end] & 0xc0) == 0x80) {
        end++;
    }
    return end;
}

/* Draw the prompt and the line again, the cursor where it was. */
static void redraw(struct console *c)
{
    if (!console_echoes(c)) {
        return;
    }
    console_emit_str(c, "\r");
    console_emit_str(c, c->pending ? CONTINUE_TEXT : c->prompt);
    console_emit(c, c->line, c->len);
    console_emit_str(c, "\x1b[K");
    console_emit_left(c,
                      console_columns(c->line + c->cursor, c->len - c->cursor));
}
