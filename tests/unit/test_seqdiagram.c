/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/seqdiagram: formats by name, Mermaid text exactly,
 * the SVG's size from its content, escaping, and a bad file name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/seqdiagram.h"

/* The whole of the file PATH, as a string to free(). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *text = calloc(1, 65536);
    assert_non_null(text);
    size_t n = fread(text, 1, 65535, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

/* A temporary file name ending in SUFFIX (".svg", ".mmd"). */
static void temp_path(char *path, size_t size, const char *suffix)
{
    snprintf(path, size, "/tmp/test_seqdiagram_%ld%s", (long)getpid(), suffix);
}

static struct seqdiagram *sample(void)
{
    struct seqdiagram *d = seqdiagram_new("telnet_codes", "host port 23");
    assert_non_null(d);
    assert_int_equal(seqdiagram_arrow(d, 0, "DO TTYPE (24)"), 0);
    assert_int_equal(seqdiagram_arrow(d, 1, "WILL TTYPE (24)"), 0);
    assert_int_equal(seqdiagram_boundary(d, "encrypted from here on"), 0);
    assert_int_equal(seqdiagram_arrow(d, 1, "a;b#c <&>"), 0);
    return d;
}

static void formats_by_extension(void **state)
{
    (void)state;
    assert_int_equal(seqdiagram_format_of("a.svg"), SEQDIAGRAM_SVG);
    assert_int_equal(seqdiagram_format_of("dir.x/a.mmd"), SEQDIAGRAM_MERMAID);
    assert_int_equal(seqdiagram_format_of("a.png"), SEQDIAGRAM_UNKNOWN);
    assert_int_equal(seqdiagram_format_of("svg"), SEQDIAGRAM_UNKNOWN);
}

static void mermaid_is_exact(void **state)
{
    char path[64];
    (void)state;
    temp_path(path, sizeof(path), ".mmd");
    struct seqdiagram *d = sample();
    assert_int_equal(seqdiagram_write(d, path), 0);
    char *text = slurp(path);
    assert_string_equal(text, "sequenceDiagram\n"
                              "    participant C as telnet_codes\n"
                              "    participant S as host port 23\n"
                              "    S->>C: DO TTYPE (24)\n"
                              "    C->>S: WILL TTYPE (24)\n"
                              "    Note over C,S: encrypted from here on\n"
                              "    C->>S: a#59;b#35;c <&>\n");
    free(text);
    unlink(path);
    seqdiagram_free(d);
}

/* Width and height grow with the longest label and the number of rows. */
static void svg_sized_to_content(void **state)
{
    char path[64];
    int w1, h1, w2, h2;
    (void)state;
    temp_path(path, sizeof(path), ".svg");
    struct seqdiagram *d = sample();
    assert_int_equal(seqdiagram_write(d, path), 0);
    char *text = slurp(path);
    assert_int_equal(sscanf(strstr(text, "<svg"),
                            "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                            "width=\"%d\" height=\"%d\"",
                            &w1, &h1),
                     2);
    assert_non_null(strstr(text, "a;b#c &lt;&amp;&gt;"));
    assert_non_null(strstr(text, "fill=\"#eceaf7\"")); /* the shade */
    free(text);
    char longer[200];
    memset(longer, 'x', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    assert_int_equal(seqdiagram_arrow(d, 0, longer), 0);
    assert_int_equal(seqdiagram_write(d, path), 0);
    text = slurp(path);
    assert_int_equal(sscanf(strstr(text, "<svg"),
                            "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                            "width=\"%d\" height=\"%d\"",
                            &w2, &h2),
                     2);
    assert_true(w2 > w1);
    assert_true(h2 > h1);
    /* A label is cut at 96 characters, and the width with it. */
    assert_non_null(strstr(text, "xxx...</text>"));
    assert_true(w2 < 1300);
    free(text);
    unlink(path);
    seqdiagram_free(d);
}

static void control_bytes_never_reach_the_svg(void **state)
{
    char path[64];
    (void)state;
    temp_path(path, sizeof(path), ".svg");
    struct seqdiagram *d = seqdiagram_new("c\x01", "s\xff");
    assert_non_null(d);
    assert_int_equal(seqdiagram_arrow(d, 1, "bell\a\x80"), 0);
    assert_int_equal(seqdiagram_write(d, path), 0);
    char *text = slurp(path);
    for (const char *p = text; *p != '\0'; p++) {
        assert_true(*p == '\n' || (*p >= 0x20 && *p < 0x7f));
    }
    assert_non_null(strstr(text, ">bell?"
                                 "?</text>"));
    free(text);
    unlink(path);
    seqdiagram_free(d);
}

static void unknown_extension_is_refused(void **state)
{
    (void)state;
    struct seqdiagram *d = seqdiagram_new("c", "s");
    assert_non_null(d);
    assert_int_equal(seqdiagram_write(d, "/tmp/x.png"), -1);
    assert_int_equal(seqdiagram_write(d, "/nonexistent/dir/x.svg"), -1);
    seqdiagram_free(d);
    seqdiagram_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(formats_by_extension),
        cmocka_unit_test(mermaid_is_exact),
        cmocka_unit_test(svg_sized_to_content),
        cmocka_unit_test(control_bytes_never_reach_the_svg),
        cmocka_unit_test(unknown_extension_is_refused),
    };
    return cmocka_run_group_tests_name("seqdiagram", tests, NULL, NULL);
}
