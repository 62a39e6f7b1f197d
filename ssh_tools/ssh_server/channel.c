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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "common/console.h"
#include "server.h"

#define PTY_ACCEPT     0
#define PTY_DENY       (-1)
#define REQUEST_ACCEPT 0
#define REQUEST_DENY   1
#define WRITE_CHUNK    32768
#define TERM_MAX_SIDE  10000

static struct channel *new_channel(struct client *client);
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
static void flush(struct channel *ch);
static void finish(struct channel *ch);

/* The client asks for a session channel (a server callback). */
ssh_channel channel_open(ssh_session session, void *userdata)
{
    struct client *client = userdata;
    (void)session;
    client_touch(client);
    if (!client->authenticated) {
        return NULL;
    }
    for (size_t i = 0; i < MAX_CHANNELS; i++) {
        if (client->channels[i] == NULL) {
            client->channels[i] = new_channel(client);
            return client->channels[i] ? client->channels[i]->handle : NULL;
        }
    }
    client_log(client, "channel refused: %d open already", MAX_CHANNELS);
    return NULL;
}

static struct channel *new_channel(struct client *client)
{
    struct channel *ch = calloc(1, sizeof(*ch));
    if (ch == NULL) {
        return NULL;
    }
    ch->client = client;
    ch->handle = ssh_channel_new(client->session);
    if (ch->handle == NULL) {
        client_log(client, "ssh_channel_new: %s",
                   ssh_get_error(client->session));
        free(ch);
        return NULL;
    }
    ch->cb.userdata = ch;
    ch->cb.channel_pty_request_function = on_pty_request;
    ch->cb.channel_pty_window_change_function = on_window_change;
    ch->cb.channel_shell_request_function = on_shell_request;
    ch->cb.channel_exec_request_function = on_exec_request;
    ch->cb.channel_data_function = on_data;
    ch->cb.channel_eof_function = on_eof;
    ch->cb.channel_close_function = on_close;
    /* Unset callbacks (env, subsystem, x11, agent) are refused by libssh. */
    ssh_callbacks_init(&ch->cb);
    ssh_set_channel_callbacks(ch->handle, &ch->cb);
    return ch;
}

/* RFC 4254 6.2: the terminal's name and size, kept for the console. */
static int on_pty_request(ssh_session session, ssh_channel channel,
                          const char *term, int width, int height, int pxwidth,
                          int pxheight, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel, (void)pxwidth, (void)pxheight;
    client_touch(ch->client);
    snprintf(ch->term, sizeof(ch->term), "%s", term);
    ch->cols = clamp_side(width);
    ch->rows = clamp_side(height);
    ch->has_pty = 1;
    return PTY_ACCEPT;
}

/* RFC 4254 6.7: the client's window was resized. */
static int on_window_change(ssh_session session, ssh_channel channel, int width,
                            int height, int pxwidth, int pxheight,
                            void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel, (void)pxwidth, (void)pxheight;
    client_touch(ch->client);
    ch->cols = clamp_side(width);
    ch->rows = clamp_side(height);
    if (ch->console != NULL) {
        console_set_window(ch->console, ch->cols, ch->rows);
    }
    return PTY_ACCEPT;
}

/* Sizes come off the wire as any 32-bit number. */
static int clamp_side(int n)
{
    return n < 0 ? 0 : n > TERM_MAX_SIDE ? TERM_MAX_SIDE : n;
}

/* RFC 4254 6.5: one shell or command per channel. */
static int on_shell_request(ssh_session session, ssh_channel channel,
                            void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel;
    client_touch(ch->client);
    if (ch->client->server->cfg.mode == MODE_ECHO) {
        return REQUEST_ACCEPT;
    }
    if (ch->console != NULL || mode_start_console(ch) < 0) {
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
    client_touch(ch->client);
    if (ch->client->server->cfg.mode == MODE_ECHO) {
        client_log(ch->client, "exec request refused in echo mode");
        return REQUEST_DENY;
    }
    if (ch->console != NULL || mode_run_command(ch, command) < 0) {
        return REQUEST_DENY;
    }
    return REQUEST_ACCEPT;
}

/* RFC 4254 5.2: bytes from the client; all of them are consumed. */
static int on_data(ssh_session session, ssh_channel channel, void *data,
                   uint32_t len, int is_stderr, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel, (void)is_stderr;
    client_touch(ch->client);
    mode_input(ch, data, len);
    return (int)len;
}

static void on_eof(ssh_session session, ssh_channel channel, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel;
    client_touch(ch->client);
    ch->got_eof = 1;
}

static void on_close(ssh_session session, ssh_channel channel, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel;
    ch->got_eof = 1;
}

/* Queue bytes for the client; flush() sends what its window allows. */
void channel_send(struct channel *ch, const char *bytes, size_t len)
{
    struct client *client = ch->client;
    if (client->drop != NULL || ch->closed) {
        return;
    }
    if (ch->out_len + len > MAX_PENDING_OUTPUT) {
        client->drop = "sends faster than it reads";
        return;
    }
    if (ch->out_len + len > ch->out_cap) {
        size_t cap = ch->out_cap == 0 ? 4096 : ch->out_cap;
        while (cap < ch->out_len + len) {
            cap *= 2;
        }
        char *grown = realloc(ch->out, cap);
        if (grown == NULL) {
            client->drop = "out of memory";
            return;
        }
        ch->out = grown;
        ch->out_cap = cap;
    }
    memcpy(ch->out + ch->out_len, bytes, len);
    ch->out_len += len;
}

/* After each poll: send queued output, and close a finished channel. */
void channel_tend(struct channel *ch)
{
    mode_tick(ch);
    flush(ch);
    if (ch->got_eof && ch->out_len == 0) {
        finish(ch);
    }
}

/*
 * Send queued output, never more than the client's window (RFC 4254 5.2):
 * libssh would otherwise wait for a window adjust inside this call.
 */
static void flush(struct channel *ch)
{
    while (ch->out_len > 0 && !ch->closed) {
        size_t room = ssh_channel_window_size(ch->handle);
        size_t n = ch->out_len < room ? ch->out_len : room;
        n = n < WRITE_CHUNK ? n : WRITE_CHUNK;
        if (n == 0) {
            return;
        }
        int sent = ssh_channel_write(ch->handle, ch->out, n);
        if (sent < 0) {
            ch->client->drop = "channel write failed";
            return;
        }
        memmove(ch->out, ch->out + sent, ch->out_len - sent);
        ch->out_len -= sent;
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
        ssh_channel_request_send_exit_status(ch->handle, mode_exit_status(ch));
        ssh_channel_send_eof(ch->handle);
    }
    ssh_channel_close(ch->handle);
}

/*
 * Free CH.  libssh frees its half once the client's CLOSE has come too,
 * and must not call back into CH after this: its callbacks go first.
 */
void channel_release(struct channel *ch)
{
    if (ch == NULL) {
        return;
    }
    ssh_remove_channel_callbacks(ch->handle, &ch->cb);
    ssh_channel_free(ch->handle);
    console_free(ch->console);
    free(ch->out);
    free(ch);
}
