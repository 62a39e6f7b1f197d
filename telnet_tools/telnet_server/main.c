/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server: a small event-driven Telnet server with a telnetsrv-style
 * command console, so that every Telnet lesson has a server to talk to.
 *
 * One process, one thread, one poll() loop over non-blocking sockets; each
 * client is one struct conn (server.h) holding its socket, its libtelnet
 * tracker, its console and the bytes it has not yet taken.
 *
 *     $ telnet_server -p 2323 --users users.txt
 *     $ telnet 127.0.0.1 2323
 *
 * RFC 854 (Telnet), 855 (options), 1143 (the Q method), 857 ECHO, 858 SGA,
 * 1091 TTYPE, 1073 NAWS.  Read serve() first, then conn.c and negotiate.c's
 * on_event(), login.c and child.c.  Lesson: lessons/04-telnet-server.md.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/console.h"
#include "common/net.h"
#include "telnet_tools/telnet_server/server.h"

#define BACKLOG         512
#define OUT_HIGH        ((size_t)64 * 1024) /* stop reading while this waits */
#define TICK_MAX_MS     1000
#define ACCEPT_MAX      64 /* new clients taken per turn of the loop */
#define ACCEPT_PAUSE_MS 200

/* Whose descriptor one poll entry is: a client's socket or its child's. */
struct slot {
    struct conn *conn;
    int child;
};

/* The connections, and the poll set rebuilt from them on every turn. */
struct loop {
    struct conn **conns;
    size_t count, cap;
    struct pollfd *fds;
    struct slot *owner; /* owner[i]: whose descriptor fds[i] is */
    size_t nfds, fds_cap;
    long long accept_again; /* out of descriptors: not before this time */
};

static volatile sig_atomic_t stop_signal;

static int catch_signals(void);
static int serve(int listen_fd, struct server *s);
static int build_poll_set(struct loop *loop, int listen_fd);
static void run_deadlines(struct conn *c, long long now, long long *next);
static void accept_clients(struct loop *loop, int listen_fd, struct server *s);
static void sweep(struct loop *loop);
static void shut_down(struct loop *loop);

int main(int argc, char **argv)
{
    struct options opt = {"127.0.0.1", "2323", NULL, 0, 0, {0}};
    int status = parse_options(argc, argv, &opt);
    int listen_fd = -1;

    if (status >= 0) {
        return status;
    }
    if (opt.hash_password) {
        return login_hash_password() == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
    }
    status = CLI_EXIT_FAILURE;
    /* Accounts first: a bad users file stops us before we listen. */
    if (set_up_users(&opt) == -1) {
        goto out;
    }
    set_up_descriptors(opt.server.max_clients);
    listen_fd = net_listen(opt.addr, opt.port, BACKLOG);
    /* Children (exec, --shell) must not inherit any socket of ours. */
    if (listen_fd == -1 || fcntl(listen_fd, F_SETFD, FD_CLOEXEC) == -1 ||
        catch_signals() == -1) {
        goto out;
    }
    /* Tests and scripts read the real port from this line (-p 0). */
    printf("telnet_server: listening on %s port %d\n", opt.addr,
           net_local_port(listen_fd));
    fflush(stdout);
    if (serve(listen_fd, &opt.server) == 0) {
        status = CLI_EXIT_OK;
    }
out:
    if (listen_fd != -1) {
        close(listen_fd);
    }
    users_free(opt.server.users);
    return status;
}

static void note_stop(int sig)
{
    stop_signal = sig;
}

/* SIGTERM and SIGINT end the loop; a vanished client is not a SIGPIPE. */
static int catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = note_stop;
    if (sigaction(SIGTERM, &sa, NULL) == -1 ||
        sigaction(SIGINT, &sa, NULL) == -1) {
        warn("sigaction");
        return -1;
    }
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) == -1) {
        warn("sigaction");
        return -1;
    }
    return 0;
}

/*
 * The event loop: wait for any descriptor or the next deadline, then
 * serve each ready one.  Nothing in here blocks, so a slow or silent
 * client never holds up the others.
 */
static int serve(int listen_fd, struct server *s)
{
    struct loop loop = {0};
    int status = 0;

    while (!stop_signal) {
        int timeout = build_poll_set(&loop, listen_fd);
        if (timeout < -1 || poll(loop.fds, loop.nfds, timeout) < 0) {
            if (timeout < -1 || errno != EINTR) {
                warn("poll");
                status = -1;
                break;
            }
            continue;
        }
        for (size_t i = 1; i < loop.nfds; i++) {
            struct conn *c = loop.owner[i].conn;
            short ready = loop.fds[i].revents;
            if (ready == 0 || c->fd == -1) {
                continue;
            }
            if (loop.owner[i].child) {
                child_output(c);
            } else if (ready & (POLLIN | POLLHUP | POLLERR)) {
                read_client(c);
            }
            flush_out(c);
        }
        if (loop.fds[0].revents & POLLIN) {
            accept_clients(&loop, listen_fd, s);
        }
        child_reap(s, loop.conns, loop.count);
        sweep(&loop);
    }
    shut_down(&loop);
    return status;
}

/*
 * Fill loop.fds: the listener, then each client's socket, and its child's
 * pipe or pty if it has one.  On the way, run the deadlines that are due.
 * Returns the poll time-out, or -2 (no memory).
 */
static int build_poll_set(struct loop *loop, int listen_fd)
{
    long long now = console_now_ms();
    long long next = now + TICK_MAX_MS;
    size_t need = loop->count * 2 + 1;

    if (need > loop->fds_cap) {
        struct pollfd *fds = realloc(loop->fds, need * sizeof(*fds));
        struct slot *owner =
            fds ? realloc(loop->owner, need * sizeof(*owner)) : NULL;
        if (fds != NULL) {
            loop->fds = fds;
        }
        if (owner == NULL) {
            return -2;
        }
        loop->owner = owner;
        loop->fds_cap = need;
    }
    /* Out of descriptors, the listener would wake us at once, for ever. */
    loop->fds[0] = (struct pollfd){listen_fd, 0, 0};
    if (now >= loop->accept_again) {
        loop->fds[0].events = POLLIN;
    } else if (loop->accept_again < next) {
        next = loop->accept_again;
    }
    loop->nfds = 1;
    for (size_t i = 0; i < loop->count; i++) {
        struct conn *c = loop->conns[i];
        struct pollfd *sock = &loop->fds[loop->nfds];
        run_deadlines(c, now, &next);
        flush_out(c);
        *sock = (struct pollfd){c->fd, 0, 0};
        loop->owner[loop->nfds++] = (struct slot){c, 0};
        /* Backpressure: a client that does not read is not read from. */
        if (c->phase != PHASE_DELAY && c->phase != PHASE_CLOSING &&
            c->out_len < OUT_HIGH) {
            sock->events |= POLLIN;
        }
        if (c->out_len > 0) {
            sock->events |= POLLOUT;
        }
        if (c->child_fd != -1 && c->out_len < OUT_HIGH) {
            loop->fds[loop->nfds] = (struct pollfd){c->child_fd, POLLIN, 0};
            loop->owner[loop->nfds++] = (struct slot){c, 1};
        }
    }
    return next <= now ? 0 : (int)(next - now);
}

/* Negotiation and login deadlines, timers, the idle time-out. */
static void run_deadlines(struct conn *c, long long now, long long *next)
{
    long long timer = console_deadline(c->console);
    long idle = c->server->idle_ms;

    if (c->wake_at != 0 && c->wake_at <= now) {
        c->wake_at = 0;
        if (c->phase == PHASE_DELAY) {
            login_deadline(c);
        } else {
            negotiate_deadline(c);
        }
    }
    if (timer != -1 && timer <= now && c->phase == PHASE_CONSOLE) {
        console_tick(c->console);
        timer = console_deadline(c->console);
    }
    /* Only a session waiting for its user idles; a past deadline would spin. */
    int idling =
        idle > 0 && c->phase != PHASE_CHILD && c->phase != PHASE_CLOSING;
    if (idling && now - c->last_input >= idle) {
        negotiate_send(c, "\r\nIdle time-out, goodbye.\r\n", 27);
        conn_close_soon(c);
        idling = 0;
    }
    if (c->wake_at != 0 && c->wake_at < *next) {
        *next = c->wake_at;
    }
    /* A timer set before exec never fires: its past time would spin too. */
    if (timer != -1 && c->phase == PHASE_CONSOLE && timer < *next) {
        *next = timer;
    }
    if (idling && c->last_input + idle < *next) {
        *next = c->last_input + idle;
    }
}

/* Take waiting clients; past --max-clients, say so and close. */
static void accept_clients(struct loop *loop, int listen_fd, struct server *s)
{
    static const char full[] = "telnet_server: too many clients, "
                               "try again later\r\n";

    for (int n = 0; n < ACCEPT_MAX; n++) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd == -1) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                errno == ENOMEM) {
                warn("accept, pausing %d ms", ACCEPT_PAUSE_MS);
                loop->accept_again = console_now_ms() + ACCEPT_PAUSE_MS;
            } else if (errno != EAGAIN && errno != EWOULDBLOCK &&
                       errno != ECONNABORTED && errno != EINTR) {
                warn("accept");
            }
            return;
        }
        if (loop->count >= (size_t)s->max_clients) {
            (void)!send(fd, full, sizeof(full) - 1, MSG_NOSIGNAL);
            close(fd);
            continue;
        }
        if (loop->count == loop->cap) {
            size_t cap = loop->cap ? loop->cap * 2 : 64;
            /* An array of pointers, on purpose: each conn stays put. */
            struct conn **grown = realloc(
                loop->conns, cap * sizeof(grown[0])); /* NOLINT(bugprone-*) */
            if (grown == NULL) {
                warn("accept");
                close(fd);
                return;
            }
            loop->conns = grown;
            loop->cap = cap;
        }
        struct conn *c = conn_new(fd, s);
        if (c == NULL) {
            close(fd);
            continue;
        }
        loop->conns[loop->count++] = c;
        flush_out(c);
    }
}

/* Free the sessions that ended on this turn; keep the table packed. */
static void sweep(struct loop *loop)
{
    for (size_t i = 0; i < loop->count;) {
        if (loop->conns[i]->fd == -1) {
            conn_free(loop->conns[i]);
            loop->conns[i] = loop->conns[--loop->count];
        } else {
            i++;
        }
    }
}

/* SIGTERM or SIGINT: tell every session, then close them all. */
static void shut_down(struct loop *loop)
{
    static const char bye[] = "\r\ntelnet_server: shutting down\r\n";

    for (size_t i = 0; i < loop->count; i++) {
        struct conn *c = loop->conns[i];
        if (c->fd != -1) {
            negotiate_send(c, bye, sizeof(bye) - 1);
            conn_close_soon(c);
            flush_out(c);
        }
        conn_free(c);
    }
    free(loop->conns);
    free(loop->fds);
    free(loop->owner);
}
