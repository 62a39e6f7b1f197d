/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, the Telnet side of one session: libtelnet parses the
 * client's bytes into events and on_event() answers them.  We negotiate as
 * netkit telnetd 0.17 did (the book's playground, captured on the wire in
 * lessons/captures/): DO TTYPE, DO TSPEED, DO XDISPLOC, DO NEW-ENVIRON;
 * once those are answered, SB TTYPE SEND, WILL SGA, DO ECHO, DO NAWS, WILL
 * STATUS, DO LFLOW; then, when the client will not echo, WILL SGA again
 * and WILL ECHO: character at a time, we echo.  libtelnet keeps RFC 1143's
 * state for each option, so a refusal is never answered with a new offer.
 */
#include <ctype.h>
#include <err.h>
#include <string.h>

#include <libtelnet.h>

#include "common/console.h"
#include "telnet_tools/telnet_server/server.h"

#define CHUNK   4096
#define BIT(op) (1ULL << (op))
#define FIRST                                                                  \
    (BIT(TELNET_TELOPT_TTYPE) | BIT(TELNET_TELOPT_TSPEED) |                    \
     BIT(TELNET_TELOPT_XDISPLOC) | BIT(TELNET_TELOPT_NEW_ENVIRON))
#define SECOND                                                                 \
    (BIT(TELNET_TELOPT_SGA) | BIT(TELNET_TELOPT_ECHO) |                        \
     BIT(TELNET_TELOPT_NAWS) | BIT(TELNET_TELOPT_STATUS) |                     \
     BIT(TELNET_TELOPT_LFLOW))

/* States of the filter in front of libtelnet. */
enum {
    SB_NONE,
    SB_IAC,
    SB_NEG,
    SB_OPT,
    SB_DATA,
    SB_DATA_IAC
};

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
static void on_option(struct conn *c, int type, unsigned char opt);
static void advance(struct conn *c);
static void send_second(struct conn *c);
static void finish(struct conn *c);
static void on_data(struct conn *c, const char *buf, size_t len);
static void on_command(struct conn *c, unsigned char cmd);
static void set_term(struct conn *c, const char *name);
static void set_window(struct conn *c, const unsigned char *sb, size_t n);
static size_t filter(struct conn *c, const unsigned char *in, size_t n,
                     unsigned char *out);
static void heard(struct conn *c, unsigned char cmd, unsigned char opt);

/* A libtelnet tracker for C, and our first four options. */
int negotiate_start(struct conn *c)
{
    c->telnet = telnet_init(telopts, on_event, 0, c);
    if (c->telnet == NULL) {
        warn("%s: telnet_init", c->peer);
        return -1;
    }
    c->phase = PHASE_NEGOTIATE;
    c->waiting = FIRST;
    c->wake_at = console_now_ms() + NEGOTIATE_MAX;
    telnet_negotiate(c->telnet, TELNET_DO, TELNET_TELOPT_TTYPE);
    telnet_negotiate(c->telnet, TELNET_DO, TELNET_TELOPT_TSPEED);
    telnet_negotiate(c->telnet, TELNET_DO, TELNET_TELOPT_XDISPLOC);
    telnet_negotiate(c->telnet, TELNET_DO, TELNET_TELOPT_NEW_ENVIRON);
    return 0;
}

/* Client bytes, cut to size, into libtelnet; it calls on_event(). */
void negotiate_input(struct conn *c, const char *buf, size_t len)
{
    unsigned char kept[CHUNK + 1];

    for (size_t at = 0; at < len; at += CHUNK) {
        size_t n = len - at < CHUNK ? len - at : CHUNK;
        n = filter(c, (const unsigned char *)buf + at, n, kept);
        telnet_recv(c->telnet, (const char *)kept, n);
        advance(c);
    }
}

/* Bytes for the client, IAC doubled by libtelnet (never telnet_printf). */
void negotiate_send(struct conn *c, const char *buf, size_t len)
{
    if (c->telnet != NULL) {
        telnet_send(c->telnet, buf, len);
    }
}

/* A client that does not answer our options gets on without them. */
void negotiate_deadline(struct conn *c)
{
    if (c->phase == PHASE_NEGOTIATE) {
        send_second(c);
    } else if (c->phase == PHASE_NEGOTIATE2) {
        finish(c);
    }
}

/* Every event libtelnet reports for one session. */
static void on_event(telnet_t *telnet, telnet_event_t *ev, void *user_data)
{
    struct conn *c = user_data;

    (void)telnet;
    switch (ev->type) {
    case TELNET_EV_DATA:
        on_data(c, ev->data.buffer, ev->data.size);
        break;
    case TELNET_EV_SEND:
        conn_queue(c, ev->data.buffer, ev->data.size);
        break;
    case TELNET_EV_WILL:
    case TELNET_EV_WONT:
    case TELNET_EV_DO:
    case TELNET_EV_DONT:
        on_option(c, ev->type, ev->neg.telopt);
        break;
    case TELNET_EV_TTYPE:
        /* RFC 1091 IS, whether after our SEND or unsolicited. */
        if (ev->ttype.cmd == TELNET_TTYPE_IS) {
            set_term(c, ev->ttype.name);
        }
        break;
    case TELNET_EV_SUBNEGOTIATION:
        if (ev->sub.telopt == TELNET_TELOPT_NAWS) {
            set_window(c, (const unsigned char *)ev->sub.buffer, ev->sub.size);
        }
        break;
    case TELNET_EV_IAC:
        on_command(c, ev->iac.cmd);
        break;
    case TELNET_EV_ERROR:
        warnx("%s: telnet: %s", c->peer, ev->error.msg);
        conn_close_soon(c);
        break;
    default:
        break; /* warnings, NEW-ENVIRON values, ZMP, MSSP: not used */
    }
}

/* An option turned on or off (libtelnet reports no refusals of ours). */
static void on_option(struct conn *c, int type, unsigned char opt)
{
    if (opt == TELNET_TELOPT_ECHO &&
        (type == TELNET_EV_DO || type == TELNET_EV_DONT)) {
        /* RFC 857: DO ECHO lets us echo; we edit the line as it comes. */
        c->char_mode = type == TELNET_EV_DO;
        console_set_echo(c->console, c->char_mode);
    }
}

/* Once every option of a burst is answered, go on to the next step. */
static void advance(struct conn *c)
{
    if (c->phase == PHASE_NEGOTIATE && (c->waiting & FIRST) == 0) {
        send_second(c);
    }
    if (c->phase == PHASE_NEGOTIATE2 && c->waiting == 0) {
        finish(c);
    }
}

/* netkit's second burst, in one write. */
static void send_second(struct conn *c)
{
    c->phase = PHASE_NEGOTIATE2;
    c->waiting = SECOND;
    c->wake_at = console_now_ms() + NEGOTIATE_MAX;
    if (c->ttype_ok) {
        telnet_ttype_send(c->telnet);
    }
    telnet_negotiate(c->telnet, TELNET_WILL, TELNET_TELOPT_SGA);
    telnet_negotiate(c->telnet, TELNET_DO, TELNET_TELOPT_ECHO);
    telnet_negotiate(c->telnet, TELNET_DO, TELNET_TELOPT_NAWS);
    telnet_negotiate(c->telnet, TELNET_WILL, TELNET_TELOPT_STATUS);
    telnet_negotiate(c->telnet, TELNET_DO, TELNET_TELOPT_LFLOW);
}

/*
 * The client will not echo, so we offer to, with SGA once more as netkit
 * did (the book's tracer shows both refusals), and then log in.
 */
static void finish(struct conn *c)
{
    c->wake_at = 0;
    if (!c->client_echoes) {
        telnet_negotiate(c->telnet, TELNET_WILL, TELNET_TELOPT_SGA);
        telnet_negotiate(c->telnet, TELNET_WILL, TELNET_TELOPT_ECHO);
    }
    login_begin(c);
}

/* Text: to the console, or to the child; typing ends the negotiation. */
static void on_data(struct conn *c, const char *buf, size_t len)
{
    if (c->phase == PHASE_NEGOTIATE) {
        send_second(c);
    }
    if (c->phase == PHASE_NEGOTIATE2) {
        finish(c);
    }
    if (c->phase == PHASE_CHILD) {
        child_from_client(c, buf, len);
    } else if (c->phase == PHASE_LOGIN || c->phase == PHASE_CONSOLE) {
        if (console_input(c->console, buf, len) == CONSOLE_OVER &&
            c->phase != PHASE_CHILD) {
            conn_close_soon(c);
        }
    }
}

/*
 * RFC 854 commands.  Each is answered or ignored, and none stops the
 * session (telnetsrv froze on AYT): IP and BRK act as Ctrl-C, EC and EL
 * as backspace and Ctrl-U.
 */
static void on_command(struct conn *c, unsigned char cmd)
{
    static const char yes[] = "\r\n[telnet_server: yes]\r\n";

    switch (cmd) {
    case TELNET_AYT:
        if (c->phase == PHASE_CONSOLE) {
            console_message(c->console, "[telnet_server: yes]");
        } else {
            negotiate_send(c, yes, sizeof(yes) - 1);
        }
        break;
    case TELNET_IP:
    case TELNET_BREAK:
        on_data(c, "\x03", 1);
        break;
    case TELNET_EC:
        on_data(c, "\b", 1);
        break;
    case TELNET_EL:
        on_data(c, "\x15", 1);
        break;
    default:
        break; /* NOP, DM, GA, AO, EOR...: nothing to do */
    }
}

/* TERM from TTYPE, lower case as telnetd makes it, and safe for a shell. */
static void set_term(struct conn *c, const char *name)
{
    size_t n = 0;

    for (; name[n] != '\0' && n < sizeof(c->term) - 1; n++) {
        unsigned char ch = (unsigned char)name[n];
        c->term[n] = isalnum(ch) || strchr("-_.+", ch) ? tolower(ch) : '_';
    }
    c->term[n] = '\0';
    console_set_term(c->console, c->term);
}

/* RFC 1073 NAWS: width and height, 16 bits each. */
static void set_window(struct conn *c, const unsigned char *sb, size_t n)
{
    if (n != 4) {
        return;
    }
    c->cols = sb[0] << 8 | sb[1];
    c->rows = sb[2] << 8 | sb[3];
    console_set_window(c->console, c->cols, c->rows);
    if (c->phase == PHASE_CHILD) {
        child_resize(c);
    }
}

/*
 * In front of libtelnet, two jobs.  Note each answer to our options:
 * libtelnet 0.21 reports no event when the client refuses one of our
 * requests, yet we wait for those answers.  And cap subnegotiations:
 * libtelnet 0.21 lets one longer than its buffer spill into the data
 * stream, so the body past SB_MAX is dropped here, IAC SE kept.  Writes at
 * most N + 1 bytes to OUT (an IAC held from the previous call).
 */
static size_t filter(struct conn *c, const unsigned char *in, size_t n,
                     unsigned char *out)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char b = in[i];
        switch (c->sb_state) {
        case SB_NONE:
            c->sb_state = b == TELNET_IAC ? SB_IAC : SB_NONE;
            out[k++] = b;
            break;
        case SB_IAC:
            c->sb_state = b == TELNET_SB ? SB_OPT : SB_NONE;
            if (b >= TELNET_WILL && b <= TELNET_DONT) {
                c->sb_state = SB_NEG;
                c->sb_cmd = b;
            }
            out[k++] = b;
            break;
        case SB_NEG:
            heard(c, c->sb_cmd, b);
            c->sb_state = SB_NONE;
            out[k++] = b;
            break;
        case SB_OPT:
            c->sb_state = SB_DATA;
            c->sb_len = 0;
            out[k++] = b;
            break;
        case SB_DATA:
            if (b == TELNET_IAC) {
                c->sb_state = SB_DATA_IAC; /* held until we see the next */
            } else if (c->sb_len < SB_MAX) {
                out[k++] = b;
                c->sb_len++;
            }
            break;
        case SB_DATA_IAC:
            if (b == TELNET_IAC && c->sb_len < SB_MAX) {
                out[k++] = TELNET_IAC; /* an escaped 255 in the body */
                out[k++] = TELNET_IAC;
                c->sb_len++;
            } else if (b != TELNET_IAC) {
                out[k++] = TELNET_IAC; /* SE, or a command that ends it */
                out[k++] = b;
            }
            c->sb_state = b == TELNET_IAC ? SB_DATA : SB_NONE;
            break;
        }
    }
    return k;
}

/* The client said CMD (WILL, WONT, DO, DONT) about OPT. */
static void heard(struct conn *c, unsigned char cmd, unsigned char opt)
{
    if (opt < 64) {
        c->waiting &= ~BIT(opt);
    }
    if (cmd == TELNET_WILL && opt == TELNET_TELOPT_ECHO) {
        c->client_echoes = 1;
    }
    if (cmd == TELNET_WILL && opt == TELNET_TELOPT_TTYPE) {
        c->ttype_ok = 1;
    }
}
