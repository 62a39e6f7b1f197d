/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh_threads: several commands at once, each on its own channel of one
 * SSH session, each line printed the moment it arrives.
 *
 * The book runs one Python thread per channel.  A libssh2 session is not
 * thread-safe (its maintainers: one thread at a time per session; the
 * channel-open state lives in the session), and blocking reads under one
 * lock would print one command's output after the other.  So this program
 * does what a careful threaded one must do anyway: one non-blocking
 * session, one poll() loop, every channel read when the socket has data.
 * Channels are multiplexed by the protocol (RFC 4254 section 5), not by us.
 *
 *     $ ssh_threads localhost brandon
 *     One
 *     A
 *     B
 *     Two
 *     Three
 *     C
 *
 * Read run_all() and then read_lines().  Lesson: lessons/07-ssh-threads.md.
 * (The book's ssh_threads.py, Foundations of Python Network Programming,
 * 3rd ed., ch. 16.)
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh2.h>

#include "common/cli.h"
#include "ssh_tools/ssh2_session.h"

#define USAGE                                                                  \
    "usage: ssh_threads [options] HOST USER [COMMAND...]\n"                    \
    "       ssh_threads [options] USER@HOST [COMMAND...]"
/* A line longer than this is printed in pieces. */
#define LINE_SIZE 4096
/* sshd_config(5) MaxSessions: channels at once per connection, by default. */
#define OPENSSH_MAX_SESSIONS 10

/* One command's channel and its unfinished last line. */
struct job {
    const char *command;
    LIBSSH2_CHANNEL *channel;
    char line[LINE_SIZE];
    size_t len;
    int done; /* EOF seen, the last line printed */
};

static const char *const default_commands[] = {
    "echo One;sleep 2;echo Two;sleep 1;echo Three",
    "echo A;sleep 1;echo B;sleep 2;echo C",
};

static void print_usage(void);
static int run_all(struct ssh2_session *ssh, struct job *jobs, int count);
static int start_job(struct ssh2_session *ssh, struct job *job, int open);
static int read_lines(struct ssh2_session *ssh, struct job *job, int *got);
static void print_line(struct job *job);
static int any_pending(const struct job *jobs, int count);
static int finish_job(struct ssh2_session *ssh, struct job *job, int *failed);

int main(int argc, char **argv)
{
    struct ssh2_options opts;
    int next;
    int status = ssh2_command_line(argc, argv, "ssh_threads", USAGE,
                                   print_usage, 1, &opts, &next);
    if (status >= 0) {
        return status; /* --help, --version or a usage error */
    }
    const char *const *commands = (const char *const *)argv + next;
    int count = argc - next;
    if (count == 0) {
        commands = default_commands;
        count = sizeof default_commands / sizeof default_commands[0];
    }
    struct job *jobs = calloc((size_t)count, sizeof *jobs);
    if (jobs == NULL) {
        err(CLI_EXIT_FAILURE, "jobs");
    }
    for (int i = 0; i < count; i++) {
        jobs[i].command = commands[i];
    }

    struct ssh2_session ssh;
    status = ssh2_open(&opts, &ssh);
    if (status == CLI_EXIT_OK) {
        status = run_all(&ssh, jobs, count);
    }
    for (int i = 0; i < count; i++) {
        if (jobs[i].channel != NULL) {
            libssh2_channel_free(jobs[i].channel);
        }
    }
    ssh2_close(&ssh, "ssh_threads: done");
    free(jobs);
    return status;
}

static void print_usage(void)
{
    printf("%s\n\n"
           "Run every COMMAND at the same time, each on its own channel of "
           "one SSH\nsession, and print each line of output as it arrives.  "
           "Default: the book's\n'echo One;sleep 2;echo Two;sleep 1;echo "
           "Three' and\n'echo A;sleep 1;echo B;sleep 2;echo C'.\n\n",
           USAGE);
    ssh2_print_options(stdout);
    puts("");
    cli_print_exit_codes(stdout, CLI_EXIT_OK, CLI_EXIT_HOSTKEY);
    puts("  (1 also when a command exits with a status other than 0)");
}

/* Start every command, then read whichever has output until all end. */
static int run_all(struct ssh2_session *ssh, struct job *jobs, int count)
{
    int status = CLI_EXIT_OK, running = count;
    /* Opening is a request and a reply each: one at a time, blocking. */
    for (int i = 0; status == CLI_EXIT_OK && i < count; i++) {
        status = start_job(ssh, &jobs[i], i);
    }
    libssh2_session_set_blocking(ssh->session, 0);
    while (status == CLI_EXIT_OK && running > 0) {
        int got = 0;
        running = 0;
        for (int i = 0; status == CLI_EXIT_OK && i < count; i++) {
            if (!jobs[i].done) {
                status = read_lines(ssh, &jobs[i], &got);
                running += !jobs[i].done;
            }
        }
        if (status == CLI_EXIT_OK && running > 0 && !got &&
            !any_pending(jobs, count) && ssh2_wait_socket(ssh, -1) < 0) {
            status = CLI_EXIT_FAILURE;
        }
    }
    libssh2_session_set_blocking(ssh->session, 1);
    int failed = 0;
    for (int i = 0; status == CLI_EXIT_OK && i < count; i++) {
        status = finish_job(ssh, &jobs[i], &failed);
    }
    return status == CLI_EXIT_OK && failed ? CLI_EXIT_FAILURE : status;
}

/*
 * RFC 4254 6.5: a session channel and an "exec" request on it, with OPEN
 * channels already open.  A server may limit them: OpenSSH's sshd refuses
 * the eleventh (MaxSessions 10).
 */
static int start_job(struct ssh2_session *ssh, struct job *job, int open)
{
    job->channel = libssh2_channel_open_session(ssh->session);
    if (job->channel == NULL && open > 0 &&
        libssh2_session_last_errno(ssh->session) ==
            LIBSSH2_ERROR_CHANNEL_FAILURE) {
        warnx("the server refused channel %d while %d were open (OpenSSH's "
              "sshd allows %d by default: MaxSessions in sshd_config)",
              open + 1, open, OPENSSH_MAX_SESSIONS);
        return CLI_EXIT_FAILURE;
    }
    if (job->channel == NULL) {
        return ssh2_fail(ssh->session, "opening a channel");
    }
    /* Each command's stderr is printed with its stdout. */
    libssh2_channel_handle_extended_data2(job->channel,
                                          LIBSSH2_CHANNEL_EXTENDED_DATA_MERGE);
    if (libssh2_channel_exec(job->channel, job->command) != 0) {
        return ssh2_request_fail(ssh, "exec", open);
    }
    return CLI_EXIT_OK;
}

/*
 * Read what JOB's channel has now, printing each complete line; at EOF
 * print the unfinished one too.  *GOT is set when anything came.
 */
static int read_lines(struct ssh2_session *ssh, struct job *job, int *got)
{
    for (;;) {
        char *end = job->line + job->len;
        ssize_t n = libssh2_channel_read(job->channel, end,
                                         sizeof job->line - job->len);
        if (n == LIBSSH2_ERROR_EAGAIN ||
            (n == 0 && !libssh2_channel_eof(job->channel))) {
            return CLI_EXIT_OK;
        }
        if (n < 0) {
            return ssh2_fail(ssh->session, "reading output");
        }
        if (n == 0) {
            print_line(job);
            job->done = 1;
            return CLI_EXIT_OK;
        }
        *got = 1;
        job->len += (size_t)n;
        char *newline;
        while ((newline = memchr(job->line, '\n', job->len)) != NULL) {
            size_t used = (size_t)(newline - job->line) + 1;
            fwrite(job->line, 1, used, stdout);
            job->len -= used;
            memmove(job->line, job->line + used, job->len);
        }
        if (job->len == sizeof job->line) {
            print_line(job);
        }
        fflush(stdout);
    }
}

/* Print what is left of JOB's line, and start a new one. */
static void print_line(struct job *job)
{
    if (job->len > 0) {
        fwrite(job->line, 1, job->len, stdout);
        putchar('\n');
        fflush(stdout);
        job->len = 0;
    }
}

/*
 * Has libssh2 already taken a packet off the socket for a channel other
 * than the one it was reading (data or EOF)?  Then poll() would wait for
 * the next packet while this one sat in libssh2's queue.
 */
static int any_pending(const struct job *jobs, int count)
{
    for (int i = 0; i < count; i++) {
        if (!jobs[i].done &&
            (libssh2_poll_channel_read(jobs[i].channel, 1) > 0 ||
             libssh2_channel_eof(jobs[i].channel))) {
            return 1;
        }
    }
    return 0;
}

/* Close JOB's channel (RFC 4254 5.3); a failed or killed command sets
 * *FAILED. */
static int finish_job(struct ssh2_session *ssh, struct job *job, int *failed)
{
    /* The exit status may come after EOF, but comes before CLOSE. */
    int status = ssh2_channel_finish(ssh, job->channel);
    if (status != CLI_EXIT_OK) {
        return status;
    }
    /* RFC 4254 6.10: "exit-signal" instead of "exit-status" if killed. */
    char *signal = NULL;
    libssh2_channel_get_exit_signal(job->channel, &signal, NULL, NULL, NULL,
                                    NULL, NULL);
    int code = libssh2_channel_get_exit_status(job->channel);
    if (signal != NULL) {
        warnx("'%s' was killed by signal %s", job->command, signal);
        *failed = 1;
    } else if (code != 0) {
        warnx("'%s' exited with status %d", job->command, code);
        *failed = 1;
    }
    libssh2_free(ssh->session, signal);
    return CLI_EXIT_OK;
}
