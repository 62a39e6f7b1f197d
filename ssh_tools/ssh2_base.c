/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_base: the shared bottom of the SSH clients' session library (see
 * ssh2_base.h): a session whose reads keep the login's deadline, one way
 * to fail, the home directory, the known_hosts path, waiting on the socket.
 */
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>

#include "common/bytebuf.h"
#include "common/cli.h"
#include "common/monoclock.h"
#include "ssh_tools/ssh2_base.h"

/* RFC 4253 4.2 and 6.1: lines before the identification, the line, and a
 * first packet all fit in this; a KEXINIT is read from it on failure. */
#define OPENING_LIMIT 40000

static ssize_t read_before_deadline(libssh2_socket_t fd, void *buffer,
                                    size_t length, int flags, void **abstract);

int ssh2_session_new(struct ssh2_session *ssh)
{
    if (libssh2_init(0) != 0) {
        warnx("libssh2 could not start");
        return -1;
    }
    ssh->session = libssh2_session_init_ex(NULL, NULL, NULL, ssh);
    if (ssh->session == NULL) {
        warnx("libssh2 could not start a session");
        libssh2_exit();
        return -1;
    }
    /* libssh2 1.10 takes the callback as a void *: ISO C has no cast
     * from a function pointer to one, a union does it. */
    union {
        ssize_t (*function)(libssh2_socket_t, void *, size_t, int, void **);
        void *object;
    } reader = {.function = read_before_deadline};
    libssh2_session_callback_set(ssh->session, LIBSSH2_CALLBACK_RECV,
                                 reader.object);
    return 0;
}

void ssh2_deadline(struct ssh2_session *ssh, int timeout_ms)
{
    ssh->deadline_ms = timeout_ms > 0 ? monoclock_ms() + timeout_ms : 0;
    ssh->timeout_s = timeout_ms / 1000;
    libssh2_session_set_timeout(ssh->session, timeout_ms);
}

/*
 * libssh2 reads the socket only through this.  It waits at most its
 * time-out at a time, but a server that keeps talking (lines before its
 * identification, IGNORE packets) never lets it wait: the deadline is
 * checked here, on every read, and libssh2's next wait is cut to what is
 * left of it.
 */
static ssize_t read_before_deadline(libssh2_socket_t fd, void *buffer,
                                    size_t length, int flags, void **abstract)
{
    struct ssh2_session *ssh = *abstract;
    if (ssh->deadline_ms > 0) {
        long long left = monoclock_left_ms(ssh->deadline_ms);
        if (left <= 0) {
            ssh->timed_out = 1;
            return -ETIMEDOUT;
        }
        libssh2_session_set_timeout(ssh->session, left);
    }
    ssize_t n = recv(fd, buffer, length, flags);
    if (n < 0) {
        return -errno;
    }
    if (ssh->deadline_ms > 0 && ssh->opening.len < OPENING_LIMIT) {
        size_t keep = (size_t)n;
        if (keep > OPENING_LIMIT - ssh->opening.len) {
            keep = OPENING_LIMIT - ssh->opening.len;
        }
        /* Only for a better message later: no memory is no harm. */
        (void)bytebuf_append(&ssh->opening, buffer, keep, OPENING_LIMIT);
    }
    return n;
}

int ssh2_fail(LIBSSH2_SESSION *session, const char *what)
{
    char *message = NULL;
    int code = libssh2_session_last_error(session, &message, NULL, 0);
    warnx("%s: %s", what,
          message != NULL && *message != '\0' ? message : "failed");
    switch (code) {
    case LIBSSH2_ERROR_TIMEOUT:
    case LIBSSH2_ERROR_SOCKET_TIMEOUT:
        return CLI_EXIT_TIMEOUT;
    case LIBSSH2_ERROR_BANNER_RECV:
    case LIBSSH2_ERROR_SOCKET_DISCONNECT:
    case LIBSSH2_ERROR_SOCKET_RECV:
    case LIBSSH2_ERROR_SOCKET_SEND:
        return CLI_EXIT_CLOSED;
    default:
        return CLI_EXIT_FAILURE;
    }
}

int ssh2_step_fail(struct ssh2_session *ssh, const char *what)
{
    int code = libssh2_session_last_errno(ssh->session);
    if (ssh->timed_out || code == LIBSSH2_ERROR_TIMEOUT ||
        (ssh->deadline_ms > 0 && monoclock_left_ms(ssh->deadline_ms) == 0)) {
        warnx("%s: timed out after %d s", what, ssh->timeout_s);
        return CLI_EXIT_TIMEOUT;
    }
    return ssh2_fail(ssh->session, what);
}

const char *ssh2_home_dir(void)
{
    const char *home = getenv("HOME");
    if (home != NULL && *home != '\0') {
        return home;
    }
    struct passwd *pw = getpwuid(getuid());
    return pw != NULL ? pw->pw_dir : NULL;
}

char *ssh2_known_hosts_path(const char *given)
{
    const char *home = ssh2_home_dir();
    char *path = NULL;
    if (given != NULL) {
        path = strdup(given);
    } else if (home != NULL) {
        size_t size = strlen(home) + sizeof "/.ssh/known_hosts";
        path = malloc(size);
        if (path != NULL) {
            snprintf(path, size, "%s/.ssh/known_hosts", home);
        }
    } else {
        warnx("no home directory for ~/.ssh/known_hosts: "
              "use --known-hosts FILE");
        return NULL;
    }
    if (path == NULL) {
        warn("known_hosts path");
    }
    return path;
}

int ssh2_wait_socket(const struct ssh2_session *ssh, int timeout_ms)
{
    int directions = libssh2_session_block_directions(ssh->session);
    struct pollfd p = {.fd = ssh->fd, .events = POLLIN};
    if (directions & LIBSSH2_SESSION_BLOCK_OUTBOUND) {
        p.events |= POLLOUT;
    }
    int ready = poll(&p, 1, timeout_ms);
    if (ready < 0 && errno != EINTR) {
        warn("poll");
        return -1;
    }
    return ready > 0 || (ready < 0 && errno == EINTR) ? 1 : 0;
}
