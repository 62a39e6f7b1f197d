/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_options: the shared command line of the SSH clients (ssh_simple,
 * ssh_commands, ssh_threads, ssh_cat, sftp_get).
 */
#ifndef SHELLWIRE_SSH_SSH2_OPTIONS_H
#define SHELLWIRE_SSH_SSH2_OPTIONS_H

#include <stdio.h>

#include "ssh_tools/ssh2_base.h"

/* What ssh2_parse_args() found. */
enum ssh2_parse {
    SSH2_PARSE_OK,
    SSH2_PARSE_HELP,    /* --help: the caller prints its usage */
    SSH2_PARSE_VERSION, /* --version */
    SSH2_PARSE_ERROR    /* one line printed: the caller exits 2 */
};

/*
 * Parse `[options] HOST USER` or `[options] USER@HOST` into OPTS (strings
 * point into ARGV).  Options stop at HOST, so a remote command's own
 * options (`ls -l`) stay for the program.  *NEXT is the index of the first
 * argument after HOST USER.
 */
enum ssh2_parse ssh2_parse_args(int argc, char **argv,
                                struct ssh2_options *opts, int *next);

/*
 * The whole command line of an SSH client NAME: ssh2_parse_args(), then
 * --help (PRINT_HELP), --version and usage errors (USAGE) answered here.
 * MORE_ARGS 0: nothing may follow HOST USER; 1: anything may.  Returns -1
 * when the program should go on, else the exit status for main().
 */
int ssh2_command_line(int argc, char **argv, const char *name,
                      const char *usage, void (*print_help)(void),
                      int more_args, struct ssh2_options *opts, int *next);

/* The --help lines for the shared options. */
void ssh2_print_options(FILE *out);

#endif
