/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tn_names: Telnet command and option names, for printing and tests. */
#ifndef SHELLWIRE_TELNET_TN_NAMES_H
#define SHELLWIRE_TELNET_TN_NAMES_H

/*
 * The short name of option CODE, as arpa/telnet.h and the IANA "Telnet
 * Options" registry give it ("TTYPE" for 24, "SGA" for 3), or "?".
 */
const char *tn_option_name(int code);

/* The name of command byte CODE ("DO" for 253, "AYT" for 246), or "?". */
const char *tn_command_name(int code);

/* The code of option NAME (case-insensitive), or -1. */
int tn_option_code(const char *name);

#endif
