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
#include "common/passcheck.h"
#include "server.h"

#define POLL_INTERVAL_MS 1000
#define TOO_MANY         "too many clients, try again later"

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int signo);
static int on_listen_ready(socket_t fd, int revents, void *userdata);
static int on_answers_ready(socket_t fd, int revents, void *userdata);
static void collect_answers(struct server *server);
static void accept_clients(struct server *server);
static int admit(struct server *server, int fd,
                 const struct sockaddr_storage *addr);
static void add_client(struct server *server, int fd,
                       const struct sockaddr_storage *addr);
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
    int answers = server->passcheck ? passcheck_fd(server->passcheck) : -1;
    if (ssh_event_add_fd(server->event, server->listen_fd, POLLIN,
                         on_listen_ready, server) != SSH_OK ||
        (answers >= 0 &&
         ssh_event_add_fd(server->event, answers, POLLIN, on_answers_ready,
                          server) != SSH_OK)) {
        warnx("ssh_event_add_fd failed");
        return -1;
    }
    while (!stop_signal) {
        /* Errors here are one client's (a reset socket); client_tend below
         * finds that session closed. */
        ssh_event_dopoll(server->event, poll_timeout_ms(server));
        if (server->answers_ready) {
            collect_answers(server);
        }
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
    if (answers >= 0) {
        ssh_event_remove_fd(server->event, answers);
    }
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

/* Passcheck has verdicts: noted, collected after the poll as accepts. */
static int on_answers_ready(socket_t fd, int revents, void *userdata)
{
    struct server *server = userdata;
    (void)fd, (void)revents;
    server->answers_ready = 1;
    return 0;
}

/* Each verdict to its client, if that is still here. */
static void collect_answers(struct server *server)
{
    unsigned long id;
    int ok;
    server->answers_ready = 0;
    while (passcheck_result(server->passcheck, &id, &ok) == 1) {
        for (size_t slot = 0; slot < (size_t)server->cfg.max_clients; slot++) {
            struct client *client = server->clients[slot];
            if (client != NULL && client->id == id) {
                authq_checked(client, ok);
            }
        }
    }
}

static void accept_clients(struct server *server)
{
    server->accept_ready = 0;
    for (;;) {
        struct sockaddr_storage addr;
        socklen_t len = sizeof(addr);
        int fd = accept(server->listen_fd, (struct sockaddr *)&addr, &len);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                warn("accept");
            }
            return;
        }
        if (admit(server, fd, &addr) == 0) {
            add_client(server, fd, &addr);
        }
    }
}

/*
 * A slot, and the gate's word: not too many waiting to log in (sshd's
 * MaxStartups, with random early drop) nor from one address.  A refused
 * client gets one line saying why before the socket closes: RFC 4253 4.2
 * lets a server send lines before its version string.
 */
static int admit(struct server *server, int fd,
                 const struct sockaddr_storage *addr)
{
    const char *why = NULL;
    if (server->client_count >= (size_t)server->cfg.max_clients) {
        why = TOO_MANY;
    } else if (gate_admit(server->gate, (const struct sockaddr *)addr, &why) ==
               0) {
        return 0;
    }
    char peer[64] = "?";
    char line[128];
    net_peer_name(fd, peer, sizeof(peer));
    fprintf(stderr, "ssh_server: %s: refused: %s\n", peer, why);
    int n = snprintf(line, sizeof(line), "ssh_server: %s\r\n", why);
    (void)!write(fd, line, (size_t)n);
    close(fd);
    return -1;
}

/* A client in a free slot (there is one: the caller counted). */
static void add_client(struct server *server, int fd,
                       const struct sockaddr_storage *addr)
{
    struct client *client = client_start(server, fd, addr);
    if (client == NULL) {
        return;
    }
    size_t slot = 0;
    while (server->clients[slot] != NULL) {
        slot++;
    }
    client->id = ++server->clients_accepted;
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
