/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * channel: one session channel (RFC 4254 6), its requests, its mode and
 * the output waiting for the client's window.  The connection (client.c)
 * makes channels, tends them after each poll and releases them; a channel
 * never reaches back: what the connection must know (the client is to be
 * dropped, the channel is done) it finds in the struct.
 */
#ifndef SHELLWIRE_SSH_SERVER_CHANNEL_H
#define SHELLWIRE_SSH_SERVER_CHANNEL_H

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "modes.h"
#include "outbox.h"
#include "peer.h"

struct channel {
    ssh_channel handle;
    /* libssh keeps a pointer to this as long as the channel lives. */
    struct ssh_channel_callbacks_struct cb;
    struct peer *peer; /* the connection's, for the log and idle time */
    const char *user;  /* who logged in (the connection's copy) */
    struct terminal terminal;
    struct session_mode mode;
    ssh_session session;
    struct outbox out; /* bytes on their way to the client */
    int input_held;    /* input left in libssh while output waits */
    int started;       /* a shell or an exec was accepted */
    int refused;       /* ... or refused: the channel runs nothing */
    int got_eof;       /* the client sent EOF or CLOSE */
    int over;          /* the session has ended: input is not wanted */
    int closed;        /* we sent EOF and CLOSE: release it */
    const char *fail;  /* why the whole connection must go, or NULL */
};

/* A session channel on SESSION for USER (kept, not copied), in MODE;
 * NULL after a log line. */
struct channel *channel_create(ssh_session session, enum mode mode,
                               const char *user, struct peer *peer);
/* After each poll: timers, queued output, closing a finished channel. */
void channel_tend(struct channel *ch);
/* Milliseconds until the channel's next timer, or -1 if none. */
long long channel_wait_ms(const struct channel *ch);
/* Free CH (NULL is fine). */
void channel_release(struct channel *ch);

#endif
