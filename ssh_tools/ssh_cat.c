/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh_cat: Twisted Conch's example client: exec `cat`, send it a line,
 * send EOF, and read until the channel closes.
 *
 * EOF is half a close (RFC 4254 5.3): after our CHANNEL_EOF we write no
 * more, but the server still sends; cat sees the end of its input, writes
 * what it read, and exits; then the server sends its EOF and CLOSE.
 *
 *     $ ssh_cat localhost brandon
 *     We got this from "cat": This data will be echoed back to us by "cat."
 *
 * Read echo_through_cat().  Lesson: lessons/06-ssh-channels.md.
 * (Twisted Conch's "Writing a client" howto, CatChannel.)
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh2.h>

#include "common/cli.h"
#include "ssh_tools/ssh2_session.h"

#define USAGE                                                                  \
    "usage: ssh_cat [options] HOST USER\n"                                     \
    "       ssh_cat [options] USER@HOST"
#define MESSAGE "This data will be echoed back to us by \"cat.\"\n"
/* cat gives back what it got: anything longer is not cat's doing. */
#define REPLY_SIZE (2 * sizeof MESSAGE)

static void print_usage(void);
static int echo_through_cat(struct ssh2_session *ssh);
static int read_until_close(struct ssh2_session *ssh, LIBSSH2_CHANNEL *channel,
                            char *reply, size_t size, size_t *len);

int main(int argc, char **argv)
{
    struct ssh2_options opts;
    int next;
    int status = ssh2_command_line(argc, argv, "ssh_cat", USAGE, print_usage, 0,
                                   &opts, &next);
    if (status >= 0) {
        return status; /* --help, --version or a usage error */
    }

    struct ssh2_session ssh;
    status = ssh2_open(&opts, &ssh);
    if (status == CLI_EXIT_OK) {
        status = echo_through_cat(&ssh);
    }
    ssh2_close(&ssh, "ssh_cat: done");
    return status;
}

static void print_usage(void)
{
    printf("%s\n\n"
           "Run `cat` on the server, send it one line and EOF, and print "
           "what it sent\nback once the channel is closed.\n\n",
           USAGE);
    ssh2_print_options(stdout);
    puts("");
    cli_print_exit_codes(stdout, CLI_EXIT_OK, CLI_EXIT_HOSTKEY);
    puts("  (1 also when cat exits with a status other than 0)");
}

/* Conch's CatChannel: channelOpen, exec, write, sendEOF, closed. */
static int echo_through_cat(struct ssh2_session *ssh)
{
    char reply[REPLY_SIZE];
    size_t len = 0;
    int status = CLI_EXIT_FAILURE;
    LIBSSH2_CHANNEL *channel = libssh2_channel_open_session(ssh->session);
    if (channel == NULL) {
        return ssh2_fail(ssh->session, "opening a channel");
    }
    /* cat's stderr, if any, comes back with its output. */
    libssh2_channel_handle_extended_data2(channel,
                                          LIBSSH2_CHANNEL_EXTENDED_DATA_MERGE);
    if (libssh2_channel_exec(channel, "cat") != 0) {
        status = ssh2_request_fail(ssh, "exec", 0);
        goto out;
    }
    if (libssh2_channel_write(channel, MESSAGE, strlen(MESSAGE)) < 0 ||
        libssh2_channel_send_eof(channel) != 0) {
        status = ssh2_fail(ssh->session, "talking to cat");
        goto out;
    }
    status = read_until_close(ssh, channel, reply, sizeof reply, &len);
    if (status != CLI_EXIT_OK) {
        goto out;
    }
    printf("We got this from \"cat\": %.*s", (int)len, reply);
    if (libssh2_channel_get_exit_status(channel) != 0) {
        warnx("cat exited with status %d",
              libssh2_channel_get_exit_status(channel));
        status = CLI_EXIT_FAILURE;
    }
out:
    libssh2_channel_free(channel);
    return status;
}

/* Read until the server's EOF, then its CLOSE, then ours (RFC 4254 5.3). */
static int read_until_close(struct ssh2_session *ssh, LIBSSH2_CHANNEL *channel,
                            char *reply, size_t size, size_t *len)
{
    ssize_t n;
    while (*len < size && (n = libssh2_channel_read(channel, reply + *len,
                                                    size - *len)) != 0) {
        if (n < 0) {
            return ssh2_fail(ssh->session, "reading from cat");
        }
        *len += (size_t)n;
    }
    if (*len == size) {
        warnx("cat sent back more than we sent it");
        return CLI_EXIT_FAILURE;
    }
    /* cat's exit status may come after its EOF, but before CLOSE. */
    return ssh2_channel_finish(ssh, channel);
}
