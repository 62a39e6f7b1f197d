/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tn_args: HOST [USER] for telnet_login and telnet_codes (see tn_args.h). */
#include "telnet_tools/tn_args.h"

#include <err.h>
#include <string.h>

#include "common/cli.h"

/* cli_host_user(), then no operand left over and a user of one line. */
int tn_args_host_user(int argc, char **argv, int first, int user_optional,
                      const char *usage, const char **host, const char **user)
{
    int used =
        cli_host_user(argc - first, argv + first, user_optional, host, user);
    if (used >= 0 && first + used < argc) {
        warnx("unexpected argument '%s'", argv[first + used]);
    }
    if (used < 0 || first + used != argc) {
        cli_print_usage_error(usage);
        return -1;
    }
    if (*user != NULL && strpbrk(*user, "\r\n") != NULL) {
        warnx("USER must be one line"); /* it goes out as one line */
        return -1;
    }
    return 0;
}
