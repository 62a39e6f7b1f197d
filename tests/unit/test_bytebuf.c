/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/bytebuf: growth, limit, consume, and monoclock. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/bytebuf.h"
#include "common/monoclock.h"

static void grows_and_keeps_order(void **state)
{
    struct bytebuf b = {0};
    char chunk[100];
    (void)state;
    for (int i = 0; i < 50; i++) {
        memset(chunk, 'a' + i % 26, sizeof(chunk));
        assert_int_equal(bytebuf_append(&b, chunk, sizeof(chunk), 0), 0);
    }
    assert_int_equal(b.len, 5000);
    assert_true(b.cap >= 5000);
    assert_int_equal(b.data[0], 'a');
    assert_int_equal(b.data[4999], 'a' + 49 % 26);
    bytebuf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void limit_refuses_whole_append(void **state)
{
    struct bytebuf b = {0};
    (void)state;
    assert_int_equal(bytebuf_append(&b, "12345", 5, 8), 0);
    errno = 0;
    assert_int_equal(bytebuf_append(&b, "6789", 4, 8), -1);
    assert_int_equal(errno, ENOBUFS);
    assert_int_equal(b.len, 5);
    assert_int_equal(bytebuf_append(&b, "678", 3, 8), 0);
    assert_memory_equal(b.data, "12345678", 8);
    bytebuf_free(&b);
}

static void consume_keeps_the_rest(void **state)
{
    struct bytebuf b = {0};
    (void)state;
    assert_int_equal(bytebuf_append(&b, "hello world", 11, 0), 0);
    bytebuf_consume(&b, 6);
    assert_int_equal(b.len, 5);
    assert_memory_equal(b.data, "world", 5);
    bytebuf_consume(&b, 99);
    assert_int_equal(b.len, 0);
    assert_int_equal(bytebuf_append(&b, "", 0, 0), 0);
    bytebuf_free(&b);
}

static void monoclock_moves_forward(void **state)
{
    (void)state;
    long long a = monoclock_ms();
    long long b = monoclock_ms();
    assert_true(b >= a);
    assert_int_equal(monoclock_left_ms(a - 10), 0);
    assert_true(monoclock_left_ms(b + 100000) > 90000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grows_and_keeps_order),
        cmocka_unit_test(limit_refuses_whole_append),
        cmocka_unit_test(consume_keeps_the_rest),
        cmocka_unit_test(monoclock_moves_forward),
    };
    return cmocka_run_group_tests_name("bytebuf", tests, NULL, NULL);
}
