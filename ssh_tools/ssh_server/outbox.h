/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * outbox: a channel's output on its way to the client.  Bytes wait here
 * until the client's window (RFC 4254 5.2) and the socket have room; what
 * waits is bounded whatever window the client announces, and a client
 * that does not drain it in time is to be dropped.
 */
#ifndef SHELLWIRE_SSH_SERVER_OUTBOX_H
#define SHELLWIRE_SSH_SERVER_OUTBOX_H

#include <stddef.h>

#include <libssh/libssh.h>

#include "common/bytebuf.h"

/* Bytes waiting beyond this: the client is dropped. */
#define OUTBOX_MAX ((size_t)1 << 20)
/* Bytes waiting beyond this: stop taking the channel's input. */
#define OUTBOX_FULL ((size_t)64 << 10)
/* Seconds output may wait with none of it taken before the client is
 * dropped. */
#define OUTBOX_DRAIN_S 10

struct outbox {
    struct bytebuf queue;
    long long progress_ms; /* monoclock_ms() when bytes last left */
};

/* Queue LEN bytes; 0, or -1 with *WHY saying why the client must go. */
int outbox_queue(struct outbox *box, const char *bytes, size_t len,
                 const char **why);
/* Hand libssh what the window and the socket take; 0, or -1 with *WHY. */
int outbox_flush(struct outbox *box, ssh_session session, ssh_channel handle,
                 const char **why);
/* 1 when so much waits that the channel's input should wait too. */
int outbox_is_full(const struct outbox *box);
size_t outbox_len(const struct outbox *box);
void outbox_free(struct outbox *box);

#endif
