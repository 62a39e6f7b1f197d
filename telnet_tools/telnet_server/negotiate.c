/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, the Telnet side of one session: libtelnet parses the
 * client's bytes into events and on_event() answers them.  We negotiate as
 * netkit telnetd 0.17 did (the book's playground, captured in
 * lessons/captures/): DO TTYPE, DO TSPEED, DO XDISPLOC, DO NEW-ENVIRON;
 * once those are answered, SB TTYPE SEND, WILL SGA, DO ECHO, DO NAWS, WILL
 * STATUS, DO LFLOW; then, when the client will not echo, WILL SGA again
 * and WILL ECHO: character at a time, we echo.  libtelnet keeps RFC 1143's
 * state for each option, so a refusal is never answered with a new offer.  What
 * we learn goes to the owner's callbacks (negotiate.h); this file knows no
 * login, console or child.
 */
#include <ctype.h>
#include <err.h>
#include <string.h>

#include <libtelnet.h>

#include "common/monoclock.h"
#include "telnet_tools/telnet_server/negotiate.h"
#include "telnet_tools/telnet_server/prefilter.h"

#define CHUNK   4096
#define BIT(op) (1ULL << (op))
#define FIRST                                                                  \
    (BIT(TELNET_TELOPT_TTYPE) | BIT(TELNET_TELOPT_TSPEED) |                    \
     BIT(TELNET_TELOPT_XDISPLOC) | BIT(TELNET_TELOPT_NEW_ENVIRON))

/*
 * What we agree to when the client offers first: libtelnet answers these
 * itself (us: WILL or WONT for DO, him: DO or DONT for WILL).
 */
static const telnet_telopt_t telopts[] = {
    {TELNET_TELOPT_ECHO, TELNET_WILL, TELNET_DONT},
    {TELNET_TELOPT_SGA, TELNET_WILL, TELNET_DO},
    {TELNET_TELOPT_STATUS, TELNET_WONT, TELNET_DONT},
    {TELNET_TELOPT_TTYPE, TELNET_WONT, TELNET_DO},
    {TELNET_TELOPT_NAWS, TELNET_WONT, TELNET_DO},
    {TELNET_TELOPT_TSPEED, TELNET_WONT, TELNET_DO},
    {TELNET_TELOPT_LFLOW, TELNET_WONT, TELNET_DO},
    {TELNET_TELOPT_XDISPLOC, TELNET_WONT, TELNET_DO},
    {TELNET_TELOPT_NEW_ENVIRON, TELNET_WONT, TELNET_DO},
    {-1, 0, 0},
};

static void on_event(telnet_t *telnet, telnet_event_t *ev, void *user_data);
static void advance(struct negotiation *neg);
static void send_second(struct negotiation *neg);
static void ask(struct negotiation *neg, unsigned char verb, unsigned char opt);
static void finish(struct negotiation *neg);
static void on_data(struct negotiation *neg, const char *buf, size_t len);
static void on_command(struct negotiation *neg, unsigned char cmd);
static void set_term(struct negotiation *neg, const char *name);
static void set_window(struct negotiation *neg, const unsigned char *sb,
                       size_t len);

int negotiate_start(struct negotiation *neg,
                    const struct negotiate_calls *calls)
{
    neg->calls = *calls;
    neg->telnet = telnet_init(telopts, on_event, 0, neg);
    if (neg->telnet == NULL) {
        warn("telnet_init");
        return -1;
    }
    neg->step = STEP_ASKED_FIRST;
    neg->deadline = monoclock_ms() + NEGOTIATE_MAX;
    ask(neg, TELNET_DO, TELNET_TELOPT_TTYPE);
    ask(neg, TELNET_DO, TELNET_TELOPT_TSPEED);
    ask(neg, TELNET_DO, TELNET_TELOPT_XDISPLOC);
    ask(neg, TELNET_DO, TELNET_TELOPT_NEW_ENVIRON);
    return 0;
}

/* Client bytes, cut to size, through the filter into libtelnet. */
void negotiate_input(struct negotiation *neg, const char *buf, size_t len)
{
    unsigned char kept[CHUNK + 1];
    struct prefilter *f = &neg->filter;

    for (size_t at = 0; at < len; at += CHUNK) {
        size_t n = len - at < CHUNK ? len - at : CHUNK;
        n = prefilter_run(f, (const unsigned char *)buf + at, n, kept);
        neg->waiting &= ~f->heard; /* answered, or offered unasked */
        f->heard = 0;
        telnet_recv(neg->telnet, (const char *)kept, n);
        advance(neg);
    }
}

/* Bytes for the client, IAC doubled by libtelnet (never telnet_printf). */
void negotiate_send(struct negotiation *neg, const char *buf, size_t len)
{
    if (neg->telnet != NULL) {
        telnet_send(neg->telnet, buf, len);
    }
}

/* A client that does not answer our options gets on without them. */
void negotiate_tick(struct negotiation *neg, long long now)
{
    if (neg->deadline == 0 || now < neg->deadline) {
        return;
    }
    if (neg->step == STEP_ASKED_FIRST) {
        send_second(neg);
        advance(neg); /* maybe nothing of it needed asking */
    } else if (neg->step == STEP_ASKED_SECOND) {
        finish(neg);
    }
}

void negotiate_free(struct negotiation *neg)
{
    if (neg->telnet != NULL) {
        telnet_free(neg->telnet);
        neg->telnet = NULL;
    }
}

/* Every event libtelnet reports for one session. */
static void on_event(telnet_t *telnet, telnet_event_t *ev, void *user_data)
{
    struct negotiation *neg = user_data;
    const struct negotiate_calls *to = &neg->calls;

    (void)telnet;
    switch (ev->type) {
    case TELNET_EV_DATA:
        on_data(neg, ev->data.buffer, ev->data.size);
        break;
    case TELNET_EV_SEND:
        neg->sent += ev->data.size;
        to->send(to->ctx, ev->data.buffer, ev->data.size);
        break;
    case TELNET_EV_DO:
    case TELNET_EV_DONT:
        /* RFC 857: DO ECHO lets us echo; we edit the line as it comes. */
        if (ev->neg.telopt == TELNET_TELOPT_ECHO) {
            neg->we_echo = ev->type == TELNET_EV_DO;
            to->changed(to->ctx, NEWS_ECHO);
        }
        break;
    case TELNET_EV_TTYPE:
        /* RFC 1091 IS, whether after our SEND or unsolicited. */
        if (ev->ttype.cmd == TELNET_TTYPE_IS) {
            set_term(neg, ev->ttype.name);
        }
        break;
    case TELNET_EV_SUBNEGOTIATION:
        if (ev->sub.telopt == TELNET_TELOPT_NAWS) {
            set_window(neg, (const unsigned char *)ev->sub.buffer,
                       ev->sub.size);
        }
        break;
    case TELNET_EV_IAC:
        on_command(neg, ev->iac.cmd);
        break;
    case TELNET_EV_ERROR:
        warnx("telnet: %s", ev->error.msg);
        to->changed(to->ctx, NEWS_BROKEN);
        break;
    default:
        break; /* WILL, WONT, NEW-ENVIRON values, ZMP, MSSP: not used */
    }
}

/* Once every option of a burst is answered, go on to the next step. */
static void advance(struct negotiation *neg)
{
    if (neg->step == STEP_ASKED_FIRST && (neg->waiting & FIRST) == 0) {
        send_second(neg);
    }
    if (neg->step == STEP_ASKED_SECOND && neg->waiting == 0) {
        finish(neg);
    }
}

/* netkit's second burst, in one write. */
static void send_second(struct negotiation *neg)
{
    neg->step = STEP_ASKED_SECOND;
    neg->waiting = 0;
    neg->deadline = monoclock_ms() + NEGOTIATE_MAX;
    if (neg->filter.said_will & BIT(TELNET_TELOPT_TTYPE)) {
        telnet_ttype_send(neg->telnet);
    }
    ask(neg, TELNET_WILL, TELNET_TELOPT_SGA);
    ask(neg, TELNET_DO, TELNET_TELOPT_ECHO);
    ask(neg, TELNET_DO, TELNET_TELOPT_NAWS);
    ask(neg, TELNET_WILL, TELNET_TELOPT_STATUS);
    ask(neg, TELNET_DO, TELNET_TELOPT_LFLOW);
}

/*
 * Ask VERB OPT and wait for the answer, if a request went out at all: an
 * option the client offered first and we took is already on, and RFC
 * 1143's Q method sends nothing for it, so no answer will come (PuTTY
 * opens with DO SGA and WILL NAWS; waiting for those cost two seconds).
 */
static void ask(struct negotiation *neg, unsigned char verb, unsigned char opt)
{
    unsigned long long before = neg->sent;

    telnet_negotiate(neg->telnet, verb, opt);
    if (neg->sent != before) {
        neg->waiting |= BIT(opt);
    }
}

/*
 * The client will not echo, so we offer to, with SGA once more as netkit
 * did (the book's tracer shows both refusals); then the owner goes on.
 */
static void finish(struct negotiation *neg)
{
    neg->step = STEP_DONE;
    neg->deadline = 0;
    if (!(neg->filter.said_will & BIT(TELNET_TELOPT_ECHO))) {
        telnet_negotiate(neg->telnet, TELNET_WILL, TELNET_TELOPT_SGA);
        telnet_negotiate(neg->telnet, TELNET_WILL, TELNET_TELOPT_ECHO);
    }
    neg->calls.changed(neg->calls.ctx, NEWS_READY);
}

/* Text for the owner; typing ends the negotiation first. */
static void on_data(struct negotiation *neg, const char *buf, size_t len)
{
    if (neg->step == STEP_ASKED_FIRST) {
        send_second(neg);
    }
    if (neg->step == STEP_ASKED_SECOND) {
        finish(neg);
    }
    neg->calls.text(neg->calls.ctx, buf, len);
}

/*
 * RFC 854 commands.  Each is answered or ignored, and none stops the
 * session (telnetsrv froze on AYT): IP and BRK act as Ctrl-C, EC and EL
 * as backspace and Ctrl-U.
 */
static void on_command(struct negotiation *neg, unsigned char cmd)
{
    switch (cmd) {
    case TELNET_AYT:
        neg->calls.changed(neg->calls.ctx, NEWS_AYT);
        break;
    case TELNET_IP:
    case TELNET_BREAK:
        on_data(neg, "\x03", 1);
        break;
    case TELNET_EC:
        on_data(neg, "\b", 1);
        break;
    case TELNET_EL:
        on_data(neg, "\x15", 1);
        break;
    default:
        break; /* NOP, DM, GA, AO, EOR...: nothing to do */
    }
}

/* TERM from TTYPE, lower case as telnetd makes it, and safe for a shell. */
static void set_term(struct negotiation *neg, const char *name)
{
    size_t n = 0;

    for (; name[n] != '\0' && n < sizeof(neg->term) - 1; n++) {
        unsigned char ch = (unsigned char)name[n];
        neg->term[n] = isalnum(ch) || strchr("-_.+", ch) ? tolower(ch) : '_';
    }
    neg->term[n] = '\0';
    neg->calls.changed(neg->calls.ctx, NEWS_TERM);
}

/*
 * RFC 1073 NAWS: width and height, 16 bits each.  0 means "unknown" and
 * changes nothing; the rest is clamped to 1..WINDOW_MAX (ssh_server uses
 * the same range), so no client can hand a pty 65535 x 65535.
 */
static void set_window(struct negotiation *neg, const unsigned char *sb,
                       size_t len)
{
    int cols;
    int rows;

    if (len != 4) {
        return;
    }
    cols = sb[0] << 8 | sb[1];
    rows = sb[2] << 8 | sb[3];
    if (cols == 0 || rows == 0) {
        return;
    }
    neg->cols = cols < WINDOW_MAX ? cols : WINDOW_MAX;
    neg->rows = rows < WINDOW_MAX ? rows : WINDOW_MAX;
    neg->calls.changed(neg->calls.ctx, NEWS_WINDOW);
}
