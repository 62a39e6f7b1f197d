/* SPDX-License-Identifier: GPL-3.0-or-later */
/* peer: the other end's name, its last activity, and log lines about it. */
#include <stdarg.h>
#include <stdio.h>

#include "common/monoclock.h"
#include "common/net.h"
#include "peer.h"

void peer_init(struct peer *peer, int fd)
{
    if (net_peer_name(fd, peer->name, sizeof(peer->name)) < 0) {
        snprintf(peer->name, sizeof(peer->name), "?");
    }
    peer_touch(peer);
}

void peer_touch(struct peer *peer)
{
    peer->last_active_ms = monoclock_ms();
}

void peer_log(const struct peer *peer, const char *format, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, format);
    vsnprintf(text, sizeof(text), format, ap);
    va_end(ap);
    for (char *p = text; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            *p = '?';
        }
    }
    fprintf(stderr, "ssh_server: %s: %s\n", peer->name, text);
}
