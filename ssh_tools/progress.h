/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * progress: how far a transfer has got.  On a terminal, one line redrawn
 * in place (a bar, bytes, percent, rate, time left); otherwise, as in the
 * book, lines like `Transfer of '/etc/lsb-release' is at 105/105 bytes
 * (100.0%)`, a few per second at most.
 */
#ifndef SHELLWIRE_SSH_PROGRESS_H
#define SHELLWIRE_SSH_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* At most this many reports per second: on a terminal, and in a pipe. */
#define PROGRESS_TTY_INTERVAL  0.1
#define PROGRESS_PIPE_INTERVAL 0.5

/* One transfer's progress report. */
struct progress {
    FILE *out;
    const char *name;
    uint64_t total; /* 0 when unknown */
    int tty;
    double start, last; /* seconds, CLOCK_MONOTONIC */
};

/* Start reporting on OUT about NAME, TOTAL bytes (0 if unknown). */
void progress_start(struct progress *p, FILE *out, const char *name,
                    uint64_t total);

/* DONE bytes so far: report, unless the last report was very recent. */
void progress_update(struct progress *p, uint64_t done);

/* The last report, always made (and the terminal line ended). */
void progress_finish(struct progress *p, uint64_t done);

/* The transfer failed: no last report, but end a terminal line drawn so
 * far, so that the error message starts a line of its own. */
void progress_stop(struct progress *p);

/* -- Pure parts, unit-tested -- */

/* Is a report due at NOW (seconds), given P's start and last report? */
int progress_due(const struct progress *p, double now);

/* The book's line, without a newline: "Transfer of 'NAME' is at ...". */
int progress_format_line(char *buf, size_t size, const char *name,
                         uint64_t done, uint64_t total);

/*
 * The terminal line, WIDTH columns at most, after ELAPSED seconds:
 * "NAME [======>        ]  45%   12.0 MiB    3.1 MiB/s    0:04", the
 * last figure the time left (m:ss, or "--:--" before there is a rate).
 */
int progress_format_bar(char *buf, size_t size, int width, const char *name,
                        uint64_t done, uint64_t total, double elapsed);

/* BYTES as "512 B", "12.0 KiB", "3.1 MiB", "1.5 GiB". */
void progress_format_size(char *buf, size_t size, double bytes);

#endif
