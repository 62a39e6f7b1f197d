/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: arbitrary typed bytes through common/console (line
 * editor, parser, command table), in character mode or line mode, with
 * exec or without, and the same bytes through console_split as one line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/console.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void discard(void *ctx, const char *buf, size_t len)
{
    size_t *total = ctx;

    /* Touch the bytes, so a bad length shows up under ASan. */
    for (size_t i = 0; i < len; i++) {
        *total += (unsigned char)buf[i];
    }
}

static void answer(void *ctx, const char *line)
{
    (void)ctx;
    (void)strlen(line);
}

/* exec, as a server that has it: taken, and nothing run. */
static int exec_nothing(void *ctx, const char *command)
{
    (void)ctx;
    return command[0] == 'x' ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t total = 0;
    struct console_io io = {&total, discard, answer, NULL};
    struct console *c;
    char *line;
    char **words;
    int count;

    if (size == 0) {
        return 0;
    }
    io.exec = data[0] & 16 ? exec_nothing : NULL; /* help lists it, or not */
    c = console_new(&io);
    if (c == NULL) {
        return 0;
    }
    console_set_echo(c, data[0] & 1);
    console_set_term(c, data[0] & 2 ? "xterm" : "dumb");
    if (data[0] & 4) {
        console_ask(c, "login: ", data[0] & 8);
    } else {
        console_start(c, "fuzz", NULL);
    }
    console_input(c, (const char *)data + 1, size - 1);
    console_tick(c);
    console_free(c);

    line = malloc(size + 1);
    if (line != NULL) {
        memcpy(line, data, size);
        line[size] = '\0';
        if (console_split(line, &words, &count) == 0) {
            console_free_words(words);
        }
        free(line);
    }
    return 0;
}
