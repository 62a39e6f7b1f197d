/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/progress: the book's lines, the bar, the pace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ssh_tools/progress.h"

static void book_line(void **state)
{
    char line[256];
    (void)state;
    assert_int_equal(
        progress_format_line(line, sizeof line, "/etc/lsb-release", 105, 105),
        0);
    assert_string_equal(
        line, "Transfer of '/etc/lsb-release' is at 105/105 bytes (100.0%)");
    assert_int_equal(progress_format_line(line, sizeof line, "f", 1, 3), 0);
    assert_string_equal(line, "Transfer of 'f' is at 1/3 bytes (33.3%)");
    /* An empty file is all there. */
    assert_int_equal(progress_format_line(line, sizeof line, "e", 0, 0), 0);
    assert_string_equal(line, "Transfer of 'e' is at 0/0 bytes (100.0%)");
    assert_int_equal(progress_format_line(line, 10, "f", 1, 3), -1);
}

static void sizes(void **state)
{
    char s[32];
    (void)state;
    progress_format_size(s, sizeof s, 0);
    assert_string_equal(s, "0 B");
    progress_format_size(s, sizeof s, 1023);
    assert_string_equal(s, "1023 B");
    progress_format_size(s, sizeof s, 1536);
    assert_string_equal(s, "1.5 KiB");
    progress_format_size(s, sizeof s, 3.25 * 1024 * 1024);
    assert_string_equal(s, "3.2 MiB");
    progress_format_size(s, sizeof s, 512.0 * 1024 * 1024 * 1024);
    assert_string_equal(s, "512.0 GiB");
}

static void bar_half_way(void **state)
{
    char line[512];
    (void)state;
    /* 50 MiB of 100 at 5 MiB/s: 10 s left. */
    assert_int_equal(progress_format_bar(line, sizeof line, 79, "big.bin",
                                         50 << 20, 100 << 20, 5 << 20, -1),
                     0);
    assert_string_equal(line, "big.bin                  [======>        ]"
                              "  50%   50.0 MiB    5.0 MiB/s    0:10");
    assert_int_equal((int)strlen(line), 79);
}

static void bar_start_end_and_narrow(void **state)
{
    char line[512];
    (void)state;
    assert_int_equal(
        progress_format_bar(line, sizeof line, 79, "x", 0, 10, 0.0, -1), 0);
    assert_string_equal(line, "x                        [               ]"
                              "   0%        0 B        0 B/s   --:--");
    assert_int_equal(
        progress_format_bar(line, sizeof line, 79, "x", 10, 10, 10.0, -1), 0);
    assert_string_equal(line, "x                        [===============]"
                              " 100%       10 B       10 B/s    0:00");
    /* Over: the average rate and the whole time. */
    assert_int_equal(
        progress_format_bar(line, sizeof line, 79, "x", 10, 10, 5.0, 2.0), 0);
    assert_string_equal(line, "x                        [===============]"
                              " 100%       10 B        5 B/s in 0:02");
    /* Too narrow for a bar: the figures alone. */
    assert_int_equal(
        progress_format_bar(line, sizeof line, 40, "x", 5, 10, 5.0, -1), 0);
    assert_string_equal(line, "x                         50%        5 B"
                              "        5 B/s    0:01");
}

static void time_left_in_hours(void **state)
{
    char line[512];
    (void)state;
    /* 1 KiB/s with 7200 KiB to go: two hours. */
    assert_int_equal(progress_format_bar(line, sizeof line, 79, "slow", 1024,
                                         1024 + 7200 * 1024, 1024.0, -1),
                     0);
    assert_string_equal(line + strlen(line) - 3, " 2h");
}

static void long_name_is_cut(void **state)
{
    char line[512];
    (void)state;
    assert_int_equal(progress_format_bar(line, sizeof line, 79,
                                         "a-very-long-file-name-indeed.tar.gz",
                                         1, 2, 1.0, -1),
                     0);
    assert_memory_equal(line, "a-very-long-file-name-in [", 26);
    assert_int_equal((int)strlen(line), 79);
}

static void pace(void **state)
{
    struct progress p = {.start = 100.0, .last = -1, .tty = 0};
    (void)state;
    assert_false(progress_due(&p, 100.1));
    assert_true(progress_due(&p, 100.0 + PROGRESS_PIPE_INTERVAL));
    p.last = 101.0;
    assert_false(progress_due(&p, 101.2));
    assert_true(progress_due(&p, 101.6));
    p.tty = 1;
    assert_true(progress_due(&p, 101.15));
    assert_false(progress_due(&p, 101.05));
}

static void rate_is_recent_then_average(void **state)
{
    char text[512] = "";
    FILE *out = fmemopen(text, sizeof text - 1, "w");
    struct progress p;
    (void)state;
    assert_non_null(out);
    progress_start(&p, out, "f", 100, 40); /* 40 bytes from before */
    p.start = p.mark = p.start - 10;
    progress_update(&p, 60);
    /* 20 new bytes in 10 s; the window starts again now. */
    assert_true(p.rate > 1.99 && p.rate < 2.01);
    assert_int_equal((int)p.mark_done, 60);
    progress_finish(&p, 100);
    fclose(out);
    /* The average leaves the 40 old bytes out: 60 in 10 s. */
    assert_true(p.rate > 5.9 && p.rate < 6.01);
}

static void pipe_output_is_lines(void **state)
{
    char text[512] = "";
    FILE *out = fmemopen(text, sizeof text - 1, "w");
    struct progress p;
    (void)state;
    assert_non_null(out);
    progress_start(&p, out, "/etc/hostname", 3, 0);
    progress_update(&p, 1); /* too soon after the start: nothing */
    progress_finish(&p, 3);
    fclose(out);
    assert_string_equal(
        text, "Transfer of '/etc/hostname' is at 3/3 bytes (100.0%)\n");
}

static void stop_ends_a_drawn_line_only(void **state)
{
    char text[64] = "";
    FILE *out = fmemopen(text, sizeof text - 1, "w");
    (void)state;
    assert_non_null(out);
    struct progress p = {.out = out, .name = "x", .tty = 0, .last = 1.0};
    progress_stop(&p); /* book lines end themselves */
    p.tty = 1;
    p.last = -1;
    progress_stop(&p); /* nothing drawn yet */
    p.last = 1.0;
    progress_stop(&p);
    fclose(out);
    assert_string_equal(text, "\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(book_line),
        cmocka_unit_test(stop_ends_a_drawn_line_only),
        cmocka_unit_test(sizes),
        cmocka_unit_test(bar_half_way),
        cmocka_unit_test(bar_start_end_and_narrow),
        cmocka_unit_test(time_left_in_hours),
        cmocka_unit_test(long_name_is_cut),
        cmocka_unit_test(pace),
        cmocka_unit_test(pipe_output_is_lines),
        cmocka_unit_test(rate_is_recent_then_average),
    };
    return cmocka_run_group_tests_name("progress", tests, NULL, NULL);
}
