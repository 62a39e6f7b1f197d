/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, children (child.c): `exec COMMAND` on a pipe, --shell on
 * a pseudo-terminal.  A child's descriptor is polled like a socket; what
 * it writes comes back from child_read() ready for the client.
 */
#ifndef SHELLWIRE_TELNET_SERVER_CHILD_H
#define SHELLWIRE_TELNET_SERVER_CHILD_H

#include <stddef.h>
#include <sys/types.h>

#define CHILD_CHUNK   4096 /* bytes read from a child at once */
#define CHILD_OUT_MAX (2 * CHILD_CHUNK + 2) /* what child_read may give */

/* One session's child; everything here is child.c's. */
struct child {
    pid_t pid;    /* 0: none, or reaped */
    int fd;       /* our end of its pipe or pty, or -1 */
    int is_pty;   /* --shell */
    int after_cr; /* a key: the client's CR, before its LF or NUL */
    int pipe_cr;  /* exec's output: a CR, held for the byte after it */
};

/* No child yet. */
void child_init(struct child *ch);

/* /bin/sh -c COMMAND, output on a pipe, TERM set; 0 or -1 (said why). */
int child_exec(struct child *ch, const char *command, const char *term);

/* /bin/sh -c COMMAND on a pty of COLS x ROWS (0: 80x24); 0 or -1. */
int child_shell(struct child *ch, const char *command, const char *term,
                int cols, int rows);

/* Keys from the client. */
void child_keys(struct child *ch, const char *buf, size_t len);

/*
 * What the child wrote, ready for the client, into OUT (CHILD_OUT_MAX
 * bytes): the count, maybe 0.  Once its output has ended, ch->fd is -1.
 */
size_t child_read(struct child *ch, char *out);

/* A new window size for the pty. */
void child_resize(struct child *ch, int cols, int rows);

/* Hang up on the child's process group; close our end. */
void child_stop(struct child *ch);

/* PID was reaped: if it is this child, forget it. */
void child_exited(struct child *ch, pid_t pid);

/* Collect one exited child without waiting: its pid, or 0. */
pid_t child_reap_one(void);

#endif
