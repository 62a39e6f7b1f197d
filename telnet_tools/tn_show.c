/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tn_show: the debug switch's lines and the failures' (see tn_show.h). */
#include "telnet_tools/tn_show.h"

#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/repr.h"
#include "telnet_tools/tn_names.h"

/* Text as a C string, so control bytes and IAC show. */
void tn_show_text(const struct tn_session *s, const char *arrow,
                  const char *data, size_t len)
{
    if (s->debug == NULL) {
        return;
    }
    char *text = repr_c(data, len);
    fprintf(s->debug, "%s %s\n", arrow, text != NULL ? text : "?");
    free(text);
}

/* A command by its RFC 854 name, the option by its IANA name. */
void tn_show_command(const struct tn_session *s, const char *arrow,
                     unsigned char command, int option, const char *data,
                     size_t len)
{
    if (s->debug == NULL) {
        return;
    }
    if (option < 0) {
        fprintf(s->debug, "%s IAC %s (%d)\n", arrow, tn_command_name(command),
                command);
        return;
    }
    char *bytes = data != NULL ? repr_c(data, len) : NULL;
    fprintf(s->debug, "%s %s %s (%d)%s%s\n", arrow, tn_command_name(command),
            tn_option_name(option), option, data != NULL ? " " : "",
            bytes != NULL ? bytes : "");
    free(bytes);
}

/* What we waited for, and what happened instead. */
void tn_show_failure(const struct tn_session *s, const char *doing,
                     const char *const *patterns, size_t count, int error,
                     int timeout_ms)
{
    char what[256];
    size_t used =
        (size_t)snprintf(what, sizeof what, "%s", doing != NULL ? doing : "");
    for (size_t k = 0; k < count && used < sizeof what; k++) {
        char *text = repr_c(patterns[k], strlen(patterns[k]));
        used += (size_t)snprintf(what + used, sizeof what - used, "%s%s",
                                 k == 0 ? "waiting for " : " or ",
                                 text != NULL ? text : "?");
        free(text);
    }
    switch (error) {
    case ETIMEDOUT:
        warnx("%s: timed out after %g s", what, timeout_ms / 1000.0);
        break;
    case ECONNRESET:
        warnx("%s: the server closed the connection", what);
        break;
    case EMSGSIZE:
        warnx("%s: more than %d bytes without it", what, TN_PENDING_MAX);
        break;
    default:
        warnx("%s: %s", what, s->failure != 0 ? s->why : strerror(error));
        break;
    }
}
