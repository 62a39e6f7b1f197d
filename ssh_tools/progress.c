/* SPDX-License-Identifier: GPL-3.0-or-later */
/* progress: a live bar on a terminal, the book's lines in a pipe. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ssh_tools/progress.h"

#define DEFAULT_WIDTH 80
#define LINE_SIZE     512
#define NAME_COLUMNS  24
#define MIN_BAR       10

static double now_seconds(void);
static int terminal_width(void);
static void report(struct progress *p, uint64_t done, double now);
static void format_eta(char *buf, size_t size, uint64_t left, double rate);

void progress_start(struct progress *p, FILE *out, const char *name,
                    uint64_t total)
{
    *p = (struct progress){.out = out, .name = name, .total = total};
    p->tty = isatty(fileno(out));
    p->start = now_seconds();
    p->last = -1;
}

void progress_update(struct progress *p, uint64_t done)
{
    double now = now_seconds();
    if (progress_due(p, now)) {
        report(p, done, now);
    }
}

void progress_finish(struct progress *p, uint64_t done)
{
    report(p, done, now_seconds());
    if (p->tty) {
        fputc('\n', p->out);
    }
    fflush(p->out);
}

void progress_stop(struct progress *p)
{
    if (p->tty && p->last >= 0) {
        fputc('\n', p->out);
        fflush(p->out);
    }
}

int progress_due(const struct progress *p, double now)
{
    double interval = p->tty ? PROGRESS_TTY_INTERVAL : PROGRESS_PIPE_INTERVAL;
    return p->last < 0 ? now - p->start >= interval : now - p->last >= interval;
}

int progress_format_line(char *buf, size_t size, const char *name,
                         uint64_t done, uint64_t total)
{
    double percent = total > 0 ? 100.0 * (double)done / (double)total : 100.0;
    int n = snprintf(
        buf, size, "Transfer of '%s' is at %llu/%llu bytes (%.1f%%)", name,
        (unsigned long long)done, (unsigned long long)total, percent);
    return n >= 0 && (size_t)n < size ? 0 : -1;
}

int progress_format_bar(char *buf, size_t size, int width, const char *name,
                        uint64_t done, uint64_t total, double elapsed)
{
    char have[32], speed[32], eta[32], right[128], bar[LINE_SIZE];
    double rate = elapsed > 0 ? (double)done / elapsed : 0;
    int percent = total > 0 ? (int)(100 * (double)done / (double)total) : 100;
    progress_format_size(have, sizeof have, (double)done);
    progress_format_size(speed, sizeof speed, rate);
    format_eta(eta, sizeof eta, total > done ? total - done : 0, rate);
    snprintf(right, sizeof right, "%3d%% %10s %10s/s %7s", percent, have, speed,
             eta);
    /* NAME, space, [bar], space, the figures. */
    int room = width - NAME_COLUMNS - (int)strlen(right) - 4;
    bar[0] = '\0';
    if (room >= MIN_BAR && (size_t)room < sizeof bar) {
        int full = total > 0
                       ? (int)((double)room * (double)done / (double)total)
                       : room;
        memset(bar, '=', (size_t)full);
        memset(bar + full, ' ', (size_t)(room - full));
        if (full > 0 && full < room) {
            bar[full - 1] = '>';
        }
        bar[room] = '\0';
    }
    int n =
        snprintf(buf, size, bar[0] != '\0' ? "%-*.*s [%s] %s" : "%-*.*s %s%s",
                 NAME_COLUMNS, NAME_COLUMNS, name, bar, right);
    return n >= 0 && (size_t)n < size ? 0 : -1;
}

void progress_format_size(char *buf, size_t size, double bytes)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
        snprintf(buf, size, "%.0f B", bytes);
        return;
    }
    size_t u = 0;
    bytes /= 1024;
    while (bytes >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        bytes /= 1024;
        u++;
    }
    snprintf(buf, size, "%.1f %s", bytes, units[u]);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* $COLUMNS if the shell exported it, else 80. */
static int terminal_width(void)
{
    const char *columns = getenv("COLUMNS");
    long n = columns != NULL ? strtol(columns, NULL, 10) : 0;
    return n >= 40 && n < LINE_SIZE ? (int)n : DEFAULT_WIDTH;
}

/* One report: redraw the terminal line, or print one more book line. */
static void report(struct progress *p, uint64_t done, double now)
{
    char line[LINE_SIZE];
    p->last = now;
    if (p->tty) {
        int width = terminal_width() - 1; /* no wrap in the last column */
        if (progress_format_bar(line, sizeof line, width, p->name, done,
                                p->total, now - p->start) == 0) {
            fprintf(p->out, "\r%-*s", width, line);
        }
    } else {
        /* The whole name, however long the path: room made for it. */
        size_t size = strlen(p->name) + LINE_SIZE;
        char *book = malloc(size);
        if (book != NULL &&
            progress_format_line(book, size, p->name, done, p->total) == 0) {
            fprintf(p->out, "%s\n", book);
        }
        free(book);
    }
    fflush(p->out);
}

/* The time left as "m:ss", whole hours ("2h") from 100 minutes on, or
 * "--:--" while the rate is 0. */
static void format_eta(char *buf, size_t size, uint64_t left, double rate)
{
    if (rate <= 0) {
        snprintf(buf, size, "--:--");
        return;
    }
    unsigned long seconds = (unsigned long)((double)left / rate + 0.5);
    if (seconds >= 100UL * 60) {
        snprintf(buf, size, "%luh", seconds / 3600);
        return;
    }
    snprintf(buf, size, "%lu:%02lu", seconds / 60, seconds % 60);
}
