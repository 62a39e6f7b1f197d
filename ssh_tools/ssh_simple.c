/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh_simple: talk to a remote shell over one channel, as a person would.
 *
 * One "session" channel with a pseudo-terminal ("pty-req") and a "shell"
 * (RFC 4254 sections 6.2 and 6.5); we type `echo Hello, world` and `exit`
 * and print every byte that comes back.  The terminal echoes what we typed,
 * the shell prints its prompts, and the command's output is mixed in: one
 * channel for a shell and all its programs is a mess, which is the point.
 *
 *     $ ssh_simple localhost brandon
 *     echo Hello, world
 *     exit
 *     $ Hello, world
 *     $ logout
 *
 * Read talk_to_shell() first.  Lesson: lessons/05-ssh-one-channel.md.
 * (The book's ssh_simple.py, Foundations of Python Network Programming,
 * 3rd ed., ch. 16.)
 */
#include <err.h>
#include <stdio.h>
#include <string.h>

#include <libssh2.h>

#include "common/cli.h"
#include "ssh_tools/ssh2_session.h"

#define USAGE                                                                  \
    "usage: ssh_simple [options] HOST USER\n"                                  \
    "       ssh_simple [options] USER@HOST"
/* What the book's Paramiko invoke_shell() asks for: a plain terminal. */
#define TERMINAL_TYPE "vt100"
#define TYPED         "echo Hello, world\nexit\n"
#define CHUNK         4096

static void print_usage(void);
static int talk_to_shell(struct ssh2_session *ssh, int timeout_ms);
static int open_shell(struct ssh2_session *ssh, LIBSSH2_CHANNEL *channel);
static int copy_to_stdout(struct ssh2_session *ssh, LIBSSH2_CHANNEL *channel,
                          int timeout_ms);
static int print_chunk(const char *chunk, size_t len);

int main(int argc, char **argv)
{
    struct ssh2_options opts;
    int next;
    int status = ssh2_command_line(argc, argv, "ssh_simple", USAGE, print_usage,
                                   0, &opts, &next);
    if (status >= 0) {
        return status; /* --help, --version or a usage error */
    }

    /* Connect, check the host key, log in (ssh_tools/ssh2_session.c). */
    struct ssh2_session ssh;
    status = ssh2_open(&opts, &ssh);
    if (status == CLI_EXIT_OK) {
        status = talk_to_shell(&ssh, opts.timeout_ms);
    }
    ssh2_close(&ssh, "ssh_simple: done");
    return status;
}

static void print_usage(void)
{
    printf("%s\n\n"
           "Start a shell on a pseudo-terminal over one SSH channel, type "
           "`echo Hello,\n"
           "world` and `exit` into it, and print everything that comes "
           "back.\n\n",
           USAGE);
    ssh2_print_options(stdout);
    puts("");
    cli_print_exit_codes(stdout, CLI_EXIT_OK, CLI_EXIT_HOSTKEY);
}

/* Open the channel, type into the shell, print what it says until EOF. */
static int talk_to_shell(struct ssh2_session *ssh, int timeout_ms)
{
    LIBSSH2_CHANNEL *channel = libssh2_channel_open_session(ssh->session);
    if (channel == NULL) {
        return ssh2_fail(ssh->session, "opening a channel");
    }
    int status = open_shell(ssh, channel);
    if (status != CLI_EXIT_OK) {
        goto out;
    }
    /* Typed all at once: the terminal holds it until the shell reads.
     * Then EOF (RFC 4254 5.3): we will type nothing more. */
    if (libssh2_channel_write(channel, TYPED, strlen(TYPED)) < 0 ||
        libssh2_channel_send_eof(channel) != 0) {
        status = ssh2_fail(ssh->session, "typing into the shell");
        goto out;
    }
    status = copy_to_stdout(ssh, channel, timeout_ms);
    if (status == CLI_EXIT_OK) {
        status = ssh2_channel_finish(ssh, channel);
    }
out:
    libssh2_channel_free(channel);
    return status;
}

/* RFC 4254 6.2 "pty-req", then 6.5 "shell": a login, as ssh(1) gives. */
static int open_shell(struct ssh2_session *ssh, LIBSSH2_CHANNEL *channel)
{
    if (libssh2_channel_request_pty(channel, TERMINAL_TYPE) != 0) {
        return ssh2_request_fail(ssh, "pty-req", 0);
    }
    if (libssh2_channel_shell(channel) != 0) {
        return ssh2_request_fail(ssh, "shell", 0);
    }
    return CLI_EXIT_OK;
}

/*
 * Everything the terminal sends, as it comes, until the shell exits.  On a
 * pseudo-terminal stderr is the same terminal, so all of it is channel
 * data (no extended data to read apart).  A read of 0 bytes is the end
 * only when libssh2_channel_eof() agrees.  A server that keeps the shell
 * open and silent for TIMEOUT_MS is given up on (exit 5).
 */
static int copy_to_stdout(struct ssh2_session *ssh, LIBSSH2_CHANNEL *channel,
                          int timeout_ms)
{
    char chunk[CHUNK];
    int status = CLI_EXIT_OK;
    libssh2_session_set_blocking(ssh->session, 0);
    while (status == CLI_EXIT_OK) {
        ssize_t n = libssh2_channel_read(channel, chunk, sizeof chunk);
        if (n > 0) {
            status = print_chunk(chunk, (size_t)n);
        } else if (n == 0 && libssh2_channel_eof(channel)) {
            break;
        } else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) {
            status = ssh2_fail(ssh->session, "reading from the shell");
        } else if (n < 0 || libssh2_poll_channel_read(channel, 0) <= 0) {
            int ready = ssh2_wait_socket(ssh, timeout_ms);
            if (ready == 0) {
                warnx("the shell sent nothing for %d s and did not end: "
                      "giving up",
                      timeout_ms / 1000);
                status = CLI_EXIT_TIMEOUT;
            } else if (ready < 0) {
                status = CLI_EXIT_FAILURE;
            }
        }
    }
    libssh2_session_set_blocking(ssh->session, 1);
    return status;
}

/* LEN bytes of the shell's to stdout, at once. */
static int print_chunk(const char *chunk, size_t len)
{
    if (fwrite(chunk, 1, len, stdout) != len || fflush(stdout) != 0) {
        warn("stdout");
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}
