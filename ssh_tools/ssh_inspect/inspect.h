/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * inspect: what ssh_inspect learns about one server, shared by its files:
 * main.c (the story), clear.c (step 1, plain socket), session.c (step 2,
 * libssh2) and report.c (text and JSON output).
 */
#ifndef SHELLWIRE_SSH_INSPECT_INSPECT_H
#define SHELLWIRE_SSH_INSPECT_INSPECT_H

#include <stddef.h>

#include "ssh_tools/kexinit.h"
#include "ssh_tools/ssh2_session.h"

/* Exit statuses beyond common/cli.h's, one per way a server can fail us. */
#define EXIT_NOT_SSH    9
#define EXIT_NO_KEXINIT 10
#define EXIT_MALFORMED  11
#define EXIT_NO_MATCH   12

/* The method types libssh2_session_methods() reports, in KEXINIT order. */
#define CHOSEN_METHODS 8

struct inspection {
    /* What to inspect (from the command line). */
    const char *host;
    const char *port;
    int port_number;
    const char *user; /* NULL: do not ask for authentication methods */
    const char *known_hosts;
    char *known_hosts_default; /* ~/.ssh/known_hosts, when not given */
    char known_name[SSH2_HOST_NAME_SIZE]; /* "[host]:port" in that file */
    int timeout_ms;
    /* Step 1, in the clear: the server's lines and first packet. */
    char *pre_banner; /* lines sent before the identification, raw */
    size_t pre_banner_len;
    char *identification; /* without its CR LF */
    struct kexinit kex;
    /* Step 2, from libssh2 (NULL where it did not get that far). */
    char *chosen[CHOSEN_METHODS];
    const char *key_type;
    char fingerprint[SSH2_FINGERPRINT_SIZE]; /* "SHA256:..." */
    const char *known;  /* "known", "not known", "CHANGED", "unreadable" */
    long changed_line;  /* the known_hosts line that disagrees, or 0 */
    char *auth_methods; /* comma-separated, from the server */
    int auth_none_accepted;
    int unmatched; /* 1 + the KEXINIT list with nothing in common, or 0 */
};

/* clear.c: step 1, the identification and KEXINIT over a plain socket. */
int read_in_clear(struct inspection *in);

/* session.c: connect again with libssh2 and fill in step 2. */
int inspect_session(struct inspection *in);

/* report.c: print everything learned, aligned, or as one JSON object. */
int report_text(const struct inspection *in, int colour);
int report_json(const struct inspection *in);

/* Free what the inspection holds. */
void inspection_free(struct inspection *in);

#endif
