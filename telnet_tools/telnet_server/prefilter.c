/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, the filter in front of libtelnet: it notes the client's
 * answers to our options and caps subnegotiations (see prefilter.h).  RFC
 * 854: IAC SB opt ... IAC SE, with a 255 in the body doubled.
 */
#include <stddef.h>

#include <libtelnet.h>

#include "telnet_tools/telnet_server/prefilter.h"

/* Where in an IAC sequence the filter is. */
enum {
    IN_DATA,
    AFTER_IAC,
    AFTER_VERB,
    AFTER_SB,
    IN_SB,
    IN_SB_AFTER_IAC
};

static void heard(struct prefilter *f, unsigned char opt);

size_t prefilter_run(struct prefilter *f, const unsigned char *in, size_t n,
                     unsigned char *out)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char b = in[i];
        switch (f->state) {
        case IN_DATA:
            f->state = b == TELNET_IAC ? AFTER_IAC : IN_DATA;
            out[k++] = b;
            break;
        case AFTER_IAC:
            f->state = b == TELNET_SB ? AFTER_SB : IN_DATA;
            if (b >= TELNET_WILL && b <= TELNET_DONT) {
                f->state = AFTER_VERB;
                f->verb = b;
            }
            out[k++] = b;
            break;
        case AFTER_VERB:
            heard(f, b);
            f->state = IN_DATA;
            out[k++] = b;
            break;
        case AFTER_SB:
            f->state = IN_SB;
            f->sb_len = 0;
            out[k++] = b;
            break;
        case IN_SB:
            if (b == TELNET_IAC) {
                f->state = IN_SB_AFTER_IAC; /* held until the next byte */
            } else if (f->sb_len < PREFILTER_SB_MAX) {
                out[k++] = b;
                f->sb_len++;
            }
            break;
        case IN_SB_AFTER_IAC:
            if (b == TELNET_IAC && f->sb_len < PREFILTER_SB_MAX) {
                out[k++] = TELNET_IAC; /* an escaped 255 in the body */
                out[k++] = TELNET_IAC;
                f->sb_len++;
            } else if (b != TELNET_IAC) {
                out[k++] = TELNET_IAC; /* SE, or a command that ends it */
                out[k++] = b;
            }
            f->state = b == TELNET_IAC ? IN_SB : IN_DATA;
            break;
        }
    }
    return k;
}

/* The client said f->verb (WILL, WONT, DO, DONT) about OPT. */
static void heard(struct prefilter *f, unsigned char opt)
{
    if (opt < 64) {
        f->heard |= 1ULL << opt;
        if (f->verb == TELNET_WILL) {
            f->said_will |= 1ULL << opt;
        }
    }
}
