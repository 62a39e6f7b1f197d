/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * loop: one process, many clients.  libssh's ssh_event polls the listening
 * socket and every client's session together; libssh runs the protocol and
 * calls back into auth.c and channel.c.  After each poll this file does the
 * bookkeeping callbacks must not: accept, send queued output, close
 * finished channels, time out idle clients and free the gone ones.
 */
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "common/net.h"
#include "server.h"

#define POLL_INTERVAL_MS 1000
#define TOO_MANY_LINE    "ssh_server: too many clients, try again later\r\n"

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int signo);
static int on_listen_ready(socket_t fd, int revents, void *userdata);
static void accept_clients(struct server *server);
static void add_client(struct server *server, int fd);
static int start_session(struct client *client, int fd);
static int poll_timeout_ms(const struct server *server);
static void tend_client(struct server *server, size_t slot);
static void pause_client(struct client *client);
static void remove_client(struct server *server, size_t slot, const char *why);
static long long ms_since(const struct timespec *then);

/* SIGINT and SIGTERM end the loop, so that everything is freed. */
int server_catch_signals(void)
{
    struct sigaction sa = {.sa_handler = on_stop_signal};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0 ||
        sigaction(SIGTERM, &sa, NULL) != 0) {
        warn("sigaction");
        return -1;
    }
    return 0;
}

int server_run(struct server *server)
{
    if (ssh_event_add_fd(server->event, server->listen_fd, POLLIN,
                         on_listen_ready, server) != SSH_OK) {
        warnx("ssh_event_add_fd failed");
        return -1;
    }
    while (!stop_signal) {
        /* Errors here are one client's (a reset socket); tend_client below
         * finds that session closed and frees it. */
        ssh_event_dopoll(server->event, poll_timeout_ms(server));
        if (server->accept_ready) {
            accept_clients(server);
        }
        for (size_t slot = 0; slot < (size_t)server->cfg.max_clients; slot++) {
            if (server->clients[slot] != NULL) {
                tend_client(server, slot);
            }
        }
    }
    fprintf(stderr, "ssh_server: signal %d: stopping\n", (int)stop_signal);
    for (size_t slot = 0; slot < (size_t)server->cfg.max_clients; slot++) {
        if (server->clients[slot] != NULL) {
            remove_client(server, slot, "server stopping");
        }
    }
    ssh_event_remove_fd(server->event, server->listen_fd);
    return 0;
}

static void on_stop_signal(int signo)
{
    stop_signal = signo;
}

/* Only note it: accepting inside libssh's poll would change its fd list. */
static int on_listen_ready(socket_t fd, int revents, void *userdata)
{
    struct server *server = userdata;
    (void)fd, (void)revents;
    server->accept_ready = 1;
    return 0;
}

static void accept_clients(struct server *server)
{
    server->accept_ready = 0;
    for (;;) {
        int fd = accept(server->listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                warn("accept");
            }
            return;
        }
        if (server->client_count >= (size_t)server->cfg.max_clients) {
            /* RFC 4253 4.2 lets a server send lines before its version. */
            char peer[64] = "?";
            net_peer_name(fd, peer, sizeof(peer));
            fprintf(stderr, "ssh_server: %s: refused, %ld clients already\n",
                    peer, server->cfg.max_clients);
            (void)!write(fd, TOO_MANY_LINE, strlen(TOO_MANY_LINE));
            close(fd);
            continue;
        }
        add_client(server, fd);
    }
}

/* A client struct in a free slot, its session handed FD and started. */
static void add_client(struct server *server, int fd)
{
    struct client *client = calloc(1, sizeof(*client));
    if (client == NULL) {
        warn("calloc");
        close(fd);
        return;
    }
    client->server = server;
    if (net_peer_name(fd, client->peer, sizeof(client->peer)) < 0) {
        snprintf(client->peer, sizeof(client->peer), "?");
    }
    client_touch(client);
    client->connected = client->last_active;
    size_t slot = 0;
    while (server->clients[slot] != NULL) {
        slot++;
    }
    server->clients[slot] = client;
    server->client_count++;
    if (start_session(client, fd) < 0) {
        remove_client(server, slot, "handshake failed");
    } else {
        client_log(client, "connected");
    }
}

/* Hand FD to libssh and begin the handshake without waiting for it. */
static int start_session(struct client *client, int fd)
{
    struct server *server = client->server;
    client->session = ssh_new();
    if (client->session == NULL || net_set_nonblocking(fd, 1) < 0) {
        close(fd);
        return -1;
    }
    if (ssh_bind_accept_fd(server->bind, client->session, fd) != SSH_OK) {
        /* libssh may own FD by now; ssh_free closes it if so. */
        client_log(client, "%s", ssh_get_error(server->bind));
        return -1;
    }
    auth_set_callbacks(client);
    client->trace =
        trace_start(server->trace_log, client->session, fd, client->peer);
    ssh_set_blocking(client->session, 0);
    /* Non-blocking, this sends our version line and returns SSH_AGAIN; the
     * event loop drives the rest of the key exchange (RFC 4253 7). */
    int rc = ssh_handle_key_exchange(client->session);
    if (rc == SSH_ERROR) {
        client_log(client, "%s", ssh_get_error(client->session));
        return -1;
    }
    if (ssh_event_add_session(server->event, client->session) != SSH_OK) {
        return -1;
    }
    client->in_event = 1;
    return 0;
}

/* Wake up once a second for time-outs, sooner for a console's timer. */
static int poll_timeout_ms(const struct server *server)
{
    long long wait = POLL_INTERVAL_MS;
    for (size_t slot = 0; slot < (size_t)server->cfg.max_clients; slot++) {
        const struct client *client = server->clients[slot];
        long long left = -1;
        if (client != NULL && client->pause && !client->in_event) {
            left = -ms_since(&client->paused_until);
            left = left > 0 ? left : 0;
        }
        for (size_t i = 0; client != NULL && i < MAX_CHANNELS; i++) {
            long long timer = client->channels[i] != NULL
                                  ? mode_wait_ms(client->channels[i])
                                  : -1;
            left = timer >= 0 && (left < 0 || timer < left) ? timer : left;
        }
        if (left >= 0 && left < wait) {
            wait = left;
        }
    }
    return (int)wait;
}

/* After each poll: output, finished channels, time-outs, departures. */
static void tend_client(struct server *server, size_t slot)
{
    struct client *client = server->clients[slot];
    long long idle_ms = ms_since(&client->last_active);
    long long connected_ms = ms_since(&client->connected);
    trace_poll(client->trace);
    if (ssh_get_status(client->session) & (SSH_CLOSED | SSH_CLOSED_ERROR)) {
        remove_client(server, slot,
                      client->authenticated ? "disconnected"
                                            : "disconnected, not logged in");
        return;
    }
    if (client->drop != NULL) {
        remove_client(server, slot, client->drop);
        return;
    }
    if (server->cfg.idle_timeout_s > 0 &&
        idle_ms >= server->cfg.idle_timeout_s * 1000) {
        remove_client(server, slot, "idle time-out");
        return;
    }
    /* As sshd's LoginGraceTime: a slot is not for sitting in unknown. */
    if (!client->authenticated && connected_ms >= LOGIN_GRACE_S * 1000LL) {
        remove_client(server, slot, "no login in time");
        return;
    }
    pause_client(client);
    for (size_t i = 0; i < MAX_CHANNELS; i++) {
        struct channel *ch = client->channels[i];
        if (ch == NULL) {
            continue;
        }
        channel_tend(ch);
        /* A closed channel goes, but the connection stays until the client
         * hangs up: dropping it now makes OpenSSH's client report a broken
         * pipe. */
        if (ch->closed) {
            channel_release(ch);
            client->channels[i] = NULL;
        }
    }
}

/*
 * After a wrong password the client's session leaves the event for
 * PASSWORD_DELAY_S, so its next try is read only then: a guesser gets at
 * most one try a second, while everyone else is still served.
 */
static void pause_client(struct client *client)
{
    struct server *server = client->server;
    if (client->pause && client->in_event) {
        ssh_event_remove_session(server->event, client->session);
        client->in_event = 0;
        clock_gettime(CLOCK_MONOTONIC, &client->paused_until);
        client->paused_until.tv_sec += PASSWORD_DELAY_S;
    } else if (client->pause && ms_since(&client->paused_until) >= 0) {
        if (ssh_event_add_session(server->event, client->session) != SSH_OK) {
            client->drop = "could not resume after a pause";
            return;
        }
        client->in_event = 1;
        client->pause = 0;
    }
}

static void remove_client(struct server *server, size_t slot, const char *why)
{
    struct client *client = server->clients[slot];
    client_log(client, "%s", why);
    if (client->in_event) {
        ssh_event_remove_session(server->event, client->session);
    }
    for (size_t i = 0; i < MAX_CHANNELS; i++) {
        channel_release(client->channels[i]);
    }
    if (client->session != NULL) {
        ssh_disconnect(client->session);
        ssh_free(client->session);
    }
    trace_end(client->trace);
    free(client);
    server->clients[slot] = NULL;
    server->client_count--;
}

void client_touch(struct client *client)
{
    clock_gettime(CLOCK_MONOTONIC, &client->last_active);
}

/* Milliseconds from THEN to now; negative if THEN is still to come. */
static long long ms_since(const struct timespec *then)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)(now.tv_sec - then->tv_sec) * 1000 +
           (now.tv_nsec - then->tv_nsec) / 1000000;
}

/* "ssh_server: 127.0.0.1 port 50412: ..." on stderr; control bytes from
 * the wire (a user name) are shown as '?' so they cannot forge lines. */
void client_log(const struct client *client, const char *format, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, format);
    vsnprintf(text, sizeof(text), format, ap);
    va_end(ap);
    for (char *p = text; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            *p = '?';
        }
    }
    fprintf(stderr, "ssh_server: %s: %s\n", client->peer, text);
}
