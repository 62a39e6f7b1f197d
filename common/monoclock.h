/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * monoclock: the one clock for time-outs and rates.  CLOCK_MONOTONIC never
 * jumps when someone sets the date, so a deadline measured on it holds.
 */
#ifndef SHELLWIRE_COMMON_MONOCLOCK_H
#define SHELLWIRE_COMMON_MONOCLOCK_H

/* Milliseconds since some fixed, unspecified point (POSIX CLOCK_MONOTONIC). */
long long monoclock_ms(void);

/* Milliseconds left until DEADLINE_MS (a monoclock_ms() value), 0 if past. */
long long monoclock_left_ms(long long deadline_ms);

#endif
