/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/passcheck: crypt(3) on a worker thread. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/monoclock.h"
#include "common/passcheck.h"
#include "common/users.h"

/* A set with one account, brandon, password "right one". */
static struct users *one_account(void)
{
    struct users *users = users_new();
    char *hash = users_hash("right one");

    assert_non_null(users);
    assert_non_null(hash);
    assert_int_equal(users_add(users, "brandon", hash), 0);
    free(hash);
    return users;
}

/* Wait for answers until COUNT came: ANSWERS[id] = ok. */
static void collect(struct passcheck *pc, int count, int *answers)
{
    struct pollfd pfd = {.fd = passcheck_fd(pc), .events = POLLIN};
    unsigned long id;
    int ok;

    while (count > 0) {
        assert_true(poll(&pfd, 1, 10000) == 1);
        while (passcheck_result(pc, &id, &ok) == 1) {
            assert_true(id < 16);
            answers[id] = ok;
            count--;
        }
    }
}

static void right_wrong_unknown(void **state)
{
    struct users *users = one_account();
    struct passcheck *pc = passcheck_start(users);
    int answers[16];
    char longer[USERS_PASSWORD_MAX + 100];
    unsigned long id;
    int ok;

    (void)state;
    assert_non_null(pc);
    memset(answers, -1, sizeof(answers));
    memset(longer, 'x', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    assert_int_equal(passcheck_result(pc, &id, &ok), 0);
    assert_int_equal(passcheck_submit(pc, 3, "brandon", "right one"), 0);
    assert_int_equal(passcheck_submit(pc, 4, "brandon", "wrong one"), 0);
    assert_int_equal(passcheck_submit(pc, 5, "nobody", "right one"), 0);
    assert_int_equal(passcheck_submit(pc, 6, "brandon", longer), 0);
    assert_int_equal(passcheck_submit(pc, 7, "brandon", "right one"), 0);
    collect(pc, 5, answers);
    assert_int_equal(answers[3], 1);
    assert_int_equal(answers[4], 0);
    assert_int_equal(answers[5], 0);
    assert_int_equal(answers[6], 0);
    assert_int_equal(answers[7], 1);
    assert_int_equal(passcheck_result(pc, &id, &ok), 0);
    passcheck_stop(pc);
    users_free(users);
}

/* Submitting never waits for crypt(3): the loop stays free. */
static void submit_does_not_block(void **state)
{
    struct users *users = one_account();
    struct passcheck *pc = passcheck_start(users);
    int answers[16];
    long long start = monoclock_ms();

    (void)state;
    assert_non_null(pc);
    for (unsigned long i = 0; i < 10; i++) {
        assert_int_equal(passcheck_submit(pc, i, "brandon", "nope"), 0);
    }
    /* Ten yescrypt checks take far more than this; queueing does not. */
    assert_true(monoclock_ms() - start < 50);
    collect(pc, 10, answers);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(answers[i], 0);
    }
    passcheck_stop(pc);
    users_free(users);
}

/* A full queue says so; stop does not wait for the checks queued. */
static void full_queue_and_quick_stop(void **state)
{
    struct users *users = one_account();
    struct passcheck *pc = passcheck_start(users);
    long long start;

    (void)state;
    assert_non_null(pc);
    for (unsigned long i = 0; i < PASSCHECK_QUEUE_MAX; i++) {
        assert_int_equal(passcheck_submit(pc, i, "brandon", "x"), 0);
    }
    assert_int_equal(passcheck_submit(pc, 999, "brandon", "x"), -1);
    start = monoclock_ms();
    passcheck_stop(pc);
    assert_true(monoclock_ms() - start < 2000);
    users_free(users);
    passcheck_stop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(right_wrong_unknown),
        cmocka_unit_test(submit_does_not_block),
        cmocka_unit_test(full_queue_and_quick_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
