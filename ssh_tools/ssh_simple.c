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
#include "common/ssh2s.h"

#define USAGE                                                                  \
    "usage: ssh_simple [options] HOST USER\n"                                  \
    "       ssh_simple [options] USER@HOST"
/* The book's paramiko asks for terminal type "vanilla": no colours. */
#define TERMINAL_TYPE "vanilla"
#define TYPED         "echo Hello, world\nexit\n"
#define CHUNK         4096

static void print_usage(void);
static int talk_to_shell(struct ssh2s *ssh);
static int open_shell(struct ssh2s *ssh, LIBSSH2_CHANNEL *channel);
static int copy_to_stdout(struct ssh2s *ssh, LIBSSH2_CHANNEL *channel);

int main(int argc, char **argv)
{
    struct ssh2s_options opts;
    int next = 0;
    switch (ssh2s_parse_args(argc, argv, &opts, &next)) {
    case SSH2S_PARSE_HELP:
        print_usage();
        return CLI_EXIT_OK;
    case SSH2S_PARSE_VERSION:
        cli_print_version("ssh_simple");
        return CLI_EXIT_OK;
    case SSH2S_PARSE_ERROR:
        cli_print_usage_error(USAGE);
        return CLI_EXIT_USAGE;
    case SSH2S_PARSE_OK:
        break;
    }
    if (next < argc) {
        warnx("unexpected argument '%s'", argv[next]);
        cli_print_usage_error(USAGE);
        return CLI_EXIT_USAGE;
    }

    /* Connect, check the host key, log in (common/ssh2s.c). */
    struct ssh2s ssh;
    int status = ssh2s_open(&opts, &ssh);
    if (status == CLI_EXIT_OK) {
        status = talk_to_shell(&ssh);
    }
    ssh2s_close(&ssh, "ssh_simple: done");
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
    ssh2s_print_options(stdout);
    puts("");
    cli_print_exit_codes(stdout, CLI_EXIT_OK, CLI_EXIT_HOSTKEY);
}

/* Open the channel, type into the shell, print what it says until EOF. */
static int talk_to_shell(struct ssh2s *ssh)
{
    LIBSSH2_CHANNEL *channel = libssh2_channel_open_session(ssh->session);
    if (channel == NULL) {
        return ssh2s_fail(ssh->session, "opening a channel");
    }
    int status = open_shell(ssh, channel);
    if (status != CLI_EXIT_OK) {
        goto out;
    }
    /* Typed all at once: the terminal holds it until the shell reads. */
    if (libssh2_channel_write(channel, TYPED, strlen(TYPED)) < 0) {
        status = ssh2s_fail(ssh->session, "typing into the shell");
        goto out;
    }
    status = copy_to_stdout(ssh, channel);
    if (status == CLI_EXIT_OK && (libssh2_channel_close(channel) != 0 ||
                                  libssh2_channel_wait_closed(channel) != 0)) {
        status = ssh2s_fail(ssh->session, "closing the channel");
    }
out:
    libssh2_channel_free(channel);
    return status;
}

/* RFC 4254 6.2 "pty-req", then 6.5 "shell": a login, as ssh(1) gives. */
static int open_shell(struct ssh2s *ssh, LIBSSH2_CHANNEL *channel)
{
    if (libssh2_channel_request_pty(channel, TERMINAL_TYPE) != 0) {
        return ssh2s_fail(ssh->session, "asking for a pseudo-terminal");
    }
    if (libssh2_channel_shell(channel) != 0) {
        return ssh2s_fail(ssh->session, "starting the shell");
    }
    return CLI_EXIT_OK;
}

/*
 * Everything the terminal sends, as it comes, until the shell exits.  On a
 * pseudo-terminal stderr is the same terminal, so all of it is channel
 * data (no extended data to read apart).  A read of 0 bytes is the end
 * only when libssh2_channel_eof() agrees.
 */
static int copy_to_stdout(struct ssh2s *ssh, LIBSSH2_CHANNEL *channel)
{
    char chunk[CHUNK];
    for (;;) {
        ssize_t n = libssh2_channel_read(channel, chunk, sizeof chunk);
        if (n < 0) {
            return ssh2s_fail(ssh->session, "reading from the shell");
        }
        if (n == 0 && libssh2_channel_eof(channel)) {
            return CLI_EXIT_OK;
        }
        if (fwrite(chunk, 1, (size_t)n, stdout) != (size_t)n ||
            fflush(stdout) != 0) {
            warn("stdout");
            return CLI_EXIT_FAILURE;
        }
    }
}
