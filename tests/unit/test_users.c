/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/users: the name:crypt-hash file and crypt(3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/users.h"

/* SHA-512 crypt of "abc123" with salt "saltsalt" (crypt(3), fixed). */
#define SHA512_ABC123                                                          \
    "$6$saltsalt$Nqc2ZGI186L/Vw8t6jZhYnVfiBLB80QMN/OKZrFzyvsQ570NMzfQJcA4InDe" \
    "J92BlBSyYWYoanzWgLT3NhQen."

static char *write_file(const char *text)
{
    char *path = strdup("/tmp/test_users.XXXXXX");
    int fd;

    assert_non_null(path);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(close(fd), 0);
    return path;
}

static struct users *load_text(const char *text)
{
    char *path = write_file(text);
    struct users *users = users_load(path);

    unlink(path);
    free(path);
    return users;
}

static void hash_then_verify(void **state)
{
    struct users *users = users_new();
    char *hash = users_hash("s3cret pass");

    (void)state;
    assert_non_null(users);
    assert_non_null(hash);
    assert_int_equal(hash[0], '$');
    assert_int_equal(users_add(users, "brandon", hash), 0);
    assert_int_equal(users_count(users), 1);
    assert_int_equal(users_verify(users, "brandon", "s3cret pass"), 1);
    assert_int_equal(users_verify(users, "brandon", "s3cret pas"), 0);
    assert_int_equal(users_verify(users, "brandon", ""), 0);
    assert_int_equal(users_verify(users, "nobody", "s3cret pass"), 0);
    free(hash);
    users_free(users);
}

static void salts_differ(void **state)
{
    char *a = users_hash("same");
    char *b = users_hash("same");

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

static void load_file_with_comments(void **state)
{
    struct users *users = load_text("# accounts\n"
                                    "\n"
                                    "brandon:" SHA512_ABC123 "\n"
                                    "alice:" SHA512_ABC123 ":extra:fields\n"
                                    "bob:*");

    (void)state;
    assert_non_null(users);
    assert_int_equal(users_count(users), 3);
    assert_int_equal(users_verify(users, "brandon", "abc123"), 1);
    assert_int_equal(users_verify(users, "alice", "abc123"), 1);
    assert_int_equal(users_verify(users, "alice", "abc1234"), 0);
    /* A locked account (hash "*") never matches. */
    assert_int_equal(users_verify(users, "bob", "*"), 0);
    assert_int_equal(users_verify(users, "bob", ""), 0);
    users_free(users);
}

static void bad_lines_are_refused(void **state)
{
    (void)state;
    assert_null(load_text("no-colon-here\n"));
    assert_null(load_text(":hash-without-name\n"));
    assert_null(load_text("name-without-hash:\n"));
    assert_null(users_load("/nonexistent/users.txt"));
}

static void empty_set_and_long_password(void **state)
{
    struct users *users = users_new();
    char long_password[USERS_PASSWORD_MAX + 2];

    (void)state;
    assert_int_equal(users_verify(users, "brandon", "abc123"), 0);
    assert_int_equal(users_add(users, "brandon", SHA512_ABC123), 0);
    memset(long_password, 'a', sizeof(long_password) - 1);
    long_password[sizeof(long_password) - 1] = '\0';
    assert_int_equal(users_verify(users, "brandon", long_password), 0);
    users_free(users);
    users_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_then_verify),
        cmocka_unit_test(salts_differ),
        cmocka_unit_test(load_file_with_comments),
        cmocka_unit_test(bad_lines_are_refused),
        cmocka_unit_test(empty_set_and_long_password),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
