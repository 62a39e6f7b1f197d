/* SPDX-License-Identifier: GPL-3.0-or-later */
/* monoclock: milliseconds on CLOCK_MONOTONIC, and what is left of a wait. */
#include <time.h>

#include "common/monoclock.h"

long long monoclock_ms(void)
{
    struct timespec now;

    /* POSIX requires CLOCK_MONOTONIC of every system with the clock
     * selection option; it cannot fail with this clock id. */
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

long long monoclock_left_ms(long long deadline_ms)
{
    long long left = deadline_ms - monoclock_ms();
    return left > 0 ? left : 0;
}
