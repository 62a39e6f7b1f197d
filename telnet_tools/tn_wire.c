/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tn_wire: libtelnet parses; this file moves bytes.  Bytes from the socket
 * go to telnet_recv(), whose events come back to on_event(): text is kept
 * in session->text for the API's reads, negotiations go to the program's
 * option handler, and bytes to send are queued in session->out and
 * written when the socket can take them.  libtelnet runs in PROXY mode, so
 * it answers nothing itself: the handler sees every DO and WILL.
 */
#include "telnet_tools/tn_wire.h"

#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "common/monoclock.h"
#include "telnet_tools/tn_show.h"

static void on_event(telnet_t *telnet, telnet_event_t *ev, void *arg);
static void add_text(struct tn_session *s, const char *bytes, size_t len);
static void put_text(struct tn_session *s, const char *text, size_t len);
static void queue_output(struct tn_session *s, const char *bytes, size_t len);
static void dispatch(struct tn_session *s, unsigned char command,
                     unsigned char option, const char *data, size_t len);
static void refuse(struct tn_session *s, unsigned char command,
                   unsigned char option);
static void fail(struct tn_session *s, int error, const char *why);
static int remaining_ms(long long deadline);
static int flush_some(struct tn_session *s);

int tn_wire_start(struct tn_session *s)
{
    s->telnet = telnet_init(NULL, on_event, TELNET_FLAG_PROXY, s);
    return s->telnet != NULL ? 0 : -1;
}

long long tn_wire_deadline(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : monoclock_ms() + timeout_ms;
}

int tn_wire_pump(struct tn_session *s, long long deadline)
{
    if (tn_wire_failed(s) < 0) {
        return -1;
    }
    struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
    if (s->out.len > 0) {
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
    char buf[TN_READ_CHUNK];
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
            put_text(s, "\r", 1);
        }
        return 0;
    }
    telnet_recv(s->telnet, buf, (size_t)n);
    flush_some(s); /* answers leave at once */
    return tn_wire_failed(s) < 0 ? -1 : 1;
}

int tn_wire_flush_all(struct tn_session *s, long long deadline)
{
    if (tn_wire_failed(s) < 0) {
        return -1;
    }
    while (s->out.len > 0) {
        if (flush_some(s) < 0) {
            if (errno == EPIPE) {
                errno = ECONNRESET;
            }
            return -1;
        }
        struct pollfd pfd = {.fd = s->fd, .events = POLLOUT};
        if (s->out.len > 0 && poll(&pfd, 1, remaining_ms(deadline)) == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
    }
    return 0;
}

int tn_wire_failed(const struct tn_session *s)
{
    if (s->failure != 0) {
        errno = s->failure;
        return -1;
    }
    return 0;
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
        tn_show_text(s, "<-", ev->data.buffer, ev->data.size);
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
        tn_show_command(s, "<-", ev->iac.cmd, -1, NULL, 0);
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
        /* libtelnet inflates after any IAC SB COMPRESS2 IAC SE, asked or
         * not. */
        fail(s, EPROTO, "the server compressed its output unasked (MCCP)");
        break;
    default:
        break; /* TTYPE, ENVIRON...: the handler saw the raw SB already */
    }
}

/*
 * RFC 854: CR LF is a new line, CR NUL a carriage return, NUL nothing.
 * The bytes between those go to the text in one piece each.
 */
static void add_text(struct tn_session *s, const char *bytes, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (s->held_cr) {
            s->held_cr = 0;
            put_text(s, bytes[i] == '\n' ? "\n" : "\r", 1);
            i += bytes[i] == '\n' ? 1 : 0;
            continue;
        }
        size_t plain = i;
        while (plain < len && bytes[plain] != '\r' && bytes[plain] != '\0') {
            plain++;
        }
        put_text(s, bytes + i, plain - i);
        if (plain < len) {
            s->held_cr = bytes[plain] == '\r';
            plain++;
        }
        i = plain;
    }
}

/* Text for the readers; they keep it under TN_TEXT_ROOM, this checks. */
static void put_text(struct tn_session *s, const char *text, size_t len)
{
    if (bytebuf_append(&s->text, text, len, TN_TEXT_ROOM) < 0) {
        fail(s, errno == ENOBUFS ? EMSGSIZE : errno, "too much text at once");
    }
}

/* Bytes libtelnet wants sent; a server that never reads cannot grow this. */
static void queue_output(struct tn_session *s, const char *bytes, size_t len)
{
    if (bytebuf_append(&s->out, bytes, len, TN_OUTPUT_MAX) < 0) {
        fail(s, errno,
             errno == ENOBUFS ? "the server does not read what we send"
                              : "out of memory");
    }
}

/* A negotiation or subnegotiation goes to the handler, within limits. */
static void dispatch(struct tn_session *s, unsigned char command,
                     unsigned char option, const char *data, size_t len)
{
    if (++s->negotiations > TN_NEGOTIATION_MAX) {
        fail(s, EPROTO, "too many option negotiations");
        return;
    }
    tn_show_command(s, "<-", command, option, data, len);
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
    unsigned char answer = command == TELNET_DO ? TELNET_WONT : TELNET_DONT;
    if (command == TELNET_DO || command == TELNET_WILL) {
        tn_show_command(s, "->", answer, option, NULL, 0);
        telnet_negotiate(s->telnet, answer, option);
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

/* What poll() should wait for DEADLINE: -1 forever, 0 already passed. */
static int remaining_ms(long long deadline)
{
    if (deadline < 0) {
        return -1;
    }
    long long left = monoclock_left_ms(deadline);
    return left > INT_MAX ? INT_MAX : (int)left;
}

/* Write what the socket takes now; 0, or -1 if the server is gone. */
static int flush_some(struct tn_session *s)
{
    while (s->out.len > 0) {
        /* MSG_NOSIGNAL: a closed connection is an error, not SIGPIPE. */
        ssize_t n = send(s->fd, s->out.data, s->out.len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
        }
        bytebuf_consume(&s->out, (size_t)n);
    }
    return 0;
}
