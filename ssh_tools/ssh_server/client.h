/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * client: one connection, from accept to goodbye.  It hands the socket to
 * libssh; until the client is in, authq.c takes its login requests, then
 * the session's callbacks pass each request to channel.c; after each poll
 * the loop asks it to tend its login, channels and time-outs.
 */
#ifndef SHELLWIRE_SSH_SERVER_CLIENT_H
#define SHELLWIRE_SSH_SERVER_CLIENT_H

#include <sys/socket.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "auth.h"
#include "authq.h"
#include "channel.h"
#include "peer.h"
#include "server.h"

/* Channels one connection may have open at once (ssh_commands opens one
 * per command, OpenSSH's ControlMaster one per ssh command). */
#define MAX_CHANNELS 8

struct client {
    struct server *server; /* read only: settings, bind, event, rules */
    unsigned long id;      /* its name for passcheck */
    ssh_session session;
    /* libssh keeps a pointer to this as long as the session lives. */
    struct ssh_server_callbacks_struct server_cb;
    struct channel *channels[MAX_CHANNELS];
    struct peer peer;
    struct sockaddr_storage addr; /* the peer's, for the gate */
    int gated;                    /* counted by the gate as not logged in */
    struct login login;
    struct held_password held; /* a password awaiting its answer */
    int in_event;              /* the session is in the server's ssh_event */
    long long pause_ms;        /* > 0: leave the event for this long */
    long long connected_ms;
    long long paused_until_ms;
    const char *drop;    /* why to disconnect at the next turn, or NULL */
    struct trace *trace; /* --trace or --diagram (trace.c), else NULL */
};

/* A client for the accepted socket FD from ADDR (admitted by the gate),
 * its handshake begun; NULL (FD closed, a line logged) on failure. */
struct client *client_start(struct server *server, int fd,
                            const struct sockaddr_storage *addr);
/* After each poll: NULL, or why the client must go now. */
const char *client_tend(struct client *client);
/* Milliseconds until the client needs tending again, or -1. */
long long client_wait_ms(const struct client *client);
/* Log WHY, disconnect and free CLIENT. */
void client_free(struct client *client, const char *why);

#endif
