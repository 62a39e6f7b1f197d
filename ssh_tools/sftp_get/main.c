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
 * Each file goes to a hidden partial file beside its final name and is
 * renamed only when complete: an interrupted transfer never leaves a
 * truncated file under the final name, nor destroys one already there,
 * and --resume continues it.  Only the base name is used: `../x` lands in
 * ./x.
 *
 * Read download() first, then copy.c and partial.c.  Lesson:
 * lessons/08-sftp.md.  (The book's sftp_get.py, Foundations of Python
 * Network Programming, 3rd ed., ch. 16.)
 */
#include <sys/socket.h>

#include <err.h>
#ifdef __GLIBC__
#include <malloc.h> /* mallopt(): see keep_freed_memory() */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "get.h"

#define USAGE                                                                  \
    "usage: sftp_get [options] HOST USER PATH...\n"                            \
    "       sftp_get [options] USER@HOST PATH..."
/* libssh2 1.10 keeps four times this in flight, in 30000-byte READs. */
#define BUFFER_SIZE           ((size_t)2 * 1024 * 1024)
#define DEFAULT_STALL_SECONDS 30
/* --streams pays for its logins only on a file larger than this. */
#define STREAMS_MIN_SIZE ((uint64_t)16 * 1024 * 1024)

/* sftp_get's own options, beside the shared SSH ones. */
struct get_options {
    int resume;   /* --resume: continue a partial file */
    int preserve; /* --preserve: the remote mode and times */
    long stall_s; /* --stall-timeout: give up after this long idle */
    long streams; /* --streams: connections for one large file */
    const struct ssh2_options *login; /* for the streams' logins */
};

static void keep_freed_memory(void);
static int take_own_options(int *argc, char **argv, struct get_options *own);
static void print_usage(void);
static int start_sftp(struct ssh2_session *ssh, LIBSSH2_SFTP **sftp);
static int download(struct ssh2_session *ssh, LIBSSH2_SFTP *sftp,
                    const struct get_options *own, const char *path);
static int fetch(struct transfer *t, const struct get_options *own);
static const char *local_name(const char *path);

int main(int argc, char **argv)
{
    struct ssh2_options opts;
    struct get_options own = {
        .stall_s = DEFAULT_STALL_SECONDS, .streams = 1, .login = &opts};
    int next;
    if (take_own_options(&argc, argv, &own) < 0) {
        cli_print_usage_error(USAGE);
        return CLI_EXIT_USAGE;
    }
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
    partial_guard_signals();
    keep_freed_memory();

    struct ssh2_session ssh;
    LIBSSH2_SFTP *sftp = NULL;
    int failed = 0;
    status = ssh2_open(&opts, &ssh);
    if (status == CLI_EXIT_OK) {
        /* From now on every blocking call gives up after STALL_S idle. */
        libssh2_session_set_timeout(ssh.session, own.stall_s * 1000);
        status = start_sftp(&ssh, &sftp);
    }
    for (int i = next; status == CLI_EXIT_OK && i < argc; i++) {
        int result = download(&ssh, sftp, &own, argv[i]);
        failed |= result == CLI_EXIT_FAILURE;
        /* A dead connection ends it; a missing file does not. */
        status = result == CLI_EXIT_FAILURE ? CLI_EXIT_OK : result;
    }
    if (sftp != NULL) {
        libssh2_sftp_shutdown(sftp);
    }
    ssh2_close(&ssh, "sftp_get: done");
    return status == CLI_EXIT_OK && failed ? CLI_EXIT_FAILURE : status;
}

/*
 * libssh2 allocates each packet it receives and frees a round trip's
 * worth of them at once.  glibc then gives the top of the heap back to
 * the kernel, and the next round trip faults it in again, zeroed page by
 * page: at 50 ms that was a third of the time (61 against 92 MB/s).  So
 * freed memory is kept, up to 64 MiB; the peak stays what the reads in
 * flight make it.
 */
static void keep_freed_memory(void)
{
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}

/*
 * Take sftp_get's own options out of ARGV (wherever they are before a
 * "--"), leaving the shared ones for ssh2_command_line().  0, or -1 after
 * one line.
 */
static int take_own_options(int *argc, char **argv, struct get_options *own)
{
    int kept = 1, i = 1;
    for (; i < *argc && strcmp(argv[i], "--") != 0; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--resume") == 0) {
            own->resume = 1;
        } else if (strcmp(a, "--preserve") == 0) {
            own->preserve = 1;
        } else if (strcmp(a, "--stall-timeout") == 0) {
            if (i + 1 == *argc) {
                warnx("--stall-timeout wants a number of seconds");
                return -1;
            }
            if (cli_parse_number(argv[i + 1], 1, 86400, "stall time-out",
                                 &own->stall_s) < 0) {
                return -1;
            }
            i++;
        } else if (strcmp(a, "--streams") == 0) {
            if (i + 1 == *argc) {
                warnx("--streams wants a number of connections");
                return -1;
            }
            if (cli_parse_number(argv[i + 1], 1, STREAMS_MAX, "streams",
                                 &own->streams) < 0) {
                return -1;
            }
            i++;
        } else {
            argv[kept++] = argv[i];
        }
    }
    while (i < *argc) {
        argv[kept++] = argv[i++];
    }
    argv[kept] = NULL;
    *argc = kept;
    return 0;
}

static void print_usage(void)
{
    printf("%s\n\n"
           "Download each PATH over SFTP into the current directory, under "
           "its base\nname, showing the progress.\n\n"
           "      --resume            continue the partial file an "
           "interrupted download\n"
           "                          left (.NAME.part), if the remote file "
           "is unchanged\n"
           "      --preserve          give the file the remote mode and "
           "times\n"
           "      --stall-timeout N   give up when nothing comes for N "
           "seconds (default %d)\n"
           "      --streams N         fetch a large file over N connections "
           "at once (1-%d,\n"
           "                          default 1; each logs in again: keys "
           "or agent only)\n",
           USAGE, DEFAULT_STALL_SECONDS, STREAMS_MAX);
    ssh2_print_options(stdout);
    puts("");
    cli_print_exit_codes(stdout, CLI_EXIT_OK, CLI_EXIT_HOSTKEY);
    puts("  (1 also when any file could not be downloaded)");
}

/*
 * RFC 4254 6.5: a session channel with the "sftp" subsystem.  When that
 * fails, libssh2 1.10 forgets whether the server refused (CHANNEL_FAILURE,
 * 5.4) or the connection broke: ask once more on a channel of our own, so
 * that a refusal is told as OpenSSH tells it.
 */
static int start_sftp(struct ssh2_session *ssh, LIBSSH2_SFTP **sftp)
{
    *sftp = libssh2_sftp_init(ssh->session);
    if (*sftp != NULL) {
        return CLI_EXIT_OK;
    }
    if (libssh2_session_last_errno(ssh->session) == LIBSSH2_ERROR_TIMEOUT) {
        return sftp_stalled(ssh, "starting SFTP");
    }
    LIBSSH2_CHANNEL *channel = libssh2_channel_open_session(ssh->session);
    if (channel == NULL) {
        return ssh2_fail(ssh->session, "starting SFTP");
    }
    int status = CLI_EXIT_FAILURE;
    if (libssh2_channel_subsystem(channel, "sftp") != 0) {
        /* The refused request was on our first channel, number 0. */
        status = ssh2_request_fail(ssh, "subsystem", 0);
    } else {
        warnx("starting SFTP: failed");
    }
    libssh2_channel_free(channel);
    return status;
}

/*
 * PATH into ./basename: open it remotely, write the partial file, rename.
 * CLI_EXIT_FAILURE for this file only; other statuses end the session.
 */
static int download(struct ssh2_session *ssh, LIBSSH2_SFTP *sftp,
                    const struct get_options *own, const char *path)
{
    const char *name = local_name(path);
    if (name == NULL) {
        warnx("%s: no file name to save it under", path);
        return CLI_EXIT_FAILURE;
    }
    struct transfer t = {.ssh = ssh, .sftp = sftp, .path = path, .fd = -1};
    t.remote = libssh2_sftp_open(sftp, path, LIBSSH2_FXF_READ, 0);
    if (t.remote == NULL) {
        return sftp_fail(ssh, sftp, "cannot open", path);
    }
    /* SSH_FXP_FSTAT: the size, mode and times (flags say which came). */
    if (libssh2_sftp_fstat(t.remote, &t.attrs) != 0) {
        t.attrs.flags = 0;
    }
    int status = partial_open(&t, name, own->resume);
    if (status == CLI_EXIT_OK) {
        status = fetch(&t, own);
    }
    if (status == CLI_EXIT_OK) {
        status = partial_keep(&t, name, own->preserve);
    } else {
        partial_abandon(&t, status);
    }
    if (status == CLI_EXIT_TIMEOUT) {
        /* A stalled server would stall the goodbyes as well: end the
         * connection, so that libssh2 gives up (and frees) at once. */
        shutdown(ssh->fd, SHUT_RDWR);
    }
    libssh2_sftp_close(t.remote);
    return status;
}

/* The bytes, over one connection or (--streams, a large file) several. */
static int fetch(struct transfer *t, const struct get_options *own)
{
    uint64_t size =
        t->attrs.flags & LIBSSH2_SFTP_ATTR_SIZE ? t->attrs.filesize : 0;
    if (own->streams > 1 && size >= t->offset + STREAMS_MIN_SIZE) {
        return copy_streams(t, own->login, own->stall_s * 1000,
                            (int)own->streams);
    }
    return copy_remote(t, BUFFER_SIZE);
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
