/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tn_trace: a Telnet client's negotiation as it happens, both ways: one line
 * per event on standard output (--trace, coloured on a terminal) and a
 * sequence diagram (--diagram FILE.mmd: Mermaid, FILE.svg: a picture; both
 * by common/seqdiagram, written at the end).  telnet_codes calls
 * tn_trace_event() for every command it receives and sends.
 */
#ifndef SHELLWIRE_TELNET_TN_TRACE_H
#define SHELLWIRE_TELNET_TN_TRACE_H

#include <stddef.h>
#include <stdio.h>

/* One event as text: a TN_SB_MAX-byte subnegotiation in repr fits. */
#define TN_EVENT_MAX 2200

struct tn_trace {
    int print;     /* print each event on standard output */
    int colour;    /* ... in colour (a terminal) */
    FILE *diagram; /* the diagram's file, open from the start, or NULL */
    const char *diagram_path;
    struct seqdiagram *arrows; /* what the diagram will show */
};

/*
 * Start a sequence diagram in PATH (FILE.svg a picture, else Mermaid)
 * between CLIENT and HOST port PORT (PATH NULL: none).  0, or -1 after one
 * line on stderr.
 */
int tn_trace_open_diagram(struct tn_trace *trace, const char *path,
                          const char *client, const char *host,
                          const char *port);

/*
 * Record one event: SENT is 1 for ours, 0 for the server's; COMMAND,
 * OPTION, DATA and LEN as a tn_option_handler gets them.
 */
void tn_trace_event(struct tn_trace *trace, int sent, unsigned char command,
                    unsigned char option, const unsigned char *data,
                    size_t len);

/* Write and close the diagram, if any.  0, or -1 after one line. */
int tn_trace_close(struct tn_trace *trace);

/*
 * One event as text in OUT (SIZE bytes): "DO TTYPE (24)", "SB TTYPE SEND",
 * "SB TTYPE IS \"mypython\"", "SB NAWS (31) \"...\"".
 */
void tn_trace_describe(char *out, size_t size, unsigned char command,
                       unsigned char option, const unsigned char *data,
                       size_t len);

#endif
