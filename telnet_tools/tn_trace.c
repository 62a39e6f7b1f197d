/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tn_trace: --trace and --diagram for a Telnet client (see tn_trace.h).
 * "<-" marks what the server sent, "->" what we sent.
 */
#include "telnet_tools/tn_trace.h"

#include <err.h>
#include <stdlib.h>

#include <libtelnet.h>

#include "common/repr.h"
#include "common/seqdiagram.h"
#include "telnet_tools/tn_names.h"
#include "telnet_tools/tn_session.h"

#define RECEIVED_COLOUR "\033[36m"
#define SENT_COLOUR     "\033[32m"
#define PLAIN           "\033[0m"

/* FILE.mmd: paste into a slide or mermaid.live; FILE.svg: look at it.  The
 * file is opened now, so that a wrong path fails before connecting. */
int tn_trace_open_diagram(struct tn_trace *trace, const char *path,
                          const char *client, const char *host,
                          const char *port)
{
    char server[300];
    if (path == NULL) {
        return 0; /* no --diagram */
    }
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        warn("%s", path);
        return -1;
    }
    snprintf(server, sizeof(server), "%s port %s", host, port);
    trace->arrows = seqdiagram_new(client, server);
    if (trace->arrows == NULL) {
        fclose(f);
        return -1;
    }
    trace->diagram = f;
    trace->diagram_path = path;
    return 0;
}

/* One line per event on stdout and one message in the diagram. */
void tn_trace_event(struct tn_trace *trace, int sent, unsigned char command,
                    unsigned char option, const unsigned char *data, size_t len)
{
    char event[TN_EVENT_MAX];
    if (!trace->print && trace->arrows == NULL) {
        return;
    }
    tn_trace_describe(event, sizeof event, command, option, data, len);
    if (trace->print) {
        printf("%s%s %s%s\n",
               trace->colour ? (sent ? SENT_COLOUR : RECEIVED_COLOUR) : "",
               sent ? "->" : "<-", event, trace->colour ? PLAIN : "");
    }
    if (trace->arrows != NULL) {
        seqdiagram_arrow(trace->arrows, sent, event);
    }
}

/* Close the diagram; a write that failed shows here. */
int tn_trace_close(struct tn_trace *trace)
{
    int status = 0;
    if (trace->diagram != NULL) {
        seqdiagram_print(trace->arrows, trace->diagram,
                         seqdiagram_format_of(trace->diagram_path));
    }
    seqdiagram_free(trace->arrows);
    trace->arrows = NULL;
    if (trace->diagram != NULL && fclose(trace->diagram) != 0) {
        warn("%s", trace->diagram_path);
        status = -1;
    }
    trace->diagram = NULL;
    return status;
}

/* The names of RFC 854's commands and of the options (tn_names). */
void tn_trace_describe(char *out, size_t size, unsigned char command,
                       unsigned char option, const unsigned char *data,
                       size_t len)
{
    int ttype = command == TN_SB && option == TELNET_TELOPT_TTYPE;
    char *bytes = NULL;
    if (command != TN_SB) {
        snprintf(out, size, "%s %s (%d)", tn_command_name(command),
                 tn_option_name(option), option);
    } else if (ttype && len == 1 && data[0] == TELNET_TTYPE_SEND) {
        snprintf(out, size, "SB TTYPE SEND");
    } else if (ttype && len >= 1 && data[0] == TELNET_TTYPE_IS) {
        bytes = repr_c(data + 1, len - 1);
        snprintf(out, size, "SB TTYPE IS %s", bytes ? bytes : "?");
    } else {
        bytes = repr_c(data, len);
        snprintf(out, size, "SB %s (%d) %s", tn_option_name(option), option,
                 bytes ? bytes : "?");
    }
    free(bytes);
}
