/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * progress: how far a transfer has got.  On a terminal, one line redrawn
 * in place (a bar, bytes, percent, the recent rate, time left; at the end
 * the average rate and the whole time); otherwise, as in the book, lines like
 * `Transfer of '/etc/lsb-release' is at 105/105 bytes (100.0%)`, a few per
 * second at most.
 */
#ifndef SHELLWIRE_SSH_PROGRESS_H
#define SHELLWIRE_SSH_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* At most this many reports per second: on a terminal, and in a pipe. */
#define PROGRESS_TTY_INTERVAL  0.1
#define PROGRESS_PIPE_INTERVAL 0.5
/* The rate shown while running is over about this many seconds. */
#define PROGRESS_RATE_WINDOW 2.0

/* One transfer's progress report. */
struct progress {
    FILE *out;
    const char *name;
    uint64_t total; /* 0 when unknown */
    uint64_t base;  /* bytes already there before (a resumed transfer) */
    int tty;
    double start, last; /* seconds, CLOCK_MONOTONIC */
    double mark;        /* when the recent rate's window began */
    uint64_t mark_done; /* and how many bytes there were then */
    double rate;        /* bytes per second over the last window */
};

/* Start reporting on OUT about NAME, TOTAL bytes (0 if unknown), BASE of
 * which were already there (a resumed transfer): the rates leave them out. */
void progress_start(struct progress *p, FILE *out, const char *name,
                    uint64_t total, uint64_t base);

/* DONE bytes so far: report, unless the last report was very recent. */
void progress_update(struct progress *p, uint64_t done);

/* The last report, always made (and the terminal line ended): on a
 * terminal it shows the average rate and the whole time. */
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
 * The terminal line, WIDTH columns at most, at RATE bytes per second:
 * "NAME [======>        ]  45%   12.0 MiB    3.1 MiB/s    0:04", the
 * last figure the time left (m:ss, or "--:--" before there is a rate);
 * or, once TOOK >= 0 (the transfer is over), "in 0:12", the whole time.
 */
int progress_format_bar(char *buf, size_t size, int width, const char *name,
                        uint64_t done, uint64_t total, double rate,
                        double took);

/* BYTES as "512 B", "12.0 KiB", "3.1 MiB", "1.5 GiB". */
void progress_format_size(char *buf, size_t size, double bytes);

#endif
