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

static int on_pty_request(ssh_session session, ssh_channel channel,
                          const char *term, int width, int height, int pxwidth,
                          int pxheight, void *userdata);
static int on_window_change(ssh_session session, ssh_channel channel, int width,
                            int height, int pxwidth, int pxheight,
                            void *userdata);
static int on_shell_request(ssh_session session, ssh_channel channel,
                            void *userdata);
static int on_exec_request(ssh_session session, ssh_channel channel,
                           const char *command, void *userdata);
static int on_data(ssh_session session, ssh_channel channel, void *data,
                   uint32_t len, int is_stderr, void *userdata);
static void on_eof(ssh_session session, ssh_channel channel, void *userdata);
static void on_close(ssh_session session, ssh_channel channel, void *userdata);
static int clamp_side(int n);

/* The client asks for a session channel: one per connection here. */
ssh_channel channel_open(ssh_session session, void *userdata)
{
    struct client *client = userdata;
    client_touch(client);
    if (!client->authenticated || client->channel != NULL) {
        client_log(client, "second session channel refused");
        return NULL;
    }
    client->channel = ssh_channel_new(session);
    if (client->channel == NULL) {
        client_log(client, "ssh_channel_new: %s", ssh_get_error(session));
        return NULL;
    }
    struct ssh_channel_callbacks_struct *cb = &client->channel_cb;
    cb->userdata = client;
    cb->channel_pty_request_function = on_pty_request;
    cb->channel_pty_window_change_function = on_window_change;
    cb->channel_shell_request_function = on_shell_request;
    cb->channel_exec_request_function = on_exec_request;
    cb->channel_data_function = on_data;
    cb->channel_eof_function = on_eof;
    cb->channel_close_function = on_close;
    /* Unset callbacks (env, subsystem, x11, agent) are refused by libssh. */
    ssh_callbacks_init(cb);
    ssh_set_channel_callbacks(client->channel, cb);
    return client->channel;
}

/* RFC 4254 6.2: the terminal's name and size, kept for the console. */
static int on_pty_request(ssh_session session, ssh_channel channel,
                          const char *term, int width, int height, int pxwidth,
                          int pxheight, void *userdata)
{
    struct client *client = userdata;
    (void)session, (void)channel, (void)pxwidth, (void)pxheight;
    client_touch(client);
    snprintf(client->term, sizeof(client->term), "%s", term);
    client->cols = clamp_side(width);
    client->rows = clamp_side(height);
    client->has_pty = 1;
    return PTY_ACCEPT;
}

/* RFC 4254 6.7: the client's window was resized. */
static int on_window_change(ssh_session session, ssh_channel channel, int width,
                            int height, int pxwidth, int pxheight,
                            void *userdata)
{
    struct client *client = userdata;
    (void)session, (void)channel, (void)pxwidth, (void)pxheight;
    client_touch(client);
    client->cols = clamp_side(width);
    client->rows = clamp_side(height);
    if (client->console != NULL) {
        console_set_window(client->console, client->cols, client->rows);
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
    struct client *client = userdata;
    (void)session, (void)channel;
    client_touch(client);
    if (client->server->cfg.mode == MODE_ECHO) {
        return REQUEST_ACCEPT;
    }
    if (client->console != NULL || mode_start_console(client) < 0) {
        return REQUEST_DENY;
    }
    return REQUEST_ACCEPT;
}

/* RFC 4254 6.5: "ssh host COMMAND" runs one console command. */
static int on_exec_request(ssh_session session, ssh_channel channel,
                           const char *command, void *userdata)
{
    struct client *client = userdata;
    (void)session, (void)channel;
    client_touch(client);
    if (client->server->cfg.mode == MODE_ECHO) {
        client_log(client, "exec request refused in echo mode");
        return REQUEST_DENY;
    }
    if (client->console != NULL || mode_run_command(client, command) < 0) {
        return REQUEST_DENY;
    }
    return REQUEST_ACCEPT;
}

/* RFC 4254 5.2: bytes from the client; all of them are consumed. */
static int on_data(ssh_session session, ssh_channel channel, void *data,
                   uint32_t len, int is_stderr, void *userdata)
{
    struct client *client = userdata;
    (void)session, (void)channel, (void)is_stderr;
    client_touch(client);
    mode_input(client, data, len);
    return (int)len;
}

static void on_eof(ssh_session session, ssh_channel channel, void *userdata)
{
    struct client *client = userdata;
    (void)session, (void)channel;
    client_touch(client);
    client->got_eof = 1;
}

static void on_close(ssh_session session, ssh_channel channel, void *userdata)
{
    struct client *client = userdata;
    (void)session, (void)channel;
    client->got_eof = 1;
}

/* Queue bytes for the client; channel_flush sends what its window allows. */
void channel_send(struct client *client, const char *bytes, size_t len)
{
    if (client->drop != NULL) {
        return;
    }
    if (client->out_len + len > MAX_PENDING_OUTPUT) {
        client->drop = "sends faster than it reads";
        return;
    }
    if (client->out_len + len > client->out_cap) {
        size_t cap = client->out_cap == 0 ? 4096 : client->out_cap;
        while (cap < client->out_len + len) {
            cap *= 2;
        }
        char *grown = realloc(client->out, cap);
        if (grown == NULL) {
            client->drop = "out of memory";
            return;
        }
        client->out = grown;
        client->out_cap = cap;
    }
    memcpy(client->out + client->out_len, bytes, len);
    client->out_len += len;
}

/*
 * Send queued output, never more than the client's window (RFC 4254 5.2):
 * libssh would otherwise wait for a window adjust inside this call.
 */
void channel_flush(struct client *client)
{
    while (client->out_len > 0 && client->channel != NULL &&
           !client->channel_done) {
        size_t room = ssh_channel_window_size(client->channel);
        size_t n = client->out_len < room ? client->out_len : room;
        n = n < WRITE_CHUNK ? n : WRITE_CHUNK;
        if (n == 0) {
            return;
        }
        int sent = ssh_channel_write(client->channel, client->out, n);
        if (sent < 0) {
            client->drop = "channel write failed";
            return;
        }
        memmove(client->out, client->out + sent, client->out_len - sent);
        client->out_len -= sent;
    }
}

/* The session is over: exit status 0, EOF, CLOSE (RFC 4254 6.10, 5.3). */
void channel_finish(struct client *client)
{
    if (client->channel == NULL || client->channel_done) {
        return;
    }
    client->channel_done = 1;
    if (ssh_channel_is_open(client->channel)) {
        ssh_channel_request_send_exit_status(client->channel, 0);
        ssh_channel_send_eof(client->channel);
    }
    ssh_channel_close(client->channel);
}
