/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_kexinit: arbitrary bytes into the KEXINIT parser (ssh_tools/kexinit.c).
 *
 * The bytes are what a hostile server could send after its identification
 * line.  The parser must never read outside them (ASan watches), never
 * leak, and keep its promises: a whole KEXINIT fits in the input, and
 * "incomplete" means the input really is shorter than the packet.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ssh_tools/kexinit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly SIZE bytes, so ASan sees one past the end. */
    unsigned char *copy = malloc(size > 0 ? size : 1);
    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, data, size);
    struct kexinit k;
    switch (kexinit_parse(copy, size, &k)) {
    case KEXINIT_OK:
        if (k.needed > size || k.message != SSH_MSG_KEXINIT) {
            abort();
        }
        for (int i = 0; i < KEXINIT_LISTS; i++) {
            if (k.lists[i] == NULL) {
                abort();
            }
        }
        kexinit_free(&k);
        break;
    case KEXINIT_INCOMPLETE:
        if (size >= 4 && k.needed <= size) {
            abort();
        }
        break;
    case KEXINIT_NOT_KEXINIT:
    case KEXINIT_MALFORMED:
        break;
    }
    free(copy);
    return 0;
}
