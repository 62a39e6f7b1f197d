/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tn_session: telnetlib's client API in C, over libtelnet (tn_session.h).
 *
 * The reads wait on tn_wire_pump(), which feeds the socket's bytes to
 * libtelnet and keeps the text in session->text; tn_expect() looks for
 * its patterns there.  The writes turn text into NVT (RFC 854) and leave
 * through tn_wire_flush_all().  Below this file: tn_wire.c (the plumbing)
 * and tn_show.c (debug lines and failure messages).
 */
#include "telnet_tools/tn_session.h"

#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/monoclock.h"
#include "common/net.h"
#include "telnet_tools/tn_show.h"
#include "telnet_tools/tn_wire.h"

static int send_text(struct tn_session *s, const char *text, size_t len,
                     int end_line);
static int find_first(const struct tn_session *s, const char *const *patterns,
                      size_t count, size_t *end);

struct tn_session *tn_open(const char *host, const char *port, int timeout_ms)
{
    int fd = net_connect(host, port, timeout_ms);
    if (fd < 0) {
        return NULL;
    }
    return tn_attach(fd, timeout_ms);
}

struct tn_session *tn_attach(int fd, int timeout_ms)
{
    struct tn_session *s = calloc(1, sizeof *s);
    if (s == NULL) {
        warn("telnet session");
        close(fd);
        return NULL;
    }
    s->fd = fd;
    s->timeout_ms = timeout_ms;
    if (tn_wire_start(s) < 0 || net_set_nonblocking(fd, 1) < 0) {
        warn("telnet session");
        tn_close(s);
        return NULL;
    }
    return s;
}

void tn_close(struct tn_session *s)
{
    if (s == NULL) {
        return;
    }
    if (s->telnet != NULL) {
        telnet_free(s->telnet);
    }
    close(s->fd);
    bytebuf_free(&s->text);
    bytebuf_free(&s->out);
    free(s);
}

void tn_set_option_handler(struct tn_session *s, tn_option_handler *handler,
                           void *arg)
{
    s->handler = handler;
    s->handler_arg = arg;
}

void tn_set_debug(struct tn_session *s, FILE *out)
{
    s->debug = out;
}

int tn_expect(struct tn_session *s, const char *const *patterns, size_t count,
              int timeout_ms, char **text)
{
    long long deadline = tn_wire_deadline(timeout_ms);
    int error;
    for (;;) {
        size_t end = 0;
        int found = find_first(s, patterns, count, &end);
        if (found >= 0) {
            if (text != NULL && (*text = malloc(end + 1)) == NULL) {
                warn("expect");
                return -1;
            }
            if (text != NULL) { /* found: text.data is not NULL */
                memcpy(*text, s->text.data, end);
                (*text)[end] = '\0';
            }
            bytebuf_consume(&s->text, end);
            return found;
        }
        if (s->text.len > TN_PENDING_MAX) {
            error = EMSGSIZE;
            break;
        }
        if (s->closed) {
            error = ECONNRESET;
            break;
        }
        if (tn_wire_pump(s, deadline) < 0) {
            error = errno;
            break;
        }
    }
    tn_show_failure(s, NULL, patterns, count, error, timeout_ms);
    errno = error;
    return -1;
}

int tn_read_until(struct tn_session *s, const char *pattern, int timeout_ms)
{
    return tn_expect(s, &pattern, 1, timeout_ms, NULL) < 0 ? -1 : 0;
}

ssize_t tn_read_some(struct tn_session *s, char *buf, size_t size,
                     int timeout_ms)
{
    long long deadline = tn_wire_deadline(timeout_ms);
    while (s->text.len == 0 && !s->closed) {
        if (tn_wire_pump(s, deadline) < 0) {
            int error = errno;
            if (error != ETIMEDOUT) {
                tn_show_failure(s, "reading", NULL, 0, error, timeout_ms);
            }
            errno = error;
            return -1;
        }
    }
    size_t n = s->text.len < size ? s->text.len : size;
    if (n > 0) { /* no text yet: no buffer either */
        memcpy(buf, s->text.data, n);
        bytebuf_consume(&s->text, n);
    }
    return (ssize_t)n;
}

int tn_read_all(struct tn_session *s, FILE *out, int idle_ms)
{
    char buf[TN_READ_CHUNK];
    ssize_t n;
    while ((n = tn_read_some(s, buf, sizeof buf, idle_ms)) > 0) {
        if (fwrite(buf, 1, (size_t)n, out) != (size_t)n || fflush(out) != 0) {
            warn("write output");
            return -1;
        }
    }
    if (n < 0 && errno == ETIMEDOUT) {
        tn_show_failure(s, "waiting for the server to close", NULL, 0,
                        ETIMEDOUT, idle_ms);
        errno = ETIMEDOUT;
    }
    return n == 0 ? 0 : -1;
}

int tn_read_screen(struct tn_session *s, FILE *out, size_t max, int quiet_ms,
                   int timeout_ms)
{
    long long deadline = tn_wire_deadline(timeout_ms);
    char buf[TN_READ_CHUNK];
    size_t shown = 0;
    if (timeout_ms >= 0 && quiet_ms > timeout_ms / 2) {
        quiet_ms = timeout_ms / 2; /* so that a quiet server ends in time */
    }
    ssize_t n;
    int wait_ms;
    do {
        long long left = deadline < 0 ? quiet_ms : monoclock_left_ms(deadline);
        wait_ms = left < quiet_ms ? (int)left : quiet_ms;
        n = tn_read_some(s, buf,
                         max - shown < sizeof buf ? max - shown : sizeof buf,
                         wait_ms);
        if (n > 0 && fwrite(buf, 1, (size_t)n, out) != (size_t)n) {
            warn("write output");
            return -1;
        }
        shown += n > 0 ? (size_t)n : 0;
    } while (n > 0 && shown < max);
    if (n < 0 && errno == ETIMEDOUT && wait_ms < quiet_ms) {
        /* Still talking at the deadline: no trickle extends it. */
        warnx("waiting for %g s of silence: timed out after %g s",
              quiet_ms / 1000.0, timeout_ms / 1000.0);
        errno = ETIMEDOUT;
        return -1;
    }
    return n < 0 && errno != ETIMEDOUT ? -1 : 0;
}

int tn_write(struct tn_session *s, const char *text, size_t len)
{
    return send_text(s, text, len, 0);
}

int tn_write_line(struct tn_session *s, const char *line)
{
    return send_text(s, line, strlen(line), 1);
}

int tn_negotiate(struct tn_session *s, unsigned char command,
                 unsigned char option)
{
    tn_show_command(s, "->", command, option, NULL, 0);
    telnet_negotiate(s->telnet, command, option);
    return tn_wire_failed(s);
}

int tn_subnegotiate(struct tn_session *s, unsigned char option,
                    const void *data, size_t len)
{
    tn_show_command(s, "->", TN_SB, option, data, len);
    telnet_subnegotiation(s->telnet, option, data, len);
    return tn_wire_failed(s);
}

enum cli_exit tn_exit_for(int saved_errno)
{
    switch (saved_errno) {
    case ETIMEDOUT:
        return CLI_EXIT_TIMEOUT;
    case ECONNRESET:
    case EPIPE:
        return CLI_EXIT_CLOSED;
    default:
        return CLI_EXIT_FAILURE;
    }
}

/*
 * RFC 854: a new line is CR LF and a carriage return alone is CR NUL;
 * libtelnet doubles IAC.  END_LINE adds CR LF.  Sent at once; 0 or -1.
 */
static int send_text(struct tn_session *s, const char *text, size_t len,
                     int end_line)
{
    char *nvt = malloc(2 * len + 2);
    if (nvt == NULL) {
        warn("write");
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
            nvt[n++] = '\r';
        }
        nvt[n++] = text[i];
        if (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n')) {
            nvt[n++] = '\0';
        }
    }
    if (end_line) {
        nvt[n++] = '\r';
        nvt[n++] = '\n';
    }
    tn_show_text(s, "->", nvt, n);
    telnet_send(s->telnet, nvt, n);
    free(nvt);
    int rc = tn_wire_flush_all(s, tn_wire_deadline(s->timeout_ms));
    if (rc < 0) {
        int error = errno;
        tn_show_failure(s, "sending", NULL, 0, error, s->timeout_ms);
        errno = error;
    }
    return rc;
}

/* The pattern that starts first in the text (pexpect's rule), or -1. */
static int find_first(const struct tn_session *s, const char *const *patterns,
                      size_t count, size_t *end)
{
    int best = -1;
    size_t best_start = 0;
    if (s->text.len == 0) {
        return -1; /* and text.data may be NULL */
    }
    for (size_t k = 0; k < count; k++) {
        size_t plen = strlen(patterns[k]);
        for (size_t i = 0; i + plen <= s->text.len; i++) {
            if (best >= 0 && i >= best_start) {
                break;
            }
            if (memcmp(s->text.data + i, patterns[k], plen) == 0) {
                best = (int)k;
                best_start = i;
                *end = i + plen;
                break;
            }
        }
    }
    return best;
}
