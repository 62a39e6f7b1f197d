/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/repr: Python and C quoting of bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/repr.h"

static void check_python(const char *in, size_t len, const char *want)
{
    char *got = repr_python(in, len);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void check_c(const char *in, size_t len, const char *want)
{
    char *got = repr_c(in, len);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void python_plain_and_quotes(void **state)
{
    (void)state;
    check_python("", 0, "''");
    check_python("abc", 3, "'abc'");
    check_python("it's", 4, "\"it's\"");
    check_python("'\"", 2, "'\\'\"'");
    check_python("$HOME", 5, "'$HOME'");
}

static void python_control_bytes(void **state)
{
    (void)state;
    check_python("a\tb\nc\r\\", 7, "'a\\tb\\nc\\r\\\\'");
    check_python("\x01\x7f\x1b", 3, "'\\x01\\x7f\\x1b'");
}

static void python_utf8(void **state)
{
    (void)state;
    check_python("\xc3\xa9", 2, "'\xc3\xa9'");         /* e acute */
    check_python("\xe2\x82\xac", 3, "'\xe2\x82\xac'"); /* euro */
    check_python("\xff", 1, "'\\xff'");
    check_python("\xc3", 1, "'\\xc3'");                   /* cut short */
    check_python("\xc0\xaf", 2, "'\\xc0\\xaf'");          /* overlong */
    check_python("\xed\xa0\x80", 3, "'\\xed\\xa0\\x80'"); /* surrogate */
    check_python("\xc2\x85", 2, "'\\xc2\\x85'");          /* C1 control */
}

static void python_list_is_the_books_form(void **state)
{
    (void)state;
    char a[] = "a", b[] = "\"b", c[] = "c\"", home[] = "$HOME", star[] = "*";
    char *words[] = {a, b, c, home, star};
    char *got = repr_python_list(words, 5);
    assert_non_null(got);
    assert_string_equal(got, "['a', '\"b', 'c\"', '$HOME', '*']");
    free(got);
    got = repr_python_list(words, 0);
    assert_string_equal(got, "[]");
    free(got);
}

static void c_form(void **state)
{
    (void)state;
    check_c("Linux\n", 6, "\"Linux\\n\"");
    check_c("say \"hi\"", 8, "\"say \\\"hi\\\"\"");
    check_c("\0\xff\xc3\xa9", 4, "\"\\x00\\xff\\xc3\\xa9\"");
    check_c("it's", 4, "\"it's\"");
}

static void every_byte_round_trips_in_bound(void **state)
{
    (void)state;
    char all[256];
    for (int i = 0; i < 256; i++) {
        all[i] = (char)i;
    }
    char *got = repr_c(all, sizeof all);
    assert_non_null(got);
    assert_true(strlen(got) <= 4 * 256 + 2);
    free(got);
    got = repr_python(all, sizeof all);
    assert_non_null(got);
    assert_true(strlen(got) <= 4 * 256 + 2);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(python_plain_and_quotes),
        cmocka_unit_test(python_control_bytes),
        cmocka_unit_test(python_utf8),
        cmocka_unit_test(python_list_is_the_books_form),
        cmocka_unit_test(c_form),
        cmocka_unit_test(every_byte_round_trips_in_bound),
    };
    return cmocka_run_group_tests_name("repr", tests, NULL, NULL);
}
