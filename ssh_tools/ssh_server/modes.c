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
#include "common/monoclock.h"
#include "common/repr.h"
#include "modes.h"

#define ECHO_PREFIX "echo: "
#define CRLF        "\r\n"
#define CTRL_D      '\x04'

static enum mode_state echo_bytes(struct session_mode *m, const char *bytes,
                                  size_t len);
static struct console *new_console(struct session_mode *m,
                                   const struct terminal *t);
static void take_console_output(void *ctx, const char *buf, size_t len);
static void write_plain_lines(struct session_mode *m, const char *buf,
                              size_t len);
static void ignore_answer(void *ctx, const char *line);

void mode_init(struct session_mode *m, enum mode mode,
               const struct mode_output *out)
{
    *m = (struct session_mode){.mode = mode, .out = *out};
}

enum mode_state mode_input(struct session_mode *m, const char *bytes,
                           size_t len)
{
    if (m->mode == MODE_ECHO) {
        if (echo_bytes(m, bytes, len) == MODE_BROKEN) {
            return MODE_BROKEN;
        }
        /* On a terminal, Ctrl-D arrives as a byte, not as EOF. */
        return len == 1 && bytes[0] == CTRL_D ? MODE_OVER : MODE_GOES_ON;
    }
    if (m->console != NULL &&
        console_input(m->console, bytes, len) == CONSOLE_OVER) {
        return MODE_OVER; /* bye, or Ctrl-D on an empty line */
    }
    return MODE_GOES_ON;
}

/* Conch's dataReceived: "echo: " + repr(bytes) + "\r\n". */
static enum mode_state echo_bytes(struct session_mode *m, const char *bytes,
                                  size_t len)
{
    char *text = repr_python(bytes, len);
    if (text == NULL) {
        return MODE_BROKEN;
    }
    m->out.write(m->out.ctx, ECHO_PREFIX, strlen(ECHO_PREFIX));
    m->out.write(m->out.ctx, text, strlen(text));
    m->out.write(m->out.ctx, CRLF, strlen(CRLF));
    free(text);
    return MODE_GOES_ON;
}

/* The console, editing lines itself if there is a pty; echo mode has
 * nothing to start. */
int mode_start_shell(struct session_mode *m, const struct terminal *t,
                     const char *user)
{
    if (m->mode == MODE_ECHO) {
        return 0;
    }
    if (m->console != NULL) {
        return -1;
    }
    m->console = new_console(m, t);
    if (m->console == NULL) {
        return -1;
    }
    console_set_echo(m->console, t->has_pty);
    console_start(m->console, user, NULL);
    return 0;
}

/*
 * "ssh host help": one console command, no welcome and no prompt.  The
 * console has no call for that, so the welcome is thrown away, and the
 * prompt it ends with is cut from the command's output.
 */
int mode_run_command(struct session_mode *m, const struct terminal *t,
                     const char *user, const char *command)
{
    if (m->mode == MODE_ECHO || m->console != NULL) {
        return -1;
    }
    m->console = new_console(m, t);
    if (m->console == NULL) {
        return -1;
    }
    m->capture = 1;
    console_start(m->console, user, "");
    m->capture = 0;
    size_t len = strlen(command);
    char *line = malloc(len + 2);
    if (line == NULL) {
        return -1;
    }
    snprintf(line, len + 2, "%s\n", command);
    m->cut_prompt = 1;
    console_input(m->console, line, len + 1);
    console_end_of_input(m->console); /* an exec has no second line */
    m->cut_prompt = 0;
    free(line);
    return 0;
}

static struct console *new_console(struct session_mode *m,
                                   const struct terminal *t)
{
    const struct console_io io = {
        .ctx = m, .write = take_console_output, .line = ignore_answer};
    m->plain_lines = !t->has_pty;
    struct console *c = console_new(&io);
    if (c != NULL && t->has_pty) {
        console_set_term(c, t->term);
        console_set_window(c, t->cols, t->rows);
    }
    return c;
}

/* The console's output goes to the channel, as one piece per call. */
static void take_console_output(void *ctx, const char *buf, size_t len)
{
    struct session_mode *m = ctx;
    if (m->capture) {
        /* The welcome: what follows its last CR LF is the prompt. */
        const char *end = buf + len;
        const char *prompt = end;
        while (prompt > buf && prompt[-1] != '\n') {
            prompt--;
        }
        size_t n = (size_t)(end - prompt);
        n = n < sizeof(m->prompt) ? n : sizeof(m->prompt) - 1;
        memcpy(m->prompt, prompt, n);
        m->prompt[n] = '\0';
        return;
    }
    size_t plen = strlen(m->prompt);
    if (m->cut_prompt && plen > 0 && len >= plen &&
        memcmp(buf + len - plen, m->prompt, plen) == 0) {
        len -= plen;
    }
    if (m->plain_lines) {
        write_plain_lines(m, buf, len);
    } else {
        m->out.write(m->out.ctx, buf, len);
    }
}

/*
 * The console ends its lines in CR LF, as a terminal needs (the CR takes
 * the cursor back).  Without a pty the bytes go to a pipe or a file, where
 * a line ends in LF alone, as sshd's `ssh host cmd` gives it.
 */
static void write_plain_lines(struct session_mode *m, const char *buf,
                              size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (buf[i] == '\r' && buf[i + 1] == '\n') {
            m->out.write(m->out.ctx, buf + start, i - start);
            start = i + 1;
        }
    }
    m->out.write(m->out.ctx, buf + start, len - start);
}

/* The console only sends lines here after console_ask(), never used. */
static void ignore_answer(void *ctx, const char *line)
{
    (void)ctx, (void)line;
}

void mode_set_window(struct session_mode *m, int cols, int rows)
{
    if (m->console != NULL) {
        console_set_window(m->console, cols, rows);
    }
}

void mode_tick(struct session_mode *m)
{
    if (m->console == NULL) {
        return;
    }
    long long due = console_deadline(m->console);
    if (due >= 0 && due <= monoclock_ms()) {
        console_tick(m->console);
    }
}

long long mode_wait_ms(const struct session_mode *m)
{
    if (m->console == NULL) {
        return -1;
    }
    long long due = console_deadline(m->console);
    if (due < 0) {
        return -1;
    }
    long long left = due - monoclock_ms();
    return left > 0 ? left : 0;
}

int mode_exit_status(const struct session_mode *m)
{
    return m->console != NULL ? console_last_status(m->console) : 0;
}

void mode_free(struct session_mode *m)
{
    console_free(m->console);
    m->console = NULL;
}
