/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, the table of connections (table.c): an array of
 * pointers, so that each struct conn stays where it is while the table
 * grows and shrinks.
 */
#ifndef SHELLWIRE_TELNET_SERVER_TABLE_H
#define SHELLWIRE_TELNET_SERVER_TABLE_H

#include <stddef.h>

#include "telnet_tools/telnet_server/conn.h"

struct table {
    struct conn **conns;
    size_t count, cap;
};

/* Add C; 0, or -1 with one line on stderr (C is then still the caller's). */
int table_add(struct table *t, struct conn *c);

/* Collect every exited child; its session forgets its pid. */
void table_reap_children(struct table *t);

/* The session numbered ID, or NULL. */
struct conn *table_find(const struct table *t, unsigned long id);

/* Free the sessions that ended; keep the table packed. */
void table_sweep(struct table *t);

/* Tell every session TEXT, close and free them all, and the table. */
void table_shut_down(struct table *t, const char *text);

#endif
