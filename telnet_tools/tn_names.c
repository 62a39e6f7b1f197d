/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tn_names: the IANA Telnet option and command names (RFC 854, 855...). */
#include <stddef.h>
#include <strings.h>

#include "telnet_tools/tn_names.h"

/* Option codes: RFC 855 and the IANA registry; names as arpa/telnet.h. */
static const char *const option_names[] = {
    [0] = "BINARY", /* RFC 856 */
    [1] = "ECHO",   /* RFC 857 */
    [2] = "RCP",
    [3] = "SGA", /* RFC 858, suppress go ahead */
    [4] = "NAMS",
    [5] = "STATUS", /* RFC 859 */
    [6] = "TM",     /* RFC 860, timing mark */
    [7] = "RCTE",
    [8] = "NAOL",
    [9] = "NAOP",
    [10] = "NAOCRD",
    [11] = "NAOHTS",
    [12] = "NAOHTD",
    [13] = "NAOFFD",
    [14] = "NAOVTS",
    [15] = "NAOVTD",
    [16] = "NAOLFD",
    [17] = "XASCII",
    [18] = "LOGOUT",
    [19] = "BM",
    [20] = "DET",
    [21] = "SUPDUP",
    [22] = "SUPDUPOUTPUT",
    [23] = "SNDLOC",
    [24] = "TTYPE", /* RFC 1091, terminal type */
    [25] = "EOR",
    [26] = "TUID",
    [27] = "OUTMRK",
    [28] = "TTYLOC",
    [29] = "3270REGIME",
    [30] = "X3PAD",
    [31] = "NAWS",        /* RFC 1073, window size */
    [32] = "TSPEED",      /* RFC 1079, terminal speed */
    [33] = "LFLOW",       /* RFC 1372, flow control */
    [34] = "LINEMODE",    /* RFC 1184 */
    [35] = "XDISPLOC",    /* RFC 1096, X display */
    [36] = "OLD-ENVIRON", /* RFC 1408 */
    [37] = "AUTHENTICATION",
    [38] = "ENCRYPT",
    [39] = "NEW-ENVIRON", /* RFC 1572 */
    [40] = "TN3270E",
    [41] = "XAUTH",
    [42] = "CHARSET", /* RFC 2066 */
    [43] = "RSP",
    [44] = "COM-PORT", /* RFC 2217 */
    [45] = "SLE",
    [46] = "START-TLS",
    [47] = "KERMIT",
    [48] = "SEND-URL",
    [49] = "FORWARD-X",
    [138] = "PRAGMA-LOGON",
    [139] = "SSPI-LOGON",
    [140] = "PRAGMA-HEARTBEAT",
    [255] = "EXOPL",
};

/* Command bytes 236 to 255, RFC 854 (and 1184 for EOF, SUSP, ABORT). */
static const char *const command_names[] = {
    "EOF", "SUSP", "ABORT", "EOR", "SE", "NOP",  "DM",   "BRK", "IP",   "AO",
    "AYT", "EC",   "EL",    "GA",  "SB", "WILL", "WONT", "DO",  "DONT", "IAC",
};
#define FIRST_COMMAND 236

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *tn_option_name(int code)
{
    if (code < 0 || code >= COUNT(option_names) || !option_names[code]) {
        return "?";
    }
    return option_names[code];
}

const char *tn_command_name(int code)
{
    if (code < FIRST_COMMAND || code > 255) {
        return "?";
    }
    return command_names[code - FIRST_COMMAND];
}

int tn_option_code(const char *name)
{
    for (int code = 0; code < COUNT(option_names); code++) {
        if (option_names[code] && strcasecmp(option_names[code], name) == 0) {
            return code;
        }
    }
    return -1;
}
