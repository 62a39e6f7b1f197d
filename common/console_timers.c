/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * console_timers: the `timer` command's messages.  console_timer_add()
 * keeps one in a free slot; the transport asks console_deadline() how
 * long it may wait, and console_tick() shows the messages that are due,
 * with console_message(), which draws the half-typed line again.
 * Next: console_output.c.
 */
#include <stdlib.h>
#include <string.h>

#include "common/console.h"
#include "common/console_internal.h"
#include "common/monoclock.h"

/* Keep TEXT for DUE in a free slot; -1 if all TIMERS_MAX are taken. */
int console_timer_add(struct console *c, long long due, const char *text)
{
    for (int i = 0; i < TIMERS_MAX; i++) {
        if (c->timers[i].due == 0) {
            c->timers[i].text = strdup(text);
            if (c->timers[i].text == NULL) {
                return -1;
            }
            c->timers[i].due = due > 0 ? due : 1; /* 0 marks a free slot */
            return 0;
        }
    }
    return -1;
}

/* The earliest due time, or -1 if no timer runs. */
long long console_deadline(const struct console *c)
{
    long long first = -1;

    for (int i = 0; i < TIMERS_MAX; i++) {
        long long due = c->timers[i].due;
        if (due != 0 && (first == -1 || due < first)) {
            first = due;
        }
    }
    return first;
}

/* Show, and forget, every message whose time has come. */
void console_tick(struct console *c)
{
    long long now = monoclock_ms();

    for (int i = 0; i < TIMERS_MAX; i++) {
        struct console_timer *t = &c->timers[i];
        if (t->due != 0 && t->due <= now && c->mode != MODE_OVER) {
            console_message(c, t->text);
            free(t->text);
            t->text = NULL;
            t->due = 0;
        }
    }
}
