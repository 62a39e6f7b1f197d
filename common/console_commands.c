/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * console_commands: the console's commands.  Each is one entry in the
 * table below (names and aliases, a usage line, a brief and a long help,
 * from which `help` is made) and one cmd_ function.
 * run_line() in console.c hands each parsed line to console_run_command(),
 * which finds the command and records its status (0 success, 1 failure)
 * for console_last_status().  Next: console_timers.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/console.h"
#include "common/console_internal.h"
#include "common/monoclock.h"
#include "common/repr.h"

#define TIMER_MAX_S 86400

/* A command returns 0 when it did its job, 1 when it failed. */
struct command {
    const char *names[5]; /* the name, then aliases */
    int hidden;
    const char *usage;
    const char *brief;
    const char *help;
    int (*run)(struct console *c, char **argv, int argc, const char *raw);
};

static const struct command *find_command(const char *name);
static int can_run(const struct console *c, const struct command *cmd);
static int cmd_help(struct console *c, char **argv, int argc, const char *raw);
static int cmd_echo(struct console *c, char **argv, int argc, const char *raw);
static int cmd_timer(struct console *c, char **argv, int argc, const char *raw);
static int cmd_info(struct console *c, char **argv, int argc, const char *raw);
static int cmd_history(struct console *c, char **argv, int argc,
                       const char *raw);
static int cmd_bye(struct console *c, char **argv, int argc, const char *raw);
static int cmd_exec(struct console *c, char **argv, int argc, const char *raw);
static int cmd_params(struct console *c, char **argv, int argc,
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

/* ARGV[0] names the command, the rest are its words; RAW is its text. */
void console_run_command(struct console *c, char **argv, int argc,
                         const char *raw)
{
    const struct command *cmd = find_command(argv[0]);
    char msg[NAME_MAX_LEN + 64];

    if (cmd == NULL) {
        snprintf(msg, sizeof(msg), "unknown command '%.*s'; try help",
                 NAME_MAX_LEN, argv[0]);
        console_emit_error(c, msg);
        c->status = 1;
        return;
    }
    c->status = cmd->run(c, argv + 1, argc - 1, raw);
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

/* Whether this server runs CMD: exec only with io->exec (the server's). */
static int can_run(const struct console *c, const struct command *cmd)
{
    return cmd->run != cmd_exec || c->io.exec != NULL;
}

/* help, or help NAME: the list made from the table, or one long help. */
static int cmd_help(struct console *c, char **argv, int argc, const char *raw)
{
    const struct command *cmd;
    char text[256];

    (void)raw;
    if (argc == 0) {
        console_emit_line(c, "Help on built in commands\n");
        for (size_t i = 0; i < N_COMMANDS; i++) {
            cmd = &commands[i];
            for (int j = 0;
                 cmd->names[j] != NULL && !cmd->hidden && can_run(c, cmd);
                 j++) {
                snprintf(text, sizeof(text), "%s%s%s - %s", cmd->names[j],
                         cmd->usage[0] ? " " : "", cmd->usage, cmd->brief);
                console_emit_line(c, text);
            }
        }
        return 0;
    }
    cmd = find_command(argv[0]);
    if (cmd == NULL || !can_run(c, cmd)) {
        snprintf(text, sizeof(text), "help: no command '%.64s'", argv[0]);
        console_emit_error(c, text);
        return 1;
    }
    snprintf(text, sizeof(text), "%s%s%s", cmd->names[0],
             cmd->usage[0] ? " " : "", cmd->usage);
    console_emit_line(c, text);
    if (cmd->names[1] != NULL) {
        console_emit_str(c, "aliases:");
        for (int j = 1; cmd->names[j] != NULL; j++) {
            console_emit_str(c, j > 1 ? ", " : " ");
            console_emit_str(c, cmd->names[j]);
        }
        console_emit_str(c, "\r\n");
    }
    console_emit_line(c, cmd->help);
    return 0;
}

static int cmd_echo(struct console *c, char **argv, int argc, const char *raw)
{
    (void)raw;
    for (int i = 0; i < argc; i++) {
        console_emit_str(c, i > 0 ? " " : "");
        console_emit_text(c, argv[i]);
    }
    console_emit_str(c, "\r\n");
    return 0;
}

/* timer SECONDS MESSAGE: console_tick() shows MESSAGE when it is due. */
static int cmd_timer(struct console *c, char **argv, int argc, const char *raw)
{
    char text[64];
    char *end;
    long seconds;

    (void)raw;
    if (argc != 2) {
        console_emit_error(c, "usage: timer <seconds> <message>");
        return 1;
    }
    seconds = strtol(argv[0], &end, 10);
    if (end == argv[0] || *end != '\0' || seconds < 0 ||
        seconds > TIMER_MAX_S) {
        console_emit_error(c,
                           "timer: seconds must be a number from 0 to 86400");
        return 1;
    }
    if (console_timer_add(c, monoclock_ms() + seconds * 1000, argv[1]) < 0) {
        console_emit_error(c, "timer: too many timers running");
        return 1;
    }
    snprintf(text, sizeof(text), "Waiting %ld seconds...", seconds);
    console_emit_line(c, text);
    return 0;
}

static int cmd_info(struct console *c, char **argv, int argc, const char *raw)
{
    long long seconds = (monoclock_ms() - c->started) / 1000;
    char text[256];

    (void)argv, (void)argc, (void)raw; /* the table's shape, unused */
    snprintf(text, sizeof(text), "Username: %s, terminal type: %s",
             c->user[0] ? c->user : "(none)",
             c->term[0] ? c->term : "(unknown)");
    console_emit_line(c, text);
    if (c->cols > 0) {
        snprintf(text, sizeof(text), "Window size: %dx%d", c->cols, c->rows);
    } else {
        snprintf(text, sizeof(text), "Window size: (unknown)");
    }
    console_emit_line(c, text);
    snprintf(text, sizeof(text), "Session time: %lld:%02lld:%02lld",
             seconds / 3600, seconds / 60 % 60, seconds % 60);
    console_emit_line(c, text);
    return 0;
}

static int cmd_history(struct console *c, char **argv, int argc,
                       const char *raw)
{
    char number[16];

    (void)argv, (void)argc, (void)raw; /* the table's shape, unused */
    for (int i = 0; i < c->history_count; i++) {
        snprintf(number, sizeof(number), "%5d  ", i + 1);
        console_emit_str(c, number);
        console_emit_line(c, c->history[i]);
    }
    return 0;
}

static int cmd_bye(struct console *c, char **argv, int argc, const char *raw)
{
    (void)argv, (void)argc, (void)raw; /* the table's shape, unused */
    console_emit_line(c, "Goodbye");
    c->mode = MODE_OVER;
    return 0;
}

/* exec COMMAND: the transport runs it; once it runs, the console is over. */
static int cmd_exec(struct console *c, char **argv, int argc, const char *raw)
{
    (void)argv;
    if (argc == 0) {
        console_emit_error(c, "usage: exec <command>");
        return 1;
    }
    if (c->io.exec == NULL) {
        console_emit_error(c, "exec: not available on this server");
        return 1;
    }
    console_flush(c);
    if (c->io.exec(c->io.ctx, raw) != 0) {
        return 1;
    }
    c->mode = MODE_OVER;
    return 0;
}

/* The hidden one: the words in Python's list form, as seed 001 shows. */
static int cmd_params(struct console *c, char **argv, int argc, const char *raw)
{
    char *list = repr_python_list(argv, argc);

    (void)raw;
    if (list == NULL) {
        return 1;
    }
    console_emit_line(c, list);
    free(list);
    return 0;
}
