/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_knownhosts: reading OpenSSH's known_hosts file (plain, hashed and
 * [host]:port entries) with libssh2's knownhost functions, one line at a
 * time.  Used by ssh2_hostkey.c and ssh_inspect.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <libssh2.h>

#include "ssh_tools/ssh2_keys.h"
#include "ssh_tools/ssh2_knownhosts.h"

static LIBSSH2_KNOWNHOSTS *load_line(LIBSSH2_SESSION *session, const char *line,
                                     size_t len);
static int check_key(LIBSSH2_KNOWNHOSTS *hosts, const char *name,
                     const char *key, size_t len, int known_hosts_type);

/* Line by line, so that one line libssh2 cannot read stops nothing. */
int ssh2_check_known_hosts(LIBSSH2_SESSION *session, const char *file,
                           const char *name, const char *key, size_t len,
                           int type, long *bad_line)
{
    const struct ssh2_key_type *kt = ssh2_key_type_find(type);
    FILE *in = fopen(file, "r");
    if (in == NULL || kt == NULL) {
        if (in == NULL && errno != ENOENT) {
            warn("%s", file);
            return LIBSSH2_KNOWNHOST_CHECK_FAILURE;
        }
        return LIBSSH2_KNOWNHOST_CHECK_NOTFOUND;
    }
    int result = LIBSSH2_KNOWNHOST_CHECK_NOTFOUND;
    char *line = NULL;
    size_t size = 0;
    ssize_t n;
    for (long number = 1; result != LIBSSH2_KNOWNHOST_CHECK_MATCH &&
                          (n = getline(&line, &size, in)) >= 0;
         number++) {
        LIBSSH2_KNOWNHOSTS *hosts = load_line(session, line, (size_t)n);
        int rc = check_key(hosts, name, key, len, kt->known_hosts_type);
        if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH) {
            result = rc;
        } else if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH && *bad_line == 0) {
            result = rc;
            *bad_line = number;
        }
        if (hosts != NULL) {
            libssh2_knownhost_free(hosts);
        }
    }
    free(line);
    fclose(in);
    return result;
}

/* Which types known_hosts holds for NAME. */
unsigned ssh2_known_types(LIBSSH2_SESSION *session, const char *file,
                          const char *name)
{
    /* A key no entry can hold: an entry for NAME of the type asked for
     * then reads as a mismatch, which is all we want to know here. */
    static const char no_key[1] = {0};
    FILE *in = fopen(file, "r");
    unsigned known = 0;
    char *line = NULL;
    size_t size = 0;
    ssize_t n;
    if (in == NULL) {
        return 0;
    }
    while ((n = getline(&line, &size, in)) >= 0) {
        LIBSSH2_KNOWNHOSTS *hosts = load_line(session, line, (size_t)n);
        for (size_t i = 0; hosts != NULL && i < ssh2_key_type_count; i++) {
            if (check_key(hosts, name, no_key, sizeof no_key,
                          ssh2_key_types[i].known_hosts_type) ==
                LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
                known |= 1u << ssh2_key_types[i].type;
            }
        }
        if (hosts != NULL) {
            libssh2_knownhost_free(hosts);
        }
    }
    free(line);
    fclose(in);
    return known;
}

/*
 * One known_hosts line as libssh2's own little collection, or NULL.  Lines
 * it cannot read (comments, @cert-authority, key types libssh2 1.10 does
 * not know) are passed over, as OpenSSH passes over what it cannot use;
 * libssh2_knownhost_readfile() would stop at the first one.
 */
static LIBSSH2_KNOWNHOSTS *load_line(LIBSSH2_SESSION *session, const char *line,
                                     size_t len)
{
    LIBSSH2_KNOWNHOSTS *hosts = libssh2_knownhost_init(session);
    if (hosts != NULL &&
        libssh2_knownhost_readline(hosts, line, len,
                                   LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
        libssh2_knownhost_free(hosts);
        hosts = NULL;
    }
    return hosts;
}

/*
 * NAME is checked as given ("[host]:port" included): libssh2's own port
 * handling (knownhost_checkp) would also accept a plain "host" entry for
 * another port, which OpenSSH does not.
 */
static int check_key(LIBSSH2_KNOWNHOSTS *hosts, const char *name,
                     const char *key, size_t len, int known_hosts_type)
{
    if (hosts == NULL) {
        return LIBSSH2_KNOWNHOST_CHECK_NOTFOUND;
    }
    return libssh2_knownhost_check(hosts, name, key, len,
                                   LIBSSH2_KNOWNHOST_TYPE_PLAIN |
                                       LIBSSH2_KNOWNHOST_KEYENC_RAW |
                                       known_hosts_type,
                                   NULL);
}
