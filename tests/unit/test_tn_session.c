/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests for telnet_tools/tn_session: canned server bytes go into one end
 * of a socketpair, the session reads the other end (tn_attach), and what it
 * answers is read back byte for byte.  Sequences are cut across reads by
 * letting the session read (and time out) between two writes.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libtelnet.h>

#include "telnet_tools/tn_session.h"

#define WAIT_MS  5000 /* for what must arrive */
#define QUIET_MS 50   /* for what must not */

struct pair {
    struct tn_session *session;
    int server; /* the test plays the server on this end */
};

static int set_up(void **state)
{
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0) {
        return -1;
    }
    struct pair *p = calloc(1, sizeof *p);
    assert_non_null(p);
    p->session = tn_attach(fds[0], WAIT_MS);
    assert_non_null(p->session);
    p->server = fds[1];
    /* A missing answer fails the test instead of hanging it. */
    struct timeval limit = {.tv_sec = WAIT_MS / 1000};
    assert_int_equal(
        setsockopt(p->server, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit),
        0);
    *state = p;
    return 0;
}

static int tear_down(void **state)
{
    struct pair *p = *state;
    tn_close(p->session);
    if (p->server >= 0) {
        close(p->server);
    }
    free(p);
    return 0;
}

/* The server sends LEN bytes. */
static void serve(struct pair *p, const char *bytes, size_t len)
{
    assert_int_equal(write(p->server, bytes, len), (ssize_t)len);
}

/* The client must have sent exactly LEN bytes, WANT. */
static void expect_sent(struct pair *p, const char *want, size_t len)
{
    char got[256] = {0};
    size_t n = 0;
    while (n < len) {
        ssize_t r = read(p->server, got + n, sizeof got - n);
        assert_true(r > 0);
        n += (size_t)r;
    }
    assert_int_equal(n, len);
    assert_memory_equal(got, want, len);
}

/* Let the session read what has come so far, with no text to show. */
static void read_nothing(struct pair *p)
{
    char buf[16];
    errno = 0;
    assert_int_equal(tn_read_some(p->session, buf, sizeof buf, QUIET_MS), -1);
    assert_int_equal(errno, ETIMEDOUT);
}

static void read_text(struct pair *p, const char *want)
{
    char buf[256];
    size_t len = strlen(want);
    ssize_t n = tn_read_some(p->session, buf, sizeof buf, WAIT_MS);
    assert_int_equal(n, (ssize_t)len);
    assert_memory_equal(buf, want, len);
}

static void text_line_ends_follow_rfc854(void **state)
{
    struct pair *p = *state;
    serve(p, "a\r\nb\r\0c\0d\xff\xff", 11);
    read_text(p, "a\nb\rcd\xff");
}

static void cr_lf_cut_across_reads(void **state)
{
    struct pair *p = *state;
    serve(p, "line\r", 5);
    read_text(p, "line"); /* the CR waits for the next byte */
    serve(p, "\nnext\r", 6);
    read_text(p, "\nnext");
    serve(p, "\0", 1);
    read_text(p, "\r");
}

static void refuses_by_default(void **state)
{
    struct pair *p = *state;
    serve(p, "\xff\xfd\x18\xff\xfb\x01\xff\xfe\x03\xff\xfc\x05x", 13);
    read_text(p, "x");
    /* DO TTYPE -> WONT TTYPE, WILL ECHO -> DONT ECHO; DONT and WONT: no. */
    expect_sent(p, "\xff\xfc\x18\xff\xfe\x01", 6);
}

static void negotiation_cut_across_reads(void **state)
{
    struct pair *p = *state;
    serve(p, "\xff", 1);
    read_nothing(p);
    serve(p, "\xfd", 1);
    read_nothing(p);
    serve(p, "\x20ok", 3);
    read_text(p, "ok");
    expect_sent(p, "\xff\xfc\x20", 3);
}

/* A handler like telnet_codes': WILL TTYPE, and its name on each SEND. */
static void answer_ttype(struct tn_session *session, unsigned char command,
                         unsigned char option, const unsigned char *data,
                         size_t len, void *arg)
{
    int *calls = arg;
    (*calls)++;
    if (command == TELNET_DO && option == TELNET_TELOPT_TTYPE) {
        tn_negotiate(session, TELNET_WILL, option);
    } else if (command == TN_SB && option == TELNET_TELOPT_TTYPE && len == 1 &&
               data[0] == TELNET_TTYPE_SEND) {
        tn_subnegotiate(session, option, "\0ab\xff", 4);
    }
}

static void handler_sees_subnegotiation_cut_across_reads(void **state)
{
    struct pair *p = *state;
    int calls = 0;
    tn_set_option_handler(p->session, answer_ttype, &calls);
    serve(p, "\xff\xfd\x18\xff\xfa", 5);
    read_nothing(p);
    serve(p, "\x18\x01\xff", 3);
    read_nothing(p);
    serve(p, "\xf0!", 2);
    read_text(p, "!");
    assert_int_equal(calls, 2);
    /* RFC 1091 TTYPE IS, the 255 in the name doubled inside SB. */
    expect_sent(p, "\xff\xfb\x18\xff\xfa\x18\0ab\xff\xff\xff\xf0", 13);
}

static void write_makes_nvt(void **state)
{
    struct pair *p = *state;
    assert_int_equal(tn_write(p->session, "a\nb\rc\r\n\xff", 8), 0);
    expect_sent(p, "a\r\nb\r\0c\r\n\xff\xff", 11);
    assert_int_equal(tn_write_line(p->session, "exec uptime"), 0);
    expect_sent(p, "exec uptime\r\n", 13);
}

static void expect_takes_the_earliest_match(void **state)
{
    struct pair *p = *state;
    static const char *const patterns[] = {"Login incorrect", "$ "};
    char *before = NULL;
    serve(p, "Last login\r\nbob$ Login incorrect", 32);
    assert_int_equal(tn_expect(p->session, patterns, 2, WAIT_MS, &before), 1);
    assert_string_equal(before, "Last login\nbob$ ");
    free(before);
    assert_int_equal(tn_read_until(p->session, "incorrect", WAIT_MS), 0);
}

static void pattern_cut_across_reads(void **state)
{
    struct pair *p = *state;
    serve(p, "log", 3);
    assert_int_equal(tn_read_until(p->session, "login:", QUIET_MS), -1);
    assert_int_equal(errno, ETIMEDOUT);
    serve(p, "in: ", 4);
    assert_int_equal(tn_read_until(p->session, "login:", WAIT_MS), 0);
    read_text(p, " ");
}

static void server_closing_early(void **state)
{
    struct pair *p = *state;
    serve(p, "bye\r", 4);
    close(p->server);
    p->server = -1;
    assert_int_equal(tn_read_until(p->session, "login:", WAIT_MS), -1);
    assert_int_equal(errno, ECONNRESET);
    assert_int_equal(tn_exit_for(errno), CLI_EXIT_CLOSED);
    read_text(p, "bye\r"); /* a CR at the end is text */
}

/* Nothing but the close: no text, and no text buffer was ever made. */
static void close_before_any_text(void **state)
{
    struct pair *p = *state;
    char buf[16];
    close(p->server);
    p->server = -1;
    assert_int_equal(tn_read_some(p->session, buf, sizeof buf, WAIT_MS), 0);
    assert_int_equal(tn_read_until(p->session, "login:", WAIT_MS), -1);
    assert_int_equal(errno, ECONNRESET);
}

static void read_all_until_close(void **state)
{
    struct pair *p = *state;
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    assert_non_null(f);
    serve(p, " 10:00 up 1 day\r\n", 17);
    close(p->server);
    p->server = -1;
    assert_int_equal(tn_read_all(p->session, f, WAIT_MS), 0);
    assert_int_equal(fclose(f), 0);
    assert_string_equal(out, " 10:00 up 1 day\n");
    free(out);
}

static void endless_text_is_bounded(void **state)
{
    struct pair *p = *state;
    static char junk[TN_PENDING_MAX + 4096];
    memset(junk, 'x', sizeof junk);
    serve(p, junk, sizeof junk);
    assert_int_equal(tn_read_until(p->session, "login:", WAIT_MS), -1);
    assert_int_equal(errno, EMSGSIZE);
}

static void negotiation_flood_is_an_error(void **state)
{
    struct pair *p = *state;
    static const char will_echo[3] = {'\xff', '\xfb', '\x01'};
    static char flood[3 * (TN_NEGOTIATION_MAX + 1)];
    for (size_t i = 0; i < sizeof flood; i += 3) {
        memcpy(flood + i, will_echo, sizeof will_echo); /* again and again */
    }
    serve(p, flood, sizeof flood);
    assert_int_equal(tn_read_until(p->session, "login:", WAIT_MS), -1);
    assert_int_equal(errno, EPROTO);
}

static void unasked_compression_is_an_error(void **state)
{
    struct pair *p = *state;
    serve(p, "\xff\xfa\x56\xff\xf0", 5); /* IAC SB COMPRESS2 IAC SE */
    assert_int_equal(tn_read_until(p->session, "login:", WAIT_MS), -1);
    assert_int_equal(errno, EPROTO);
}

static void debug_shows_every_event(void **state)
{
    struct pair *p = *state;
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    assert_non_null(f);
    tn_set_debug(p->session, f);
    serve(p, "\xff\xfd\x18\xff\xf1hi\r\n", 9);
    read_text(p, "hi\n");
    assert_int_equal(tn_write_line(p->session, "x"), 0);
    assert_int_equal(fclose(f), 0);
    assert_string_equal(out, "<- DO TTYPE (24)\n"
                             "-> WONT TTYPE (24)\n"
                             "<- IAC NOP (241)\n"
                             "<- \"hi\\r\\n\"\n"
                             "-> \"x\\r\\n\"\n");
    free(out);
}

/* tn_read_screen's output so far, from a memstream. */
static char *read_screen(struct pair *p, size_t max, int quiet_ms,
                         int timeout_ms, int want)
{
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    assert_non_null(f);
    assert_int_equal(tn_read_screen(p->session, f, max, quiet_ms, timeout_ms),
                     want);
    assert_int_equal(fclose(f), 0);
    return out;
}

static void screen_ends_at_quiet_or_max(void **state)
{
    struct pair *p = *state;
    serve(p, "Welcome\r\nlogin: ", 17);
    char *out = read_screen(p, 8192, QUIET_MS, WAIT_MS, 0);
    assert_string_equal(out, "Welcome\nlogin: ");
    free(out);
    serve(p, "0123456789", 10);
    out = read_screen(p, 4, QUIET_MS, WAIT_MS, 0);
    assert_string_equal(out, "0123");
    free(out);
    close(p->server);
    p->server = -1;
    out = read_screen(p, 8192, WAIT_MS, WAIT_MS, 0); /* closed: the rest */
    assert_string_equal(out, "456789");
    free(out);
}

/* A server that never falls quiet: the deadline holds, not the drip. */
static void screen_time_out_bounds_a_drip(void **state)
{
    struct pair *p = *state;
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        for (int i = 0; i < 40; i++) { /* a byte each 20 ms, for 0.8 s */
            if (write(p->server, ".", 1) != 1) {
                _exit(1);
            }
            nanosleep(&(struct timespec){.tv_nsec = 20000000}, NULL);
        }
        _exit(0);
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    char *out = read_screen(p, 8192, 100, 300, -1);
    clock_gettime(CLOCK_MONOTONIC, &end);
    assert_int_equal(errno, ETIMEDOUT);
    long ms = (end.tv_sec - start.tv_sec) * 1000 +
              (end.tv_nsec - start.tv_nsec) / 1000000;
    assert_true(ms >= 250 && ms < 700);
    assert_true(strlen(out) >= 5);
    free(out);
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
}

static void exit_statuses(void **state)
{
    (void)state;
    assert_int_equal(tn_exit_for(ETIMEDOUT), CLI_EXIT_TIMEOUT);
    assert_int_equal(tn_exit_for(ECONNRESET), CLI_EXIT_CLOSED);
    assert_int_equal(tn_exit_for(EPROTO), CLI_EXIT_FAILURE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(text_line_ends_follow_rfc854, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(cr_lf_cut_across_reads, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(refuses_by_default, set_up, tear_down),
        cmocka_unit_test_setup_teardown(negotiation_cut_across_reads, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(
            handler_sees_subnegotiation_cut_across_reads, set_up, tear_down),
        cmocka_unit_test_setup_teardown(write_makes_nvt, set_up, tear_down),
        cmocka_unit_test_setup_teardown(expect_takes_the_earliest_match, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(pattern_cut_across_reads, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(server_closing_early, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(close_before_any_text, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(read_all_until_close, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(endless_text_is_bounded, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(negotiation_flood_is_an_error, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(unasked_compression_is_an_error, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(debug_shows_every_event, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(screen_ends_at_quiet_or_max, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(screen_time_out_bounds_a_drip, set_up,
                                        tear_down),
        cmocka_unit_test(exit_statuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
