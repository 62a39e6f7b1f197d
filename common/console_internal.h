/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * console_internal: what the console's own files share.  NOT API: only
 * common/console*.c include it; programs use common/console.h.
 *
 * The console is one module in six files, read in this order; each calls
 * only files below it (console.c calls the editor, the commands and the
 * parser; the commands call the timers; everything calls the output):
 *   console.c           its life, and the way typed bytes become lines
 *   console_edit.c      the line editor: what each editing key does
 *   console_commands.c  the command table and the commands
 *   console_timers.c    the timers' messages, and when the next one is due
 *   console_output.c    output gathered and handed over, async messages
 *   console_split.c     telnetsrv's bash-like splitting of a line
 */
#ifndef SHELLWIRE_COMMON_CONSOLE_INTERNAL_H
#define SHELLWIRE_COMMON_CONSOLE_INTERNAL_H

#include <stddef.h>

#include "common/bytebuf.h"
#include "common/console.h"

#define HISTORY_MAX   100
#define TIMERS_MAX    8
#define PROMPT_MAX    80
#define NAME_MAX_LEN  64
#define TERM_MAX_LEN  64
#define ESC_MAX       8
#define CONTINUE_TEXT "... "

enum console_mode {
    MODE_IDLE,    /* nothing asked: input is dropped */
    MODE_ASK,     /* the next line answers console_ask() */
    MODE_COMMAND, /* lines are commands */
    MODE_OVER     /* bye or exec: input is dropped */
};

struct console_timer {
    long long due; /* 0: slot free */
    char *text;
};

struct console {
    struct console_io io;
    enum console_mode mode;
    int char_mode; /* we echo and edit; else the client echoes lines */
    int ask_echo;
    int colour;
    int status; /* of the last command: see console_last_status() */
    char prompt[PROMPT_MAX];
    char user[NAME_MAX_LEN + 1];
    char term[TERM_MAX_LEN + 1];
    int cols, rows;
    long long started;
    /* The line being typed, and earlier lines of a continued command. */
    char line[CONSOLE_LINE_MAX + 1];
    size_t len, cursor;
    int overflow;
    char *pending;
    int after_cr;
    int esc_state;
    char esc[ESC_MAX + 1];
    size_t esc_len;
    char *history[HISTORY_MAX];
    int history_count, history_pos;
    struct console_timer timers[TIMERS_MAX];
    struct bytebuf out; /* for io->write, at the end of each call */
};

/*
 * console_edit.c: the editing keys, on c->line and on the screen.  The
 * line is UTF-8: the cursor moves, and Backspace erases, a whole character.
 */
void console_insert_byte(struct console *c, char ch);
void console_erase_back(struct console *c, int forward);
void console_kill_line(struct console *c);
void console_kill_word(struct console *c);
void console_interrupt(struct console *c);
void console_move_cursor(struct console *c, size_t to);
void console_walk_history(struct console *c, int step);
void console_remember(struct console *c, const char *text);
void console_feed_escape(struct console *c, unsigned char ch);

/* console_commands.c: run ARGV[0] with the rest; sets c->status. */
void console_run_command(struct console *c, char **argv, int argc,
                         const char *raw);

/* console_timers.c: show TEXT at DUE (monoclock_ms() clock); 0 or -1. */
int console_timer_add(struct console *c, long long due, const char *text);

/* console_output.c: gather output; console_flush() hands it over. */
void console_emit(struct console *c, const char *s, size_t n);
void console_emit_str(struct console *c, const char *s);
void console_emit_text(struct console *c, const char *s);
void console_emit_line(struct console *c, const char *s);
void console_emit_error(struct console *c, const char *s);
void console_emit_left(struct console *c, size_t n);
void console_flush(struct console *c);
void console_show_prompt(struct console *c);
int console_echoes(const struct console *c);
size_t console_columns(const char *s, size_t n);

#endif
