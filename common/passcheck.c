/* SPDX-License-Identifier: GPL-3.0-or-later */
/* passcheck: password checks on a worker thread, answers through a pipe. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/passcheck.h"

enum job_state {
    JOB_FREE,
    JOB_WAITING,
    JOB_RUNNING,
    JOB_DONE
};

/*
 * One check.  The buffers hold one byte more than users.h accepts, so an
 * over-long name or password stays over-long and is refused as such.
 */
struct job {
    enum job_state state;
    unsigned long long order; /* first come, first checked */
    unsigned long id;
    int ok;
    char user[USERS_NAME_MAX + 2];
    char password[USERS_PASSWORD_MAX + 2];
};

struct passcheck {
    const struct users *users;
    pthread_t worker;
    pthread_mutex_t lock; /* guards jobs, next_order, stopping */
    pthread_cond_t wake;  /* a job is waiting, or stop */
    struct job jobs[PASSCHECK_QUEUE_MAX];
    unsigned long long next_order;
    int stopping;
    int pipe_read;  /* the loop polls this */
    int pipe_write; /* the worker writes one byte per answer */
};

static int start_worker(struct passcheck *pc);
static void *work(void *arg);
static struct job *next_waiting(struct passcheck *pc);
static void copy_bounded(char *dst, const char *src, size_t size);
static void wipe(void *p, size_t len);

struct passcheck *passcheck_start(const struct users *users)
{
    struct passcheck *pc = calloc(1, sizeof(*pc));
    int fds[2];

    if (pc == NULL) {
        warn("passcheck");
        return NULL;
    }
    if (pipe(fds) == -1) {
        warn("passcheck: pipe");
        free(pc);
        return NULL;
    }
    /* Neither end blocks, and no child process inherits them. */
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    pc->pipe_read = fds[0];
    pc->pipe_write = fds[1];
    pc->users = users;
    if (start_worker(pc) == -1) {
        close(fds[0]);
        close(fds[1]);
        free(pc);
        return NULL;
    }
    return pc;
}

/* The thread, with every signal blocked: they stay the main loop's. */
static int start_worker(struct passcheck *pc)
{
    sigset_t all;
    sigset_t old;
    int rc;

    pthread_mutex_init(&pc->lock, NULL);
    pthread_cond_init(&pc->wake, NULL);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&pc->worker, NULL, work, pc);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        errno = rc;
        warn("passcheck: pthread_create");
        pthread_cond_destroy(&pc->wake);
        pthread_mutex_destroy(&pc->lock);
        return -1;
    }
    return 0;
}

int passcheck_fd(const struct passcheck *pc)
{
    return pc->pipe_read;
}

int passcheck_submit(struct passcheck *pc, unsigned long id, const char *user,
                     const char *password)
{
    struct job *job = NULL;

    pthread_mutex_lock(&pc->lock);
    for (int i = 0; i < PASSCHECK_QUEUE_MAX && job == NULL; i++) {
        if (pc->jobs[i].state == JOB_FREE) {
            job = &pc->jobs[i];
        }
    }
    if (job != NULL) {
        job->id = id;
        job->order = pc->next_order++;
        copy_bounded(job->user, user, sizeof(job->user));
        copy_bounded(job->password, password, sizeof(job->password));
        job->state = JOB_WAITING;
        pthread_cond_signal(&pc->wake);
    }
    pthread_mutex_unlock(&pc->lock);
    return job != NULL ? 0 : -1;
}

int passcheck_result(struct passcheck *pc, unsigned long *id, int *ok)
{
    char drain[64];
    int found = 0;

    /* The bytes only wake poll(); the job states are the truth. */
    while (read(pc->pipe_read, drain, sizeof(drain)) > 0) {
    }
    pthread_mutex_lock(&pc->lock);
    for (int i = 0; i < PASSCHECK_QUEUE_MAX && !found; i++) {
        struct job *job = &pc->jobs[i];
        if (job->state == JOB_DONE) {
            *id = job->id;
            *ok = job->ok;
            job->state = JOB_FREE;
            found = 1;
        }
    }
    pthread_mutex_unlock(&pc->lock);
    return found;
}

void passcheck_stop(struct passcheck *pc)
{
    if (pc == NULL) {
        return;
    }
    pthread_mutex_lock(&pc->lock);
    pc->stopping = 1;
    pthread_cond_signal(&pc->wake);
    pthread_mutex_unlock(&pc->lock);
    pthread_join(pc->worker, NULL);
    pthread_cond_destroy(&pc->wake);
    pthread_mutex_destroy(&pc->lock);
    close(pc->pipe_read);
    close(pc->pipe_write);
    wipe(pc->jobs, sizeof(pc->jobs));
    free(pc);
}

/* The worker: check the oldest waiting job, post the answer, repeat. */
static void *work(void *arg)
{
    struct passcheck *pc = arg;
    struct job *job;
    int ok;

    pthread_mutex_lock(&pc->lock);
    for (;;) {
        while (!pc->stopping && (job = next_waiting(pc)) == NULL) {
            pthread_cond_wait(&pc->wake, &pc->lock);
        }
        if (pc->stopping) {
            break;
        }
        job->state = JOB_RUNNING; /* the loop leaves it alone now */
        pthread_mutex_unlock(&pc->lock);
        ok = users_verify(pc->users, job->user, job->password);
        wipe(job->password, sizeof(job->password));
        wipe(job->user, sizeof(job->user));
        pthread_mutex_lock(&pc->lock);
        job->ok = ok;
        job->state = JOB_DONE;
        /* A full pipe already wakes poll(): EAGAIN loses nothing. */
        if (write(pc->pipe_write, "!", 1) == -1 && errno != EAGAIN) {
            warn("passcheck: write");
        }
    }
    pthread_mutex_unlock(&pc->lock);
    return NULL;
}

/* The waiting job submitted first, or NULL; called with the lock held. */
static struct job *next_waiting(struct passcheck *pc)
{
    struct job *oldest = NULL;

    for (int i = 0; i < PASSCHECK_QUEUE_MAX; i++) {
        struct job *job = &pc->jobs[i];
        if (job->state == JOB_WAITING &&
            (oldest == NULL || job->order < oldest->order)) {
            oldest = job;
        }
    }
    return oldest;
}

/* Copy SRC into DST of SIZE, cut short if need be, always terminated. */
static void copy_bounded(char *dst, const char *src, size_t size)
{
    size_t len = strnlen(src, size - 1);

    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* Overwrite LEN bytes; volatile, so the stores cannot be optimised away. */
static void wipe(void *p, size_t len)
{
    volatile unsigned char *v = p;

    while (len-- > 0) {
        *v++ = 0;
    }
}
