/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * authq: login requests (RFC 4252 5) that may wait for their answer.
 * crypt(3) takes tens of milliseconds, or a second for a slow hash, so a
 * password goes to common/passcheck's thread and the loop serves everyone
 * else meanwhile.  That needs a request we can answer later, and libssh
 * 0.10 gives one only through its message queue: a server callback or a
 * message callback must answer at once (ssh_execute_message_callback
 * frees the message when the callback returns).  So until a client is in
 * it has no callbacks at all; libssh queues each request, ssh_message_get()
 * hands it to us to keep, and we reply when the answer is due:
 * right or wrong alike no sooner than GATE_ANSWER_FLOOR_MS after the
 * attempt, and later while the address serves a failure's delay.
 */
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "authq.h"
#include "client.h"
#include "common/gate.h"
#include "common/monoclock.h"
#include "common/passcheck.h"

static const char *take_requests(struct client *client);
static const char *take_one(struct client *client, ssh_message request);
static void answer_pubkey(struct client *client, ssh_message request,
                          const char *user);
static const char *hold_password(struct client *client, ssh_message request,
                                 const char *user);
static void answer_held(struct client *client);
static void reply(ssh_message request, int answer);

const char *authq_tend(struct client *client)
{
    struct held_password *held = &client->held;
    if (held->request == NULL) {
        /* Not while a pause keeps the client out of the event. */
        return client->in_event ? take_requests(client) : NULL;
    }
    if (held->checking || monoclock_left_ms(held->due_ms) > 0) {
        return NULL;
    }
    answer_held(client);
    if (client->login.password_failures >= MAX_PASSWORD_FAILURES) {
        return "three wrong passwords";
    }
    /* Its next request is read only now. */
    if (ssh_event_add_session(client->server->event, client->session) !=
        SSH_OK) {
        return "could not rejoin the event";
    }
    client->in_event = 1;
    return NULL;
}

/*
 * The queued requests, one by one.  The session leaves the event first:
 * ssh_message_get() with an empty queue reads the session's socket, and
 * in the event it would poll every other client's too.  A held password
 * keeps it out, so that nothing more is read until its answer is sent.
 */
static const char *take_requests(struct client *client)
{
    ssh_event event = client->server->event;
    const char *why = NULL;
    ssh_message request;

    ssh_event_remove_session(event, client->session);
    client->in_event = 0;
    while (why == NULL && client->held.request == NULL &&
           !client->login.authenticated &&
           (request = ssh_message_get(client->session)) != NULL) {
        why = take_one(client, request);
    }
    if (client->held.request == NULL) {
        if (ssh_event_add_session(event, client->session) != SSH_OK) {
            return "could not rejoin the event";
        }
        client->in_event = 1;
    }
    return why;
}

/* One request: "none" and "publickey" answered now, a password held. */
static const char *take_one(struct client *client, ssh_message request)
{
    const struct auth_rules *rules = &client->server->rules;
    const char *user = ssh_message_auth_user(request);
    int method = ssh_message_subtype(request);
    int is_auth = ssh_message_type(request) == SSH_REQUEST_AUTH && user != NULL;

    peer_touch(&client->peer);
    if (is_auth && method == SSH_AUTH_METHOD_PASSWORD && rules->users != NULL) {
        return hold_password(client, request, user);
    }
    if (is_auth && method == SSH_AUTH_METHOD_NONE) {
        reply(request, auth_none(rules, &client->login, &client->peer, user));
    } else if (is_auth && method == SSH_AUTH_METHOD_PUBLICKEY) {
        answer_pubkey(client, request, user);
    } else {
        /* A method we do not offer fails; anything but a login request
         * before login is refused (RFC 4252 6). */
        ssh_message_reply_default(request);
    }
    ssh_message_free(request);
    return NULL;
}

/*
 * "publickey": a probe (signature state NONE) that we would take the key
 * is answered PK_OK (RFC 4252 7), a verified signature SUCCESS.
 * libssh 0.10 marks these two accessors deprecated in favour of the
 * callbacks, which cannot keep a request; they are the message API's only
 * way to the key and its state.
 */
static void answer_pubkey(struct client *client, ssh_message request,
                          const char *user)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    ssh_key key = ssh_message_auth_pubkey(request);
    enum ssh_publickey_state_e state =
        ssh_message_auth_publickey_state(request);
#pragma GCC diagnostic pop
    int answer = auth_pubkey(&client->server->rules, &client->login,
                             &client->peer, user, key, (char)state);
    if (state == SSH_PUBLICKEY_STATE_NONE && answer == SSH_AUTH_SUCCESS) {
        ssh_message_auth_reply_pk_ok_simple(request);
    } else {
        reply(request, answer);
    }
}

/* Hand the password to passcheck and keep REQUEST for its answer. */
static const char *hold_password(struct client *client, ssh_message request,
                                 const char *user)
{
    /* Deprecated in 0.10 for the callbacks, which must answer at once:
     * the message API's only way to the password. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    const char *password = ssh_message_auth_password(request);
#pragma GCC diagnostic pop
    if (password == NULL ||
        passcheck_submit(client->server->passcheck, client->id, user,
                         password) == -1) {
        ssh_message_reply_default(request);
        ssh_message_free(request);
        return "too many passwords waiting for a check";
    }
    client->held.request = request;
    client->held.checking = 1;
    client->held.due_ms = monoclock_ms() + GATE_ANSWER_FLOOR_MS;
    return NULL;
}

/*
 * Earlier failures from this address hold the answer until their delay
 * has passed, right or wrong alike and on whichever connection; a wrong
 * one adds its own delay for the next.
 */
void authq_checked(struct client *client, int ok)
{
    const struct sockaddr *from = (const struct sockaddr *)&client->addr;
    long long held_until =
        monoclock_ms() + gate_wait_ms(client->server->gate, from);

    client->held.checking = 0;
    client->held.ok = ok;
    if (held_until > client->held.due_ms) {
        client->held.due_ms = held_until;
    }
    if (ok != 1) {
        gate_failure_delay_ms(client->server->gate, from);
    }
}

/* The held answer is due: send it, and the request goes. */
static void answer_held(struct client *client)
{
    ssh_message request = client->held.request;
    int answer =
        auth_password_checked(&client->login, &client->peer,
                              ssh_message_auth_user(request), client->held.ok);
    reply(request, answer);
    authq_release(&client->held);
}

/* SUCCESS, or FAILURE with the methods still worth trying (RFC 4252 5.1). */
static void reply(ssh_message request, int answer)
{
    if (answer == SSH_AUTH_SUCCESS) {
        ssh_message_auth_reply_success(request, 0);
    } else {
        ssh_message_reply_default(request);
    }
}

long long authq_wait_ms(const struct client *client)
{
    const struct held_password *held = &client->held;
    if (held->request == NULL || held->checking) {
        return -1;
    }
    return monoclock_left_ms(held->due_ms);
}

void authq_release(struct held_password *held)
{
    if (held->request != NULL) {
        ssh_message_free(held->request);
    }
    *held = (struct held_password){0};
}
