/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, the Telnet side of one session (negotiate.c): libtelnet,
 * netkit's option negotiation, and a filter in front of libtelnet.  It
 * knows nothing of logins, consoles or children: what it learns goes to
 * the callbacks its owner hands it.
 */
#ifndef SHELLWIRE_TELNET_SERVER_NEGOTIATE_H
#define SHELLWIRE_TELNET_SERVER_NEGOTIATE_H

#include <stddef.h>

#include <libtelnet.h>

#include "telnet_tools/telnet_server/prefilter.h"

#define TERM_MAX      40
#define NEGOTIATE_MAX 2000 /* ms to wait for answers to our options */
#define WINDOW_MAX    1000 /* columns and rows: NAWS is clamped to 1..1000 */

/* What changed, for negotiate_calls.changed. */
enum negotiate_news {
    NEWS_READY,  /* negotiation over (answered, timed out or typed over) */
    NEWS_ECHO,   /* the client let us echo, or stopped: see .we_echo */
    NEWS_TERM,   /* a terminal type came: see .term */
    NEWS_WINDOW, /* a window size came: see .cols, .rows */
    NEWS_AYT,    /* IAC AYT: the client asks whether we are there */
    NEWS_BROKEN  /* libtelnet gave up on the stream: close the session */
};

/* The owner's callbacks; CTX is handed back to each. */
struct negotiate_calls {
    void *ctx;
    void (*send)(void *ctx, const char *buf, size_t len); /* to the client */
    void (*text)(void *ctx, const char *buf, size_t len); /* from it */
    void (*changed)(void *ctx, enum negotiate_news news);
};

/* Where the negotiation is: netkit asks in two bursts. */
enum negotiate_step {
    STEP_ASKED_FIRST,  /* DO TTYPE, TSPEED, XDISPLOC, NEW-ENVIRON are out */
    STEP_ASKED_SECOND, /* SB TTYPE SEND, SGA, ECHO, NAWS, STATUS, LFLOW */
    STEP_DONE
};

/* One session's Telnet state; everything here is negotiate.c's. */
struct negotiation {
    telnet_t *telnet;
    struct negotiate_calls calls;
    enum negotiate_step step;
    long long deadline;         /* for the answers, or 0 */
    unsigned long long waiting; /* a bit per option asked, not answered */
    unsigned long long sent;    /* bytes libtelnet gave us to send */
    int we_echo;                /* the client said DO ECHO */
    char term[TERM_MAX];        /* lower case, safe for TERM=; "" unknown */
    int cols, rows;             /* 0 until NAWS */
    struct prefilter filter;    /* in front of libtelnet */
};

/* Start: libtelnet for N and netkit's first four requests; 0 or -1. */
int negotiate_start(struct negotiation *n, const struct negotiate_calls *calls);

/* Bytes the client sent. */
void negotiate_input(struct negotiation *n, const char *buf, size_t len);

/* Bytes for the client: IAC doubled. */
void negotiate_send(struct negotiation *n, const char *buf, size_t len);

/* Run the time-out if NOW has reached n->deadline. */
void negotiate_tick(struct negotiation *n, long long now);

/* Release libtelnet's state (N itself is the owner's). */
void negotiate_free(struct negotiation *n);

#endif
