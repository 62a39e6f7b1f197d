/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * copy: the read/write loop of a download, and what to say when a step
 * of the SFTP conversation fails.
 *
 * libssh2_sftp_read() is given a large buffer: libssh2 1.10 then keeps
 * up to four times that many bytes of 30000-byte READs in flight
 * (draft-ietf-secsh-filexfer-02 section 6.4), which is what makes a
 * download fast over a long round trip.  The writes go to writer.c's
 * thread, so that copying into the page cache overlaps decrypting what
 * comes next.
 */
#include <err.h>
#include <stdio.h>

#include "common/cli.h"
#include "get.h"
#include "ssh_tools/progress.h"

static size_t ask_size(const struct transfer *t, uint64_t received,
                       size_t size);

int copy_remote(struct transfer *t, size_t size)
{
    uint64_t total =
        t->attrs.flags & LIBSSH2_SFTP_ATTR_SIZE ? t->attrs.filesize : 0;
    struct writer *writer = writer_start(t, size);
    if (writer == NULL) {
        warnx("%s: cannot start writing", t->part);
        return CLI_EXIT_FAILURE;
    }
    /* The next READ asks for this offset (no request is sent yet). */
    libssh2_sftp_seek64(t->remote, t->offset);
    struct progress bar;
    progress_start(&bar, stdout, t->path, total, t->offset);
    uint64_t received = t->offset;
    char *buffer;
    ssize_t n = 0;
    while ((buffer = writer_next(writer)) != NULL &&
           (n = libssh2_sftp_read(t->remote, buffer,
                                  ask_size(t, received, size))) > 0) {
        writer_push(writer, (size_t)n);
        received += (uint64_t)n;
        progress_update(&bar, received);
    }
    /* Whatever was received is written (or fails to be) before we go. */
    int written = writer_finish(writer);
    if (written < 0 || n < 0) {
        progress_stop(&bar);
    }
    if (written < 0) {
        warn("writing %s", t->part);
        return CLI_EXIT_FAILURE;
    }
    if (n < 0) {
        return sftp_fail(t->ssh, t->sftp, "cannot read", t->path);
    }
    progress_finish(&bar, t->done);
    return CLI_EXIT_OK;
}

/*
 * How much to ask libssh2_sftp_read() for: SIZE, but near the end of a
 * file of known size a quarter of what is left and of one READ more.  So
 * libssh2 asks for the rest and one READ past the end, whose answer (end
 * of file) comes in the same round trip as the last bytes; not for 8 MiB
 * whatever the file, which for a small file meant 280 READs out and 280
 * answers back for a few bytes.
 */
static size_t ask_size(const struct transfer *t, uint64_t received, size_t size)
{
    if (!(t->attrs.flags & LIBSSH2_SFTP_ATTR_SIZE) ||
        received > t->attrs.filesize) {
        return size; /* unknown, or it grew: read on to the end of file */
    }
    uint64_t left = t->attrs.filesize - received;
    if (left == 0) {
        /* Only the end of file is to come, and a READ is out for it: a
         * larger ask would send more READs past the end (libssh2 counts
         * the bytes a short answer did not bring as still out), and the
         * server's replies to them hold up its reply to our CLOSE. */
        return 1;
    }
    uint64_t quarter =
        (left + ONE_READ + READ_AHEAD_FACTOR - 1) / READ_AHEAD_FACTOR;
    return quarter < size ? (size_t)quarter : size;
}

int sftp_fail(struct ssh2_session *ssh, LIBSSH2_SFTP *sftp, const char *what,
              const char *path)
{
    static const char *const reasons[] = {"ok",
                                          "end of file",
                                          "no such file",
                                          "permission denied",
                                          "failure",
                                          "bad message",
                                          "no connection",
                                          "connection lost",
                                          "operation unsupported"};
    int error = libssh2_session_last_errno(ssh->session);
    if (error == LIBSSH2_ERROR_TIMEOUT) {
        return sftp_stalled(ssh, path);
    }
    if (error != LIBSSH2_ERROR_SFTP_PROTOCOL) {
        int status = ssh2_fail(ssh->session, path);
        /* Not a file's fault: stop, whatever libssh2 called it. */
        return status == CLI_EXIT_FAILURE ? CLI_EXIT_CLOSED : status;
    }
    unsigned long code = libssh2_sftp_last_error(sftp);
    warnx("%s %s: %s", what, path,
          code < sizeof reasons / sizeof reasons[0] ? reasons[code]
                                                    : "refused");
    return CLI_EXIT_FAILURE;
}

int sftp_stalled(struct ssh2_session *ssh, const char *what)
{
    /* libssh2's time-out per blocking call: our stall time-out. */
    warnx("%s: nothing received for %ld s (--stall-timeout)", what,
          libssh2_session_get_timeout(ssh->session) / 1000);
    return CLI_EXIT_TIMEOUT;
}
