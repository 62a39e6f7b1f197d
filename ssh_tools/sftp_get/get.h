/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * get: what sftp_get's files share.  main.c tells the story and calls the
 * others: partial.c (the hidden partial file beside the final name),
 * copy.c (the read/write loop), which hands its writes to writer.c, and
 * streams.c (--streams); none calls back into main.c.
 */
#ifndef SHELLWIRE_SSH_SFTP_GET_GET_H
#define SHELLWIRE_SSH_SFTP_GET_GET_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <libssh2.h>
#include <libssh2_sftp.h>

#include "ssh_tools/ssh2_session.h"

/* libssh2 1.10 reads ahead four times the buffer libssh2_sftp_read() is
 * given (at most 8 MiB), in READs of 30000 bytes. */
#define READ_AHEAD_FACTOR 4
#define ONE_READ          30000

/* What the partial file of NAME is called: ".NAME.part". */
#define PARTIAL_FORMAT ".%s.part"

/* One download: the remote file, and the partial local file it goes to. */
struct transfer {
    struct ssh2_session *ssh;
    LIBSSH2_SFTP *sftp;
    LIBSSH2_SFTP_HANDLE *remote;
    const char *path;              /* the remote path, as given */
    LIBSSH2_SFTP_ATTRIBUTES attrs; /* its size, mode, times: flags say */
    char part[PATH_MAX];           /* the partial file's name */
    int fd;                        /* open on it, or -1 */
    uint64_t offset;               /* its length when we began */
    uint64_t done;                 /* its length now */
};

/* -- partial.c -- */

/* Keep (not remove) the partial file when a signal ends the program. */
void partial_guard_signals(void);

/*
 * Open T's partial file for NAME: afresh, or with RESUME where it stops,
 * after checking that the remote file neither shrank nor changed its
 * time.  Returns an enum cli_exit (FAILURE after one line).
 */
int partial_open(struct transfer *t, const char *name, int resume);

/* Give the partial file the remote file's time, which --resume checks. */
void partial_stamp(const struct transfer *t);

/* Complete: the remote mode (and with PRESERVE its times), then the final
 * NAME.  Returns an enum cli_exit. */
int partial_keep(struct transfer *t, const char *name, int preserve);

/* Failed with STATUS: keep what an interrupted transfer fetched, else
 * remove it. */
void partial_abandon(struct transfer *t, int status);

/* -- copy.c (which also holds sftp_fail() and sftp_stalled()) -- */

/* The remote file from T->offset into T->fd, SIZE bytes at most at a
 * time, with the progress on stdout.  Returns an enum cli_exit. */
int copy_remote(struct transfer *t, size_t size);

/* -- writer.c: T's writes on a thread of their own -- */

struct writer;

/* A writer thread for T's partial file, with buffers of SIZE bytes; NULL
 * when there is no memory or thread for it. */
struct writer *writer_start(struct transfer *t, size_t size);

/* A free buffer to fill (waiting for one); NULL after a write failed. */
char *writer_next(struct writer *w);

/* Hand the buffer writer_next() gave over, with LEN bytes in it. */
void writer_push(struct writer *w, size_t len);

/* Write what was pushed, stop the thread, free W: 0, or -1 and errno. */
int writer_finish(struct writer *w);

/* -- streams.c -- */

/* At most this many connections for one file (--streams). */
#define STREAMS_MAX 8

/*
 * As copy_remote(), over N connections (T's own, and N - 1 more opened
 * with OPTS, each giving up after STALL_MS idle).  T's size must be known.
 */
int copy_streams(struct transfer *t, const struct ssh2_options *opts,
                 long stall_ms, int n);

/*
 * One line about PATH after WHAT failed: the server's SSH_FX_* status
 * (CLI_EXIT_FAILURE: this file only), or the connection's trouble (its
 * status: the session is over).
 */
int sftp_fail(struct ssh2_session *ssh, LIBSSH2_SFTP *sftp, const char *what,
              const char *path);

/* "WHAT: nothing received for N s (--stall-timeout)": CLI_EXIT_TIMEOUT. */
int sftp_stalled(struct ssh2_session *ssh, const char *what);

#endif
