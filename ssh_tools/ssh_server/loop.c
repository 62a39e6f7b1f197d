/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * loop: one process, many clients.  libssh's ssh_event polls the listening
 * socket and every client's session together; libssh runs the protocol and
 * calls back into client.c.  After each poll this file accepts new
 * clients, lets each client tend itself and frees the gone ones.
 */
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "client.h"
#include "common/net.h"
#include "server.h"

#define POLL_INTERVAL_MS 1000
#define TOO_MANY_LINE    "ssh_server: too many clients, try again later\r\n"

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int signo);
static int on_listen_ready(socket_t fd, int revents, void *userdata);
static void accept_clients(struct server *server);
static void add_client(struct server *server, int fd);
static int poll_timeout_ms(const struct server *server);
static void remove_client(struct server *server, size_t slot, const char *why);

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
    size_t slots = (size_t)server->cfg.max_clients;
    if (ssh_event_add_fd(server->event, server->listen_fd, POLLIN,
                         on_listen_ready, server) != SSH_OK) {
        warnx("ssh_event_add_fd failed");
        return -1;
    }
    while (!stop_signal) {
        /* Errors here are one client's (a reset socket); client_tend below
         * finds that session closed. */
        ssh_event_dopoll(server->event, poll_timeout_ms(server));
        if (server->accept_ready) {
            accept_clients(server);
        }
        for (size_t slot = 0; slot < slots; slot++) {
            const char *why = server->clients[slot] != NULL
                                  ? client_tend(server->clients[slot])
                                  : NULL;
            if (why != NULL) {
                remove_client(server, slot, why);
            }
        }
    }
    fprintf(stderr, "ssh_server: signal %d: stopping\n", (int)stop_signal);
    for (size_t slot = 0; slot < slots; slot++) {
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

/* A client in a free slot (there is one: the caller counted). */
static void add_client(struct server *server, int fd)
{
    struct client *client = client_start(server, fd);
    if (client == NULL) {
        return;
    }
    size_t slot = 0;
    while (server->clients[slot] != NULL) {
        slot++;
    }
    server->clients[slot] = client;
    server->client_count++;
}

/* Wake up once a second for time-outs, sooner for a console's timer or
 * the end of a pause. */
static int poll_timeout_ms(const struct server *server)
{
    long long wait = POLL_INTERVAL_MS;
    for (size_t slot = 0; slot < (size_t)server->cfg.max_clients; slot++) {
        const struct client *client = server->clients[slot];
        long long left = client != NULL ? client_wait_ms(client) : -1;
        if (left >= 0 && left < wait) {
            wait = left;
        }
    }
    return (int)wait;
}

static void remove_client(struct server *server, size_t slot, const char *why)
{
    client_free(server->clients[slot], why);
    server->clients[slot] = NULL;
    server->client_count--;
}
