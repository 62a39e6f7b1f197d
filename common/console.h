/* SPDX-License-Identifier: GPL-3.0-or-later */
/* console: a telnetsrv-style command console that knows no transport. */
#ifndef SHELLWIRE_COMMON_CONSOLE_H
#define SHELLWIRE_COMMON_CONSOLE_H

#include <stddef.h>

/*
 * The console turns the bytes a user types into commands and answers, and
 * knows nothing of Telnet, SSH or sockets: bytes come in through
 * console_input(), bytes go out through io->write.  It brings its own line
 * editor (character mode: echo, backspace, Ctrl-U/W/C/D, arrows, history),
 * the bash-like parser of telnetsrv (quotes, backslash, continuation lines
 * under "... "), a command table (help, echo, timer, info, history, bye,
 * exec, a hidden `params`), timers and asynchronous messages that redraw
 * the half-typed line.  Every line it writes ends in CR LF.
 *
 * A transport uses it like this (telnet_server and ssh_server do):
 *
 *     struct console_io io = { .ctx = conn, .write = send_bytes,
 *                              .line = got_answer, .exec = run_command };
 *     struct console *c = console_new(&io);
 *     console_set_term(c, "xterm");       when the terminal type is known
 *     console_set_window(c, 80, 24);      on every window-size change
 *     console_set_echo(c, 1);             1: we echo (character mode);
 *                                         0: the client echoes whole lines
 *     console_ask(c, "login: ", 1);       optional: the next line goes to
 *                                         io->line, not to the commands
 *     console_start(c, "brandon", NULL);  welcome text and first prompt
 *     loop:
 *         if (console_input(c, buf, n) == CONSOLE_OVER) close the session
 *         wait at most console_deadline(c) - monoclock_ms(), then
 *         console_tick(c) to deliver the timers that are due
 *     console_free(c);
 *
 * Callbacks may not call console_free(); io->line may call console_ask(),
 * console_start() and console_print().  Output made while handling one
 * call is handed to io->write in one piece at the end of that call.
 */

/* The longest line, with its continuation lines, in bytes. */
#define CONSOLE_LINE_MAX 1024

/* What console_input and console_tick return. */
enum console_state {
    CONSOLE_OPEN = 0, /* go on reading */
    CONSOLE_OVER = 1  /* bye, Ctrl-D or exec: close once output is sent */
};

struct console_io {
    void *ctx; /* handed back to every callback */
    /* Bytes for the user's terminal. */
    void (*write)(void *ctx, const char *buf, size_t len);
    /* The answer to console_ask() (NUL-terminated, no line end). */
    void (*line)(void *ctx, const char *line);
    /*
     * `exec COMMAND`: run COMMAND (raw text, for /bin/sh -c) and relay its
     * output; return 0 once started (the console is then over) or -1 after
     * having said why.  NULL: the command answers that exec is off.
     */
    int (*exec)(void *ctx, const char *command);
};

struct console;

/* A console writing through IO (copied); NULL with one line on stderr. */
struct console *console_new(const struct console_io *io);

/* Release C; NULL is fine. */
void console_free(struct console *c);

/* The terminal type (TTYPE, TERM): errors turn red if it has colours. */
void console_set_term(struct console *c, const char *term);

/* The window size (NAWS, pty-req), shown by `info`. */
void console_set_window(struct console *c, int cols, int rows);

/* 1: the console echoes and edits (character mode); 0: line mode. */
void console_set_echo(struct console *c, int on);

/* Show PROMPT; the next line goes to io->line, echoed only if ECHO. */
void console_ask(struct console *c, const char *prompt, int echo);

/* Logged in as USER (NULL: none): WELCOME (NULL: ours), then the prompt. */
void console_start(struct console *c, const char *user, const char *welcome);

/* Feed LEN bytes typed by the user. */
enum console_state console_input(struct console *c, const char *buf,
                                 size_t len);

/*
 * The status of the last command run: 0 if it did its job, 1 if it wrote
 * an error (unknown command, usage error, bad argument, line too long, an
 * exec that could not start); 0 before any.  Empty lines and the first
 * lines of a continued command leave it alone.
 */
int console_last_status(const struct console *c);
/*
 * No more input will come (an SSH exec request has only its one line): a
 * command still waiting for its continuation line is an error, status 1.
 */
void console_end_of_input(struct console *c);

/* TEXT on a line of its own, with no prompt after it (login messages). */
void console_print(struct console *c, const char *text);

/*
 * TEXT on a line of its own at any time (telnetsrv's writemessage); the
 * prompt and the half-typed line are drawn again after it.
 */
void console_message(struct console *c, const char *text);

/* When the next timer is due (monoclock_ms() clock), or -1 if none. */
long long console_deadline(const struct console *c);

/* Deliver the timer messages that are due. */
void console_tick(struct console *c);

/*
 * Split LINE the way telnetsrv (and bash) does: blanks separate words,
 * '...' and "..." keep blanks, a backslash escapes the next character, and
 * a backslash-newline vanishes.  On 0, *WORDS holds *COUNT malloc'd words
 * and a NULL (free with console_free_words).  1: LINE ends inside quotes
 * or with a backslash, so it needs a continuation line (nothing to free).
 * -1: out of memory.
 */
int console_split(const char *line, char ***words, int *count);

/* Free the result of console_split. */
void console_free_words(char **words);

#endif
