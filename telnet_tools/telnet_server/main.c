/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server: a small event-driven Telnet server with a telnetsrv-style
 * command console, so that every Telnet lesson has a server to talk to.
 * One poll() loop over non-blocking sockets (crypt(3) alone runs on a
 * thread, common/passcheck); each client is one struct conn (conn.h).
 *
 *     $ telnet_server -p 2323 --users users.txt
 *     $ telnet 127.0.0.1 2323
 *
 * RFC 854 (Telnet), 855 (options), 1143 (the Q method), 857 ECHO, 858 SGA,
 * 1091 TTYPE, 1073 NAWS.  Read serve() first, then conn.c, session.c,
 * negotiate.c's on_event(), login.c and child.c (server.h draws the map).
 * Lesson: lessons/04-telnet-server.md.
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
#include "common/gate.h"
#include "common/monoclock.h"
#include "common/net.h"
#include "common/passcheck.h"
#include "telnet_tools/telnet_server/conn.h"
#include "telnet_tools/telnet_server/login.h"
#include "telnet_tools/telnet_server/server.h"
#include "telnet_tools/telnet_server/table.h"

#define BACKLOG         512
#define OUT_HIGH        ((size_t)64 * 1024) /* stop reading while this waits */
#define TICK_MAX_MS     1000
#define ACCEPT_MAX      64 /* new clients taken per turn of the loop */
#define ACCEPT_PAUSE_MS 200
#define FIXED_FDS       2 /* the listener, passcheck's answers */

/* Whose descriptor one poll entry is: a client's socket or its child's. */
struct slot {
    struct conn *conn;
    int child;
};

/* The connections, and the poll set rebuilt from them on every turn. */
struct loop {
    struct table table;
    struct pollfd *fds;
    struct slot *owner; /* owner[i]: whose descriptor fds[i] is */
    size_t nfds, fds_cap;
    long long accept_again; /* out of descriptors: not before this time */
    unsigned long next_id;  /* of the next connection */
};

static int serve(int listen_fd, struct server *s);
static int build_poll_set(struct loop *loop, int listen_fd, int answers);
static int grow_poll_set(struct loop *loop, size_t need);
static void collect_answers(struct loop *loop, struct passcheck *pc);
static void accept_clients(struct loop *loop, int listen_fd, struct server *s);
static void refuse(int fd, const char *why);
static void shut_down(struct loop *loop);

int main(int argc, char **argv)
{
    struct options opt = {"127.0.0.1", "2323", NULL, 0, 0, {0}};
    int status = options_parse(argc, argv, &opt);
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
        set_up_signals() == -1) {
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
    passcheck_stop(opt.server.passcheck); /* before the users it reads */
    gate_free(opt.server.gate);
    users_free(opt.server.users);
    return status;
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

    while (!stop_requested()) {
        int answers = s->passcheck ? passcheck_fd(s->passcheck) : -1;
        int timeout = build_poll_set(&loop, listen_fd, answers);
        if (timeout < -1 || poll(loop.fds, loop.nfds, timeout) < 0) {
            if (timeout < -1 || errno != EINTR) {
                warn("poll");
                status = -1;
                break;
            }
            continue;
        }
        for (size_t i = FIXED_FDS; i < loop.nfds; i++) {
            struct conn *c = loop.owner[i].conn;
            short ready = loop.fds[i].revents;
            if (ready == 0 || c->wire.fd == -1) {
                continue;
            }
            if (loop.owner[i].child) {
                conn_child_output(c);
            } else if (ready & (POLLIN | POLLHUP | POLLERR)) {
                conn_read(c);
            }
            conn_flush(c);
        }
        if (loop.fds[1].revents & POLLIN) {
            collect_answers(&loop, s->passcheck);
        }
        if (loop.fds[0].revents & POLLIN) {
            accept_clients(&loop, listen_fd, s);
        }
        table_reap_children(&loop.table);
        table_sweep(&loop.table);
    }
    shut_down(&loop);
    return status;
}

/*
 * Fill loop.fds: the listener, passcheck's ANSWERS, then each client's
 * socket and its child's pipe or pty if it has one.  On the way, run the
 * deadlines that are due.  Returns the poll time-out, or -2 (no memory).
 */
static int build_poll_set(struct loop *loop, int listen_fd, int answers)
{
    long long now = monoclock_ms();
    long long next = now + TICK_MAX_MS;

    if (grow_poll_set(loop, loop->table.count * 2 + FIXED_FDS) == -1) {
        return -2;
    }
    /* Out of descriptors, the listener would wake us at once, for ever. */
    loop->fds[0] = (struct pollfd){listen_fd, 0, 0};
    if (now >= loop->accept_again) {
        loop->fds[0].events = POLLIN;
    } else if (loop->accept_again < next) {
        next = loop->accept_again;
    }
    loop->fds[1] = (struct pollfd){answers, POLLIN, 0}; /* -1: ignored */
    loop->nfds = FIXED_FDS;
    for (size_t i = 0; i < loop->table.count; i++) {
        struct conn *c = loop->table.conns[i];
        struct pollfd *sock = &loop->fds[loop->nfds];
        long long due = conn_tick(c, now);
        size_t behind;
        if (due != -1 && due < next) {
            next = due;
        }
        conn_flush(c);
        behind = wire_waiting(&c->wire);
        *sock = (struct pollfd){c->wire.fd, 0, 0};
        loop->owner[loop->nfds++] = (struct slot){c, 0};
        /* Backpressure: a client that does not read is not read from. */
        if (conn_wants_input(c) && behind < OUT_HIGH) {
            sock->events |= POLLIN;
        }
        if (behind > 0) {
            sock->events |= POLLOUT;
        }
        if (c->child.fd != -1 && behind < OUT_HIGH) {
            loop->fds[loop->nfds] = (struct pollfd){c->child.fd, POLLIN, 0};
            loop->owner[loop->nfds++] = (struct slot){c, 1};
        }
    }
    return next <= now ? 0 : (int)(next - now);
}

/* Room for NEED poll entries (a socket and a child per session); 0 or -1. */
static int grow_poll_set(struct loop *loop, size_t need)
{
    if (need > loop->fds_cap) {
        struct pollfd *fds = realloc(loop->fds, need * sizeof(*fds));
        struct slot *owner =
            fds ? realloc(loop->owner, need * sizeof(*owner)) : NULL;
        if (fds != NULL) {
            loop->fds = fds;
        }
        if (owner == NULL) {
            return -1;
        }
        loop->owner = owner;
        loop->fds_cap = need;
    }
    return 0;
}

/* Passcheck's answers, each to its session if that is still here. */
static void collect_answers(struct loop *loop, struct passcheck *pc)
{
    unsigned long id;
    int ok;

    while (passcheck_result(pc, &id, &ok) == 1) {
        struct conn *c = table_find(&loop->table, id);
        if (c != NULL) {
            conn_password_checked(c, ok);
        }
    }
}

/*
 * Take waiting clients; past --max-clients, or when the gate says no
 * (too many not logged in yet, in all or from that address), say why
 * in one line and close: RFC 854 lets a server send text before it goes.
 */
static void accept_clients(struct loop *loop, int listen_fd, struct server *s)
{
    for (int n = 0; n < ACCEPT_MAX; n++) {
        const char *refused = NULL;
        int fd = accept(listen_fd, NULL, NULL);
        if (fd == -1) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                errno == ENOMEM) {
                warn("accept, pausing %d ms", ACCEPT_PAUSE_MS);
                loop->accept_again = monoclock_ms() + ACCEPT_PAUSE_MS;
            } else if (errno != EAGAIN && errno != EWOULDBLOCK &&
                       errno != ECONNABORTED && errno != EINTR) {
                warn("accept");
            }
            return;
        }
        if (loop->table.count >= (size_t)s->max_clients) {
            refuse(fd, "too many clients");
            continue;
        }
        struct conn *c = conn_new(fd, s, ++loop->next_id, &refused);
        if (c == NULL) {
            refuse(fd, refused);
        } else if (table_add(&loop->table, c) == -1) {
            conn_free(c); /* closes FD */
        } else {
            conn_flush(c);
        }
    }
}

/* One line saying WHY (NULL: nothing to say), then close. */
static void refuse(int fd, const char *why)
{
    char line[128];

    if (why != NULL) {
        int n = snprintf(line, sizeof(line),
                         "telnet_server: %s, try again later\r\n", why);
        (void)!send(fd, line, (size_t)n, MSG_NOSIGNAL);
    }
    close(fd);
}

/* SIGTERM or SIGINT: tell every session, then close them all. */
static void shut_down(struct loop *loop)
{
    static const char bye[] = "\r\ntelnet_server: shutting down\r\n";

    table_shut_down(&loop->table, bye);
    free(loop->fds);
    free(loop->owner);
}
