/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * modes: what a session does with the bytes a user sends.  Echo mode is
 * Twisted Conch's SimpleSession: every chunk comes back as `echo: ` and
 * its repr, CR LF.  Console mode is telnetsrv's SSHHandler: the very same
 * console as telnet_server (common/console.h), with SSH as its transport.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/console.h"
#include "common/repr.h"
#include "server.h"

#define ECHO_PREFIX "echo: "
#define CRLF        "\r\n"
#define CTRL_D      '\x04'

static void echo_bytes(struct channel *ch, const char *bytes, size_t len);
static struct console *new_console(struct channel *ch);
static void console_write(void *ctx, const char *buf, size_t len);
static void console_line(void *ctx, const char *line);

/* RFC 4254 5.2: bytes from the client, for the session's mode. */
void mode_input(struct channel *ch, const char *bytes, size_t len)
{
    if (ch->got_eof) {
        return; /* finishing: an exec's stdin, or bytes after Ctrl-D */
    }
    if (ch->client->server->cfg.mode == MODE_ECHO) {
        echo_bytes(ch, bytes, len);
        /* On a terminal, Ctrl-D arrives as a byte, not as EOF. */
        if (len == 1 && bytes[0] == CTRL_D) {
            ch->got_eof = 1;
        }
    } else if (ch->console != NULL &&
               console_input(ch->console, bytes, len) == CONSOLE_OVER) {
        ch->got_eof = 1; /* bye, or Ctrl-D on an empty line */
    }
}

/* Conch's dataReceived: "echo: " + repr(bytes) + "\r\n". */
static void echo_bytes(struct channel *ch, const char *bytes, size_t len)
{
    char *text = repr_python(bytes, len);
    if (text == NULL) {
        ch->client->drop = "out of memory";
        return;
    }
    channel_send(ch, ECHO_PREFIX, strlen(ECHO_PREFIX));
    channel_send(ch, text, strlen(text));
    channel_send(ch, CRLF, strlen(CRLF));
    free(text);
}

/* A shell request: the console, editing lines itself if there is a pty. */
int mode_start_console(struct channel *ch)
{
    ch->console = new_console(ch);
    if (ch->console == NULL) {
        return -1;
    }
    console_set_echo(ch->console, ch->has_pty);
    console_start(ch->console, ch->client->user, NULL);
    return 0;
}

/*
 * An exec request, "ssh host help": one console command, no welcome and no
 * prompt.  The console has no call for that, so the welcome is thrown
 * away, and the prompt it ends with is cut from the command's output.
 */
int mode_run_command(struct channel *ch, const char *command)
{
    ch->console = new_console(ch);
    if (ch->console == NULL) {
        return -1;
    }
    ch->capture = 1;
    console_start(ch->console, ch->client->user, "");
    ch->capture = 0;
    size_t len = strlen(command);
    char *line = malloc(len + 2);
    if (line == NULL) {
        return -1;
    }
    snprintf(line, len + 2, "%s\n", command);
    ch->cut_prompt = 1;
    console_input(ch->console, line, len + 1);
    console_end_of_input(ch->console); /* an exec has no second line */
    ch->cut_prompt = 0;
    free(line);
    ch->got_eof = 1;
    return 0;
}

static struct console *new_console(struct channel *ch)
{
    const struct console_io io = {
        .ctx = ch, .write = console_write, .line = console_line};
    struct console *c = console_new(&io);
    if (c != NULL && ch->has_pty) {
        console_set_term(c, ch->term);
        console_set_window(c, ch->cols, ch->rows);
    }
    return c;
}

/* The console's output goes to the channel, as one piece per call. */
static void console_write(void *ctx, const char *buf, size_t len)
{
    struct channel *ch = ctx;
    if (ch->capture) {
        /* The welcome: what follows its last CR LF is the prompt. */
        const char *end = buf + len;
        const char *prompt = end;
        while (prompt > buf && prompt[-1] != '\n') {
            prompt--;
        }
        size_t n = (size_t)(end - prompt);
        n = n < sizeof(ch->prompt) ? n : sizeof(ch->prompt) - 1;
        memcpy(ch->prompt, prompt, n);
        ch->prompt[n] = '\0';
        return;
    }
    size_t plen = strlen(ch->prompt);
    if (ch->cut_prompt && plen > 0 && len >= plen &&
        memcmp(buf + len - plen, ch->prompt, plen) == 0) {
        len -= plen;
    }
    channel_send(ch, buf, len);
}

/* The console only sends lines here after console_ask(), never used. */
static void console_line(void *ctx, const char *line)
{
    (void)ctx, (void)line;
}

/* Deliver the console's timer messages that are due. */
void mode_tick(struct channel *ch)
{
    if (ch->console == NULL) {
        return;
    }
    long long due = console_deadline(ch->console);
    if (due >= 0 && due <= console_now_ms()) {
        console_tick(ch->console);
    }
}

/* Milliseconds until the client's next timer, or -1 if none. */
long long mode_wait_ms(const struct channel *ch)
{
    if (ch->console == NULL) {
        return -1;
    }
    long long due = console_deadline(ch->console);
    if (due < 0) {
        return -1;
    }
    long long left = due - console_now_ms();
    return left > 0 ? left : 0;
}

/* The session's exit status: its last console command's (0 or 1), else 0. */
int mode_exit_status(const struct channel *ch)
{
    return ch->console != NULL ? console_last_status(ch->console) : 0;
}
