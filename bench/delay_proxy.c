/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * delay_proxy: a TCP relay on 127.0.0.1 that holds every byte for DELAY
 * milliseconds each way, so loopback behaves like a link with a round trip
 * of twice that (but no bandwidth limit).  For the benchmarks only.
 *
 *     $ delay_proxy 2222 5 &
 *     41234                    <- its own port, on stdout
 *
 * One child process per connection; each direction is a queue of chunks
 * stamped with the time they may leave.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/net.h"

#define CHUNK     65536
#define MAX_QUEUE (64L * 1024 * 1024) /* bytes in flight per direction */

/* Bytes read at one moment, to be written DUE or later. */
struct chunk {
    struct chunk *next;
    double due;
    size_t len, sent;
    char data[CHUNK];
};

/* One direction: read FROM, queue, write TO. */
struct pipe {
    int from, to;
    struct chunk *head, *tail;
    long queued;
    int eof;
};

static void relay(int client, const char *port, double delay);
static int fill(struct pipe *p, double delay);
static int drain(struct pipe *p);
static double now(void);

int main(int argc, char **argv)
{
    long delay_ms;
    if (argc != 3 ||
        cli_parse_number(argv[2], 0, 10000, "delay", &delay_ms) < 0) {
        fprintf(stderr, "usage: delay_proxy TARGET_PORT DELAY_MS\n");
        return CLI_EXIT_USAGE;
    }
    int listener = net_listen("127.0.0.1", "0", 16);
    if (listener < 0) {
        return CLI_EXIT_FAILURE;
    }
    printf("%d\n", net_local_port(listener));
    fflush(stdout);
    signal(SIGCHLD, SIG_IGN); /* children reap themselves */
    struct pollfd p = {.fd = listener, .events = POLLIN};
    for (;;) {
        if (poll(&p, 1, -1) < 0) {
            err(CLI_EXIT_FAILURE, "poll");
        }
        int client = accept(listener, NULL, NULL);
        if (client < 0) {
            continue;
        }
        if (fork() == 0) {
            close(listener);
            relay(client, argv[1], (double)delay_ms / 1000);
            _exit(0);
        }
        close(client);
    }
}

/* Relay both ways until both have ended and drained. */
static void relay(int client, const char *port, double delay)
{
    int server = net_connect("127.0.0.1", port, 5000);
    if (server < 0) {
        return;
    }
    if (net_set_nonblocking(client, 1) < 0 ||
        net_set_nonblocking(server, 1) < 0) {
        return;
    }
    struct pipe up = {.from = client, .to = server};
    struct pipe down = {.from = server, .to = client};
    struct pipe *pipes[2] = {&up, &down};
    while (!(up.eof && up.head == NULL && down.eof && down.head == NULL)) {
        struct pollfd fds[4];
        double wake = now() + 1;
        for (size_t i = 0; i < 2; i++) {
            struct pipe *p = pipes[i];
            int room = !p->eof && p->queued < MAX_QUEUE;
            fds[2 * i] =
                (struct pollfd){.fd = room ? p->from : -1, .events = POLLIN};
            int ready = p->head != NULL && p->head->due <= now();
            fds[2 * i + 1] =
                (struct pollfd){.fd = ready ? p->to : -1, .events = POLLOUT};
            if (p->head != NULL && !ready && p->head->due < wake) {
                wake = p->head->due;
            }
        }
        int timeout = (int)((wake - now()) * 1000) + 1;
        if (poll(fds, 4, timeout < 0 ? 0 : timeout) < 0 && errno != EINTR) {
            return;
        }
        for (size_t i = 0; i < 2; i++) {
            if ((fds[2 * i].revents && fill(pipes[i], delay) < 0) ||
                (fds[2 * i + 1].revents && drain(pipes[i]) < 0)) {
                return;
            }
            if (pipes[i]->eof && pipes[i]->head == NULL) {
                shutdown(pipes[i]->to, SHUT_WR);
            }
        }
    }
}

/* Read what has come, stamped to leave DELAY seconds from now. */
static int fill(struct pipe *p, double delay)
{
    struct chunk *c = malloc(sizeof *c);
    if (c == NULL) {
        return -1;
    }
    ssize_t n = read(p->from, c->data, sizeof c->data);
    if (n <= 0) {
        free(c);
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            p->eof = 1;
        }
        return 0;
    }
    c->next = NULL;
    c->due = now() + delay;
    c->len = (size_t)n;
    c->sent = 0;
    p->queued += n;
    if (p->tail != NULL) {
        p->tail->next = c;
    } else {
        p->head = c;
    }
    p->tail = c;
    return 0;
}

/* Write the chunks whose time has come, as far as the socket takes. */
static int drain(struct pipe *p)
{
    double t = now();
    while (p->head != NULL && p->head->due <= t) {
        struct chunk *c = p->head;
        ssize_t n = write(p->to, c->data + c->sent, c->len - c->sent);
        if (n < 0) {
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        }
        c->sent += (size_t)n;
        if (c->sent < c->len) {
            return 0;
        }
        p->queued -= (long)c->len;
        p->head = c->next;
        if (p->head == NULL) {
            p->tail = NULL;
        }
        free(c);
    }
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
