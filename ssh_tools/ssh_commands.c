/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh_commands: run each command on its own channel of one SSH session.
 *
 * One TCP connection, one key exchange, one login; then, per command, a
 * "session" channel with an "exec" request (RFC 4254 sections 5 and 6.5).
 * Each command's output comes back on its own channel, so nothing mixes.
 *
 *     $ ssh_commands localhost brandon
 *     "Hello, world!\n"
 *     "Linux\n"
 *     " 21:38:33 up  6:00,  0 users,  load average: 0.16, 0.05, 0.06\n"
 *
 * Read run_command() first, then read_output().  Lesson:
 * lessons/06-ssh-channels.md.  (The book's ssh_commands.py, Foundations of
 * Python Network Programming, 3rd ed., ch. 16.)
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh2.h>

#include "common/bytebuf.h"
#include "common/cli.h"
#include "common/repr.h"
#include "ssh_tools/ssh2_session.h"

#define USAGE                                                                  \
    "usage: ssh_commands [options] HOST USER [COMMAND...]\n"                   \
    "       ssh_commands [options] USER@HOST [COMMAND...]"
#define CHUNK  65536
#define STDOUT 0 /* the channel's data stream */
#define STDERR 1 /* SSH_EXTENDED_DATA_STDERR, RFC 4254 5.2 */

static const char *const default_commands[] = {"echo Hello, world!", "uname",
                                               "uptime"};

static void print_usage(void);
static int run_command(struct ssh2_session *ssh, const char *command,
                       int *failed);
static int read_output(struct ssh2_session *ssh, LIBSSH2_CHANNEL *channel,
                       struct bytebuf out[2]);
static int keep(struct bytebuf *b, const char *data, size_t len);
static int print_bytes(const char *label, const struct bytebuf *b);
static void print_exit(struct ssh2_session *ssh, LIBSSH2_CHANNEL *channel,
                       int *failed);

int main(int argc, char **argv)
{
    struct ssh2_options opts;
    int next;
    int status = ssh2_command_line(argc, argv, "ssh_commands", USAGE,
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
    /* Each result reaches a pipe as soon as it is printed. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* Connect, check the host key, log in: once for all commands. */
    struct ssh2_session ssh;
    int failed = 0;
    status = ssh2_open(&opts, &ssh);
    for (int i = 0; status == CLI_EXIT_OK && i < count; i++) {
        status = run_command(&ssh, commands[i], &failed);
    }
    ssh2_close(&ssh, "ssh_commands: done");
    if (status == CLI_EXIT_OK && failed) {
        status = CLI_EXIT_FAILURE;
    }
    return status;
}

static void print_usage(void)
{
    printf("%s\n\n"
           "Run each COMMAND (default: echo Hello, world!; uname; uptime) on "
           "its own\n"
           "channel of one SSH session and print its output as a quoted "
           "string.\n\n",
           USAGE);
    ssh2_print_options(stdout);
    puts("");
    cli_print_exit_codes(stdout, CLI_EXIT_OK, CLI_EXIT_HOSTKEY);
    puts("  (1 also when a command exits with a status other than 0)");
}

/* Open a channel, exec COMMAND, print what it said, close the channel. */
static int run_command(struct ssh2_session *ssh, const char *command,
                       int *failed)
{
    struct bytebuf out[2] = {{0}, {0}};
    int status = CLI_EXIT_FAILURE;
    LIBSSH2_CHANNEL *channel = libssh2_channel_open_session(ssh->session);
    if (channel == NULL) {
        return ssh2_fail(ssh->session, "opening a channel");
    }
    if (libssh2_channel_exec(channel, command) != 0) {
        status = ssh2_request_fail(ssh, "exec", 0);
        goto out;
    }
    status = read_output(ssh, channel, out);
    if (status != CLI_EXIT_OK) {
        goto out;
    }
    /* The exit status may come after EOF, but comes before CLOSE. */
    status = ssh2_channel_finish(ssh, channel);
    if (status != CLI_EXIT_OK) {
        goto out;
    }
    if (print_bytes("", &out[STDOUT]) < 0 ||
        (out[STDERR].len > 0 && print_bytes("stderr: ", &out[STDERR]) < 0)) {
        status = CLI_EXIT_FAILURE;
        goto out;
    }
    print_exit(ssh, channel, failed);
out:
    libssh2_channel_free(channel);
    bytebuf_free(&out[STDOUT]);
    bytebuf_free(&out[STDERR]);
    return status;
}

/*
 * Read stdout and stderr as they come, until the server's CHANNEL_EOF.
 * Reading only stdout would stall forever once unread stderr filled the
 * channel's window (RFC 4254 5.2), so the session goes non-blocking and we
 * wait on the socket only when neither stream has anything, not even in
 * libssh2's queue.  A read of 0 bytes is not the end: only
 * libssh2_channel_eof() says that.
 */
static int read_output(struct ssh2_session *ssh, LIBSSH2_CHANNEL *channel,
                       struct bytebuf out[2])
{
    char chunk[CHUNK];
    int status = CLI_EXIT_OK;
    libssh2_session_set_blocking(ssh->session, 0);
    while (status == CLI_EXIT_OK) {
        int got = 0;
        for (int stream = STDOUT; stream <= STDERR; stream++) {
            ssize_t n =
                libssh2_channel_read_ex(channel, stream, chunk, sizeof chunk);
            if (n > 0) {
                got = 1;
                status = keep(&out[stream], chunk, (size_t)n);
            } else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) {
                status = ssh2_fail(ssh->session, "reading the output");
            }
        }
        if (status != CLI_EXIT_OK || (!got && libssh2_channel_eof(channel))) {
            break;
        }
        /* Reading stderr may have queued a stdout packet: no poll then. */
        if (!got && libssh2_poll_channel_read(channel, 1) <= 0 &&
            ssh2_wait_socket(ssh, -1) < 0) {
            status = CLI_EXIT_FAILURE;
        }
    }
    libssh2_session_set_blocking(ssh->session, 1);
    return status;
}

/* Keep LEN more bytes of one stream (common/bytebuf). */
static int keep(struct bytebuf *b, const char *data, size_t len)
{
    if (bytebuf_append(b, data, len, 0) < 0) {
        warn("command output");
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

/* LABEL and the bytes as one quoted C string: "Linux\n". */
static int print_bytes(const char *label, const struct bytebuf *b)
{
    char *quoted = repr_c(b->data != NULL ? b->data : "", b->len);
    if (quoted == NULL) {
        return -1;
    }
    printf("%s%s\n", label, quoted);
    free(quoted);
    return 0;
}

/* RFC 4254 6.10: "exit-status", or "exit-signal" if it was killed. */
static void print_exit(struct ssh2_session *ssh, LIBSSH2_CHANNEL *channel,
                       int *failed)
{
    char *signal = NULL;
    libssh2_channel_get_exit_signal(channel, &signal, NULL, NULL, NULL, NULL,
                                    NULL);
    int code = libssh2_channel_get_exit_status(channel);
    if (signal != NULL) {
        printf("exit signal: %s\n", signal);
        *failed = 1;
    } else if (code != 0) {
        printf("exit status: %d\n", code);
        *failed = 1;
    }
    libssh2_free(ssh->session, signal);
}
