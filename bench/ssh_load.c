/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh_load: load for bench_ssh_server.sh, the same for any SSH server.
 *
 *     ssh_load rate HOST PORT USER KEY COUNT
 *         COUNT logins one after another (connect, key exchange, public
 *         key login, session channel, disconnect); prints the seconds.
 *     ssh_load hold HOST PORT USER KEY COUNT
 *         COUNT logins each holding a session channel open; prints the
 *         seconds it took, then holds them until stdin ends.
 *
 * A benchmark tool on loopback: it does not check the host key.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libssh2.h>

#include "common/cli.h"
#include "common/net.h"

#define USAGE      "usage: ssh_load rate|hold HOST PORT USER KEY COUNT"
#define CONNECT_MS 10000
#define MAX_COUNT  10000

struct login {
    int fd;
    LIBSSH2_SESSION *session;
    LIBSSH2_CHANNEL *channel;
};

static int log_in(struct login *l, char **argv);
static void log_out(struct login *l);
static double now_s(void);

int main(int argc, char **argv)
{
    long count = 0;
    if (argc != 7 ||
        (strcmp(argv[1], "rate") != 0 && strcmp(argv[1], "hold") != 0) ||
        cli_parse_number(argv[6], 1, MAX_COUNT, "count", &count) < 0) {
        cli_print_usage_error(USAGE);
        return CLI_EXIT_USAGE;
    }
    int hold = strcmp(argv[1], "hold") == 0;
    struct login *logins = calloc(count, sizeof(struct login));
    if (logins == NULL || libssh2_init(0) != 0) {
        errx(CLI_EXIT_FAILURE, "out of memory");
    }
    int status = CLI_EXIT_OK;
    long done = 0;
    double start = now_s();
    for (; done < count; done++) {
        struct login *l = &logins[hold ? done : 0];
        if (log_in(l, argv + 2) < 0) {
            log_out(l);
            status = CLI_EXIT_FAILURE;
            break;
        }
        if (!hold) {
            log_out(l);
        }
    }
    printf("%.3f\n", now_s() - start);
    fflush(stdout);
    if (hold && status == CLI_EXIT_OK) {
        char buf[64];
        while (read(STDIN_FILENO, buf, sizeof(buf)) > 0) {
            continue;
        }
    }
    for (long i = 0; hold && i < done; i++) {
        log_out(&logins[i]);
    }
    free(logins);
    libssh2_exit();
    return status;
}

/* Connect, handshake, log in with the key, open a session channel. */
static int log_in(struct login *l, char **argv)
{
    const char *host = argv[0], *port = argv[1], *user = argv[2];
    const char *key = argv[3];
    *l = (struct login){.fd = -1};
    l->fd = net_connect(host, port, CONNECT_MS);
    if (l->fd < 0) {
        return -1;
    }
    l->session = libssh2_session_init();
    if (l->session == NULL || libssh2_session_handshake(l->session, l->fd)) {
        warnx("handshake failed");
        return -1;
    }
    if (libssh2_userauth_publickey_fromfile(l->session, user, NULL, key,
                                            NULL) != 0) {
        warnx("login as %s with %s failed", user, key);
        return -1;
    }
    l->channel = libssh2_channel_open_session(l->session);
    if (l->channel == NULL) {
        warnx("no session channel");
        return -1;
    }
    return 0;
}

static void log_out(struct login *l)
{
    if (l->channel != NULL) {
        libssh2_channel_free(l->channel);
    }
    if (l->session != NULL) {
        libssh2_session_disconnect(l->session, "bye");
        libssh2_session_free(l->session);
    }
    if (l->fd >= 0) {
        close(l->fd);
    }
    *l = (struct login){.fd = -1};
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
