/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cli: the command-line conventions every shellwire program shares. */
#ifndef SHELLWIRE_COMMON_CLI_H
#define SHELLWIRE_COMMON_CLI_H

#include <stdio.h>

/*
 * Exit statuses.  Every program: 0 success, 1 failure, 2 usage.  Network
 * programs add the kinds below, so a script can tell them apart; each
 * program lists the ones it uses in --help.
 */
enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAILURE = 1,
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_UNKNOWN_HOST = 3,
    CLI_EXIT_CONNECT = 4, /* refused or unreachable */
    CLI_EXIT_TIMEOUT = 5,
    CLI_EXIT_CLOSED = 6, /* the server closed the connection early */
    CLI_EXIT_AUTH = 7,   /* login or authentication failed */
    CLI_EXIT_HOSTKEY = 8 /* unknown or changed host key */
};

/* The help text for the statuses above, from FIRST to LAST, one a line. */
void cli_print_exit_codes(FILE *out, enum cli_exit first, enum cli_exit last);

/* The exit status for a failed net_connect, from its errno. */
enum cli_exit cli_exit_for_connect(int saved_errno);

/* "NAME (shellwire) VERSION" and the licence line, on stdout. */
void cli_print_version(const char *name);

/* "usage: ..." on stderr and a hint to try --help. */
void cli_print_usage_error(const char *usage);

/*
 * Parse TEXT as a whole decimal number in [MIN, MAX] (strtol, with end and
 * range checks).  0, or -1 with one line naming WHAT.
 */
int cli_parse_number(const char *text, long min, long max, const char *what,
                     long *out);

/*
 * The HOST USER arguments, or USER@HOST as one.  ARGV holds the ARGC
 * arguments left after the options.  USER_OPTIONAL says whether HOST alone
 * will do (then *USER is NULL).  Returns how many arguments were used (1 or
 * 2), or -1 with one line on stderr.  The strings point into ARGV.
 */
int cli_host_user(int argc, char **argv, int user_optional, const char **host,
                  const char **user);

#endif
