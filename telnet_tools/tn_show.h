/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tn_show: a tn_session's words for people: the debug switch's lines
 * (tn_set_debug) and the one line that says why a call failed.  NOT API:
 * only the tn_session files include it (see tn_wire.h).
 */
#ifndef SHELLWIRE_TELNET_TN_SHOW_H
#define SHELLWIRE_TELNET_TN_SHOW_H

#include <stddef.h>

#include "telnet_tools/tn_wire.h"

/* The debug switch, for text: <- "login: " */
void tn_show_text(const struct tn_session *s, const char *arrow,
                  const char *data, size_t len);

/*
 * The debug switch, for a command: "<- DO TTYPE (24)", "-> SB TTYPE (24)
 * \"\x00mypython\"", or "<- IAC NOP (241)" when OPTION is -1.
 */
void tn_show_command(const struct tn_session *s, const char *arrow,
                     unsigned char command, int option, const char *data,
                     size_t len);

/*
 * The one line for a failure on stderr: DOING (or "waiting for" the COUNT
 * PATTERNS), and what ERROR means; TIMEOUT_MS for a time-out.
 */
void tn_show_failure(const struct tn_session *s, const char *doing,
                     const char *const *patterns, size_t count, int error,
                     int timeout_ms);

#endif
