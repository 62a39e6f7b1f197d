/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, the filter in front of libtelnet (prefilter.c).  Two
 * jobs.  Note each answer to our options: libtelnet 0.21 reports no event
 * when the client refuses one of our requests, yet we wait for those
 * answers.  And cap subnegotiations: libtelnet 0.21 lets one longer than
 * its buffer spill into the data stream, so the body past PREFILTER_SB_MAX
 * bytes is dropped here, IAC SE kept.
 */
#ifndef SHELLWIRE_TELNET_SERVER_PREFILTER_H
#define SHELLWIRE_TELNET_SERVER_PREFILTER_H

#include <stddef.h>

#define PREFILTER_SB_MAX 256 /* subnegotiation bytes kept */

struct prefilter {
    int state;                /* where in an IAC sequence we are */
    unsigned char verb;       /* WILL, WONT, DO or DONT, awaiting its option */
    size_t sb_len;            /* body bytes of this subnegotiation so far */
    unsigned long long heard; /* a bit per option the client spoke of */
    unsigned long long said_will; /* a bit per option it ever said WILL */
};

/*
 * Copy N client bytes from IN to OUT, subnegotiations capped, noting
 * WILL/WONT/DO/DONT in F; OUT takes at most N + 1 bytes (an IAC held from
 * the previous call).  Returns the bytes written.
 */
size_t prefilter_run(struct prefilter *f, const unsigned char *in, size_t n,
                     unsigned char *out);

#endif
