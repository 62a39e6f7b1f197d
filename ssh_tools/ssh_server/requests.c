/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * requests: a session channel's requests (RFC 4254 6): pty-req,
 * window-change, shell, exec, subsystem, env.  Each is a libssh channel
 * callback; channel.c sets them.  libssh's callbacks do not agree on what
 * they return: pty-req and window-change give 0 to accept and -1 to deny,
 * shell, exec, env and subsystem give 0 or 1.
 */
#include <stdio.h>

#include <libssh/libssh.h>

#include "channel.h"
#include "requests.h"

#define PTY_ACCEPT     0
#define PTY_DENY       (-1)
#define REQUEST_ACCEPT 0
#define REQUEST_DENY   1
#define TERM_MAX_SIDE  1000

static int clamp_side(int n);
static int refuse_start(struct channel *ch, const char *what);

/* RFC 4254 6.2: the terminal's name and size, kept for the console. */
int request_pty(ssh_session session, ssh_channel channel, const char *term,
                int width, int height, int pxwidth, int pxheight,
                void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel, (void)pxwidth, (void)pxheight;
    peer_touch(ch->peer);
    snprintf(ch->terminal.term, sizeof(ch->terminal.term), "%s", term);
    ch->terminal.cols = clamp_side(width);
    ch->terminal.rows = clamp_side(height);
    ch->terminal.has_pty = 1;
    return PTY_ACCEPT;
}

/* RFC 4254 6.7: the client's window was resized. */
int request_window_change(ssh_session session, ssh_channel channel, int width,
                          int height, int pxwidth, int pxheight, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel, (void)pxwidth, (void)pxheight;
    peer_touch(ch->peer);
    ch->terminal.cols = clamp_side(width);
    ch->terminal.rows = clamp_side(height);
    mode_set_window(&ch->mode, ch->terminal.cols, ch->terminal.rows);
    return PTY_ACCEPT;
}

/* Sizes come off the wire as any 32-bit number; a terminal has at least
 * one column and row and, here, at most TERM_MAX_SIDE. */
static int clamp_side(int n)
{
    return n < 1 ? 1 : n > TERM_MAX_SIDE ? TERM_MAX_SIDE : n;
}

/* RFC 4254 6.5: one shell or command per channel. */
int request_shell(ssh_session session, ssh_channel channel, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel;
    peer_touch(ch->peer);
    if (ch->started ||
        mode_start_shell(&ch->mode, &ch->terminal, ch->user) < 0) {
        return refuse_start(ch, "shell request refused");
    }
    ch->started = 1;
    return REQUEST_ACCEPT;
}

/* RFC 4254 6.5: "ssh host COMMAND" runs one console command. */
int request_exec(ssh_session session, ssh_channel channel, const char *command,
                 void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel;
    peer_touch(ch->peer);
    if (ch->mode.mode == MODE_ECHO) {
        return refuse_start(ch, "exec request refused in echo mode");
    }
    if (ch->started ||
        mode_run_command(&ch->mode, &ch->terminal, ch->user, command) < 0) {
        return refuse_start(ch, "exec request refused");
    }
    ch->started = 1;
    ch->over = 1;
    return REQUEST_ACCEPT;
}

/* RFC 4254 6.5: "sftp" and the like; we serve none. */
int request_subsystem(ssh_session session, ssh_channel channel,
                      const char *subsystem, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel;
    peer_touch(ch->peer);
    peer_log(ch->peer, "subsystem %s: no such subsystem here", subsystem);
    return refuse_start(ch, "subsystem request refused");
}

/* RFC 4254 6.4: environment variables; none is taken (a client's
 * LD_PRELOAD is no business of ours). */
int request_env(ssh_session session, ssh_channel channel, const char *name,
                const char *value, void *userdata)
{
    struct channel *ch = userdata;
    (void)session, (void)channel, (void)value;
    peer_touch(ch->peer);
    peer_log(ch->peer, "env request refused: %s", name);
    return REQUEST_DENY;
}

/*
 * Refuse a request to start something, and log it.  A client may send it
 * with want-reply false (dbclient does, RFC 4254 6.5), and then never
 * hears "failure": so a channel with nothing running is closed at once,
 * with exit status 1, and the client cannot take it for a success.
 */
static int refuse_start(struct channel *ch, const char *what)
{
    peer_log(ch->peer, "%s%s", what, ch->started ? "" : "; channel closed");
    if (!ch->started) {
        ch->refused = 1;
        ch->over = 1;
    }
    return REQUEST_DENY;
}
