/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tn_args: the HOST [USER] operands both Telnet clients take. */
#ifndef SHELLWIRE_TELNET_TN_ARGS_H
#define SHELLWIRE_TELNET_TN_ARGS_H

/*
 * HOST USER, USER@HOST, or HOST alone if USER_OPTIONAL, in ARGV[FIRST] to
 * ARGV[ARGC - 1] (what getopt left).  USER goes out at "login:" as one
 * line, so it may hold no line end.  0, or -1 after one line on stderr
 * (and USAGE, for a wrong count): the program then exits with status 2.
 */
int tn_args_host_user(int argc, char **argv, int first, int user_optional,
                      const char *usage, const char **host, const char **user);

#endif
