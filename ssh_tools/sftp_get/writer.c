/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * writer: the partial file's writes on a thread of their own, so that
 * copying into the page cache (write(2)) overlaps decrypting the next
 * bytes, on the second core, as OpenSSH's ssh and sftp processes overlap.
 * The libssh2 session stays on the main thread; only the buffers travel,
 * round a ring of SLOTS: the main thread fills one (writer_next(), then
 * writer_push()), the writer thread writes them in order and gives each
 * back.  Memory stays at SLOTS buffers whatever the file's size.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "common/net.h"
#include "get.h"

#define SLOTS 4

/* The ring; LOCK guards all but T, SIZE and the buffers' bytes. */
struct writer {
    struct transfer *t;
    size_t size;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t thread;
    char *data[SLOTS];
    size_t len[SLOTS];
    unsigned long filled, written; /* buffers pushed, buffers written */
    int closing;                   /* no more pushes */
    int error;                     /* write(2)'s errno, or 0 */
};

static void *write_in_order(void *arg);
static int wait_for_slot(struct writer *w);
static void release(struct writer *w, int slots);

struct writer *writer_start(struct transfer *t, size_t size)
{
    struct writer *w = calloc(1, sizeof *w);
    if (w == NULL) {
        return NULL;
    }
    *w = (struct writer){.t = t, .size = size};
    int slots = 0;
    while (slots < SLOTS && (w->data[slots] = malloc(size)) != NULL) {
        slots++;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->changed, NULL);
    if (slots < SLOTS ||
        pthread_create(&w->thread, NULL, write_in_order, w) != 0) {
        release(w, slots);
        return NULL;
    }
    return w;
}

char *writer_next(struct writer *w)
{
    pthread_mutex_lock(&w->lock);
    while (w->filled - w->written == SLOTS && w->error == 0) {
        pthread_cond_wait(&w->changed, &w->lock);
    }
    int error = w->error;
    pthread_mutex_unlock(&w->lock);
    return error == 0 ? w->data[w->filled % SLOTS] : NULL;
}

void writer_push(struct writer *w, size_t len)
{
    pthread_mutex_lock(&w->lock);
    w->len[w->filled % SLOTS] = len;
    w->filled++;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
}

int writer_finish(struct writer *w)
{
    pthread_mutex_lock(&w->lock);
    w->closing = 1;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    int error = w->error;
    release(w, SLOTS);
    errno = error;
    return error == 0 ? 0 : -1;
}

/* The writer thread: each pushed buffer, in order, until closing (or a
 * write fails: then the main thread's next writer_next() says so). */
static void *write_in_order(void *arg)
{
    struct writer *w = arg;
    while (wait_for_slot(w)) {
        unsigned long k = w->written % SLOTS;
        if (net_write_all(w->t->fd, w->data[k], w->len[k]) < 0) {
            pthread_mutex_lock(&w->lock);
            w->error = errno != 0 ? errno : EIO;
            pthread_cond_broadcast(&w->changed);
            pthread_mutex_unlock(&w->lock);
            return NULL;
        }
        /* Only now are these bytes on disk: --resume trusts T->done. */
        w->t->done += w->len[k];
        partial_stamp(w->t);
        pthread_mutex_lock(&w->lock);
        w->written++;
        pthread_cond_broadcast(&w->changed);
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

/* 1 when a pushed buffer waits to be written, 0 when all are written and
 * no more will come. */
static int wait_for_slot(struct writer *w)
{
    pthread_mutex_lock(&w->lock);
    while (w->written == w->filled && !w->closing) {
        pthread_cond_wait(&w->changed, &w->lock);
    }
    int more = w->written != w->filled;
    pthread_mutex_unlock(&w->lock);
    return more;
}

/* Free W and the first SLOTS of its buffers. */
static void release(struct writer *w, int slots)
{
    for (int i = 0; i < slots; i++) {
        free(w->data[i]);
    }
    pthread_cond_destroy(&w->changed);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
