/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * channel: what happens inside the connection once a user is in (RFC 4254).
 * The client opens a "session" channel, asks for a terminal ("pty-req") and
 * a shell ("shell") or runs a command ("exec"), then sends bytes, which
 * modes.c answers.  requests.c answers the requests; this file moves the
 * bytes both ways (output through outbox.c) and ends the channel.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "channel.h"
#include "requests.h"

/* Input libssh may hold for a channel while its output waits (libssh
 * grants 1.28 MB of window at a time, and 0.10 takes data beyond it). */
#define HELD_INPUT_MAX 2000000
/* The most input taken at once: its output must fit beside the rest. */
#define READ_CHUNK    16384
#define TERM_MAX_SIDE 1000
/* The exit status of a channel whose shell, exec or subsystem was refused
 * (requests.c): not 0, for a client that asked with want-reply false. */
#define REFUSED_STATUS 1

static void set_callbacks(struct channel *ch);
static int on_data(ssh_session session, ssh_channel channel, void *data,
                   uint32_t len, int is_stderr, void *userdata);
static void on_eof_or_close(ssh_session session, ssh_channel channel,
                            void *userdata);
static void take_input(struct channel *ch, const char *bytes, size_t len);
static void queue_output(void *ctx, const char *bytes, size_t len);
static void pull_held_input(struct channel *ch);
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
    ch->session = session;
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

/* The requests we answer; libssh refuses the unset ones (x11, agent). */
static void set_callbacks(struct channel *ch)
{
    ch->cb.userdata = ch;
    ch->cb.channel_pty_request_function = request_pty;
    ch->cb.channel_pty_window_change_function = request_window_change;
    ch->cb.channel_shell_request_function = request_shell;
    ch->cb.channel_exec_request_function = request_exec;
    ch->cb.channel_subsystem_request_function = request_subsystem;
    ch->cb.channel_env_request_function = request_env;
    ch->cb.channel_data_function = on_data;
    ch->cb.channel_eof_function = on_eof_or_close;
    ch->cb.channel_close_function = on_eof_or_close;
    ssh_callbacks_init(&ch->cb);
    ssh_set_channel_callbacks(ch->handle, &ch->cb);
}

/*
 * RFC 4254 5.2: bytes from the client, READ_CHUNK at a time.  While much
 * output waits, none is taken: libssh keeps them and opens no more window,
 * so a client that sends and never reads is held by its own window, not
 * by our memory; channel_tend() takes them once the output has drained.
 */
static int on_data(ssh_session session, ssh_channel channel, void *data,
                   uint32_t len, int is_stderr, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel, (void)is_stderr;
    peer_touch(ch->peer);
    if (outbox_is_full(&ch->out) && !ch->over) {
        /* More than a window's worth: the client keeps sending but does
         * not take its output, or ignores the window (RFC 4254 5.2). */
        if (len > HELD_INPUT_MAX) {
            ch->fail = "sends faster than it reads";
        }
        ch->input_held = 1;
        return 0;
    }
    size_t n = len < READ_CHUNK ? len : READ_CHUNK;
    ch->input_held = n < len;
    take_input(ch, data, n);
    return (int)n;
}

static void take_input(struct channel *ch, const char *bytes, size_t len)
{
    if (ch->over) {
        return; /* an exec's stdin, bytes after bye or Ctrl-D */
    }
    enum mode_state state = mode_input(&ch->mode, bytes, len);
    if (state == MODE_BROKEN) {
        ch->fail = "out of memory";
    } else if (state == MODE_OVER) {
        ch->over = 1;
        ch->input_held = 0; /* the rest is not wanted */
    }
}

/* RFC 4254 5.3: no more input; the session ends once its output is out. */
static void on_eof_or_close(ssh_session session, ssh_channel channel,
                            void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel;
    peer_touch(ch->peer);
    ch->got_eof = 1;
}

/* The mode's output, queued for the client. */
static void queue_output(void *ctx, const char *bytes, size_t len)
{
    struct channel *ch = ctx;
    if (ch->fail == NULL && !ch->closed) {
        outbox_queue(&ch->out, bytes, len, &ch->fail);
    }
}

void channel_tend(struct channel *ch)
{
    mode_tick(&ch->mode);
    if (!ch->closed &&
        outbox_flush(&ch->out, ch->session, ch->handle, &ch->fail) < 0) {
        return;
    }
    pull_held_input(ch);
    int ended = ch->over || (ch->got_eof && !ch->input_held);
    if (ended && outbox_len(&ch->out) == 0) {
        finish(ch);
    }
}

/* Output has drained: take the input libssh kept meanwhile, which also
 * opens the client's window again. */
static void pull_held_input(struct channel *ch)
{
    char bytes[READ_CHUNK];
    while (ch->input_held && !outbox_is_full(&ch->out) && ch->fail == NULL) {
        int n =
            ssh_channel_read_nonblocking(ch->handle, bytes, sizeof(bytes), 0);
        if (n <= 0) {
            ch->input_held = 0; /* all taken (or EOF, or an error) */
            return;
        }
        take_input(ch, bytes, (size_t)n);
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
        int status = ch->refused ? REFUSED_STATUS : mode_exit_status(&ch->mode);
        ssh_channel_request_send_exit_status(ch->handle, status);
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
    outbox_free(&ch->out);
    free(ch);
}
