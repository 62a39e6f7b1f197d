/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * traceout: where a trace goes.  One log for the server (--trace FILE or
 * stdout, --diagram's name); per connection a numbered "[N]" for every
 * line, so that interleaved connections can be told apart, and its own
 * diagram, written when the connection ends.
 */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/seqdiagram.h"
#include "trace.h"

/* Arrows one diagram draws; a long transfer would fill a wall. */
#define DRAWN_MAX 400

struct trace_log {
    FILE *out; /* NULL: only diagrams */
    const char *diagram_path;
    unsigned long connections;
};

struct traceout {
    struct trace_log *log;
    unsigned long number; /* the [N] before each line */
    struct seqdiagram *diagram;
    unsigned long drawn, not_drawn;
};

static void write_diagram(struct traceout *o);

struct trace_log *trace_log_open(const char *trace_path,
                                 const char *diagram_path, int *failed)
{
    *failed = 0;
    if (trace_path == NULL && diagram_path == NULL) {
        return NULL;
    }
    struct trace_log *log = calloc(1, sizeof(*log));
    if (log == NULL) {
        warnx("out of memory");
        *failed = 1;
        return NULL;
    }
    log->diagram_path = diagram_path;
    if (trace_path != NULL && strcmp(trace_path, "-") == 0) {
        log->out = stdout;
    } else if (trace_path != NULL) {
        log->out = fopen(trace_path, "w");
        if (log->out == NULL) {
            warn("--trace %s", trace_path);
            free(log);
            *failed = 1;
            return NULL;
        }
        /* Each line as it comes, for whoever follows the file. */
        setvbuf(log->out, NULL, _IOLBF, 0);
    }
    return log;
}

void trace_log_close(struct trace_log *log)
{
    if (log == NULL) {
        return;
    }
    if (log->out != NULL && log->out != stdout) {
        fclose(log->out);
    }
    free(log);
}

struct traceout *traceout_new(struct trace_log *log, const char *peer)
{
    struct traceout *o = calloc(1, sizeof(*o));
    if (o == NULL) {
        warnx("trace: out of memory");
        return NULL;
    }
    o->log = log;
    o->number = ++log->connections;
    if (log->diagram_path != NULL) {
        o->diagram = seqdiagram_new(peer, "ssh_server");
        if (o->diagram == NULL) {
            free(o);
            return NULL;
        }
    }
    traceout_note(o, "connection from %s", peer);
    return o;
}

void traceout_message(struct traceout *o, int from_client, const char *text)
{
    if (o->log->out != NULL) {
        fprintf(o->log->out, "[%lu] %s %s\n", o->number,
                from_client ? "C->S" : "S->C", text);
    }
    if (o->diagram == NULL) {
        return;
    }
    if (o->drawn < DRAWN_MAX && o->not_drawn == 0 &&
        seqdiagram_arrow(o->diagram, from_client, text) == 0) {
        o->drawn++;
        return;
    }
    o->not_drawn++;
}

void traceout_note(struct traceout *o, const char *format, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, format);
    vsnprintf(text, sizeof(text), format, ap);
    va_end(ap);
    if (o->log->out != NULL) {
        fprintf(o->log->out, "[%lu] --- %s ---\n", o->number, text);
    }
}

void traceout_boundary(struct traceout *o, const char *text)
{
    traceout_note(o, "%s", text);
    if (o->diagram != NULL) {
        seqdiagram_boundary(o->diagram, text);
    }
}

void traceout_end(struct traceout *o)
{
    if (o == NULL) {
        return;
    }
    traceout_note(o, "connection closed");
    write_diagram(o);
    seqdiagram_free(o->diagram);
    free(o);
}

/* FILE.svg becomes FILE-N.svg: one diagram per connection. */
static void write_diagram(struct traceout *o)
{
    const char *path = o->log->diagram_path;
    if (o->diagram == NULL) {
        return;
    }
    if (o->not_drawn > 0) {
        char note[80];
        snprintf(note, sizeof(note), "... and %lu more messages", o->not_drawn);
        seqdiagram_note(o->diagram, note);
    }
    const char *dot = strrchr(path, '.');
    size_t stem = dot != NULL ? (size_t)(dot - path) : strlen(path);
    size_t size = strlen(path) + 24;
    char *numbered = malloc(size);
    if (numbered == NULL) {
        warnx("trace: out of memory");
        return;
    }
    snprintf(numbered, size, "%.*s-%lu%s", (int)stem, path, o->number,
             path + stem);
    seqdiagram_write(o->diagram, numbered);
    free(numbered);
}
