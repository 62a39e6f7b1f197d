/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_login: the tally of a login (see ssh2_login.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libssh2.h>

#include "ssh_tools/ssh2_login.h"

/* Append ", " and the formatted words to A->tried, cut to fit. */
void ssh2_login_note(struct ssh2_login *a, const char *format, ...)
{
    size_t used = strlen(a->tried);
    va_list ap;
    if (used > 0 && used + 2 < sizeof a->tried) {
        memcpy(a->tried + used, ", ", 3);
        used += 2;
    }
    va_start(ap, format);
    vsnprintf(a->tried + used, sizeof a->tried - used, format, ap);
    va_end(ap);
}

/* The session's last error says which it was. */
int ssh2_login_failed(struct ssh2_login *a)
{
    if (a->ssh->timed_out) {
        return SSH2_AUTH_BROKEN;
    }
    switch (libssh2_session_last_errno(a->session)) {
    case LIBSSH2_ERROR_SOCKET_DISCONNECT:
    case LIBSSH2_ERROR_SOCKET_RECV:
    case LIBSSH2_ERROR_SOCKET_SEND:
    case LIBSSH2_ERROR_TIMEOUT:
        return SSH2_AUTH_BROKEN;
    default:
        return SSH2_AUTH_NEXT;
    }
}
