/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cli: --version, usage errors, numbers and HOST USER parsing. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"

#ifndef SHELLWIRE_VERSION
#define SHELLWIRE_VERSION "unknown"
#endif

static const char *const exit_meanings[] = {
    [CLI_EXIT_OK] = "success",
    [CLI_EXIT_FAILURE] = "failure",
    [CLI_EXIT_USAGE] = "usage error",
    [CLI_EXIT_UNKNOWN_HOST] = "unknown host",
    [CLI_EXIT_CONNECT] = "connection refused or host unreachable",
    [CLI_EXIT_TIMEOUT] = "timed out",
    [CLI_EXIT_CLOSED] = "the server closed the connection early",
    [CLI_EXIT_AUTH] = "login or authentication failed",
    [CLI_EXIT_HOSTKEY] = "host key unknown, changed or not the pinned one",
};

void cli_print_exit_codes(FILE *out, enum cli_exit first, enum cli_exit last)
{
    fputs("Exit status:\n", out);
    for (int code = (int)first; code <= (int)last; code++) {
        fprintf(out, "  %d  %s\n", code, exit_meanings[code]);
    }
}

enum cli_exit cli_exit_for_connect(int saved_errno)
{
    switch (saved_errno) {
    case ENXIO:
        return CLI_EXIT_UNKNOWN_HOST;
    case ETIMEDOUT:
        return CLI_EXIT_TIMEOUT;
    default:
        return CLI_EXIT_CONNECT;
    }
}

void cli_print_version(const char *name)
{
    printf("%s (shellwire) %s\n"
           "License GPL-3.0-or-later: <https://gnu.org/licenses/gpl.html>\n",
           name, SHELLWIRE_VERSION);
}

void cli_print_usage_error(const char *usage)
{
    fprintf(stderr, "%s\nTry '--help' for more information.\n", usage);
}

int cli_parse_number(const char *text, long min, long max, const char *what,
                     long *out)
{
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    /* strtol skips leading blanks; a number here must not have them. */
    int starts_well = isdigit((unsigned char)text[0]) || text[0] == '-';
    if (!starts_well || end == text || *end != '\0' || errno == ERANGE ||
        value < min || value > max) {
        warnx("%s must be a number from %ld to %ld, not '%s'", what, min, max,
              text);
        return -1;
    }
    *out = value;
    return 0;
}

int cli_host_user(int argc, char **argv, int user_optional, const char **host,
                  const char **user)
{
    if (argc < 1) {
        warnx("missing HOST");
        return -1;
    }
    char *at = strrchr(argv[0], '@');
    if (at != NULL) {
        /* USER@HOST: split in place, as ssh(1) does at the last '@'. */
        if (at == argv[0] || at[1] == '\0') {
            warnx("'%s' is not USER@HOST", argv[0]);
            return -1;
        }
        *at = '\0';
        *user = argv[0];
        *host = at + 1;
        return 1;
    }
    *host = argv[0];
    *user = argc >= 2 ? argv[1] : NULL;
    if (*user == NULL && !user_optional) {
        warnx("missing USER (give HOST USER or USER@HOST)");
        return -1;
    }
    return *user != NULL ? 2 : 1;
}
