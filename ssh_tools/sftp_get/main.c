/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sftp_get: download files over SFTP into the current directory.
 *
 * SFTP is a file protocol spoken inside one SSH channel (the "sftp"
 * subsystem, RFC 4254 6.5; draft-ietf-secsh-filexfer-02, version 3):
 * OPEN, then READs of a given offset and length, then CLOSE.  libssh2 keeps
 * many READs in flight when asked for a large buffer, which is what makes
 * it fast over a long round trip.
 *
 *     $ sftp_get localhost brandon /etc/lsb-release
 *     Transfer of '/etc/lsb-release' is at 105/105 bytes (100.0%)
 *
 * Each file goes to a hidden temporary file beside its final name and is
 * renamed only when complete: an interrupted transfer never leaves a
 * truncated file under the final name, nor destroys one already there.
 * Only the base name is used: `../x` lands in ./x.
 *
 * Read download() first.  Lesson: lessons/08-sftp.md.  (The book's
 * sftp_get.py, Foundations of Python Network Programming, 3rd ed., ch. 16.)
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>
#include <libssh2_sftp.h>

#include "common/cli.h"
#include "common/net.h"
#include "ssh_tools/progress.h"
#include "ssh_tools/ssh2_session.h"

#define USAGE                                                                  \
    "usage: sftp_get [options] HOST USER PATH...\n"                            \
    "       sftp_get [options] USER@HOST PATH..."
/* libssh2 1.10 asks for this much at once in 30000-byte READs. */
#define BUFFER_SIZE   ((size_t)2 * 1024 * 1024)
#define NEW_FILE_MODE 0666

/* The temporary file being written, for the signal handler to remove. */
static char temp_path[PATH_MAX];
static volatile sig_atomic_t temp_exists;

static void print_usage(void);
static void remove_temp_on_signals(void);
static void on_signal(int signo);
static int download(struct ssh2_session *ssh, LIBSSH2_SFTP *sftp, const char *path,
                    char *buffer);
static const char *local_name(const char *path);
static int copy_file(struct ssh2_session *ssh, LIBSSH2_SFTP *sftp,
                     LIBSSH2_SFTP_HANDLE *remote, const char *path, int fd,
                     char *buffer);
static int keep_file(int fd, const char *name, int status);
static int sftp_fail(struct ssh2_session *ssh, LIBSSH2_SFTP *sftp, const char *what,
                     const char *path);

int main(int argc, char **argv)
{
    struct ssh2_options opts;
    int next;
    int status = ssh2_command_line(argc, argv, "sftp_get", USAGE, print_usage,
                                    1, &opts, &next);
    if (status >= 0) {
        return status; /* --help, --version or a usage error */
    }
    if (next == argc) {
        warnx("missing PATH");
        cli_print_usage_error(USAGE);
        return CLI_EXIT_USAGE;
    }
    char *buffer = malloc(BUFFER_SIZE);
    if (buffer == NULL) {
        err(CLI_EXIT_FAILURE, "buffer");
    }
    remove_temp_on_signals();

    struct ssh2_session ssh;
    LIBSSH2_SFTP *sftp = NULL;
    int failed = 0;
    status = ssh2_open(&opts, &ssh);
    /* RFC 4254 6.5: a session channel with the "sftp" subsystem. */
    if (status == CLI_EXIT_OK &&
        (sftp = libssh2_sftp_init(ssh.session)) == NULL) {
        status = ssh2_fail(ssh.session, "starting SFTP");
    }
    for (int i = next; status == CLI_EXIT_OK && i < argc; i++) {
        int result = download(&ssh, sftp, argv[i], buffer);
        failed |= result == CLI_EXIT_FAILURE;
        /* A dead connection ends it; a missing file does not. */
        status = result == CLI_EXIT_FAILURE ? CLI_EXIT_OK : result;
    }
    if (sftp != NULL) {
        libssh2_sftp_shutdown(sftp);
    }
    ssh2_close(&ssh, "sftp_get: done");
    free(buffer);
    return status == CLI_EXIT_OK && failed ? CLI_EXIT_FAILURE : status;
}

static void print_usage(void)
{
    printf("%s\n\n"
           "Download each PATH over SFTP into the current directory, under "
           "its base\nname, showing the progress.\n\n",
           USAGE);
    ssh2_print_options(stdout);
    puts("");
    cli_print_exit_codes(stdout, CLI_EXIT_OK, CLI_EXIT_HOSTKEY);
    puts("  (1 also when any file could not be downloaded)");
}

/* Interrupted, the half-written temporary file goes too. */
static void remove_temp_on_signals(void)
{
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        sigaction(signals[i], &sa, NULL);
    }
}

/* unlink() is async-signal-safe; then die of the signal, as before. */
static void on_signal(int signo)
{
    if (temp_exists) {
        unlink(temp_path);
    }
    signal(signo, SIG_DFL);
    raise(signo);
}

/*
 * PATH into ./basename: open it remotely, write a temporary file, rename.
 * CLI_EXIT_FAILURE for this file only; other statuses end the session.
 */
static int download(struct ssh2_session *ssh, LIBSSH2_SFTP *sftp, const char *path,
                    char *buffer)
{
    const char *name = local_name(path);
    if (name == NULL) {
        warnx("%s: no file name to save it under", path);
        return CLI_EXIT_FAILURE;
    }
    LIBSSH2_SFTP_HANDLE *remote =
        libssh2_sftp_open(sftp, path, LIBSSH2_FXF_READ, 0);
    if (remote == NULL) {
        return sftp_fail(ssh, sftp, "cannot open", path);
    }
    int status = CLI_EXIT_FAILURE;
    /* mkstemp() makes it 0600 and ours alone until it is complete. */
    snprintf(temp_path, sizeof temp_path, ".%.200s.XXXXXX", name);
    int fd = mkstemp(temp_path);
    if (fd < 0) {
        warn("%s", temp_path);
    } else {
        temp_exists = 1;
        status = copy_file(ssh, sftp, remote, path, fd, buffer);
        status = keep_file(fd, name, status);
        if (status != CLI_EXIT_OK) {
            unlink(temp_path);
        }
        temp_exists = 0;
    }
    libssh2_sftp_close(remote);
    return status;
}

/* PATH's last component, never "", "." or "..": or NULL. */
static const char *local_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash != NULL ? slash + 1 : path;
    if (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        return NULL;
    }
    return name;
}

/* The read/write loop: each read asks for up to a whole BUFFER. */
static int copy_file(struct ssh2_session *ssh, LIBSSH2_SFTP *sftp,
                     LIBSSH2_SFTP_HANDLE *remote, const char *path, int fd,
                     char *buffer)
{
    LIBSSH2_SFTP_ATTRIBUTES attrs;
    uint64_t total = 0, done = 0;
    if (libssh2_sftp_fstat(remote, &attrs) == 0 &&
        (attrs.flags & LIBSSH2_SFTP_ATTR_SIZE)) {
        total = attrs.filesize;
    }
    struct progress bar;
    progress_start(&bar, stdout, path, total, 0);
    ssize_t n;
    while ((n = libssh2_sftp_read(remote, buffer, BUFFER_SIZE)) > 0) {
        if (net_write_all(fd, buffer, (size_t)n) < 0) {
            progress_stop(&bar);
            warn("writing %s", temp_path);
            return CLI_EXIT_FAILURE;
        }
        done += (uint64_t)n;
        progress_update(&bar, done);
    }
    if (n < 0) {
        progress_stop(&bar);
        return sftp_fail(ssh, sftp, "cannot read", path);
    }
    progress_finish(&bar, done);
    return CLI_EXIT_OK;
}

/*
 * Close FD, and if STATUS says it is complete, give it its final NAME
 * (rename() within a directory is atomic).  Returns the new status.
 */
static int keep_file(int fd, const char *name, int status)
{
    if (status != CLI_EXIT_OK) {
        close(fd);
        return status;
    }
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, NEW_FILE_MODE & ~mask) != 0) {
        warn("%s", temp_path);
        close(fd);
        return CLI_EXIT_FAILURE;
    }
    /* close() reports a write the disk could not take after all. */
    if (close(fd) != 0 || rename(temp_path, name) != 0) {
        warn("saving %s", name);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

/*
 * One line about PATH: the server's SSH_FX_* status (this file failed), or
 * the connection's trouble (the session is over).
 */
static int sftp_fail(struct ssh2_session *ssh, LIBSSH2_SFTP *sftp, const char *what,
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
    if (libssh2_session_last_errno(ssh->session) !=
        LIBSSH2_ERROR_SFTP_PROTOCOL) {
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
