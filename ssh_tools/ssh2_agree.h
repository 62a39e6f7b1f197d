/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_agree: when a handshake fails because the two sides share no
 * algorithm, say which kind, and what the server offered, as OpenSSH's
 * "no matching cipher found. Their offer: ..." does (RFC 4253 7.1: each
 * list must share a name, or the connection fails).
 */
#ifndef SHELLWIRE_SSH_SSH2_AGREE_H
#define SHELLWIRE_SSH_SSH2_AGREE_H

#include <stddef.h>

#include <libssh2.h>

#include "common/bytebuf.h"
#include "ssh_tools/kexinit.h"

/* The KEXINIT lists that must agree: kex ... compression s2c. */
#define SSH2_AGREED_LISTS 8

/*
 * The first of the server's KEXINIT lists (SERVER, KEXINIT_LISTS of them)
 * that shares no name with ours (OURS, comma-separated, SSH2_AGREED_LISTS
 * of them): its index, or -1 if every one shares a name.
 */
int ssh2_unmatched_list(char *const *server, char *const *ours);

/*
 * OpenSSH's line for list INDEX having nothing in common with the server's
 * OFFER: "no matching cipher found. Their offer: OFFER", into BUF (cut to
 * SIZE), with why libssh2 1.10 cannot take an RSA-only server.
 */
void ssh2_no_match_line(int index, const char *offer, char *buf, size_t size);

/*
 * The same, worked out from OPENING (the server's first bytes in the
 * clear: lines, identification, KEXINIT) and what SESSION's libssh2
 * supports.  0 with the line in BUF, -1 if that cannot be told.
 */
int ssh2_explain_no_match(LIBSSH2_SESSION *session,
                          const struct bytebuf *opening, char *buf,
                          size_t size);

/* What libssh2 supports for each list, as comma-separated lists (free
 * them with ssh2_free_lists()).  0, or -1 (one line). */
int ssh2_our_lists(LIBSSH2_SESSION *session, char *ours[SSH2_AGREED_LISTS]);
void ssh2_free_lists(char *ours[SSH2_AGREED_LISTS]);

#endif
