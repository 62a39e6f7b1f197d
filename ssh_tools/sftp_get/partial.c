/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * partial: the file a download is written to, ".NAME.part" beside its
 * final NAME, renamed to NAME only when complete (rename() in one
 * directory is atomic), so that NAME never holds half a file.
 *
 * An interrupted download (connection lost, stalled, a signal, even
 * SIGKILL) leaves that file behind; `--resume` continues it from its
 * length.  Its modification time is kept equal to the remote file's
 * after every write, so that --resume can tell that the remote file
 * changed in between, as OpenSSH's `reget` cannot.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "get.h"

#define NEW_FILE_MODE 0666

/* The partial file being written, for the signal handler. */
static volatile sig_atomic_t guarded;
static int guarded_fd = -1;
static char guarded_path[PATH_MAX];
static struct timespec guarded_times[2];

static void on_signal(int signo);
static int may_resume(const struct transfer *t, const struct stat *st);
static void guard(const struct transfer *t);

void partial_guard_signals(void)
{
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        sigaction(signals[i], &sa, NULL);
    }
}

int partial_open(struct transfer *t, const char *name, int resume)
{
    int n = snprintf(t->part, sizeof t->part, PARTIAL_FORMAT, name);
    if (n < 0 || (size_t)n >= sizeof t->part) {
        warnx("%s: name too long", name);
        return CLI_EXIT_FAILURE;
    }
    /* O_NOFOLLOW: a symbolic link planted there is not followed. */
    int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | (resume ? 0 : O_TRUNC);
    int fd = open(t->part, flags, 0600);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        warn("%s", t->part);
        if (fd >= 0) {
            close(fd);
        }
        return CLI_EXIT_FAILURE;
    }
    if (resume && st.st_size > 0 && !may_resume(t, &st)) {
        close(fd);
        return CLI_EXIT_FAILURE;
    }
    t->fd = fd;
    t->offset = t->done = (uint64_t)st.st_size;
    if (lseek(fd, st.st_size, SEEK_SET) < 0) {
        warn("%s", t->part);
        partial_abandon(t, CLI_EXIT_FAILURE);
        return CLI_EXIT_FAILURE;
    }
    guard(t);
    return CLI_EXIT_OK;
}

void partial_stamp(const struct transfer *t)
{
    if (t->attrs.flags & LIBSSH2_SFTP_ATTR_ACMODTIME) {
        futimens(t->fd, guarded_times);
    }
}

int partial_keep(struct transfer *t, const char *name, int preserve)
{
    /* As OpenSSH's sftp: the remote mode, owner-writable, minus the umask;
     * with --preserve (sftp -p) the mode and times exactly. */
    mode_t mode = t->attrs.flags & LIBSSH2_SFTP_ATTR_PERMISSIONS
                      ? (mode_t)t->attrs.permissions & 0777
                      : NEW_FILE_MODE;
    if (!preserve) {
        mode_t mask = umask(0);
        umask(mask);
        mode = (mode | S_IWUSR) & ~mask;
    }
    struct timespec times[2] = {{.tv_sec = (time_t)t->attrs.atime},
                                {.tv_sec = (time_t)t->attrs.mtime}};
    int timed = preserve && (t->attrs.flags & LIBSSH2_SFTP_ATTR_ACMODTIME);
    guarded = 0;
    /* Without --preserve, the time of the download, not the stamp. */
    if (fchmod(t->fd, mode) != 0 || futimens(t->fd, timed ? times : NULL)) {
        warn("%s", t->part);
        partial_abandon(t, CLI_EXIT_FAILURE);
        return CLI_EXIT_FAILURE;
    }
    /* close() reports a write the disk could not take after all. */
    int closed = close(t->fd);
    t->fd = -1;
    if (closed != 0 || rename(t->part, name) != 0) {
        warn("saving %s", name);
        unlink(t->part);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

void partial_abandon(struct transfer *t, int status)
{
    if (t->fd < 0) {
        return;
    }
    guarded = 0;
    close(t->fd);
    t->fd = -1;
    int interrupted = status == CLI_EXIT_CLOSED || status == CLI_EXIT_TIMEOUT;
    if (interrupted && t->done > 0) {
        warnx("the first %llu bytes are kept in %s: --resume continues",
              (unsigned long long)t->done, t->part);
    } else {
        unlink(t->part);
    }
}

/* Does the partial file ST still match the remote file?  Else one line. */
static int may_resume(const struct transfer *t, const struct stat *st)
{
    const LIBSSH2_SFTP_ATTRIBUTES *a = &t->attrs;
    if ((a->flags & LIBSSH2_SFTP_ATTR_SIZE) &&
        a->filesize < (uint64_t)st->st_size) {
        warnx("not resuming %s: it is now shorter than %s", t->path, t->part);
        return 0;
    }
    if ((a->flags & LIBSSH2_SFTP_ATTR_ACMODTIME) &&
        (time_t)a->mtime != st->st_mtime) {
        warnx("not resuming %s: it has changed since %s was begun", t->path,
              t->part);
        return 0;
    }
    return 1;
}

/* From now on a signal leaves T's partial file stamped, not half-done. */
static void guard(const struct transfer *t)
{
    guarded_fd = t->fd;
    memcpy(guarded_path, t->part, sizeof guarded_path);
    guarded_times[0] = (struct timespec){.tv_nsec = UTIME_OMIT};
    guarded_times[1] = t->attrs.flags & LIBSSH2_SFTP_ATTR_ACMODTIME
                           ? (struct timespec){.tv_sec = (time_t)t->attrs.mtime}
                           : (struct timespec){.tv_nsec = UTIME_OMIT};
    guarded = 1;
    partial_stamp(t);
}

/* fstat(), futimens() and unlink() are async-signal-safe (POSIX 2.4.3):
 * keep what was fetched, then die of the signal, as before. */
static void on_signal(int signo)
{
    struct stat st;
    if (guarded && fstat(guarded_fd, &st) == 0) {
        if (st.st_size == 0) {
            unlink(guarded_path);
        } else {
            futimens(guarded_fd, guarded_times);
        }
    }
    signal(signo, SIG_DFL);
    raise(signo);
}
