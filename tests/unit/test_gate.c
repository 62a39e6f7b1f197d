/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/gate: admission caps, random drop, delays. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <cmocka.h>

#include "common/gate.h"

/* An IPv4 socket address for TEXT, port PORT. */
static struct sockaddr_in v4(const char *text, int port)
{
    struct sockaddr_in in;

    memset(&in, 0, sizeof(in));
    in.sin_family = AF_INET;
    in.sin_port = htons((uint16_t)port);
    assert_int_equal(inet_pton(AF_INET, text, &in.sin_addr), 1);
    return in;
}

/* An IPv6 socket address for TEXT. */
static struct sockaddr_in6 v6(const char *text)
{
    struct sockaddr_in6 in6;

    memset(&in6, 0, sizeof(in6));
    in6.sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, text, &in6.sin6_addr), 1);
    return in6;
}

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static void per_source_cap(void **state)
{
    struct gate_limits limits = {.start = 100, .full = 100, .per_source = 3};
    struct gate *g = gate_new(&limits);
    struct sockaddr_in a = v4("192.0.2.1", 1000);
    struct sockaddr_in a2 = v4("192.0.2.1", 2000); /* same host */
    struct sockaddr_in b = v4("192.0.2.2", 1000);
    const char *why = NULL;

    (void)state;
    assert_non_null(g);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(gate_admit(g, (struct sockaddr *)&a, &why), 0);
    }
    assert_int_equal(gate_admit(g, (struct sockaddr *)&a2, &why), -1);
    assert_string_equal(why, "too many connections from your address");
    assert_int_equal(gate_admit(g, (struct sockaddr *)&b, &why), 0);
    assert_int_equal(gate_unauthenticated(g), 4);
    gate_release(g, (struct sockaddr *)&a2);
    assert_int_equal(gate_unauthenticated(g), 3);
    assert_int_equal(gate_admit(g, (struct sockaddr *)&a, &why), 0);
    /* A release of an address never admitted changes nothing. */
    struct sockaddr_in c = v4("192.0.2.3", 1);
    gate_release(g, (struct sockaddr *)&c);
    assert_int_equal(gate_unauthenticated(g), 4);
    gate_free(g);
}

static void full_refuses_all(void **state)
{
    struct gate_limits limits = {.start = 5, .rate = 100, .full = 5};
    struct gate *g = gate_new(&limits);
    const char *why = NULL;
    char text[32];

    (void)state;
    assert_non_null(g);
    for (int i = 0; i < 5; i++) {
        snprintf(text, sizeof(text), "198.51.100.%d", i + 1);
        struct sockaddr_in a = v4(text, 1);
        assert_int_equal(gate_admit(g, (struct sockaddr *)&a, &why), 0);
    }
    struct sockaddr_in other = v4("203.0.113.9", 1);
    assert_int_equal(gate_admit(g, (struct sockaddr *)&other, &why), -1);
    assert_string_equal(why, "too many connections waiting to log in");
    struct sockaddr_in first = v4("198.51.100.1", 1);
    gate_release(g, (struct sockaddr *)&first);
    assert_int_equal(gate_admit(g, (struct sockaddr *)&other, &why), 0);
    gate_free(g);
}

/* From START on, RATE% of new connections are refused (here 50%). */
static void random_early_drop(void **state)
{
    struct gate_limits limits = {.start = 10, .rate = 50, .full = 100000};
    struct gate *g = gate_new(&limits);
    const char *why = NULL;
    char text[32];
    int refused = 0;

    (void)state;
    assert_non_null(g);
    for (int i = 0; i < 10; i++) {
        snprintf(text, sizeof(text), "10.0.0.%d", i + 1);
        struct sockaddr_in a = v4(text, 1);
        assert_int_equal(gate_admit(g, (struct sockaddr *)&a, &why), 0);
    }
    struct sockaddr_in x = v4("10.1.0.1", 1);
    for (int i = 0; i < 4000; i++) {
        if (gate_admit(g, (struct sockaddr *)&x, &why) == 0) {
            gate_release(g, (struct sockaddr *)&x);
        } else {
            refused++;
        }
    }
    /* 2000 expected; the binomial's sigma is 32, so 10 sigma each side. */
    assert_in_range(refused, 1680, 2320);
    gate_free(g);
}

static void bad_limits(void **state)
{
    struct gate_limits limits = {.start = 50, .rate = 30, .full = 20};
    struct gate_limits rate = {.rate = 101};

    (void)state;
    assert_null(gate_new(&limits));
    assert_null(gate_new(&rate));
}

/* Delays double per failure up to the cap; only the failing host waits. */
static void failure_delay_doubles(void **state)
{
    struct gate_limits limits = {.delay_first_ms = 100, .delay_max_ms = 400};
    struct gate *g = gate_new(&limits);
    struct sockaddr_in a = v4("192.0.2.7", 1);
    struct sockaddr_in b = v4("192.0.2.8", 1);
    struct sockaddr *sa = (struct sockaddr *)&a;

    (void)state;
    assert_non_null(g);
    assert_int_equal(gate_wait_ms(g, sa), 0);
    assert_int_equal(gate_failure_delay_ms(g, sa), 100);
    assert_int_equal(gate_failure_delay_ms(g, sa), 200);
    assert_int_equal(gate_failure_delay_ms(g, sa), 400);
    assert_int_equal(gate_failure_delay_ms(g, sa), 400);
    assert_in_range(gate_wait_ms(g, sa), 350, 400);
    assert_int_equal(gate_wait_ms(g, (struct sockaddr *)&b), 0);
    gate_free(g);
}

/* After the delay and FORGET_MS of quiet, failures start again at one. */
static void failures_forgotten(void **state)
{
    struct gate_limits limits = {
        .delay_first_ms = 10, .delay_max_ms = 80, .forget_ms = 30};
    struct gate *g = gate_new(&limits);
    struct sockaddr_in a = v4("192.0.2.9", 1);
    struct sockaddr *sa = (struct sockaddr *)&a;

    (void)state;
    assert_non_null(g);
    assert_int_equal(gate_failure_delay_ms(g, sa), 10);
    assert_int_equal(gate_failure_delay_ms(g, sa), 20);
    sleep_ms(20 + 30 + 20);
    assert_int_equal(gate_wait_ms(g, sa), 0);
    assert_int_equal(gate_failure_delay_ms(g, sa), 10);
    gate_free(g);
}

/* An IPv6 host counts by its /64; a v4-mapped address as IPv4. */
static void address_grouping(void **state)
{
    struct gate_limits limits = {.per_source = 1};
    struct gate *g = gate_new(&limits);
    struct sockaddr_in6 a = v6("2001:db8:1:2::1");
    struct sockaddr_in6 same64 = v6("2001:db8:1:2:ffff::9");
    struct sockaddr_in6 other64 = v6("2001:db8:1:3::1");
    struct sockaddr_in6 mapped = v6("::ffff:192.0.2.44");
    struct sockaddr_in plain = v4("192.0.2.44", 5);
    const char *why = NULL;

    (void)state;
    assert_non_null(g);
    assert_int_equal(gate_admit(g, (struct sockaddr *)&a, &why), 0);
    assert_int_equal(gate_admit(g, (struct sockaddr *)&same64, &why), -1);
    assert_int_equal(gate_admit(g, (struct sockaddr *)&other64, &why), 0);
    assert_int_equal(gate_admit(g, (struct sockaddr *)&plain, &why), 0);
    assert_int_equal(gate_admit(g, (struct sockaddr *)&mapped, &why), -1);
    gate_free(g);
}

/* Many hosts come and go: entries are dropped, counts stay right. */
static void many_sources(void **state)
{
    struct gate_limits limits = {.start = 100000, .full = 100000};
    struct gate *g = gate_new(&limits);
    const char *why = NULL;
    struct sockaddr_in a = v4("10.0.0.0", 1);

    (void)state;
    assert_non_null(g);
    for (uint32_t i = 0; i < 70000; i++) {
        a.sin_addr.s_addr = htonl(0x0a000000u + i);
        assert_int_equal(gate_admit(g, (struct sockaddr *)&a, &why), 0);
        gate_release(g, (struct sockaddr *)&a);
    }
    assert_int_equal(gate_unauthenticated(g), 0);
    /* Hosts with failures are remembered, up to 65536 of them. */
    for (uint32_t i = 0; i < 65536; i++) {
        a.sin_addr.s_addr = htonl(0x0b000000u + i);
        assert_int_equal(gate_failure_delay_ms(g, (struct sockaddr *)&a), 1000);
    }
    a.sin_addr.s_addr = htonl(0x0c000000u);
    assert_int_equal(gate_failure_delay_ms(g, (struct sockaddr *)&a), 30000);
    assert_int_equal(gate_admit(g, (struct sockaddr *)&a, &why), -1);
    assert_string_equal(why, "server busy: too many sources");
    gate_free(g);
    gate_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(per_source_cap),
        cmocka_unit_test(full_refuses_all),
        cmocka_unit_test(random_early_drop),
        cmocka_unit_test(bad_limits),
        cmocka_unit_test(failure_delay_doubles),
        cmocka_unit_test(failures_forgotten),
        cmocka_unit_test(address_grouping),
        cmocka_unit_test(many_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
