/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * modes: what a session does with the bytes a user sends, echo or console.
 * It knows nothing of SSH: bytes come in by call, bytes go out through the
 * writer its owner (channel.c) hands it, and each call says whether the
 * session goes on.
 */
#ifndef SHELLWIRE_SSH_SERVER_MODES_H
#define SHELLWIRE_SSH_SERVER_MODES_H

#include <stddef.h>

enum mode {
    MODE_ECHO,
    MODE_CONSOLE
};

/* What mode_input and mode_run_command leave behind. */
enum mode_state {
    MODE_GOES_ON, /* read on */
    MODE_OVER,    /* the session has ended (bye, Ctrl-D, an exec's end) */
    MODE_BROKEN   /* out of memory: drop the client */
};

/* Where a mode's output goes: WRITE(CTX, BYTES, LEN). */
struct mode_output {
    void *ctx;
    void (*write)(void *ctx, const char *bytes, size_t len);
};

/* The terminal a client asked for (RFC 4254 6.2), if any. */
struct terminal {
    int has_pty;
    char term[32];
    int cols, rows;
};

/* One session's mode; zeroed, then mode_init(). */
struct session_mode {
    enum mode mode;
    struct mode_output out;
    struct console *console; /* console mode, once shell or exec came */
    int plain_lines;         /* no pty: lines end in LF, not CR LF */
    int capture;             /* keep the console's prompt (exec) ... */
    int cut_prompt;          /* ... and cut it from the command's output */
    char prompt[128];
};

void mode_init(struct session_mode *m, enum mode mode,
               const struct mode_output *out);
/* RFC 4254 5.2: bytes from the client. */
enum mode_state mode_input(struct session_mode *m, const char *bytes,
                           size_t len);
/* A shell request: 0, or -1 if it cannot start (a second one, memory). */
int mode_start_shell(struct session_mode *m, const struct terminal *t,
                     const char *user);
/* An exec request: one console command, after which the session is over;
 * 0, or -1 if it cannot run (echo mode, a second one, memory). */
int mode_run_command(struct session_mode *m, const struct terminal *t,
                     const char *user, const char *command);
/* The client's window was resized. */
void mode_set_window(struct session_mode *m, int cols, int rows);
/* Deliver the console's timer messages that are due. */
void mode_tick(struct session_mode *m);
/* Milliseconds until the next timer, or -1 if none. */
long long mode_wait_ms(const struct session_mode *m);
/* The session's exit status: its last console command's, else 0. */
int mode_exit_status(const struct session_mode *m);
void mode_free(struct session_mode *m);

#endif
