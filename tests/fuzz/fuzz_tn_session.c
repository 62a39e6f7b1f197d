/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: arbitrary server bytes through a tn_session, with an
 * option handler that answers as telnet_codes does, the debug switch on,
 * and the calls telnet_login makes (expect, write, read_all).  The bytes
 * go in through a socketpair, as from a server that then stops sending.
 */
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <libtelnet.h>

#include "common/tn_session.h"

#define WAIT_MS 1000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* telnet_codes' rules: WILL TTYPE and its name, refuse all the rest. */
static void answer(struct tn_session *session, unsigned char command,
                   unsigned char option, const unsigned char *sb, size_t len,
                   void *arg)
{
    (void)arg;
    if (command == TELNET_DO && option == TELNET_TELOPT_TTYPE) {
        tn_negotiate(session, TELNET_WILL, option);
    } else if (command == TELNET_DO || command == TELNET_DONT) {
        tn_negotiate(session, TELNET_WONT, option);
    } else if (command == TELNET_WILL || command == TELNET_WONT) {
        tn_negotiate(session, TELNET_DONT, option);
    } else if (option == TELNET_TELOPT_TTYPE && len == 1 &&
               sb[0] == TELNET_TTYPE_SEND) {
        tn_subnegotiate(session, option, "\0mypython", 9);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    static const char *const after_password[] = {"Login incorrect", "$ "};
    int fds[2];
    if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL) {
        return 0;
    }
    /* Room for the input and every answer, so no write here blocks. */
    if (size > 65536 || socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0) {
        return 0;
    }
    if (write(fds[1], data, size) != (ssize_t)size ||
        shutdown(fds[1], SHUT_WR) < 0) {
        close(fds[0]);
        close(fds[1]);
        return 0;
    }
    struct tn_session *session = tn_attach(fds[0], WAIT_MS);
    if (session != NULL) {
        tn_set_option_handler(session, answer, NULL);
        tn_set_debug(session, sink);
        if (tn_read_until(session, "login:", WAIT_MS) == 0 &&
            tn_write_line(session, "brandon") == 0) {
            tn_expect(session, after_password, 2, WAIT_MS, NULL);
        }
        tn_read_all(session, sink, WAIT_MS);
        tn_close(session);
    }
    close(fds[1]);
    return 0;
}
