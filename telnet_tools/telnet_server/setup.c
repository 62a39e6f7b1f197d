/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, setting up before the loop starts: where the accounts
 * come from (--users FILE, --no-login, or a one-time account) with the
 * gate and the password-check thread that logins need, room for
 * --max-clients descriptors, and the signals that stop the loop.
 */
#include <err.h>
#include <signal.h>
#include <string.h>

#include "common/gate.h"
#include "common/net.h"
#include "common/passcheck.h"
#include "common/users.h"
#include "telnet_tools/telnet_server/login.h"
#include "telnet_tools/telnet_server/server.h"

static volatile sig_atomic_t stop_signal;

/* --users FILE, --no-login, or a one-time account made now. */
int set_up_users(struct options *opt)
{
    if (opt->no_login || opt->hash_password) {
        return 0;
    }
    if (opt->users_file != NULL) {
        opt->server.users = users_load(opt->users_file);
    } else if (login_one_time_account(&opt->server.users) == -1) {
        return -1;
    }
    if (opt->server.users == NULL) {
        return -1;
    }
    /* Who may try, and a thread for crypt(3), for logins only. */
    opt->server.gate = gate_new(&opt->server.limits);
    if (opt->server.gate == NULL) {
        return -1;
    }
    opt->server.passcheck = passcheck_start(opt->server.users);
    return opt->server.passcheck != NULL ? 0 : -1;
}

/*
 * A session holds a socket (and a pipe or pty while a child runs), but
 * the soft descriptor limit is often 1024: raise it, up to the hard
 * limit, so that --max-clients sessions fit.  Too low is only a warning.
 */
void set_up_descriptors(long max_clients)
{
    long want = max_clients + 16; /* listener, stdio, a spare */
    long have = net_raise_descriptor_limit(want);

    if (have >= 0 && have < want) {
        warnx("only %ld descriptors (ulimit -Hn): fewer than %ld "
              "sessions fit",
              have, max_clients);
    }
}

/* The handler only notes the signal; the loop sees it on its next turn. */
static void note_stop(int sig)
{
    stop_signal = sig;
}

/* SIGTERM and SIGINT end the loop; a vanished client is not a SIGPIPE. */
int set_up_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = note_stop;
    if (sigaction(SIGTERM, &sa, NULL) == -1 ||
        sigaction(SIGINT, &sa, NULL) == -1) {
        warn("sigaction");
        return -1;
    }
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) == -1) {
        warn("sigaction");
        return -1;
    }
    return 0;
}

/* A SIGTERM or SIGINT came. */
int stop_requested(void)
{
    return stop_signal != 0;
}
