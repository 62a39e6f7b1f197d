/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gate: who may start a login, and how fast a failed password is answered.
 * Both servers keep one gate: a table of source addresses with how many
 * connections from each have not logged in yet, and how many passwords
 * from each failed lately.  It answers three questions for the event loop:
 *
 *     struct gate *g = gate_new(&limits);      (NULL: one line on stderr)
 *     if (gate_admit(g, peer, &why) == -1) ... send WHY, close
 *     ... logged in, or gone before:  gate_release(g, peer);
 *     ... wrong password: answer no sooner than
 *                         gate_failure_delay_ms(g, peer) from now
 *     ... any password: answer no sooner than gate_wait_ms(g, peer) from now
 *     gate_free(g);
 *
 * The model is OpenSSH's sshd: MaxStartups start:rate:full (random early
 * drop of unauthenticated connections) and PerSourcePenalties (failures
 * from one address make its next answers slower, whichever connection
 * they come on).  An IPv6 source counts by its /64 prefix, since one host
 * usually holds a whole /64; an IPv4-mapped IPv6 address counts as IPv4.
 */
#ifndef SHELLWIRE_COMMON_GATE_H
#define SHELLWIRE_COMMON_GATE_H

#include <sys/socket.h>

/*
 * Every answer to a password, right or wrong, leaves this long after the
 * attempt at the earliest: a guesser learns nothing from the time a right
 * one takes, and crypt(3) (20-100 ms) fits inside it.
 */
#define GATE_ANSWER_FLOOR_MS 300

struct gate;

/* Limits; a field left 0 takes the default in brackets. */
struct gate_limits {
    int start;      /* [10] below START unauthenticated connections,   */
    int rate;       /* [30] all are admitted; from START to FULL each   */
    int full;       /* [100] new one is refused with probability RATE%  */
                    /* rising linearly to 100% at FULL (sshd 10:30:100) */
    int per_source; /* [10] unauthenticated connections per address    */
    long long delay_first_ms; /* [1000] the first failure's delay,      */
    long long delay_max_ms;   /* [30000] doubling per failure up to it; */
    long long forget_ms;      /* [60000] quiet time after the last      */
                              /* delay ends before failures are forgot  */
};

/* An empty gate with LIMITS (copied), or NULL with one line on stderr. */
struct gate *gate_new(const struct gate_limits *limits);

/* Release G (NULL is fine). */
void gate_free(struct gate *g);

/*
 * A new connection from ADDR: 0 admitted (it now counts as
 * unauthenticated), or -1 refused, and *WHY is then a short static reason
 * for a line to the client and the log.
 */
int gate_admit(struct gate *g, const struct sockaddr *addr, const char **why);

/* An admitted connection from ADDR logged in, or went away before. */
void gate_release(struct gate *g, const struct sockaddr *addr);

/*
 * A password from ADDR failed: the delay in ms before its answer may be
 * sent.  It doubles with each failure from the address, from
 * delay_first_ms to delay_max_ms, and it also holds back every later
 * answer to ADDR until it has passed (see gate_wait_ms), so a guesser
 * that hangs up and calls again gains nothing.
 */
long long gate_failure_delay_ms(struct gate *g, const struct sockaddr *addr);

/* Ms until ADDR's last failure delay has passed, 0 if it has. */
long long gate_wait_ms(struct gate *g, const struct sockaddr *addr);

/* How many admitted connections have not logged in yet, in all. */
int gate_unauthenticated(const struct gate *g);

#endif
