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

static void echo_bytes(struct client *client, const char *bytes, size_t len);
static struct console *new_console(struct client *client);
static void console_write(void *ctx, const char *buf, size_t len);
static void console_line(void *ctx, const char *line);

/* RFC 4254 5.2: bytes from the client, for the session's mode. */
void mode_input(struct client *client, const char *bytes, size_t len)
{
    if (client->server->cfg.mode == MODE_ECHO) {
        echo_bytes(client, bytes, len);
        /* On a terminal, Ctrl-D arrives as a byte, not as EOF. */
        if (len == 1 && bytes[0] == CTRL_D) {
            client->got_eof = 1;
        }
    } else if (client->console != NULL &&
               console_input(client->console, bytes, len) == CONSOLE_OVER) {
        client->got_eof = 1; /* bye, or Ctrl-D on an empty line */
    }
}

/* Conch's dataReceived: "echo: " + repr(bytes) + "\r\n". */
static void echo_bytes(struct client *client, const char *bytes, size_t len)
{
    char *text = repr_python(bytes, len);
    if (text == NULL) {
        client->drop = "out of memory";
        return;
    }
    channel_send(client, ECHO_PREFIX, strlen(ECHO_PREFIX));
    channel_send(client, text, strlen(text));
    channel_send(client, CRLF, strlen(CRLF));
    free(text);
}

/* A shell request: the console, editing lines itself if there is a pty. */
int mode_start_console(struct client *client)
{
    client->console = new_console(client);
    if (client->console == NULL) {
        return -1;
    }
    console_set_echo(client->console, client->has_pty);
    console_start(client->console, client->user, NULL);
    return 0;
}

/*
 * An exec request, "ssh host help": one console command, no welcome and no
 * prompt.  The console has no call for that, so the welcome is thrown
 * away, and the prompt it ends with is cut from the command's output.
 */
int mode_run_command(struct client *client, const char *command)
{
    client->console = new_console(client);
    if (client->console == NULL) {
        return -1;
    }
    client->capture = 1;
    console_start(client->console, client->user, "");
    client->capture = 0;
    size_t len = strlen(command);
    char *line = malloc(len + 2);
    if (line == NULL) {
        return -1;
    }
    snprintf(line, len + 2, "%s\n", command);
    client->cut_prompt = 1;
    console_input(client->console, line, len + 1);
    client->cut_prompt = 0;
    free(line);
    client->got_eof = 1;
    return 0;
}

static struct console *new_console(struct client *client)
{
    const struct console_io io = {
        .ctx = client, .write = console_write, .line = console_line};
    struct console *c = console_new(&io);
    if (c != NULL) {
        console_set_term(c, client->term[0] != '\0' ? client->term : "dumb");
        console_set_window(c, client->cols, client->rows);
    }
    return c;
}

/* The console's output goes to the channel, as one piece per call. */
static void console_write(void *ctx, const char *buf, size_t len)
{
    struct client *client = ctx;
    if (client->capture) {
        /* The welcome: what follows its last CR LF is the prompt. */
        const char *end = buf + len;
        const char *prompt = end;
        while (prompt > buf && prompt[-1] != '\n') {
            prompt--;
        }
        size_t n = (size_t)(end - prompt);
        n = n < sizeof(client->prompt) ? n : sizeof(client->prompt) - 1;
        memcpy(client->prompt, prompt, n);
        client->prompt[n] = '\0';
        return;
    }
    size_t plen = strlen(client->prompt);
    if (client->cut_prompt && plen > 0 && len >= plen &&
        memcmp(buf + len - plen, client->prompt, plen) == 0) {
        len -= plen;
    }
    channel_send(client, buf, len);
}

/* The console only sends lines here after console_ask(), never used. */
static void console_line(void *ctx, const char *line)
{
    (void)ctx, (void)line;
}

/* Deliver the console's timer messages that are due. */
void mode_tick(struct client *client)
{
    if (client->console == NULL) {
        return;
    }
    long long due = console_deadline(client->console);
    if (due >= 0 && due <= console_now_ms()) {
        console_tick(client->console);
    }
}

/* Milliseconds until the client's next timer, or -1 if none. */
long long mode_wait_ms(const struct client *client)
{
    if (client->console == NULL) {
        return -1;
    }
    long long due = console_deadline(client->console);
    if (due < 0) {
        return -1;
    }
    long long left = due - console_now_ms();
    return left > 0 ? left : 0;
}
