/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * outbox: output waiting for the client.  Two limits hold it: the
 * client's window (RFC 4254 5.2: never send more than it allows), and the
 * socket.  A client may announce a window of 2^31-1 bytes and then read
 * nothing; libssh would keep whatever we hand it in its own buffer, so we
 * hand it more only when that buffer is empty (ssh_get_poll_flags), and
 * our queue stays ours to bound.
 */
#include <errno.h>

#include <libssh/libssh.h>

#include "common/monoclock.h"
#include "outbox.h"

/* The most handed to libssh at once. */
#define WRITE_CHUNK 32768

int outbox_queue(struct outbox *box, const char *bytes, size_t len,
                 const char **why)
{
    if (box->queue.len == 0) {
        box->progress_ms = monoclock_ms(); /* the wait starts now */
    }
    if (bytebuf_append(&box->queue, bytes, len, OUTBOX_MAX) < 0) {
        *why =
            errno == ENOBUFS ? "sends faster than it reads" : "out of memory";
        return -1;
    }
    return 0;
}

/*
 * Never more than the window: libssh would otherwise wait for a window
 * adjust inside ssh_channel_write.  Nothing while libssh still holds
 * bytes the socket did not take: they would pile up there instead.
 */
int outbox_flush(struct outbox *box, ssh_session session, ssh_channel handle,
                 const char **why)
{
    while (box->queue.len > 0 &&
           !(ssh_get_poll_flags(session) & SSH_WRITE_PENDING)) {
        size_t room = ssh_channel_window_size(handle);
        size_t n = box->queue.len < room ? box->queue.len : room;
        n = n < WRITE_CHUNK ? n : WRITE_CHUNK;
        if (n == 0) {
            break;
        }
        int sent = ssh_channel_write(handle, box->queue.data, n);
        if (sent < 0) {
            *why = "channel write failed";
            return -1;
        }
        bytebuf_consume(&box->queue, (size_t)sent);
        box->progress_ms = monoclock_ms();
    }
    if (box->queue.len > 0 &&
        monoclock_ms() - box->progress_ms >= OUTBOX_DRAIN_S * 1000LL) {
        *why = "sends faster than it reads";
        return -1;
    }
    return 0;
}

int outbox_is_full(const struct outbox *box)
{
    return box->queue.len >= OUTBOX_FULL;
}

size_t outbox_len(const struct outbox *box)
{
    return box->queue.len;
}

void outbox_free(struct outbox *box)
{
    bytebuf_free(&box->queue);
}
