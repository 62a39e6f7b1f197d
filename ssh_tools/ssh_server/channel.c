/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * channel: what happens inside the connection once a user is in (RFC 4254).
 * The client opens a "session" channel, asks for a terminal ("pty-req") and
 * a shell ("shell") or runs a command ("exec"), then sends bytes, which
 * modes.c answers.  Output waits here until the client's window has room.
 *
 * libssh's channel callbacks do not agree on what they return: pty-req and
 * window-change give 0 to accept and -1 to deny, shell, exec, env and
 * subsystem give 0 or 1, and data gives the number of bytes it consumed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "channel.h"

#define PTY_ACCEPT     0
#define PTY_DENY       (-1)
#define REQUEST_ACCEPT 0
#define REQUEST_DENY   1
#define WRITE_CHUNK    32768
#define TERM_MAX_SIDE  1000

static void set_callbacks(struct channel *ch);
static int on_pty_request(ssh_session session, ssh_channel channel,
                          const char *term, int width, int height, int pxwidth,
                          int pxheight, void *userdata);
static int on_window_change(ssh_session session, ssh_channel channel, int width,
                            int height, int pxwidth, int pxheight,
                            void *userdata);
static int clamp_side(int n);
static int on_shell_request(ssh_session session, ssh_channel channel,
                            void *userdata);
static int on_exec_request(ssh_session session, ssh_channel channel,
                           const char *command, void *userdata);
static int on_data(ssh_session session, ssh_channel channel, void *data,
                   uint32_t len, int is_stderr, void *userdata);
static void on_eof(ssh_session session, ssh_channel channel, void *userdata);
static void on_close(ssh_session session, ssh_channel channel, void *userdata);
static void queue_output(void *ctx, const char *bytes, size_t len);
static void flush(struct channel *ch);
static void finish(struct channel *ch);

struct channel *channel_create(ssh_session session, enum mode mode,
                               const char *user, struct peer *peer)
{
    struct channel *ch = calloc(1, sizeof(*ch));
    if (ch == NULL) {
        return NULL;
    }
    ch->peer = peer;
    ch->user = user;
    ch->handle = ssh_channel_new(session);
    if (ch->handle == NULL) {
        peer_log(peer, "ssh_channel_new: %s", ssh_get_error(session));
        free(ch);
        return NULL;
    }
    const struct mode_output out = {.ctx = ch, .write = queue_output};
    mode_init(&ch->mode, mode, &out);
    set_callbacks(ch);
    return ch;
}

/* The requests we answer; libssh refuses the unset ones (env, subsystem,
 * x11, agent). */
static void set_callbacks(struct channel *ch)
{
    ch->cb.userdata = ch;
    ch->cb.channel_pty_request_function = on_pty_request;
    ch->cb.channel_pty_window_change_function = on_window_change;
    ch->cb.channel_shell_request_function = on_shell_request;
    ch->cb.channel_exec_request_function = on_exec_request;
    ch->cb.channel_data_function = on_data;
    ch->cb.channel_eof_function = on_eof;
    ch->cb.channel_close_function = on_close;
    ssh_callbacks_init(&ch->cb);
    ssh_set_channel_callbacks(ch->handle, &ch->cb);
}

/* RFC 4254 6.2: the terminal's name and size, kept for the console. */
static int on_pty_request(ssh_session session, ssh_channel channel,
                          const char *term, int width, int height, int pxwidth,
                          int pxheight, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel, (void)pxwidth, (void)pxheight;
    peer_touch(ch->peer);
    snprintf(ch->terminal.term, sizeof(ch->terminal.term), "%s", term);
    ch->terminal.cols = clamp_side(width);
    ch->terminal.rows = clamp_side(height);
    ch->terminal.has_pty = 1;
    return PTY_ACCEPT;
}

/* RFC 4254 6.7: the client's window was resized. */
static int on_window_change(ssh_session session, ssh_channel channel, int width,
                            int height, int pxwidth, int pxheight,
                            void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel, (void)pxwidth, (void)pxheight;
    peer_touch(ch->peer);
    ch->terminal.cols = clamp_side(width);
    ch->terminal.rows = clamp_side(height);
    mode_set_window(&ch->mode, ch->terminal.cols, ch->terminal.rows);
    return PTY_ACCEPT;
}

/* Sizes come off the wire as any 32-bit number; a terminal has at least
 * one column and row and, here, at most TERM_MAX_SIDE. */
static int clamp_side(int n)
{
    return n < 1 ? 1 : n > TERM_MAX_SIDE ? TERM_MAX_SIDE : n;
}

/* RFC 4254 6.5: one shell or command per channel. */
static int on_shell_request(ssh_session session, ssh_channel channel,
                            void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel;
    peer_touch(ch->peer);
    if (mode_start_shell(&ch->mode, &ch->terminal, ch->user) < 0) {
        return REQUEST_DENY;
    }
    return REQUEST_ACCEPT;
}

/* RFC 4254 6.5: "ssh host COMMAND" runs one console command. */
static int on_exec_request(ssh_session session, ssh_channel channel,
                           const char *command, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel;
    peer_touch(ch->peer);
    if (ch->mode.mode == MODE_ECHO) {
        peer_log(ch->peer, "exec request refused in echo mode");
        return REQUEST_DENY;
    }
    if (mode_run_command(&ch->mode, &ch->terminal, ch->user, command) < 0) {
        return REQUEST_DENY;
    }
    ch->got_eof = 1;
    return REQUEST_ACCEPT;
}

/* RFC 4254 5.2: bytes from the client; all of them are consumed. */
static int on_data(ssh_session session, ssh_channel channel, void *data,
                   uint32_t len, int is_stderr, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel, (void)is_stderr;
    peer_touch(ch->peer);
    if (ch->got_eof) {
        return (int)len; /* finishing: an exec's stdin, bytes after Ctrl-D */
    }
    enum mode_state state = mode_input(&ch->mode, data, len);
    if (state == MODE_BROKEN) {
        ch->fail = "out of memory";
    } else if (state == MODE_OVER) {
        ch->got_eof = 1;
    }
    return (int)len;
}

static void on_eof(ssh_session session, ssh_channel channel, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel;
    peer_touch(ch->peer);
    ch->got_eof = 1;
}

static void on_close(ssh_session session, ssh_channel channel, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel;
    ch->got_eof = 1;
}

/* The mode's output: queued; flush() sends what the window allows. */
static void queue_output(void *ctx, const char *bytes, size_t len)
{
    struct channel *ch = ctx;
    if (ch->fail != NULL || ch->closed) {
        return;
    }
    if (bytebuf_append(&ch->out, bytes, len, MAX_PENDING_OUTPUT) < 0) {
        ch->fail =
            errno == ENOBUFS ? "sends faster than it reads" : "out of memory";
    }
}

void channel_tend(struct channel *ch)
{
    mode_tick(&ch->mode);
    flush(ch);
    if (ch->got_eof && ch->out.len == 0) {
        finish(ch);
    }
}

/*
 * Send queued output, never more than the client's window (RFC 4254 5.2):
 * libssh would otherwise wait for a window adjust inside this call.
 */
static void flush(struct channel *ch)
{
    while (ch->out.len > 0 && !ch->closed) {
        size_t room = ssh_channel_window_size(ch->handle);
        size_t n = ch->out.len < room ? ch->out.len : room;
        n = n < WRITE_CHUNK ? n : WRITE_CHUNK;
        if (n == 0) {
            return;
        }
        int sent = ssh_channel_write(ch->handle, ch->out.data, n);
        if (sent < 0) {
            ch->fail = "channel write failed";
            return;
        }
        bytebuf_consume(&ch->out, (size_t)sent);
    }
}

/* The session is over: exit status, EOF, CLOSE (RFC 4254 6.10, 5.3). */
static void finish(struct channel *ch)
{
    if (ch->closed) {
        return;
    }
    ch->closed = 1;
    if (ssh_channel_is_open(ch->handle)) {
        ssh_channel_request_send_exit_status(ch->handle,
                                             mode_exit_status(&ch->mode));
        ssh_channel_send_eof(ch->handle);
    }
    ssh_channel_close(ch->handle);
}

long long channel_wait_ms(const struct channel *ch)
{
    return mode_wait_ms(&ch->mode);
}

/*
 * libssh frees its half once the client's CLOSE has come too, and must not
 * call back into CH after this: its callbacks go first.
 */
void channel_release(struct channel *ch)
{
    if (ch == NULL) {
        return;
    }
    ssh_remove_channel_callbacks(ch->handle, &ch->cb);
    ssh_channel_free(ch->handle);
    mode_free(&ch->mode);
    bytebuf_free(&ch->out);
    free(ch);
}
