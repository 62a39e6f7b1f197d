/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * channel: what happens inside the connection once a user is in (RFC 4254).
 * The client opens a "session" channel, asks for a terminal ("pty-req") and
 * a shell ("shell"), then sends bytes.  In echo mode every chunk comes back
 * as `echo: ` and its repr, CR LF: Twisted Conch's SimpleSession.
 *
 * libssh's channel callbacks do not agree on what they return: pty-req and
 * window-change give 0 to accept and -1 to deny, shell, exec, env and
 * subsystem give 0 or 1, and data gives the number of bytes it consumed.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "common/repr.h"
#include "server.h"

#define PTY_ACCEPT     0
#define PTY_DENY       (-1)
#define REQUEST_ACCEPT 0
#define REQUEST_DENY   1
#define ECHO_PREFIX    "echo: "
#define CRLF           "\r\n"
#define CTRL_D         '\x04'
#define WRITE_CHUNK    32768

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
static void echo_bytes(struct client *client, const char *bytes, size_t len);

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

/* RFC 4254 6.2: the terminal's name and size; echo mode only says yes. */
static int on_pty_request(ssh_session session, ssh_channel channel,
                          const char *term, int width, int height, int pxwidth,
                          int pxheight, void *userdata)
{
    (void)session, (void)channel, (void)term, (void)width, (void)height;
    (void)pxwidth, (void)pxheight;
    client_touch(userdata);
    return PTY_ACCEPT;
}

/* RFC 4254 6.7: the client's window was resized (any size is harmless). */
static int on_window_change(ssh_session session, ssh_channel channel, int width,
                            int height, int pxwidth, int pxheight,
                            void *userdata)
{
    (void)session, (void)channel, (void)width, (void)height;
    (void)pxwidth, (void)pxheight;
    client_touch(userdata);
    return PTY_ACCEPT;
}

static int on_shell_request(ssh_session session, ssh_channel channel,
                            void *userdata)
{
    (void)session, (void)channel;
    client_touch(userdata);
    return REQUEST_ACCEPT;
}

/* RFC 4254 6.5: "ssh host COMMAND"; echo mode runs no commands. */
static int on_exec_request(ssh_session session, ssh_channel channel,
                           const char *command, void *userdata)
{
    (void)session, (void)channel, (void)command;
    client_touch(userdata);
    client_log(userdata, "exec request refused in echo mode");
    return REQUEST_DENY;
}

/* RFC 4254 5.2: bytes from the client; all of them are consumed. */
static int on_data(ssh_session session, ssh_channel channel, void *data,
                   uint32_t len, int is_stderr, void *userdata)
{
    struct client *client = userdata;
    (void)session, (void)channel, (void)is_stderr;
    client_touch(client);
    echo_bytes(client, data, len);
    /* On a terminal, Ctrl-D arrives as a byte, not as EOF. */
    if (len == 1 && ((const char *)data)[0] == CTRL_D) {
        client->got_eof = 1;
    }
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

/* Conch's dataReceived: "echo: " + repr(bytes) + "\r\n". */
static void echo_bytes(struct client *client, const char *bytes, size_t len)
{
    char *text = repr_python(bytes, len);
    if (text == NULL) {
        client->drop = 1;
        return;
    }
    channel_send(client, ECHO_PREFIX, strlen(ECHO_PREFIX));
    channel_send(client, text, strlen(text));
    channel_send(client, CRLF, strlen(CRLF));
    free(text);
}

/* Queue bytes for the client; channel_flush sends what its window allows. */
void channel_send(struct client *client, const char *bytes, size_t len)
{
    if (client->drop) {
        return;
    }
    if (client->out_len + len > MAX_PENDING_OUTPUT) {
        client_log(client, "sends faster than it reads: disconnected");
        client->drop = 1;
        return;
    }
    if (client->out_len + len > client->out_cap) {
        size_t cap = client->out_cap == 0 ? 4096 : client->out_cap;
        while (cap < client->out_len + len) {
            cap *= 2;
        }
        char *grown = realloc(client->out, cap);
        if (grown == NULL) {
            warn("realloc");
            client->drop = 1;
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
            client->drop = 1;
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
