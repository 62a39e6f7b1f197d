/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * client: one connection.  start_session() hands the accepted socket to
 * libssh and begins the key exchange.  Until the client is in, authq.c
 * takes its login requests from libssh's queue (a password's answer waits
 * for passcheck's thread); then set_callbacks() is where every request of
 * the session comes in, passed on to channel.c (what a session does).
 * client_tend() does, after each poll, what callbacks must not: tend the
 * login and channels, free closed ones, time out a client that idles or
 * never logs in, pause one whose address serves a failure's delay.
 */
#include <err.h>
#include <stdlib.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "client.h"
#include "common/monoclock.h"
#include "common/net.h"

static int start_session(struct client *client, int fd);
static void set_callbacks(struct client *client);
static ssh_channel on_channel_open(ssh_session session, void *userdata);
static const char *tend_login(struct client *client);
static const char *check_time_outs(const struct client *client);
static void pause_client(struct client *client);

struct client *client_start(struct server *server, int fd,
                            const struct sockaddr_storage *addr)
{
    struct client *client = calloc(1, sizeof(*client));
    if (client == NULL) {
        warn("calloc");
        gate_release(server->gate, (const struct sockaddr *)addr);
        close(fd);
        return NULL;
    }
    client->server = server;
    client->addr = *addr;
    client->gated = 1;
    peer_init(&client->peer, fd);
    client->connected_ms = client->peer.last_active_ms;
    /* An address still serving a failure's delay waits, on any
     * connection: hanging up and calling again gains a guesser nothing. */
    client->pause_ms =
        gate_wait_ms(server->gate, (const struct sockaddr *)addr);
    if (start_session(client, fd) < 0) {
        client_free(client, "handshake failed");
        return NULL;
    }
    peer_log(&client->peer, "connected");
    return client;
}

/* Hand FD to libssh and begin the handshake without waiting for it. */
static int start_session(struct client *client, int fd)
{
    struct server *server = client->server;
    client->session = ssh_new();
    /* TCP_NODELAY: an answer leaves at once, not after the client's
     * delayed ACK of the previous segment (~40 ms a reply). */
    if (client->session == NULL || net_set_nonblocking(fd, 1) < 0 ||
        net_set_nodelay(fd) < 0) {
        close(fd);
        return -1;
    }
    if (ssh_bind_accept_fd(server->bind, client->session, fd) != SSH_OK) {
        /* libssh may own FD by now; ssh_free closes it if so. */
        peer_log(&client->peer, "%s", ssh_get_error(server->bind));
        return -1;
    }
    /* The methods named in every failure reply. */
    ssh_set_auth_methods(client->session, auth_methods(&server->rules));
    client->trace =
        trace_start(server->trace_log, client->session, fd, client->peer.name);
    ssh_set_blocking(client->session, 0);
    /* Non-blocking, this sends our version line and returns SSH_AGAIN; the
     * event loop drives the rest of the key exchange (RFC 4253 7). */
    if (ssh_handle_key_exchange(client->session) == SSH_ERROR) {
        peer_log(&client->peer, "%s", ssh_get_error(client->session));
        return -1;
    }
    if (ssh_event_add_session(server->event, client->session) != SSH_OK) {
        return -1;
    }
    client->in_event = 1;
    return 0;
}

/* Once the client is in, every request of its session arrives through
 * these callbacks: libssh answers the ones we do not set itself. */
static void set_callbacks(struct client *client)
{
    client->server_cb.userdata = client;
    client->server_cb.channel_open_request_session_function = on_channel_open;
    ssh_callbacks_init(&client->server_cb);
    ssh_set_server_callbacks(client->session, &client->server_cb);
}

/* RFC 4254 6.1: a session channel, for a client that has logged in. */
static ssh_channel on_channel_open(ssh_session session, void *userdata)
{
    struct client *client = userdata;
    (void)session;
    peer_touch(&client->peer);
    if (!client->login.authenticated) {
        return NULL;
    }
    for (size_t i = 0; i < MAX_CHANNELS; i++) {
        if (client->channels[i] == NULL) {
            struct channel *ch =
                channel_create(client->session, client->server->cfg.mode,
                               client->login.user, &client->peer);
            client->channels[i] = ch;
            return ch != NULL ? ch->handle : NULL;
        }
    }
    peer_log(&client->peer, "channel refused: %d open already", MAX_CHANNELS);
    return NULL;
}

const char *client_tend(struct client *client)
{
    trace_poll(client->trace);
    const char *why = tend_login(client);
    if (why != NULL) {
        return why;
    }
    if (ssh_get_status(client->session) & (SSH_CLOSED | SSH_CLOSED_ERROR)) {
        return client->login.authenticated ? "disconnected"
                                           : "disconnected, not logged in";
    }
    why = client->drop != NULL ? client->drop : check_time_outs(client);
    if (why != NULL) {
        return why;
    }
    pause_client(client);
    for (size_t i = 0; i < MAX_CHANNELS; i++) {
        struct channel *ch = client->channels[i];
        if (ch == NULL) {
            continue;
        }
        channel_tend(ch);
        if (ch->fail != NULL) {
            return ch->fail;
        }
        /* A closed channel goes, but the connection stays until the client
         * hangs up: dropping it now makes OpenSSH's client report a broken
         * pipe. */
        if (ch->closed) {
            channel_release(ch);
            client->channels[i] = NULL;
        }
    }
    return NULL;
}

/* Requests until the client is in; then the gate lets its address go and
 * the callbacks take over. */
static const char *tend_login(struct client *client)
{
    if (!client->login.authenticated) {
        const char *why = authq_tend(client);
        if (why != NULL || !client->login.authenticated) {
            return why;
        }
    }
    if (client->gated) {
        gate_release(client->server->gate,
                     (const struct sockaddr *)&client->addr);
        client->gated = 0;
        set_callbacks(client);
    }
    return NULL;
}

/* --idle-timeout, and sshd's LoginGraceTime: a slot is not for sitting in
 * unknown. */
static const char *check_time_outs(const struct client *client)
{
    long long now = monoclock_ms();
    long idle_timeout_s = client->server->cfg.idle_timeout_s;
    if (idle_timeout_s > 0 &&
        now - client->peer.last_active_ms >= idle_timeout_s * 1000LL) {
        return "idle time-out";
    }
    if (!client->login.authenticated &&
        now - client->connected_ms >= LOGIN_GRACE_S * 1000LL) {
        return "no login in time";
    }
    return NULL;
}

/*
 * A client whose address still serves a failure's delay leaves the event
 * until it has passed, so its first request is read only then: a guesser
 * that hangs up and calls again waits, while everyone else is served.
 */
static void pause_client(struct client *client)
{
    ssh_event event = client->server->event;
    if (client->held.request != NULL) {
        return; /* out of the event already, until authq answers */
    }
    if (client->pause_ms > 0 && client->in_event) {
        ssh_event_remove_session(event, client->session);
        client->in_event = 0;
        client->paused_until_ms = monoclock_ms() + client->pause_ms;
    } else if (!client->in_event &&
               monoclock_left_ms(client->paused_until_ms) == 0) {
        if (ssh_event_add_session(event, client->session) != SSH_OK) {
            client->drop = "could not resume after a pause";
            return;
        }
        client->in_event = 1;
        client->pause_ms = 0;
    }
}

long long client_wait_ms(const struct client *client)
{
    long long left = authq_wait_ms(client);
    if (client->pause_ms > 0 && left < 0) {
        left =
            client->in_event ? 0 : monoclock_left_ms(client->paused_until_ms);
    }
    for (size_t i = 0; i < MAX_CHANNELS; i++) {
        long long timer = client->channels[i] != NULL
                              ? channel_wait_ms(client->channels[i])
                              : -1;
        left = timer >= 0 && (left < 0 || timer < left) ? timer : left;
    }
    return left;
}

void client_free(struct client *client, const char *why)
{
    peer_log(&client->peer, "%s", why);
    if (client->gated) {
        gate_release(client->server->gate,
                     (const struct sockaddr *)&client->addr);
    }
    if (client->in_event) {
        ssh_event_remove_session(client->server->event, client->session);
    }
    for (size_t i = 0; i < MAX_CHANNELS; i++) {
        channel_release(client->channels[i]);
    }
    authq_release(&client->held);
    if (client->session != NULL) {
        ssh_disconnect(client->session);
        ssh_free(client->session);
    }
    trace_end(client->trace);
    free(client);
}
