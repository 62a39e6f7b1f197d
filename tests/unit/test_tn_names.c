/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/tn_names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "telnet_tools/tn_names.h"

static void option_names_of_the_books_trace(void **state)
{
    (void)state;
    assert_string_equal(tn_option_name(24), "TTYPE");
    assert_string_equal(tn_option_name(32), "TSPEED");
    assert_string_equal(tn_option_name(35), "XDISPLOC");
    assert_string_equal(tn_option_name(39), "NEW-ENVIRON");
    assert_string_equal(tn_option_name(3), "SGA");
    assert_string_equal(tn_option_name(1), "ECHO");
    assert_string_equal(tn_option_name(31), "NAWS");
    assert_string_equal(tn_option_name(5), "STATUS");
    assert_string_equal(tn_option_name(33), "LFLOW");
}

static void unknown_codes_are_question_marks(void **state)
{
    (void)state;
    assert_string_equal(tn_option_name(-1), "?");
    assert_string_equal(tn_option_name(100), "?");
    assert_string_equal(tn_option_name(256), "?");
    assert_string_equal(tn_command_name(0), "?");
    assert_string_equal(tn_command_name(235), "?");
}

static void command_names(void **state)
{
    (void)state;
    assert_string_equal(tn_command_name(255), "IAC");
    assert_string_equal(tn_command_name(253), "DO");
    assert_string_equal(tn_command_name(251), "WILL");
    assert_string_equal(tn_command_name(250), "SB");
    assert_string_equal(tn_command_name(246), "AYT");
    assert_string_equal(tn_command_name(236), "EOF");
}

static void codes_from_names(void **state)
{
    (void)state;
    assert_int_equal(tn_option_code("ttype"), 24);
    assert_int_equal(tn_option_code("NEW-ENVIRON"), 39);
    assert_int_equal(tn_option_code("EXOPL"), 255);
    assert_int_equal(tn_option_code("nonsense"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(option_names_of_the_books_trace),
        cmocka_unit_test(unknown_codes_are_question_marks),
        cmocka_unit_test(command_names),
        cmocka_unit_test(codes_from_names),
    };
    return cmocka_run_group_tests_name("tn_names", tests, NULL, NULL);
}
