/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_tracemsg: arbitrary bytes into ssh_server --trace's message decoder.
 *
 * A client chooses every byte of the payloads it sends; the decoder must
 * never read outside them (ASan watches), always end the line with a NUL
 * inside its buffer, and keep the line printable ASCII (a name from the
 * wire must not be able to forge a line or a terminal escape).  The first
 * byte says which side sent it; several messages in a row share one state,
 * as one connection's do.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ssh_tools/ssh_server/tracemsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where 0xff 0xff starts in DATA, or SIZE. */
static size_t separator(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 1 < size; i++) {
        if (data[i] == 0xff && data[i + 1] == 0xff) {
            return i;
        }
    }
    return size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tracemsg_state state = {0};
    char line[TRACEMSG_LINE_MAX];
    /* Messages separated by 0xff 0xff; each copied to exactly its size. */
    while (size > 0) {
        int from_client = data[0] & 1;
        size_t len = separator(data + 1, size - 1);
        int more = len < size - 1;
        unsigned char *copy = malloc(len > 0 ? len : 1);
        if (copy == NULL) {
            return 0;
        }
        memcpy(copy, data + 1, len);
        tracemsg_describe(&state, from_client, copy, len, line);
        free(copy);
        size_t n = strnlen(line, sizeof(line));
        if (n == sizeof(line)) {
            abort();
        }
        for (size_t i = 0; i < n; i++) {
            if ((unsigned char)line[i] < 0x20 ||
                (unsigned char)line[i] > 0x7e) {
                abort();
            }
        }
        size_t used = 1 + len + (more ? 2 : 0);
        data += used;
        size -= used;
    }
    return 0;
}
