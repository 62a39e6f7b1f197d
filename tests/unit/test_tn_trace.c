/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests for telnet_tools/tn_trace: the names of events, the --trace
 * lines and the Mermaid diagram, with its escapes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libtelnet.h>

#include "telnet_tools/tn_session.h"
#include "telnet_tools/tn_trace.h"

static void describe(const char *want, unsigned char command,
                     unsigned char option, const char *data, size_t len)
{
    char out[TN_EVENT_MAX];
    tn_trace_describe(out, sizeof out, command, option,
                      (const unsigned char *)data, len);
    assert_string_equal(out, want);
}

static void events_are_named(void **state)
{
    (void)state;
    describe("DO TTYPE (24)", TELNET_DO, 24, NULL, 0);
    describe("WONT NAWS (31)", TELNET_WONT, 31, NULL, 0);
    describe("SB TTYPE SEND", TN_SB, 24, "\x01", 1);
    describe("SB TTYPE IS \"mypython\"", TN_SB, 24, "\x00mypython", 9);
    describe("SB NAWS (31) \"\\x00P\\x00\\x18\"", TN_SB, 31, "\x00P\x00\x18",
             4);
    describe("DO ? (200)", TELNET_DO, 200, NULL, 0);
}

/* The diagram, in a temporary file; its text is returned (free it). */
static char *diagram_of(const char *host)
{
    char path[] = "/tmp/test_tn_trace.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct tn_trace trace = {0};
    assert_int_equal(
        tn_trace_open_diagram(&trace, path, "telnet_codes", host, "23"), 0);
    tn_trace_event(&trace, 0, TELNET_DO, 24, NULL, 0);
    tn_trace_event(&trace, 1, TN_SB, 24, (const unsigned char *)"\x00x;y#", 5);
    assert_int_equal(tn_trace_close(&trace), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char text[1024];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(path);
    return strdup(text);
}

static void diagram_escapes_mermaid(void **state)
{
    (void)state;
    char *text = diagram_of("a;b#c");
    assert_string_equal(text, "sequenceDiagram\n"
                              "    participant C as telnet_codes\n"
                              "    participant S as a#59;b#35;c port 23\n"
                              "    S->>C: DO TTYPE (24)\n"
                              "    C->>S: SB TTYPE IS \"x#59;y#35;\"\n");
    free(text);
}

static void no_path_no_diagram(void **state)
{
    (void)state;
    struct tn_trace trace = {0};
    assert_int_equal(tn_trace_open_diagram(&trace, NULL, "x", "h", "23"), 0);
    assert_null(trace.diagram);
    tn_trace_event(&trace, 0, TELNET_DO, 24, NULL, 0); /* nothing at all */
    assert_int_equal(tn_trace_close(&trace), 0);
    assert_int_equal(
        tn_trace_open_diagram(&trace, "/nonexistent/dir/x.mmd", "x", "h", "23"),
        -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(events_are_named),
        cmocka_unit_test(diagram_escapes_mermaid),
        cmocka_unit_test(no_path_no_diagram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
