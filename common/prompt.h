/* SPDX-License-Identifier: GPL-3.0-or-later */
/* prompt: ask a person for a secret or a yes/no, never on argv. */
#ifndef SHELLWIRE_COMMON_PROMPT_H
#define SHELLWIRE_COMMON_PROMPT_H

#include <stdio.h>

/* The longest secret or answer read, in bytes. */
#define PROMPT_MAX 1024

/*
 * Ask on the controlling terminal (/dev/tty) with echo off, as getpass(3)
 * did.  Ctrl-C restores the terminal before the signal acts.  Returns a
 * string for prompt_forget(), or NULL with one line on stderr (no terminal:
 * the line suggests --password-stdin).
 */
char *prompt_secret(const char *prompt);

/* The same on an open terminal descriptor (the unit tests use a pty). */
char *prompt_secret_fd(int tty_fd, const char *prompt);

/*
 * One line from IN, the newline removed: --password-stdin.  NULL with one
 * line on stderr when IN ends before a line or the line is too long.
 */
char *prompt_line(FILE *in);

/* Overwrite a secret, then free it. */
void prompt_forget(char *secret);

/*
 * Ask QUESTION on /dev/tty until the answer is yes or no, as OpenSSH does
 * for an unknown host key.  1 yes, 0 no, -1 no terminal or end of input.
 */
int prompt_yes_no(const char *question);

/* The same on an open terminal descriptor. */
int prompt_yes_no_fd(int tty_fd, const char *question);

#endif
