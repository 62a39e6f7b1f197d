/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/net, on loopback only. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/net.h"

static void listen_connect_and_talk(void **state)
{
    (void)state;
    int server = net_listen("127.0.0.1", "0", 8);
    assert_true(server >= 0);
    int port = net_local_port(server);
    assert_true(port > 0);
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%d", port);

    int client = net_connect("localhost", port_text, 2000);
    assert_true(client >= 0);
    int nodelay = 0;
    socklen_t len = sizeof nodelay;
    assert_int_equal(
        getsockopt(client, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len), 0);
    assert_true(nodelay != 0);

    int peer = -1;
    for (int tries = 0; peer < 0 && tries < 200; tries++) {
        peer = accept(server, NULL, NULL);
        if (peer < 0) {
            usleep(5000);
        }
    }
    assert_true(peer >= 0);
    assert_int_equal(net_write_all(client, "hello", 5), 5);
    char buf[8] = {0};
    assert_int_equal(read(peer, buf, sizeof buf), 5);
    assert_memory_equal(buf, "hello", 5);

    char name[64];
    assert_int_equal(net_peer_name(peer, name, sizeof name), 0);
    assert_non_null(strstr(name, "127.0.0.1 port "));
    close(peer);
    close(client);
    close(server);
}

static void refused_port(void **state)
{
    (void)state;
    int server = net_listen("127.0.0.1", "0", 1);
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%d", net_local_port(server));
    close(server); /* now nothing listens there */
    assert_int_equal(net_connect("127.0.0.1", port_text, 2000), -1);
    assert_int_equal(errno, ECONNREFUSED);
}

static void unknown_host(void **state)
{
    (void)state;
    assert_int_equal(net_connect("no-such-host.invalid", "23", 2000), -1);
    assert_int_equal(errno, ENXIO);
}

/* A full accept queue makes the kernel drop SYNs: a connect that hangs. */
static void connect_times_out(void **state)
{
    (void)state;
    int server = net_listen("127.0.0.1", "0", 0);
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%d", net_local_port(server));
    int held[8], n = 0, rc = 0;
    while (n < 8 && (rc = net_connect("127.0.0.1", port_text, 300)) >= 0) {
        held[n++] = rc;
    }
    assert_int_equal(rc, -1);
    assert_int_equal(errno, ETIMEDOUT);
    while (n > 0) {
        close(held[--n]);
    }
    close(server);
}

static void bad_listen_address(void **state)
{
    (void)state;
    assert_int_equal(net_listen("not an address", "0", 1), -1);
}

/* The soft limit goes up to what is wanted, and never past the hard one. */
static void descriptor_limit_rises_to_the_hard_one(void **state)
{
    (void)state;
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    rl.rlim_cur = rl.rlim_max < 64 ? rl.rlim_max : 64;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);

    assert_int_equal(net_raise_descriptor_limit(32), (long)rl.rlim_cur);
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max > 100) {
        assert_int_equal(net_raise_descriptor_limit(100), 100);
        assert_int_equal(net_raise_descriptor_limit((long)rl.rlim_max + 1),
                         (long)rl.rlim_max);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(listen_connect_and_talk),
        cmocka_unit_test(refused_port),
        cmocka_unit_test(unknown_host),
        cmocka_unit_test(connect_times_out),
        cmocka_unit_test(bad_listen_address),
        cmocka_unit_test(descriptor_limit_rises_to_the_hard_one),
    };
    return cmocka_run_group_tests_name("net", tests, NULL, NULL);
}
