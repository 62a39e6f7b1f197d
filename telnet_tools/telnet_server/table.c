/* SPDX-License-Identifier: GPL-3.0-or-later */
/* telnet_server, the table of connections the loop walks on each turn. */
#include <err.h>
#include <stdlib.h>

#include "telnet_tools/telnet_server/child.h"
#include "telnet_tools/telnet_server/conn.h"
#include "telnet_tools/telnet_server/table.h"

/* One more session, the array doubling when full. */
int table_add(struct table *t, struct conn *c)
{
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        /* An array of pointers, on purpose: each conn stays put. */
        struct conn **grown =
            realloc(t->conns, cap * sizeof(grown[0])); /* NOLINT(bugprone-*) */
        if (grown == NULL) {
            warn("accept");
            return -1;
        }
        t->conns = grown;
        t->cap = cap;
    }
    t->conns[t->count++] = c;
    return 0;
}

/* waitpid() for every child that exited; a reaped pid is signalled no more. */
void table_reap_children(struct table *t)
{
    pid_t pid;

    while ((pid = child_reap_one()) > 0) {
        for (size_t i = 0; i < t->count; i++) {
            conn_child_exited(t->conns[i], pid);
        }
    }
}

/* The session numbered ID, or NULL: it may have gone since. */
struct conn *table_find(const struct table *t, unsigned long id)
{
    for (size_t i = 0; i < t->count; i++) {
        if (t->conns[i]->id == id) {
            return t->conns[i];
        }
    }
    return NULL;
}

/* Sessions whose socket closed on this turn are freed. */
void table_sweep(struct table *t)
{
    for (size_t i = 0; i < t->count;) {
        if (conn_finished(t->conns[i])) {
            conn_free(t->conns[i]);
            t->conns[i] = t->conns[--t->count];
        } else {
            i++;
        }
    }
}

/* SIGTERM or SIGINT: every session hears TEXT, then all are closed. */
void table_shut_down(struct table *t, const char *text)
{
    for (size_t i = 0; i < t->count; i++) {
        struct conn *c = t->conns[i];
        if (c->wire.fd != -1) {
            conn_shut_down(c, text);
        }
        conn_free(c);
    }
    free(t->conns);
    t->conns = NULL;
    t->count = t->cap = 0;
}
