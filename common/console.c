/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * console: the command console of telnet_server and ssh_server, after the
 * telnetsrv library.  This file holds its life (new, settings, questions,
 * start, free), the way typed bytes become lines and lines become
 * commands (console_input, feed_byte, end_line, run_line).  Read
 * console.h first; then this file; then console_edit.c (the editing keys),
 * console_commands.c (the commands), console_timers.c, console_output.c
 * (how output reaches the transport) and console_split.c (the parser).
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/console.h"
#include "common/console_internal.h"
#include "common/monoclock.h"

#define KEY_CTRL(k) ((k)&0x1f)

static void feed_byte(struct console *c, unsigned char ch);
static void end_line(struct console *c);
static void run_line(struct console *c, const char *text);

struct console *console_new(const struct console_io *io)
{
    struct console *c = calloc(1, sizeof(*c));

    if (c == NULL) {
        warn("console");
        return NULL;
    }
    c->io = *io;
    c->started = monoclock_ms();
    return c;
}

void console_free(struct console *c)
{
    if (c == NULL) {
        return;
    }
    for (int i = 0; i < c->history_count; i++) {
        free(c->history[i]);
    }
    for (int i = 0; i < TIMERS_MAX; i++) {
        free(c->timers[i].text);
    }
    free(c->pending);
    bytebuf_free(&c->out);
    free(c);
}

void console_set_term(struct console *c, const char *term)
{
    static const char *const colourful[] = {
        "xterm", "screen", "tmux",  "rxvt",    "linux",     "ansi",
        "putty", "vt100",  "vt220", "konsole", "alacritty", "kitty"};

    snprintf(c->term, sizeof(c->term), "%s", term);
    c->colour = strstr(term, "color") != NULL || strstr(term, "256") != NULL;
    for (size_t i = 0; i < sizeof(colourful) / sizeof(colourful[0]); i++) {
        if (strncasecmp(term, colourful[i], strlen(colourful[i])) == 0) {
            c->colour = 1;
        }
    }
}

void console_set_window(struct console *c, int cols, int rows)
{
    c->cols = cols;
    c->rows = rows;
}

void console_set_echo(struct console *c, int on)
{
    c->char_mode = on;
}

void console_ask(struct console *c, const char *prompt, int echo)
{
    snprintf(c->prompt, sizeof(c->prompt), "%s", prompt);
    c->mode = MODE_ASK;
    c->ask_echo = echo;
    c->len = c->cursor = 0;
    c->overflow = 0;
    console_show_prompt(c);
    console_flush(c);
}

void console_start(struct console *c, const char *user, const char *welcome)
{
    char text[PROMPT_MAX + 80];

    snprintf(c->user, sizeof(c->user), "%s", user ? user : "");
    if (welcome == NULL) {
        snprintf(text, sizeof(text),
                 "Welcome to shellwire%s%s.\n"
                 "Type help for the commands, bye to leave.",
                 user ? ", " : "", user ? user : "");
        welcome = text;
    }
    console_emit_line(c, welcome);
    snprintf(c->prompt, sizeof(c->prompt), "%s%sshellwire$ ", user ? user : "",
             user ? "@" : "");
    c->mode = MODE_COMMAND;
    c->len = c->cursor = 0;
    c->history_pos = c->history_count;
    console_show_prompt(c);
    console_flush(c);
}

enum console_state console_input(struct console *c, const char *buf, size_t len)
{
    for (size_t i = 0; i < len && c->mode != MODE_OVER; i++) {
        feed_byte(c, (unsigned char)buf[i]);
    }
    console_flush(c);
    return c->mode == MODE_OVER ? CONSOLE_OVER : CONSOLE_OPEN;
}

int console_last_status(const struct console *c)
{
    return c->status;
}

void console_end_of_input(struct console *c)
{
    if (c->pending == NULL) {
        return;
    }
    free(c->pending);
    c->pending = NULL;
    console_emit_str(c, "\r\n"); /* off the continuation prompt's line */
    console_emit_error(c, "unfinished command: a quote is still open or the "
                          "line ends in a backslash");
    c->status = 1;
    console_flush(c);
}

/* One typed byte: a line end, an editing key, or text. */
static void feed_byte(struct console *c, unsigned char ch)
{
    if (c->mode != MODE_ASK && c->mode != MODE_COMMAND) {
        return;
    }
    if (c->esc_state != 0) {
        console_feed_escape(c, ch);
        return;
    }
    /* A line ends at CR LF, CR NUL, CR alone or LF alone (RFC 854). */
    if (c->after_cr) {
        c->after_cr = 0;
        if (ch == '\n' || ch == '\0') {
            return;
        }
    }
    switch (ch) {
    case '\r':
        c->after_cr = 1;
        end_line(c);
        break;
    case '\n':
        end_line(c);
        break;
    case '\b':
    case 0x7f:
        console_erase_back(c, 0);
        break;
    case KEY_CTRL('U'):
        console_kill_line(c);
        break;
    case KEY_CTRL('W'):
        console_kill_word(c);
        break;
    case KEY_CTRL('C'):
        console_interrupt(c);
        break;
    case KEY_CTRL('D'):
        if (c->mode == MODE_COMMAND && c->len == 0 && c->pending == NULL) {
            console_emit_str(c, console_echoes(c) ? "bye\r\n" : "");
            run_line(c, "bye");
        }
        break;
    case KEY_CTRL('A'):
        console_move_cursor(c, 0);
        break;
    case KEY_CTRL('E'):
        console_move_cursor(c, c->len);
        break;
    case 0x1b:
        c->esc_state = 1;
        c->esc_len = 0;
        break;
    default:
        if (ch >= 0x20) {
            console_insert_byte(c, (char)ch);
        }
        break;
    }
}

/* Enter: answer the question, ask for more, or run the command. */
static void end_line(struct console *c)
{
    char text[CONSOLE_LINE_MAX + 1];
    size_t have = c->pending ? strlen(c->pending) : 0;

    if (c->char_mode) {
        console_emit_str(c, "\r\n");
    }
    c->line[c->len] = '\0';
    if (c->overflow || have + c->len > CONSOLE_LINE_MAX) {
        snprintf(text, sizeof(text), "line too long (over %d bytes)",
                 CONSOLE_LINE_MAX);
        console_emit_error(c, text);
        c->status = 1;
        free(c->pending);
        c->pending = NULL;
    } else if (c->mode == MODE_ASK) {
        memcpy(text, c->line, c->len + 1);
        c->mode = MODE_IDLE;
        c->len = c->cursor = 0;
        c->io.line(c->io.ctx, text);
        memset(text, 0, sizeof(text)); /* it may be a password */
        return;
    } else {
        snprintf(text, sizeof(text), "%s%s", have ? c->pending : "", c->line);
        free(c->pending);
        c->pending = NULL;
        run_line(c, text);
    }
    c->len = c->cursor = 0;
    c->overflow = 0;
    c->history_pos = c->history_count;
    if (c->mode == MODE_COMMAND || c->mode == MODE_ASK) {
        console_show_prompt(c);
    }
}

/* Parse TEXT; run it, or keep it for a continuation line. */
static void run_line(struct console *c, const char *text)
{
    char **argv = NULL;
    const char *raw = text;
    int argc = 0;
    int status = console_split(text, &argv, &argc);

    if (status == 1) {
        size_t n = strlen(text);
        c->pending = malloc(n + 2);
        if (c->pending != NULL) {
            memcpy(c->pending, text, n);
            memcpy(c->pending + n, "\n", 2);
        }
        return;
    }
    if (status == -1) {
        c->status = 1; /* out of memory: console_split said so */
        return;
    }
    if (argc == 0) {
        console_free_words(argv);
        return;
    }
    console_remember(c, text);
    /* The raw rest of the line after the command word, for exec. */
    raw += strspn(raw, " \t");
    raw += strcspn(raw, " \t");
    raw += strspn(raw, " \t\n");
    console_run_command(c, argv, argc, raw);
    console_free_words(argv);
}
