/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * clear: step 1 of ssh_inspect, the part of SSH anyone on the path can read.
 *
 * A plain TCP socket: we send our identification line, then read the
 * server's (RFC 4253 section 4.2) and its first binary packet, which
 * kexinit.c takes apart.  Every byte is read into one bounded buffer; the
 * server decides nothing about how much we hold.
 */
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/monoclock.h"
#include "common/net.h"
#include "common/repr.h"
#include "inspect.h"

#ifndef SHELLWIRE_VERSION
#define SHELLWIRE_VERSION "unknown"
#endif
/* RFC 4253 section 4.2: our line, sent first so that the server answers. */
#define OUR_IDENTIFICATION "SSH-2.0-shellwire_" SHELLWIRE_VERSION "\r\n"
/* RFC 4253 section 4.2: at most 255 bytes with the CR LF. */
#define IDENTIFICATION_MAX 255
/* Lines a server may send before its identification: bounded here. */
#define PRE_BANNER_MAX 8192
/* How much of a non-SSH server's reply the error message quotes. */
#define QUOTE_MAX 40
/* RFC 854: "Interpret As Command", the byte that starts a Telnet command. */
#define TELNET_IAC 0xFF

/* The bytes read from the plain socket, kept until they are parsed. */
struct wire {
    int fd;
    int timeout_ms;
    long long deadline_ms; /* on the monotonic clock: a slow server that
                              sends a byte at a time cannot keep us */
    size_t len;
    unsigned char buf[PRE_BANNER_MAX + KEXINIT_MAX_PACKET];
};

/* What one read_more() call found. */
enum read_result {
    READ_OK,
    READ_EOF,
    READ_TIMEOUT,
    READ_ERROR
};

static int read_identification(struct wire *w, struct inspection *in);
static int line_cut_short(const struct wire *w, const struct inspection *in,
                          enum read_result got);
static int take_identification(struct wire *w, size_t start, size_t len,
                               struct inspection *in);
static int read_kexinit(struct wire *w, struct inspection *in);
static int packet_cut_short(const struct wire *w, const struct inspection *in,
                            enum read_result got);
static enum read_result read_more(struct wire *w);
static int not_ssh(const struct wire *w, const char *why);

/* Step 1: connect, say who we are, read the server's line and KEXINIT. */
int read_in_clear(struct inspection *in)
{
    int fd = net_connect(in->host, in->port, in->timeout_ms);
    if (fd < 0) {
        return cli_exit_for_connect(errno);
    }
    struct wire *w = malloc(sizeof(*w));
    int status = CLI_EXIT_FAILURE;
    if (w == NULL) {
        warn("malloc");
        goto out;
    }
    *w = (struct wire){.fd = fd,
                       .timeout_ms = in->timeout_ms,
                       .deadline_ms = monoclock_ms() + in->timeout_ms};
    /* RFC 4253 section 4.2: both sides send their line at once. */
    if (net_write_all(fd, OUR_IDENTIFICATION, strlen(OUR_IDENTIFICATION)) < 0) {
        warn("send our identification to %s", in->host);
        status = CLI_EXIT_CLOSED;
        goto out;
    }
    status = read_identification(w, in);
    if (status == CLI_EXIT_OK) {
        status = read_kexinit(w, in);
    }
out:
    free(w);
    close(fd);
    return status;
}

/*
 * RFC 4253 section 4.2: the server may send other lines first; its
 * identification is the first line starting "SSH-".  Lines end in CR LF
 * (a bare LF is taken too, as OpenSSH does).
 */
static int read_identification(struct wire *w, struct inspection *in)
{
    size_t start = 0; /* where the line being looked at begins */
    for (;;) {
        unsigned char *lf = memchr(w->buf + start, '\n', w->len - start);
        if (lf != NULL) {
            size_t len = (size_t)(lf - (w->buf + start)) + 1;
            if (len >= 4 && memcmp(w->buf + start, "SSH-", 4) == 0) {
                return take_identification(w, start, len, in);
            }
            start += len;
            continue;
        }
        /* NUL and 0xFF never appear in these lines; 0xFF is Telnet's IAC,
         * which a Telnet server sends first to negotiate (RFC 854). */
        if (memchr(w->buf, TELNET_IAC, w->len)) {
            return not_ssh(w, "it sent Telnet commands (IAC)");
        }
        if (memchr(w->buf, '\0', w->len)) {
            return not_ssh(w, "it sent binary bytes");
        }
        if (w->len >= PRE_BANNER_MAX) {
            return not_ssh(w, "8192 bytes and no \"SSH-\" line");
        }
        enum read_result got = read_more(w);
        if (got != READ_OK) {
            return line_cut_short(w, in, got);
        }
    }
}

/* Why no identification line came, said once; the exit status. */
static int line_cut_short(const struct wire *w, const struct inspection *in,
                          enum read_result got)
{
    if (got == READ_ERROR) {
        warn("read from %s", in->host);
        return CLI_EXIT_CLOSED;
    }
    if (w->len > 0) {
        return not_ssh(w, got == READ_EOF ? "it hung up" : "timed out");
    }
    if (got == READ_TIMEOUT) {
        warnx("%s sent nothing in %d s", in->host, w->timeout_ms / 1000);
        return CLI_EXIT_TIMEOUT;
    }
    warnx("%s closed the connection without a word", in->host);
    return CLI_EXIT_CLOSED;
}

/* Keep the lines before and the identification, drop them from W. */
static int take_identification(struct wire *w, size_t start, size_t len,
                               struct inspection *in)
{
    if (len > IDENTIFICATION_MAX) {
        return not_ssh(w, "its SSH- line is over 255 bytes");
    }
    size_t text = len - 1; /* without LF, and then CR */
    if (text > 0 && w->buf[start + text - 1] == '\r') {
        text--;
    }
    for (size_t i = start; i < start + text; i++) {
        if (w->buf[i] < ' ' || w->buf[i] > '~') {
            return not_ssh(w, "its SSH- line holds a control byte");
        }
    }
    /* "SSH-1.99" means a server that also speaks protocol 2.0. */
    const char *line = (const char *)w->buf + start;
    if (strncmp(line, "SSH-2.0-", 8) != 0 &&
        strncmp(line, "SSH-1.99-", 9) != 0) {
        return not_ssh(w, "it does not speak SSH protocol 2.0");
    }
    in->pre_banner = malloc(start + 1);
    in->identification = malloc(text + 1);
    if (in->pre_banner == NULL || in->identification == NULL) {
        warn("malloc");
        return CLI_EXIT_FAILURE;
    }
    memcpy(in->pre_banner, w->buf, start);
    in->pre_banner_len = start;
    memcpy(in->identification, line, text);
    in->identification[text] = '\0';
    /* What follows the line is the start of the first binary packet. */
    w->len -= start + len;
    memmove(w->buf, w->buf + start + len, w->len);
    return CLI_EXIT_OK;
}

/* RFC 4253 section 7.1: the server's first packet must be its KEXINIT. */
static int read_kexinit(struct wire *w, struct inspection *in)
{
    enum read_result got = READ_OK;
    while (got == READ_OK) {
        switch (kexinit_parse(w->buf, w->len, &in->kex)) {
        case KEXINIT_OK:
            return CLI_EXIT_OK;
        case KEXINIT_NOT_KEXINIT:
            warnx("no KEXINIT: the first packet is message %u, not %d",
                  in->kex.message, SSH_MSG_KEXINIT);
            return EXIT_NO_KEXINIT;
        case KEXINIT_MALFORMED:
            warnx("malformed KEXINIT: %s", in->kex.error);
            return EXIT_MALFORMED;
        case KEXINIT_INCOMPLETE:
            got = read_more(w);
            break;
        }
    }
    return packet_cut_short(w, in, got);
}

/* Why the first packet never came whole, said once; the exit status. */
static int packet_cut_short(const struct wire *w, const struct inspection *in,
                            enum read_result got)
{
    if (got == READ_ERROR) {
        warn("read from %s", in->host);
        return CLI_EXIT_CLOSED;
    }
    if (w->len == 0 && got == READ_EOF) {
        warnx("no KEXINIT: %s sent its identification, then hung up", in->host);
        return EXIT_NO_KEXINIT;
    }
    if (w->len == 0) {
        warnx("no KEXINIT: %s sent its identification, then nothing in %d s",
              in->host, w->timeout_ms / 1000);
        return EXIT_NO_KEXINIT;
    }
    if (got == READ_TIMEOUT) {
        warnx("timed out inside the first packet (%zu bytes)", w->len);
        return CLI_EXIT_TIMEOUT;
    }
    warnx("the connection dropped inside the first packet (%zu bytes)", w->len);
    return CLI_EXIT_CLOSED;
}

/* Wait, until the deadline at most, for more bytes; append them to W. */
static enum read_result read_more(struct wire *w)
{
    struct pollfd pfd = {.fd = w->fd, .events = POLLIN};
    int ready = 0;
    long long left;
    while ((left = monoclock_left_ms(w->deadline_ms)) > 0) {
        ready = poll(&pfd, 1, (int)left);
        if (ready >= 0 || errno != EINTR) {
            break;
        }
    }
    if (ready == 0) {
        return READ_TIMEOUT;
    }
    ssize_t n = -1;
    if (ready > 0 && w->len == sizeof(w->buf)) {
        errno = ENOBUFS; /* cannot happen: kexinit.c caps the packet */
    } else if (ready > 0) {
        do {
            n = read(w->fd, w->buf + w->len, sizeof(w->buf) - w->len);
        } while (n < 0 && errno == EINTR);
    }
    if (n > 0) {
        w->len += (size_t)n;
        return READ_OK;
    }
    /* A reset (ECONNRESET) is a hang-up too, only a ruder one. */
    return n == 0 || errno == ECONNRESET ? READ_EOF : READ_ERROR;
}

/* The "not SSH" error, quoting the start of what the server did send. */
static int not_ssh(const struct wire *w, const char *why)
{
    size_t shown = w->len < QUOTE_MAX ? w->len : QUOTE_MAX;
    char *said = repr_c(w->buf, shown);
    warnx("not an SSH server: %s; it said %s%s", why, said ? said : "?",
          shown < w->len ? "..." : "");
    free(said);
    return EXIT_NOT_SSH;
}
