/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * console: the command console of telnet_server and ssh_server, after the
 * telnetsrv library: a line editor, telnetsrv's bash-like parser, a command
 * table with generated help, timers and asynchronous messages.  Bytes in
 * through console_input(), bytes out through io->write; see console.h.
 */
#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/console.h"
#include "common/repr.h"

#define HISTORY_MAX   100
#define TIMERS_MAX    8
#define TIMER_MAX_S   86400
#define PROMPT_MAX    80
#define NAME_MAX_LEN  64
#define TERM_MAX_LEN  64
#define ESC_MAX       8
#define CONTINUE_TEXT "... "
#define RED           "\x1b[91m"
#define PLAIN         "\x1b[0m"
#define KEY_CTRL(k)   ((k)&0x1f)

enum mode {
    MODE_IDLE,    /* nothing asked: input is dropped */
    MODE_ASK,     /* the next line answers console_ask() */
    MODE_COMMAND, /* lines are commands */
    MODE_OVER     /* bye or exec: input is dropped */
};

struct timer {
    long long due; /* 0: slot free */
    char *text;
};

struct console {
    struct console_io io;
    enum mode mode;
    int char_mode; /* we echo and edit; else the client echoes lines */
    int ask_echo;
    int colour;
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
    struct timer timers[TIMERS_MAX];
    char *out;
    size_t out_len, out_cap;
};

struct command {
    const char *names[5]; /* the name, then aliases */
    int hidden;
    const char *usage;
    const char *brief;
    const char *help;
    void (*run)(struct console *c, char **argv, int argc, const char *raw);
};

static void feed_byte(struct console *c, unsigned char ch);
static void feed_escape(struct console *c, unsigned char ch);
static void end_line(struct console *c);
static void run_line(struct console *c, const char *text);
static const struct command *find_command(const char *name);
static void insert_byte(struct console *c, char ch);
static void erase_back(struct console *c, int forward);
static void kill_line(struct console *c);
static void kill_word(struct console *c);
static void interrupt(struct console *c);
static void move_cursor(struct console *c, size_t to);
static void walk_history(struct console *c, int step);
static void remember(struct console *c, const char *text);
static void redraw(struct console *c);
static void show_prompt(struct console *c);
static int visible(const struct console *c);
static void emit(struct console *c, const char *s, size_t n);
static void emit_str(struct console *c, const char *s);
static void emit_text(struct console *c, const char *s);
static void emit_line(struct console *c, const char *s);
static void emit_error(struct console *c, const char *s);
static void emit_left(struct console *c, size_t n);
static void flush(struct console *c);
static void cmd_help(struct console *c, char **argv, int argc, const char *raw);
static void cmd_echo(struct console *c, char **argv, int argc, const char *raw);
static void cmd_timer(struct console *c, char **argv, int argc,
                      const char *raw);
static void cmd_info(struct console *c, char **argv, int argc, const char *raw);
static void cmd_history(struct console *c, char **argv, int argc,
                        const char *raw);
static void cmd_bye(struct console *c, char **argv, int argc, const char *raw);
static void cmd_exec(struct console *c, char **argv, int argc, const char *raw);
static void cmd_params(struct console *c, char **argv, int argc,
                       const char *raw);

/* The command table: telnetsrv's @command decorator and docstrings. */
static const struct command commands[] = {
    {{"help", "?"},
     0,
     "[<command>]",
     "Display help",
     "With no argument, list the commands; with one, explain it.",
     cmd_help},
    {{"echo", "copy", "repeat"},
     0,
     "<text to echo>",
     "Echo text back to the console.",
     "Print the parameters, separated by single spaces.\n"
     "Quotes keep blanks: echo 1 \"2   3\" prints 1 2   3.",
     cmd_echo},
    {{"timer"},
     0,
     "<seconds> <message>",
     "In <seconds> seconds, display <message>.",
     "Send a message after a delay, while you go on typing.\n"
     "If <message> is more than one word, quotes are required.\n"
     "example: timer 5 \"hello world!\"",
     cmd_timer},
    {{"info"},
     0,
     "",
     "Show the user, terminal type, window size and session time.",
     "The terminal type and window size come from the client\n"
     "(Telnet TTYPE and NAWS, or the SSH pty request).",
     cmd_info},
    {{"history"},
     0,
     "",
     "Display the command history.",
     "The last 100 commands; the up and down arrows walk them.",
     cmd_history},
    {{"bye", "exit", "quit", "logout"},
     0,
     "",
     "Exit the command shell.",
     "Close the session.  Ctrl-D on an empty line does the same.",
     cmd_bye},
    {{"exec"},
     0,
     "<command>",
     "Run a shell command, then end the session.",
     "Run <command> with /bin/sh -c, TERM set to your terminal type,\n"
     "show its output, then close the session, as a shell's exec does.",
     cmd_exec},
    {{"params"},
     1,
     "[<params>]*",
     "Echo back the parsed parameters.",
     "Show the words the parser made of the line, in Python's list\n"
     "form, to see how quotes and backslashes were read.",
     cmd_params},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

struct console *console_new(const struct console_io *io)
{
    struct console *c = calloc(1, sizeof(*c));

    if (c == NULL) {
        warn("console");
        return NULL;
    }
    c->io = *io;
    c->started = console_now_ms();
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
    free(c->out);
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
    show_prompt(c);
    flush(c);
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
    emit_line(c, welcome);
    snprintf(c->prompt, sizeof(c->prompt), "%s%sshellwire$ ", user ? user : "",
             user ? "@" : "");
    c->mode = MODE_COMMAND;
    c->len = c->cursor = 0;
    c->history_pos = c->history_count;
    show_prompt(c);
    flush(c);
}

enum console_state console_input(struct console *c, const char *buf, size_t len)
{
    for (size_t i = 0; i < len && c->mode != MODE_OVER; i++) {
        feed_byte(c, (unsigned char)buf[i]);
    }
    flush(c);
    return c->mode == MODE_OVER ? CONSOLE_OVER : CONSOLE_OPEN;
}

/* One typed byte: a line end, an editing key, or text. */
static void feed_byte(struct console *c, unsigned char ch)
{
    if (c->mode != MODE_ASK && c->mode != MODE_COMMAND) {
        return;
    }
    if (c->esc_state != 0) {
        feed_escape(c, ch);
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
        erase_back(c, 0);
        break;
    case KEY_CTRL('U'):
        kill_line(c);
        break;
    case KEY_CTRL('W'):
        kill_word(c);
        break;
    case KEY_CTRL('C'):
        interrupt(c);
        break;
    case KEY_CTRL('D'):
        if (c->mode == MODE_COMMAND && c->len == 0 && c->pending == NULL) {
            emit_str(c, visible(c) ? "bye\r\n" : "");
            run_line(c, "bye");
        }
        break;
    case KEY_CTRL('A'):
        move_cursor(c, 0);
        break;
    case KEY_CTRL('E'):
        move_cursor(c, c->len);
        break;
    case 0x1b:
        c->esc_state = 1;
        c->esc_len = 0;
        break;
    default:
        if (ch >= 0x20) {
            insert_byte(c, (char)ch);
        }
        break;
    }
}

/* ESC [ or ESC O, parameters, a final byte: the arrow and edit keys. */
static void feed_escape(struct console *c, unsigned char ch)
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
        walk_history(c, ch == 'A' ? -1 : 1);
    } else if (ch == 'C' && c->cursor < c->len) {
        move_cursor(c, c->cursor + 1);
    } else if (ch == 'D' && c->cursor > 0) {
        move_cursor(c, c->cursor - 1);
    } else if (ch == 'H' ||
               (ch == '~' && c->esc_len == 1 && strchr("17", c->esc[0]))) {
        move_cursor(c, 0);
    } else if (ch == 'F' ||
               (ch == '~' && c->esc_len == 1 && strchr("48", c->esc[0]))) {
        move_cursor(c, c->len);
    } else if (ch == '~' && c->esc_len == 1 && c->esc[0] == '3') {
        erase_back(c, 1);
    }
}

/* Enter: answer the question, ask for more, or run the command. */
static void end_line(struct console *c)
{
    char text[CONSOLE_LINE_MAX + 1];
    size_t have = c->pending ? strlen(c->pending) : 0;

    if (c->char_mode) {
        emit_str(c, "\r\n");
    }
    c->line[c->len] = '\0';
    if (c->overflow || have + c->len > CONSOLE_LINE_MAX) {
        snprintf(text, sizeof(text), "line too long (over %d bytes)",
                 CONSOLE_LINE_MAX);
        emit_error(c, text);
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
        show_prompt(c);
    }
}

/* Parse TEXT; run it, or keep it for a continuation line. */
static void run_line(struct console *c, const char *text)
{
    const struct command *cmd;
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
    if (status == -1 || argc == 0) {
        console_free_words(argv);
        return;
    }
    remember(c, text);
    /* The raw rest of the line after the command word, for exec. */
    raw += strspn(raw, " \t");
    raw += strcspn(raw, " \t");
    raw += strspn(raw, " \t\n");
    cmd = find_command(argv[0]);
    if (cmd == NULL) {
        char msg[NAME_MAX_LEN + 64];
        snprintf(msg, sizeof(msg), "unknown command '%.*s'; try help",
                 NAME_MAX_LEN, argv[0]);
        emit_error(c, msg);
    } else {
        cmd->run(c, argv + 1, argc - 1, raw);
    }
    console_free_words(argv);
}

/* The table entry whose name or alias is NAME, in any case. */
static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++) {
        for (int j = 0; commands[i].names[j] != NULL; j++) {
            if (strcasecmp(commands[i].names[j], name) == 0) {
                return &commands[i];
            }
        }
    }
    return NULL;
}

/* Type CH at the cursor. */
static void insert_byte(struct console *c, char ch)
{
    if (c->len == CONSOLE_LINE_MAX) {
        c->overflow = 1;
        return;
    }
    memmove(c->line + c->cursor + 1, c->line + c->cursor, c->len - c->cursor);
    c->line[c->cursor++] = ch;
    c->len++;
    if (!visible(c)) {
        return;
    }
    emit(c, c->line + c->cursor - 1, c->len - c->cursor + 1);
    emit_left(c, c->len - c->cursor);
}

/* Backspace (or Delete, FORWARD): remove one byte and redraw the rest. */
static void erase_back(struct console *c, int forward)
{
    size_t at = forward ? c->cursor : c->cursor - 1;

    if ((forward && c->cursor == c->len) || (!forward && c->cursor == 0)) {
        return;
    }
    memmove(c->line + at, c->line + at + 1, c->len - at - 1);
    c->len--;
    if (!visible(c)) {
        c->cursor = at;
        return;
    }
    if (!forward) {
        emit_str(c, "\b");
    }
    c->cursor = at;
    emit(c, c->line + at, c->len - at);
    emit_str(c, " ");
    emit_left(c, c->len - at + 1);
}

/* Ctrl-U: forget the whole line. */
static void kill_line(struct console *c)
{
    c->len = c->cursor = 0;
    redraw(c);
}

/* Ctrl-W: forget the word before the cursor, and the blanks after it. */
static void kill_word(struct console *c)
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
static void interrupt(struct console *c)
{
    emit_str(c, c->char_mode ? "^C\r\n" : "\r\n");
    free(c->pending);
    c->pending = NULL;
    c->len = c->cursor = 0;
    c->overflow = 0;
    c->history_pos = c->history_count;
    show_prompt(c);
}

/* Left, right, home, end. */
static void move_cursor(struct console *c, size_t to)
{
    if (visible(c) && to < c->cursor) {
        emit_left(c, c->cursor - to);
    } else if (visible(c) && to > c->cursor) {
        emit(c, c->line + c->cursor, to - c->cursor);
    }
    c->cursor = to;
}

/* Up (STEP -1) and down (+1) through the history, in character mode. */
static void walk_history(struct console *c, int step)
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
static void remember(struct console *c, const char *text)
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

/* Draw the prompt and the line again, the cursor where it was. */
static void redraw(struct console *c)
{
    if (!visible(c)) {
        return;
    }
    emit_str(c, "\r");
    emit_str(c, c->pending ? CONTINUE_TEXT : c->prompt);
    emit(c, c->line, c->len);
    emit_str(c, "\x1b[K");
    emit_left(c, c->len - c->cursor);
}

static void show_prompt(struct console *c)
{
    emit_str(c, c->pending ? CONTINUE_TEXT : c->prompt);
}

/* Whether typed bytes are echoed by us. */
static int visible(const struct console *c)
{
    return c->char_mode && (c->mode == MODE_COMMAND || c->ask_echo);
}

void console_print(struct console *c, const char *text)
{
    emit_line(c, text);
    flush(c);
}

void console_message(struct console *c, const char *text)
{
    int prompting = c->mode == MODE_COMMAND || c->mode == MODE_ASK;

    if (prompting) {
        emit_str(c, c->char_mode ? "\r\x1b[K" : "\r\n");
    }
    emit_line(c, text);
    if (prompting) {
        show_prompt(c);
        if (visible(c)) {
            emit(c, c->line, c->len);
            emit_left(c, c->len - c->cursor);
        }
    }
    flush(c);
}

long long console_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long console_deadline(const struct console *c)
{
    long long first = -1;

    for (int i = 0; i < TIMERS_MAX; i++) {
        long long due = c->timers[i].due;
        if (due != 0 && (first == -1 || due < first)) {
            first = due;
        }
    }
    return first;
}

void console_tick(struct console *c)
{
    long long now = console_now_ms();

    for (int i = 0; i < TIMERS_MAX; i++) {
        struct timer *t = &c->timers[i];
        if (t->due != 0 && t->due <= now && c->mode != MODE_OVER) {
            console_message(c, t->text);
            free(t->text);
            t->text = NULL;
            t->due = 0;
        }
    }
}

/* Append N bytes to the output that flush() hands over in one piece. */
static void emit(struct console *c, const char *s, size_t n)
{
    if (n == 0) {
        return;
    }
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 256;
        char *grown;
        while (cap < c->out_len + n) {
            cap *= 2;
        }
        grown = realloc(c->out, cap);
        if (grown == NULL) {
            return; /* the user misses some output, nothing worse */
        }
        c->out = grown;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, s, n);
    c->out_len += n;
}

static void emit_str(struct console *c, const char *s)
{
    emit(c, s, strlen(s));
}

/* Text whose line ends may be bare LF: each becomes CR LF. */
static void emit_text(struct console *c, const char *s)
{
    for (const char *nl; (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
        emit(c, s, nl - s);
        emit_str(c, "\r\n");
    }
    emit_str(c, s);
}

static void emit_line(struct console *c, const char *s)
{
    emit_text(c, s);
    emit_str(c, "\r\n");
}

/* An error line, red on a terminal that has colours. */
static void emit_error(struct console *c, const char *s)
{
    emit_str(c, c->colour ? RED : "");
    emit_text(c, s);
    emit_str(c, c->colour ? PLAIN "\r\n" : "\r\n");
}

/* Move the terminal's cursor N columns left. */
static void emit_left(struct console *c, size_t n)
{
    char seq[24];

    if (n > 0) {
        snprintf(seq, sizeof(seq), "\x1b[%zuD", n);
        emit_str(c, seq);
    }
}

/* Hand the output gathered so far to the transport, in one write. */
static void flush(struct console *c)
{
    size_t n = c->out_len;

    c->out_len = 0;
    if (n > 0) {
        c->io.write(c->io.ctx, c->out, n);
    }
    /* An idle session keeps no output buffer: memory per session stays small.
     */
    free(c->out);
    c->out = NULL;
    c->out_cap = 0;
}

/* help, or help NAME: the list made from the table, or one long help. */
static void cmd_help(struct console *c, char **argv, int argc, const char *raw)
{
    const struct command *cmd;
    char text[256];

    (void)raw;
    if (argc == 0) {
        emit_line(c, "Help on built in commands\n");
        for (size_t i = 0; i < N_COMMANDS; i++) {
            cmd = &commands[i];
            for (int j = 0; cmd->names[j] != NULL && !cmd->hidden; j++) {
                snprintf(text, sizeof(text), "%s%s%s - %s", cmd->names[j],
                         cmd->usage[0] ? " " : "", cmd->usage, cmd->brief);
                emit_line(c, text);
            }
        }
        return;
    }
    cmd = find_command(argv[0]);
    if (cmd == NULL) {
        snprintf(text, sizeof(text), "help: no command '%.64s'", argv[0]);
        emit_error(c, text);
        return;
    }
    snprintf(text, sizeof(text), "%s%s%s", cmd->names[0],
             cmd->usage[0] ? " " : "", cmd->usage);
    emit_line(c, text);
    if (cmd->names[1] != NULL) {
        emit_str(c, "aliases:");
        for (int j = 1; cmd->names[j] != NULL; j++) {
            emit_str(c, j > 1 ? ", " : " ");
            emit_str(c, cmd->names[j]);
        }
        emit_str(c, "\r\n");
    }
    emit_line(c, cmd->help);
}

static void cmd_echo(struct console *c, char **argv, int argc, const char *raw)
{
    (void)raw;
    for (int i = 0; i < argc; i++) {
        emit_str(c, i > 0 ? " " : "");
        emit_text(c, argv[i]);
    }
    emit_str(c, "\r\n");
}

/* timer SECONDS MESSAGE: console_tick() shows MESSAGE when it is due. */
static void cmd_timer(struct console *c, char **argv, int argc, const char *raw)
{
    char text[64];
    char *end;
    long seconds;

    (void)raw;
    if (argc != 2) {
        emit_error(c, "usage: timer <seconds> <message>");
        return;
    }
    seconds = strtol(argv[0], &end, 10);
    if (end == argv[0] || *end != '\0' || seconds < 0 ||
        seconds > TIMER_MAX_S) {
        emit_error(c, "timer: seconds must be a number from 0 to 86400");
        return;
    }
    for (int i = 0; i < TIMERS_MAX; i++) {
        if (c->timers[i].due == 0) {
            c->timers[i].text = strdup(argv[1]);
            if (c->timers[i].text == NULL) {
                break;
            }
            /* Never 0, which marks a free slot. */
            c->timers[i].due = console_now_ms() + seconds * 1000 + 1;
            snprintf(text, sizeof(text), "Waiting %ld seconds...", seconds);
            emit_line(c, text);
            return;
        }
    }
    emit_error(c, "timer: too many timers running");
}

static void cmd_info(struct console *c, char **argv, int argc, const char *raw)
{
    long long seconds = (console_now_ms() - c->started) / 1000;
    char text[256];

    (void)argv;
    (void)argc;
    (void)raw;
    snprintf(text, sizeof(text), "Username: %s, terminal type: %s",
             c->user[0] ? c->user : "(none)",
             c->term[0] ? c->term : "(unknown)");
    emit_line(c, text);
    if (c->cols > 0) {
        snprintf(text, sizeof(text), "Window size: %dx%d", c->cols, c->rows);
    } else {
        snprintf(text, sizeof(text), "Window size: (unknown)");
    }
    emit_line(c, text);
    snprintf(text, sizeof(text), "Session time: %lld:%02lld:%02lld",
             seconds / 3600, seconds / 60 % 60, seconds % 60);
    emit_line(c, text);
}

static void cmd_history(struct console *c, char **argv, int argc,
                        const char *raw)
{
    char number[16];

    (void)argv;
    (void)argc;
    (void)raw;
    for (int i = 0; i < c->history_count; i++) {
        snprintf(number, sizeof(number), "%5d  ", i + 1);
        emit_str(c, number);
        emit_line(c, c->history[i]);
    }
}

static void cmd_bye(struct console *c, char **argv, int argc, const char *raw)
{
    (void)argv;
    (void)argc;
    (void)raw;
    emit_line(c, "Goodbye");
    c->mode = MODE_OVER;
}

/* exec COMMAND: the transport runs it; the console is over either way. */
static void cmd_exec(struct console *c, char **argv, int argc, const char *raw)
{
    (void)argv;
    if (argc == 0) {
        emit_error(c, "usage: exec <command>");
        return;
    }
    if (c->io.exec == NULL) {
        emit_error(c, "exec: not available on this server");
        return;
    }
    flush(c);
    if (c->io.exec(c->io.ctx, raw) == 0) {
        c->mode = MODE_OVER;
    }
}

/* The hidden one: the words in Python's list form, as seed 001 shows. */
static void cmd_params(struct console *c, char **argv, int argc,
                       const char *raw)
{
    char *list = repr_python_list(argv, argc);

    (void)raw;
    if (list != NULL) {
        emit_line(c, list);
        free(list);
    }
}

/* The parser's state between characters. */
struct splitter {
    char *word; /* the word being built */
    size_t len;
    int in_word;
    char quote; /* ' or " while inside quotes, else 0 */
};

/* Finish WORD as the next entry of *WORDS; 0 or -1. */
static int add_word(char ***words, int *count, const char *word, size_t len)
{
    char **grown = realloc(*words, (*count + 2) * sizeof(**words));

    if (grown == NULL) {
        return -1;
    }
    *words = grown;
    grown[*count] = strndup(word, len);
    if (grown[*count] == NULL) {
        return -1;
    }
    grown[++*count] = NULL;
    return 0;
}

/*
 * LINE[I] (two bytes for an escape) into the word; returns the index of
 * what comes next.  Blanks outside quotes and a final backslash are the
 * caller's.
 */
static size_t take_char(struct splitter *sp, const char *line, size_t i)
{
    char ch = line[i];
    char next = line[i + 1];

    if (sp->quote == '\'') { /* nothing is special but the closing ' */
        if (ch == '\'') {
            sp->quote = 0;
        } else {
            sp->word[sp->len++] = ch;
        }
        return i + 1;
    }
    if (ch == '\\' && next == '\n') {
        return i + 2; /* backslash-newline vanishes, in "..." or not */
    }
    if (sp->quote == '"') { /* \ escapes only " \ $ ` here, as in bash */
        if (ch == '"') {
            sp->quote = 0;
        } else if (ch == '\\' && strchr("\"\\$`", next) != NULL) {
            sp->word[sp->len++] = next;
            return i + 2;
        } else {
            sp->word[sp->len++] = ch;
        }
        return i + 1;
    }
    sp->in_word = 1;
    if (ch == '\\') {
        sp->word[sp->len++] = next;
        return i + 2;
    }
    if (ch == '\'' || ch == '"') {
        sp->quote = ch;
    } else {
        sp->word[sp->len++] = ch;
    }
    return i + 1;
}

int console_split(const char *line, char ***words, int *count)
{
    size_t n = strlen(line);
    struct splitter sp = {malloc(n + 1), 0, 0, 0};
    int status = -1;

    *count = 0;
    *words = calloc(1, sizeof(**words));
    if (sp.word == NULL || *words == NULL) {
        goto out;
    }
    for (size_t i = 0; i < n;) {
        char ch = line[i];
        if (ch == '\\' && line[i + 1] == '\0' && sp.quote != '\'') {
            status = 1; /* continued on the next line */
            goto out;
        }
        if (sp.quote != 0 || (ch != ' ' && ch != '\t' && ch != '\n')) {
            i = take_char(&sp, line, i);
            continue;
        }
        if (sp.in_word && add_word(words, count, sp.word, sp.len) == -1) {
            goto out;
        }
        sp.in_word = 0;
        sp.len = 0;
        i++;
    }
    if (sp.quote != 0) {
        status = 1;
    } else if (!sp.in_word || add_word(words, count, sp.word, sp.len) == 0) {
        status = 0;
    }
out:
    free(sp.word);
    if (status != 0) {
        if (status == -1) {
            warnx("console: out of memory");
        }
        console_free_words(*words);
        *words = NULL;
        *count = 0;
    }
    return status;
}

void console_free_words(char **words)
{
    if (words == NULL) {
        return;
    }
    for (char **w = words; *w != NULL; w++) {
        free(*w);
    }
    free(words);
}
