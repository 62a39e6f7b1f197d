/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * passcheck: crypt(3) off the event loop.  A yescrypt check costs tens of
 * milliseconds of CPU by design; a one-thread server that runs it inside
 * its poll() loop keeps every other client waiting meanwhile.  passcheck
 * runs the checks on one worker thread and reports each answer through a
 * descriptor the loop polls like a socket:
 *
 *     struct passcheck *pc = passcheck_start(users);   (NULL: one line)
 *     passcheck_submit(pc, conn_id, name, password);    (-1: queue full)
 *     ... poll passcheck_fd(pc) for POLLIN, then
 *     while (passcheck_result(pc, &id, &ok) == 1) ... answer conn id
 *     passcheck_stop(pc);
 *
 * One worker, on purpose: it caps the CPU that password guessing can take
 * at one core, whatever the number of connections.
 */
#ifndef SHELLWIRE_COMMON_PASSCHECK_H
#define SHELLWIRE_COMMON_PASSCHECK_H

#include "common/users.h"

/* Checks queued or answered but not yet collected, at most. */
#define PASSCHECK_QUEUE_MAX 256

struct passcheck;

/*
 * Start the worker for USERS, which must stay unchanged and alive until
 * passcheck_stop(); NULL with one line on stderr on failure.
 */
struct passcheck *passcheck_start(const struct users *users);

/* The descriptor to poll for POLLIN: answers are ready. */
int passcheck_fd(const struct passcheck *pc);

/*
 * Queue a check of USER's PASSWORD (both copied, and wiped once checked);
 * ID is the caller's, e.g. its connection's number.  0, or -1 when
 * PASSCHECK_QUEUE_MAX checks are already waiting.
 */
int passcheck_submit(struct passcheck *pc, unsigned long id, const char *user,
                     const char *password);

/*
 * One finished check: 1 (sets *ID, and *OK to 1 for a right password, 0
 * for a wrong one), or 0 when none is ready.  Call it until it returns 0
 * each time the descriptor polls readable.
 */
int passcheck_result(struct passcheck *pc, unsigned long *id, int *ok);

/* Stop the worker (after the check it is running) and release PC. */
void passcheck_stop(struct passcheck *pc);

#endif
