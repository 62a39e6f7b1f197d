/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: arbitrary server bytes through a tn_session, answered
 * by telnet_codes' own answer_option() with --trace and --diagram on, then
 * its log_in() and command (expect, write, read_all), the debug switch on.
 * telnet_codes.c is compiled in here with its main() renamed, so the
 * tracer itself is fuzzed, not a copy of it.  The bytes go in through a
 * socketpair, as from a server that then stops sending.
 */
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define WAIT_MS 1000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int telnet_codes_main(int argc, char **argv);

#define main telnet_codes_main
/* NOLINTNEXTLINE(bugprone-suspicious-include): the program, as a library */
#include "telnet_tools/telnet_codes.c"

#include "common/seqdiagram.h"
#undef main

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    struct options opt = {.host = "fuzz",
                          .user = "brandon",
                          .port = DEFAULT_PORT,
                          .command = DEFAULT_COMMAND,
                          .term = DEFAULT_TERM,
                          .timeout_ms = WAIT_MS,
                          .trace = {.print = 1}};
    int fds[2];
    /* The tracer prints on stdout: keep the fuzzer's output readable. */
    if (sink == NULL && ((sink = fopen("/dev/null", "w")) == NULL ||
                         freopen("/dev/null", "w", stdout) == NULL)) {
        return 0;
    }
    opt.trace.diagram = sink; /* the caller's: never closed here */
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
    /* The diagram as --diagram FILE.svg collects and draws it. */
    opt.trace.arrows = seqdiagram_new("telnet_codes", "fuzz port 23");
    struct tn_session *session = tn_attach(fds[0], WAIT_MS);
    if (session != NULL) {
        tn_set_option_handler(session, answer_option, &opt);
        tn_set_debug(session, sink);
        if (log_in(session, &opt, "secret") == CLI_EXIT_OK) {
            tn_write_line(session, opt.command);
        }
        tn_read_all(session, sink, WAIT_MS);
        tn_close(session);
    }
    close(fds[1]);
    if (opt.trace.arrows != NULL) {
        seqdiagram_print(opt.trace.arrows, sink, SEQDIAGRAM_SVG);
        seqdiagram_free(opt.trace.arrows);
    }
    return 0;
}
