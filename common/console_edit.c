/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * console_edit: the console's line editor, called by feed_byte() in
 * console.c for each editing key.  Each function changes the line being
 * typed (c->line, c->len, c->cursor) and, when the console echoes
 * (character mode), draws the change with as few bytes as it can: the
 * rest of the line after the cursor, then ESC [ n D to step back.  The
 * history the arrows walk is kept here too.  Next: console_commands.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/console.h"
#include "common/console_internal.h"

static void redraw(struct console *c);

/* Type CH at the cursor. */
void console_insert_byte(struct console *c, char ch)
{
    if (c->len == CONSOLE_LINE_MAX) {
        c->overflow = 1;
        return;
    }
    memmove(c->line + c->cursor + 1, c->line + c->cursor, c->len - c->cursor);
    c->line[c->cursor++] = ch;
    c->len++;
    if (!console_echoes(c)) {
        return;
    }
    console_emit(c, c->line + c->cursor - 1, c->len - c->cursor + 1);
    console_emit_left(c, c->len - c->cursor);
}

/* Backspace (or Delete, FORWARD): remove one byte and redraw the rest. */
void console_erase_back(struct console *c, int forward)
{
    size_t at = forward ? c->cursor : c->cursor - 1;

    if ((forward && c->cursor == c->len) || (!forward && c->cursor == 0)) {
        return;
    }
    memmove(c->line + at, c->line + at + 1, c->len - at - 1);
    c->len--;
    if (!console_echoes(c)) {
        c->cursor = at;
        return;
    }
    if (!forward) {
        console_emit_str(c, "\b");
    }
    c->cursor = at;
    console_emit(c, c->line + at, c->len - at);
    console_emit_str(c, " ");
    console_emit_left(c, c->len - at + 1);
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
        console_emit_left(c, c->cursor - to);
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
        console_move_cursor(c, c->cursor + 1);
    } else if (ch == 'D' && c->cursor > 0) {
        console_move_cursor(c, c->cursor - 1);
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
    console_emit_left(c, c->len - c->cursor);
}
