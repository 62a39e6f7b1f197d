/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/cli: numbers, HOST USER, exit statuses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/cli.h"

static void numbers_in_range(void **state)
{
    (void)state;
    long n = -1;
    assert_int_equal(cli_parse_number("23", 1, 65535, "port", &n), 0);
    assert_int_equal(n, 23);
    assert_int_equal(cli_parse_number("65535", 1, 65535, "port", &n), 0);
    assert_int_equal(n, 65535);
}

static void numbers_rejected(void **state)
{
    (void)state;
    long n = 7;
    const char *bad[] = {"",    "0",  "65536",
                         "12x", "x",  " 1",
                         "1 ",  "-5", "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(cli_parse_number(bad[i], 1, 65535, "port", &n), -1);
    }
    assert_int_equal(n, 7);
}

static void host_then_user(void **state)
{
    (void)state;
    char a[] = "example.com", b[] = "brandon";
    char *argv[] = {a, b};
    const char *host = NULL, *user = NULL;
    assert_int_equal(cli_host_user(2, argv, 0, &host, &user), 2);
    assert_string_equal(host, "example.com");
    assert_string_equal(user, "brandon");
}

static void user_at_host(void **state)
{
    (void)state;
    char a[] = "me@corp@example.com", b[] = "/etc/passwd";
    char *argv[] = {a, b};
    const char *host = NULL, *user = NULL;
    assert_int_equal(cli_host_user(2, argv, 0, &host, &user), 1);
    assert_string_equal(host, "example.com");
    assert_string_equal(user, "me@corp");
}

static void missing_parts(void **state)
{
    (void)state;
    char a[] = "example.com", at_end[] = "me@", at_start[] = "@host";
    const char *host = NULL, *user = NULL;
    char *one[] = {a};
    assert_int_equal(cli_host_user(0, one, 0, &host, &user), -1);
    assert_int_equal(cli_host_user(1, one, 0, &host, &user), -1);
    assert_int_equal(cli_host_user(1, one, 1, &host, &user), 1);
    assert_null(user);
    char *bad1[] = {at_end}, *bad2[] = {at_start};
    assert_int_equal(cli_host_user(1, bad1, 1, &host, &user), -1);
    assert_int_equal(cli_host_user(1, bad2, 1, &host, &user), -1);
}

static void connect_errors_map_to_statuses(void **state)
{
    (void)state;
    assert_int_equal(cli_exit_for_connect(ENXIO), CLI_EXIT_UNKNOWN_HOST);
    assert_int_equal(cli_exit_for_connect(ETIMEDOUT), CLI_EXIT_TIMEOUT);
    assert_int_equal(cli_exit_for_connect(ECONNREFUSED), CLI_EXIT_CONNECT);
    assert_int_equal(cli_exit_for_connect(EHOSTUNREACH), CLI_EXIT_CONNECT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_in_range),
        cmocka_unit_test(numbers_rejected),
        cmocka_unit_test(host_then_user),
        cmocka_unit_test(user_at_host),
        cmocka_unit_test(missing_parts),
        cmocka_unit_test(connect_errors_map_to_statuses),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
