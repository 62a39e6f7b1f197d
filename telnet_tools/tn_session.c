/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tn_session: telnetlib's client API in C, over libtelnet.
 *
 * libtelnet parses; this file moves bytes.  Bytes from the socket go to
 * telnet_recv(), whose events come back to on_event(): text is kept in
 * session->text for expect() and read_some(), negotiations go to the
 * program's option handler, and bytes to send are queued in session->out
 * and written when the socket can take them.  libtelnet runs in PROXY
 * mode, so it answers nothing itself: the handler sees every DO and WILL.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libtelnet.h>

#include "common/net.h"
#include "common/repr.h"
#include "telnet_tools/tn_names.h"
#include "telnet_tools/tn_session.h"

/* One read from the socket. */
#define READ_CHUNK 4096
/* Text room: the limit, one more read, and a CR held back from the last. */
#define TEXT_ROOM (TN_PENDING_MAX + READ_CHUNK + 1)
#define WHY_SIZE  160

struct tn_session {
    int fd;
    telnet_t *telnet;
    int timeout_ms; /* for each write */
    tn_option_handler *handler;
    void *handler_arg;
    FILE *debug;
    char *text; /* text received, NVT line ends made "\n" */
    size_t text_len;
    int held_cr; /* a CR came last: the next byte says what it means */
    char *out;   /* bytes for the server, not yet written */
    size_t out_len;
    unsigned negotiations;
    int closed;  /* the server closed the connection */
    int failure; /* an errno set inside on_event(), with why */
    char why[WHY_SIZE];
};

static void on_event(telnet_t *telnet, telnet_event_t *ev, void *arg);
static void add_text(struct tn_session *s, const char *bytes, size_t len);
static void put_text(struct tn_session *s, char c);
static void queue_output(struct tn_session *s, const char *bytes, size_t len);
static void dispatch(struct tn_session *s, unsigned char command,
                     unsigned char option, const char *data, size_t len);
static void refuse(struct tn_session *s, unsigned char command,
                   unsigned char option);
static void fail(struct tn_session *s, int error, const char *why);
static int failed(const struct tn_session *s);
static int send_text(struct tn_session *s, const char *text, size_t len,
                     int end_line);
static void show_text(struct tn_session *s, const char *arrow, const char *data,
                      size_t len);
static void show_command(struct tn_session *s, const char *arrow,
                         unsigned char command, int option, const char *data,
                         size_t len);
static long long deadline_after(int timeout_ms);
static int remaining_ms(long long deadline);
static int pump(struct tn_session *s, long long deadline);
static int flush_some(struct tn_session *s);
static int flush_all(struct tn_session *s, long long deadline);
static int find_first(const struct tn_session *s, const char *const *patterns,
                      size_t count, size_t *end);
static void report(const struct tn_session *s, const char *doing,
                   const char *const *patterns, size_t count, int error,
                   int timeout_ms);

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
    s->text = malloc(TEXT_ROOM);
    s->out = malloc(TN_OUTPUT_MAX);
    s->telnet = telnet_init(NULL, on_event, TELNET_FLAG_PROXY, s);
    if (s->text == NULL || s->out == NULL || s->telnet == NULL ||
        net_set_nonblocking(fd, 1) < 0) {
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
    free(s->text);
    free(s->out);
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
    long long deadline = deadline_after(timeout_ms);
    int error;
    for (;;) {
        size_t end = 0;
        int found = find_first(s, patterns, count, &end);
        if (found >= 0) {
            if (text != NULL && (*text = malloc(end + 1)) == NULL) {
                warn("expect");
                return -1;
            }
            if (text != NULL) {
                memcpy(*text, s->text, end);
                (*text)[end] = '\0';
            }
            s->text_len -= end;
            memmove(s->text, s->text + end, s->text_len);
            return found;
        }
        if (s->text_len > TN_PENDING_MAX) {
            error = EMSGSIZE;
            break;
        }
        if (s->closed) {
            error = ECONNRESET;
            break;
        }
        if (pump(s, deadline) < 0) {
            error = errno;
            break;
        }
    }
    report(s, NULL, patterns, count, error, timeout_ms);
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
    long long deadline = deadline_after(timeout_ms);
    while (s->text_len == 0 && !s->closed) {
        if (pump(s, deadline) < 0) {
            int error = errno;
            if (error != ETIMEDOUT) {
                report(s, "reading", NULL, 0, error, timeout_ms);
            }
            errno = error;
            return -1;
        }
    }
    size_t n = s->text_len < size ? s->text_len : size;
    memcpy(buf, s->text, n);
    s->text_len -= n;
    memmove(s->text, s->text + n, s->text_len);
    return (ssize_t)n;
}

int tn_read_all(struct tn_session *s, FILE *out, int idle_ms)
{
    char buf[READ_CHUNK];
    ssize_t n;
    while ((n = tn_read_some(s, buf, sizeof buf, idle_ms)) > 0) {
        if (fwrite(buf, 1, (size_t)n, out) != (size_t)n || fflush(out) != 0) {
            warn("write output");
            return -1;
        }
    }
    if (n < 0 && errno == ETIMEDOUT) {
        report(s, "waiting for the server to close", NULL, 0, ETIMEDOUT,
               idle_ms);
        errno = ETIMEDOUT;
    }
    return n == 0 ? 0 : -1;
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
    show_command(s, "->", command, option, NULL, 0);
    telnet_negotiate(s->telnet, command, option);
    return failed(s);
}

int tn_subnegotiate(struct tn_session *s, unsigned char option,
                    const void *data, size_t len)
{
    show_command(s, "->", TN_SB, option, data, len);
    telnet_subnegotiation(s->telnet, option, data, len);
    return failed(s);
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

/* libtelnet's events: text, bytes to send, negotiations, trouble. */
static void on_event(telnet_t *telnet, telnet_event_t *ev, void *arg)
{
    struct tn_session *s = arg;
    (void)telnet;
    if (s->failure != 0 && ev->type != TELNET_EV_SEND) {
        return; /* stop listening to a server that broke the rules */
    }
    switch (ev->type) {
    case TELNET_EV_DATA:
        show_text(s, "<-", ev->data.buffer, ev->data.size);
        add_text(s, ev->data.buffer, ev->data.size);
        break;
    case TELNET_EV_SEND:
        queue_output(s, ev->data.buffer, ev->data.size);
        break;
    case TELNET_EV_DO:
        dispatch(s, TELNET_DO, ev->neg.telopt, NULL, 0);
        break;
    case TELNET_EV_DONT:
        dispatch(s, TELNET_DONT, ev->neg.telopt, NULL, 0);
        break;
    case TELNET_EV_WILL:
        dispatch(s, TELNET_WILL, ev->neg.telopt, NULL, 0);
        break;
    case TELNET_EV_WONT:
        dispatch(s, TELNET_WONT, ev->neg.telopt, NULL, 0);
        break;
    case TELNET_EV_SUBNEGOTIATION:
        dispatch(s, TN_SB, ev->sub.telopt, ev->sub.buffer, ev->sub.size);
        break;
    case TELNET_EV_IAC:
        show_command(s, "<-", ev->iac.cmd, -1, NULL, 0);
        break;
    case TELNET_EV_WARNING:
        if (s->debug != NULL) {
            fprintf(s->debug, "<- (libtelnet: %s)\n", ev->error.msg);
        }
        break;
    case TELNET_EV_ERROR:
        fail(s, EPROTO, ev->error.msg);
        break;
    case TELNET_EV_COMPRESS:
        /* libtelnet inflates after any IAC SB COMPRESS2 IAC SE, asked or not.
         */
        fail(s, EPROTO, "the server compressed its output unasked (MCCP)");
        break;
    default:
        break; /* TTYPE, ENVIRON...: the handler saw the raw SB already */
    }
}

/* RFC 854: CR LF is a new line, CR NUL a carriage return, NUL nothing. */
static void add_text(struct tn_session *s, const char *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = bytes[i];
        if (s->held_cr) {
            s->held_cr = 0;
            if (c == '\n') {
                put_text(s, '\n');
                continue;
            }
            put_text(s, '\r');
        }
        if (c == '\r') {
            s->held_cr = 1;
        } else if (c != '\0') {
            put_text(s, c);
        }
    }
}

/* One byte of text; the callers keep it under TEXT_ROOM, this makes sure. */
static void put_text(struct tn_session *s, char c)
{
    if (s->text_len == TEXT_ROOM) {
        fail(s, EMSGSIZE, "too much text at once");
        return;
    }
    s->text[s->text_len++] = c;
}

/* Bytes libtelnet wants sent; a server that never reads cannot grow this. */
static void queue_output(struct tn_session *s, const char *bytes, size_t len)
{
    if (len > TN_OUTPUT_MAX - s->out_len) {
        fail(s, ENOBUFS, "the server does not read what we send");
        return;
    }
    memcpy(s->out + s->out_len, bytes, len);
    s->out_len += len;
}

/* A negotiation or subnegotiation goes to the handler, within limits. */
static void dispatch(struct tn_session *s, unsigned char command,
                     unsigned char option, const char *data, size_t len)
{
    if (++s->negotiations > TN_NEGOTIATION_MAX) {
        fail(s, EPROTO, "too many option negotiations");
        return;
    }
    show_command(s, "<-", command, option, data, len);
    if (command == TN_SB && len > TN_SB_MAX) {
        return; /* no option we know needs that much: ignored */
    }
    if (s->handler != NULL) {
        s->handler(s, command, option, (const unsigned char *)data, len,
                   s->handler_arg);
    } else {
        refuse(s, command, option);
    }
}

/* Without a handler: no option is enabled, so DONT and WONT need no reply. */
static void refuse(struct tn_session *s, unsigned char command,
                   unsigned char option)
{
    if (command == TELNET_DO) {
        tn_negotiate(s, TELNET_WONT, option);
    } else if (command == TELNET_WILL) {
        tn_negotiate(s, TELNET_DONT, option);
    }
}

/* Remember the first failure found while libtelnet parses. */
static void fail(struct tn_session *s, int error, const char *why)
{
    if (s->failure == 0) {
        s->failure = error;
        snprintf(s->why, sizeof s->why, "%s", why);
    }
}

/* -1 with errno set if the session has failed, else 0. */
static int failed(const struct tn_session *s)
{
    if (s->failure != 0) {
        errno = s->failure;
        return -1;
    }
    return 0;
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
    show_text(s, "->", nvt, n);
    telnet_send(s->telnet, nvt, n);
    free(nvt);
    int rc = flush_all(s, deadline_after(s->timeout_ms));
    if (rc < 0) {
        int error = errno;
        report(s, "sending", NULL, 0, error, s->timeout_ms);
        errno = error;
    }
    return rc;
}

/* The debug switch, for text: <- "login: " */
static void show_text(struct tn_session *s, const char *arrow, const char *data,
                      size_t len)
{
    if (s->debug == NULL) {
        return;
    }
    char *text = repr_c(data, len);
    fprintf(s->debug, "%s %s\n", arrow, text != NULL ? text : "?");
    free(text);
}

/*
 * The debug switch, for a command: "<- DO TTYPE (24)", "-> SB TTYPE (24)
 * \"\x00mypython\"", or "<- IAC NOP (241)" when OPTION is -1.
 */
static void show_command(struct tn_session *s, const char *arrow,
                         unsigned char command, int option, const char *data,
                         size_t len)
{
    if (s->debug == NULL) {
        return;
    }
    if (option < 0) {
        fprintf(s->debug, "%s IAC %s (%d)\n", arrow, tn_command_name(command),
                command);
        return;
    }
    char *bytes = data != NULL ? repr_c(data, len) : NULL;
    fprintf(s->debug, "%s %s %s (%d)%s%s\n", arrow, tn_command_name(command),
            tn_option_name(option), option, data != NULL ? " " : "",
            bytes != NULL ? bytes : "");
    free(bytes);
}

/* A point on the monotonic clock, in ms, or -1 for never. */
static long long deadline_after(int timeout_ms)
{
    if (timeout_ms < 0) {
        return -1;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000LL + now.tv_nsec / 1000000 + timeout_ms;
}

/* What poll() should wait for DEADLINE: -1 forever, 0 already passed. */
static int remaining_ms(long long deadline)
{
    if (deadline < 0) {
        return -1;
    }
    long long left = deadline - deadline_after(0);
    if (left <= 0) {
        return 0;
    }
    return left > INT_MAX ? INT_MAX : (int)left;
}

/*
 * Wait until DEADLINE for the socket, send what is queued, and feed what
 * arrives to libtelnet.  1 went on, 0 the server has closed, -1 failed.
 */
static int pump(struct tn_session *s, long long deadline)
{
    if (failed(s) < 0) {
        return -1;
    }
    struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
    if (s->out_len > 0) {
        pfd.events |= POLLOUT;
    }
    int rc = poll(&pfd, 1, remaining_ms(deadline));
    if (rc <= 0) {
        if (rc == 0) {
            errno = ETIMEDOUT;
        }
        return rc < 0 && errno == EINTR ? 1 : -1;
    }
    if (pfd.revents & POLLOUT) {
        flush_some(s);
    }
    if ((pfd.revents & ~POLLOUT) == 0) {
        return 1;
    }
    char buf[READ_CHUNK];
    ssize_t n = read(s->fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return 1;
    }
    if (n <= 0) {
        if (n < 0 && errno != ECONNRESET) {
            return -1;
        }
        s->closed = 1;
        if (s->held_cr) {
            s->held_cr = 0;
            put_text(s, '\r');
        }
        return 0;
    }
    telnet_recv(s->telnet, buf, (size_t)n);
    flush_some(s); /* answers leave at once */
    return failed(s) < 0 ? -1 : 1;
}

/* Write what the socket takes now; 0, or -1 if the server is gone. */
static int flush_some(struct tn_session *s)
{
    while (s->out_len > 0) {
        /* MSG_NOSIGNAL: a closed connection is an error, not SIGPIPE. */
        ssize_t n = send(s->fd, s->out, s->out_len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
        }
        s->out_len -= (size_t)n;
        memmove(s->out, s->out + n, s->out_len);
    }
    return 0;
}

/* Write everything queued before DEADLINE; 0 or -1. */
static int flush_all(struct tn_session *s, long long deadline)
{
    if (failed(s) < 0) {
        return -1;
    }
    while (s->out_len > 0) {
        if (flush_some(s) < 0) {
            if (errno == EPIPE) {
                errno = ECONNRESET;
            }
            return -1;
        }
        struct pollfd pfd = {.fd = s->fd, .events = POLLOUT};
        if (s->out_len > 0 && poll(&pfd, 1, remaining_ms(deadline)) == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
    }
    return 0;
}

/* The pattern that starts first in the text (pexpect's rule), or -1. */
static int find_first(const struct tn_session *s, const char *const *patterns,
                      size_t count, size_t *end)
{
    int best = -1;
    size_t best_start = 0;
    for (size_t k = 0; k < count; k++) {
        size_t plen = strlen(patterns[k]);
        for (size_t i = 0; i + plen <= s->text_len; i++) {
            if (best >= 0 && i >= best_start) {
                break;
            }
            if (memcmp(s->text + i, patterns[k], plen) == 0) {
                best = (int)k;
                best_start = i;
                *end = i + plen;
                break;
            }
        }
    }
    return best;
}

/* The one line for a failure: what we waited for, and what happened. */
static void report(const struct tn_session *s, const char *doing,
                   const char *const *patterns, size_t count, int error,
                   int timeout_ms)
{
    char what[256];
    size_t used =
        (size_t)snprintf(what, sizeof what, "%s", doing != NULL ? doing : "");
    for (size_t k = 0; k < count && used < sizeof what; k++) {
        char *text = repr_c(patterns[k], strlen(patterns[k]));
        used += (size_t)snprintf(what + used, sizeof what - used, "%s%s",
                                 k == 0 ? "waiting for " : " or ",
                                 text != NULL ? text : "?");
        free(text);
    }
    switch (error) {
    case ETIMEDOUT:
        warnx("%s: timed out after %g s", what, timeout_ms / 1000.0);
        break;
    case ECONNRESET:
        warnx("%s: the server closed the connection", what);
        break;
    case EMSGSIZE:
        warnx("%s: more than %d bytes without it", what, TN_PENDING_MAX);
        break;
    default:
        if (s->failure != 0) {
            warnx("%s: %s", what, s->why);
        } else {
            warnx("%s: %s", what, strerror(error));
        }
        break;
    }
}
