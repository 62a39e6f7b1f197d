/* SPDX-License-Identifier: GPL-3.0-or-later */
/* net: TCP connect and listen (Beej's client loop, nc's remote_connect). */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "common/net.h"

static int connect_one(const struct addrinfo *ai, int timeout_ms);
static int wait_connected(int fd, int timeout_ms);

int net_connect(const char *host, const char *port, int timeout_ms)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *list = NULL;
    int fd = -1, saved = ECONNREFUSED;

    int rc = getaddrinfo(host, port, &hints, &list);
    if (rc != 0) {
        warnx("%s port %s: %s", host, port,
              rc == EAI_SYSTEM ? "name lookup failed" : gai_strerror(rc));
        errno = ENXIO;
        return -1;
    }
    /* Every address in turn: a name may list one that is down (::1 first). */
    for (struct addrinfo *ai = list; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = connect_one(ai, timeout_ms);
        if (fd < 0) {
            saved = errno;
        }
    }
    freeaddrinfo(list);
    if (fd < 0) {
        errno = saved;
        warn("connect to %s port %s", host, port);
        errno = saved;
    }
    return fd;
}

/* One address: a non-blocking connect, so a time-out can be had with poll. */
static int connect_one(const struct addrinfo *ai, int timeout_ms)
{
    int fd =
        socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        return -1;
    }
    if (net_set_nonblocking(fd, 1) < 0) {
        goto fail;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 &&
        (errno != EINPROGRESS || wait_connected(fd, timeout_ms) < 0)) {
        goto fail;
    }
    if (net_set_nonblocking(fd, 0) < 0 || net_set_nodelay(fd) < 0) {
        goto fail;
    }
    return fd;
fail:;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

/* Wait for a connect in progress; the result is read from SO_ERROR. */
static int wait_connected(int fd, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    int n;
    do {
        n = poll(&pfd, 1, timeout_ms > 0 ? timeout_ms : -1);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
        errno = ETIMEDOUT;
    }
    if (n <= 0) {
        return -1;
    }
    int error = 0;
    socklen_t len = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) {
        return -1;
    }
    errno = error;
    return error == 0 ? 0 : -1;
}

int net_listen(const char *addr, const char *port, int backlog)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *list = NULL;
    int fd = -1, one = 1;

    int rc = getaddrinfo(addr, port, &hints, &list);
    if (rc != 0) {
        warnx("listen on %s port %s: %s", addr ? addr : "*", port,
              gai_strerror(rc));
        return -1;
    }
    fd = socket(list->ai_family, list->ai_socktype | SOCK_CLOEXEC,
                list->ai_protocol);
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, list->ai_addr, list->ai_addrlen) < 0 ||
        listen(fd, backlog) < 0 || net_set_nonblocking(fd, 1) < 0) {
        int saved = errno;
        warn("listen on %s port %s", addr ? addr : "*", port);
        if (fd >= 0) {
            close(fd);
        }
        fd = -1;
        errno = saved;
    }
    freeaddrinfo(list);
    return fd;
}

int net_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        return -1;
    }
    if (ss.ss_family == AF_INET) {
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    }
    if (ss.ss_family == AF_INET6) {
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return -1;
}

int net_set_nonblocking(int fd, int on)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) {
        return -1;
    }
    flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, flags);
}

int net_set_nodelay(int fd)
{
    int one = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

ssize_t net_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -1;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

int net_peer_name(int fd, char *buf, size_t size)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[NI_MAXHOST], port[NI_MAXSERV];
    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0 ||
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, port,
                    sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        return -1;
    }
    int n = snprintf(buf, size, "%s port %s", host, port);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

long net_raise_descriptor_limit(long want)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
        warn("getrlimit");
        return -1;
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)want) {
        rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < (rlim_t)want
                          ? rl.rlim_max
                          : (rlim_t)want;
        if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
            warn("setrlimit");
            return -1;
        }
    }
    return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t)LONG_MAX
               ? LONG_MAX
               : (long)rl.rlim_cur;
}
