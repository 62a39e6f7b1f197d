/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * authq: a client's login requests (RFC 4252 5), taken from libssh's
 * message queue so that a password's answer can wait for passcheck's
 * thread.  client.c calls authq_tend() after each poll until the client
 * is in; loop.c hands it passcheck's verdicts.
 */
#ifndef SHELLWIRE_SSH_SERVER_AUTHQ_H
#define SHELLWIRE_SSH_SERVER_AUTHQ_H

#include <libssh/libssh.h>

struct client;

/* A password request kept until its answer is due. */
struct held_password {
    ssh_message request; /* ours to answer and free; NULL: none held */
    int checking;        /* passcheck has the password still */
    int ok;              /* its verdict, once checked */
    long long due_ms;    /* monoclock_ms() when the answer may leave */
};

/* Take and answer CLIENT's waiting requests; NULL, or why it must go. */
const char *authq_tend(struct client *client);
/* Passcheck's verdict on CLIENT's held password (OK 1: right). */
void authq_checked(struct client *client, int ok);
/* Milliseconds until a held answer is due, or -1 (none, or checking). */
long long authq_wait_ms(const struct client *client);
/* Free a held request, unanswered (the client is going). */
void authq_release(struct held_password *held);

#endif
