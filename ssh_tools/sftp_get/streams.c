/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * streams: one large file over N SSH connections at once (--streams N).
 * One connection keeps at most what its READs ask for in flight, and
 * libssh2 decrypts it on one thread.  Here N threads, each with its own
 * connection (a libssh2 session belongs to one thread at a time), fetch
 * CHUNK-sized pieces of the file in turn into a ring of SLOTS buffers;
 * the main thread writes the pieces in order, so the partial file is
 * always a prefix of the remote file (as --resume expects) and memory
 * stays at SLOTS * CHUNK whatever the file's size.
 */
#include <sys/socket.h>

#include <err.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/cli.h"
#include "common/net.h"
#include "get.h"
#include "ssh_tools/progress.h"

#define CHUNK ((size_t)4 * 1024 * 1024)
#define SLOTS 6

/* One piece of the file: which, and whether it has arrived. */
struct slot {
    char *data;
    size_t len;
    uint64_t chunk;
    int filled;
};

/* A worker's failure: the main thread reports it with that connection. */
struct failure {
    struct ssh2_session *ssh;
    LIBSSH2_SFTP *sftp;
    int shrank; /* the file ended before its size: not libssh2's error */
};

/* What the threads share; LOCK guards all but T and OPTS. */
struct streams {
    struct transfer *t;
    const struct ssh2_options *opts;
    long stall_ms;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    uint64_t next, count, written; /* chunks handed out, all, written */
    int failed;                    /* a worker failed: see WHY */
    int stopped;                   /* the main thread is done */
    struct failure why;
    struct slot slots[SLOTS];
};

/* A fetching thread; worker 0 borrows the idle main thread's connection. */
struct worker {
    struct streams *s;
    int index;
    pthread_t thread;
};

static int write_in_order(struct streams *s);
static void *fetch(void *arg);
static int claim(struct streams *s, uint64_t *chunk);
static int fetch_chunk(struct streams *s, LIBSSH2_SFTP_HANDLE *remote,
                       uint64_t chunk);
static int open_stream(struct streams *s, struct ssh2_session *ssh,
                       LIBSSH2_SFTP **sftp, LIBSSH2_SFTP_HANDLE **remote);
static void close_stream(struct streams *s, struct ssh2_session *ssh,
                         LIBSSH2_SFTP *sftp, LIBSSH2_SFTP_HANDLE *remote);
static void fail(struct streams *s, const struct failure *why);
static int report(struct streams *s);
static void stop(struct streams *s);

int copy_streams(struct transfer *t, const struct ssh2_options *opts,
                 long stall_ms, int n)
{
    struct streams s = {.t = t, .opts = opts, .stall_ms = stall_ms};
    s.count = (t->attrs.filesize - t->offset + CHUNK - 1) / CHUNK;
    struct worker workers[STREAMS_MAX];
    int started = 0, status = CLI_EXIT_OK;
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.changed, NULL);
    for (int i = 0; i < SLOTS; i++) {
        s.slots[i].data = malloc(CHUNK);
        status = s.slots[i].data != NULL ? status : CLI_EXIT_FAILURE;
    }
    for (; status == CLI_EXIT_OK && started < n; started++) {
        workers[started] = (struct worker){.s = &s, .index = started};
        if (pthread_create(&workers[started].thread, NULL, fetch,
                           &workers[started]) != 0) {
            break;
        }
    }
    if (status != CLI_EXIT_OK || started == 0) {
        warnx("%s: cannot start the streams", t->path);
        status = CLI_EXIT_FAILURE;
    } else {
        status = write_in_order(&s);
    }
    stop(&s); /* the workers go home, if they have not */
    for (int i = 0; i < started; i++) {
        pthread_join(workers[i].thread, NULL);
    }
    for (int i = 0; i < SLOTS; i++) {
        free(s.slots[i].data);
    }
    pthread_cond_destroy(&s.changed);
    pthread_mutex_destroy(&s.lock);
    return status;
}

/* The main thread: each chunk as it comes, in order, to the partial
 * file; stops at the first gap a failure leaves. */
static int write_in_order(struct streams *s)
{
    struct progress bar;
    progress_start(&bar, stdout, s->t->path, s->t->attrs.filesize,
                   s->t->offset);
    for (uint64_t k = 0; k < s->count; k++) {
        struct slot *slot = &s->slots[k % SLOTS];
        pthread_mutex_lock(&s->lock);
        while (!(slot->filled && slot->chunk == k) && !s->failed) {
            pthread_cond_wait(&s->changed, &s->lock);
        }
        int ready = slot->filled && slot->chunk == k;
        pthread_mutex_unlock(&s->lock);
        if (!ready) {
            progress_stop(&bar);
            return report(s);
        }
        if (net_write_all(s->t->fd, slot->data, slot->len) < 0) {
            progress_stop(&bar);
            warn("writing %s", s->t->part);
            return CLI_EXIT_FAILURE;
        }
        s->t->done += slot->len;
        partial_stamp(s->t);
        progress_update(&bar, s->t->done);
        pthread_mutex_lock(&s->lock);
        slot->filled = 0;
        s->written = k + 1;
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->lock);
    }
    progress_finish(&bar, s->t->done);
    return CLI_EXIT_OK;
}

/* A worker: its own connection (but for worker 0), then chunks. */
static void *fetch(void *arg)
{
    struct worker *w = arg;
    struct streams *s = w->s;
    struct ssh2_session ssh = {.fd = -1};
    struct failure mine = {.ssh = s->t->ssh, .sftp = s->t->sftp};
    LIBSSH2_SFTP_HANDLE *remote = s->t->remote;
    int status = CLI_EXIT_OK;
    if (w->index > 0) {
        mine = (struct failure){.ssh = &ssh};
        remote = NULL;
        status = open_stream(s, &ssh, &mine.sftp, &remote);
    }
    uint64_t k;
    while (status == CLI_EXIT_OK && claim(s, &k)) {
        status = fetch_chunk(s, remote, k);
    }
    if (status != CLI_EXIT_OK && remote != NULL) {
        mine.shrank = status == CLI_EXIT_FAILURE;
        fail(s, &mine);
    }
    if (w->index > 0) {
        close_stream(s, &ssh, mine.sftp, remote);
    }
    return NULL;
}

/* The next chunk to fetch, once its slot is free: 1, or 0 when there is
 * nothing left to do. */
static int claim(struct streams *s, uint64_t *chunk)
{
    pthread_mutex_lock(&s->lock);
    while (!s->failed && !s->stopped && s->next < s->count &&
           s->next >= s->written + SLOTS) {
        pthread_cond_wait(&s->changed, &s->lock);
    }
    int more = !s->failed && !s->stopped && s->next < s->count;
    if (more) {
        *chunk = s->next++;
    }
    pthread_mutex_unlock(&s->lock);
    return more;
}

/* Read CHUNK into its slot.  Each read is given a quarter of what is
 * left of the chunk, so that libssh2 asks for no more than the chunk
 * (what it asks beyond, a seek throws away). */
static int fetch_chunk(struct streams *s, LIBSSH2_SFTP_HANDLE *remote,
                       uint64_t chunk)
{
    struct slot *slot = &s->slots[chunk % SLOTS];
    uint64_t start = s->t->offset + chunk * CHUNK;
    uint64_t end = s->t->attrs.filesize;
    size_t want = end - start < CHUNK ? (size_t)(end - start) : CHUNK;
    size_t got = 0;
    libssh2_sftp_seek64(remote, start);
    while (got < want) {
        size_t ask = (want - got) / READ_AHEAD_FACTOR;
        ask = ask < ONE_READ ? want - got : ask;
        ssize_t n = libssh2_sftp_read(remote, slot->data + got, ask);
        if (n <= 0) {
            return n == 0 ? CLI_EXIT_FAILURE : -1; /* shrank, or failed */
        }
        got += (size_t)n;
    }
    pthread_mutex_lock(&s->lock);
    slot->len = want;
    slot->chunk = chunk;
    slot->filled = 1;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    return CLI_EXIT_OK;
}

/* A worker's connection: log in again (meant for keys or an agent), the
 * sftp subsystem and the file.  Only ssh2_open() says why not. */
static int open_stream(struct streams *s, struct ssh2_session *ssh,
                       LIBSSH2_SFTP **sftp, LIBSSH2_SFTP_HANDLE **remote)
{
    int status = ssh2_open(s->opts, ssh);
    if (status != CLI_EXIT_OK) {
        return status;
    }
    libssh2_session_set_timeout(ssh->session, s->stall_ms);
    *sftp = libssh2_sftp_init(ssh->session);
    if (*sftp != NULL) {
        *remote = libssh2_sftp_open(*sftp, s->t->path, LIBSSH2_FXF_READ, 0);
    }
    return *remote != NULL ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

/* A worker's goodbyes.  After a failure anywhere the transfer is over:
 * the socket is shut first, so that no goodbye waits on a stalled server
 * (see download() in main.c). */
static void close_stream(struct streams *s, struct ssh2_session *ssh,
                         LIBSSH2_SFTP *sftp, LIBSSH2_SFTP_HANDLE *remote)
{
    pthread_mutex_lock(&s->lock);
    int failed = s->failed;
    pthread_mutex_unlock(&s->lock);
    if (failed && ssh->fd >= 0) {
        shutdown(ssh->fd, SHUT_RDWR);
    }
    if (remote != NULL) {
        libssh2_sftp_close(remote);
    }
    if (sftp != NULL) {
        libssh2_sftp_shutdown(sftp);
    }
    ssh2_close(ssh, "sftp_get: done");
}

/* The first failure stops everyone; its worker waits (keeping its
 * connection) until the main thread has reported it. */
static void fail(struct streams *s, const struct failure *why)
{
    pthread_mutex_lock(&s->lock);
    if (!s->failed && !s->stopped) {
        s->failed = 1;
        s->why = *why;
        pthread_cond_broadcast(&s->changed);
        while (!s->stopped) {
            pthread_cond_wait(&s->changed, &s->lock);
        }
    }
    pthread_mutex_unlock(&s->lock);
}

/* The main thread: one line about the failure, and its status. */
static int report(struct streams *s)
{
    if (s->why.shrank) {
        warnx("%s: it ended before its size: shorter than it was", s->t->path);
        return CLI_EXIT_FAILURE;
    }
    return sftp_fail(s->why.ssh, s->why.sftp, "cannot read", s->t->path);
}

/* The main thread is done: no more chunks, and a waiting worker goes. */
static void stop(struct streams *s)
{
    pthread_mutex_lock(&s->lock);
    s->stopped = 1;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
}
