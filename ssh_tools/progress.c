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
static void measure_rate(struct progress *p, uint64_t done, double now);
static void report(struct progress *p, uint64_t done, double now, double took);
static void format_time(char *buf, size_t size, double seconds);

void progress_start(struct progress *p, FILE *out, const char *name,
                    uint64_t total, uint64_t base)
{
    *p = (struct progress){
        .out = out, .name = name, .total = total, .base = base};
    p->tty = isatty(fileno(out));
    p->start = now_seconds();
    p->last = -1;
    p->mark = p->start;
    p->mark_done = base;
}

void progress_update(struct progress *p, uint64_t done)
{
    double now = now_seconds();
    if (progress_due(p, now)) {
        measure_rate(p, done, now);
        report(p, done, now, -1);
    }
}

void progress_finish(struct progress *p, uint64_t done)
{
    double now = now_seconds();
    double took = now - p->start;
    /* The average over the whole transfer, not the last window's. */
    p->rate = took > 0 ? (double)(done - p->base) / took : 0;
    report(p, done, now, took);
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
                        uint64_t done, uint64_t total, double rate, double took)
{
    char have[32], speed[32], when[32], right[128], bar[LINE_SIZE];
    int percent = total > 0 ? (int)(100 * (double)done / (double)total) : 100;
    progress_format_size(have, sizeof have, (double)done);
    progress_format_size(speed, sizeof speed, rate);
    if (took >= 0) {
        char spent[16];
        format_time(spent, sizeof spent, took);
        snprintf(when, sizeof when, "in %s", spent);
    } else if (rate > 0) {
        format_time(when, sizeof when,
                    (double)(total > done ? total - done : 0) / rate);
    } else {
        snprintf(when, sizeof when, "--:--");
    }
    snprintf(right, sizeof right, "%3d%% %10s %10s/s %7s", percent, have, speed,
             when);
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

/* The recent rate: over the last window once one has passed, until then
 * since the start. */
static void measure_rate(struct progress *p, uint64_t done, double now)
{
    if (now - p->mark > 0) {
        p->rate = (double)(done - p->mark_done) / (now - p->mark);
    }
    if (now - p->mark >= PROGRESS_RATE_WINDOW) {
        p->mark = now;
        p->mark_done = done;
    }
}

/* One report: redraw the terminal line (TOOK as progress_format_bar()
 * wants it), or print one more book line. */
static void report(struct progress *p, uint64_t done, double now, double took)
{
    char line[LINE_SIZE];
    p->last = now;
    if (p->tty) {
        int width = terminal_width() - 1; /* no wrap in the last column */
        if (progress_format_bar(line, sizeof line, width, p->name, done,
                                p->total, p->rate, took) == 0) {
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

/* SECONDS as "m:ss", or whole hours ("2h") from 100 minutes on. */
static void format_time(char *buf, size_t size, double time)
{
    if (!(time < 1e9)) {
        snprintf(buf, size, "--:--"); /* a rate next to nothing */
        return;
    }
    unsigned long seconds = (unsigned long)(time + 0.5);
    if (seconds >= 100UL * 60) {
        snprintf(buf, size, "%luh", seconds / 3600);
        return;
    }
    snprintf(buf, size, "%lu:%02lu", seconds / 60, seconds % 60);
}
