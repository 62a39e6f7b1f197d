/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, what happens in a session: the callbacks its Telnet side
 * and its console report through, the login dialogue's steps, the start
 * of the console or the shell.  Every change of phase is made here, each
 * in one place.  Nothing here is called by the parts it uses: negotiate.c
 * and the console call the callbacks handed to them in session_start(),
 * login.c and child.c answer through what they return.
 */
#include <err.h>
#include <string.h>

#include "common/console.h"
#include "common/gate.h"
#include "common/monoclock.h"
#include "common/passcheck.h"
#include "telnet_tools/telnet_server/session.h"

static void on_negotiate_send(void *ctx, const char *buf, size_t len);
static void on_text(void *ctx, const char *buf, size_t len);
static void on_news(void *ctx, enum negotiate_news news);
static void on_console_write(void *ctx, const char *buf, size_t len);
static int on_console_exec(void *ctx, const char *command);
static void begin_login(struct conn *c);
static void on_login_line(void *ctx, const char *line);
static void check_password(struct conn *c, const char *password);
static void start_session(struct conn *c);

/* The gate first; then a console and a negotiation reporting to us. */
int session_start(struct conn *c, const char **refused)
{
    struct console_io io = {c, on_console_write, on_login_line,
                            on_console_exec};
    struct negotiate_calls calls = {c, on_negotiate_send, on_text, on_news};
    struct gate *gate = c->server->gate;

    *refused = NULL;
    if (gate != NULL &&
        gate_admit(gate, (struct sockaddr *)&c->wire.addr, refused) == -1) {
        return -1;
    }
    c->in_gate = gate != NULL;
    c->phase = PHASE_NEGOTIATING;
    c->console = console_new(&io);
    if (c->console == NULL || negotiate_start(&c->neg, &calls) == -1) {
        return -1;
    }
    return 0;
}

/* libtelnet's bytes for the client (negotiate.c's send callback). */
static void on_negotiate_send(void *ctx, const char *buf, size_t len)
{
    struct conn *c = ctx;

    wire_queue(&c->wire, buf, len);
}

/* The client's text: to the console, or to the child. */
static void on_text(void *ctx, const char *buf, size_t len)
{
    struct conn *c = ctx;

    if (c->phase == PHASE_RUNNING_CHILD) {
        child_keys(&c->child, buf, len);
    } else if (c->phase == PHASE_LOGGING_IN || c->phase == PHASE_AT_CONSOLE) {
        if (console_input(c->console, buf, len) == CONSOLE_OVER &&
            c->phase != PHASE_RUNNING_CHILD) {
            session_close_soon(c);
        }
    }
}

/* What the negotiation learnt (negotiate.c's changed callback). */
static void on_news(void *ctx, enum negotiate_news news)
{
    static const char yes[] = "\r\n[telnet_server: yes]\r\n";
    struct conn *c = ctx;

    switch (news) {
    case NEWS_READY:
        begin_login(c);
        break;
    case NEWS_ECHO:
        console_set_echo(c->console, c->neg.we_echo);
        break;
    case NEWS_TERM:
        console_set_term(c->console, c->neg.term);
        break;
    case NEWS_WINDOW:
        console_set_window(c->console, c->neg.cols, c->neg.rows);
        child_resize(&c->child, c->neg.cols, c->neg.rows);
        break;
    case NEWS_AYT:
        if (c->phase == PHASE_AT_CONSOLE) {
            console_message(c->console, "[telnet_server: yes]");
        } else {
            session_say(c, yes);
        }
        break;
    case NEWS_BROKEN:
        session_close_soon(c);
        break;
    }
}

/* The console's bytes go out through libtelnet, IAC doubled. */
static void on_console_write(void *ctx, const char *buf, size_t len)
{
    struct conn *c = ctx;

    negotiate_send(&c->neg, buf, len);
}

/* `exec COMMAND` at the console: the command's output is the session's. */
static int on_console_exec(void *ctx, const char *command)
{
    struct conn *c = ctx;

    if (child_exec(&c->child, command, c->neg.term) == -1) {
        return -1;
    }
    c->phase = PHASE_RUNNING_CHILD;
    return 0;
}

/* After the negotiation: ask who it is, or go straight to the session. */
static void begin_login(struct conn *c)
{
    if (c->server->users == NULL) {
        start_session(c);
        return;
    }
    c->phase = PHASE_LOGGING_IN;
    console_ask(c->console, "login: ", 1);
}

/* A line at login: or Password: (the console's line callback). */
static void on_login_line(void *ctx, const char *line)
{
    struct conn *c = ctx;

    switch (login_line(&c->login, line)) {
    case LOGIN_ASK_PASSWORD:
        console_ask(c->console, "Password: ", 0);
        break;
    case LOGIN_CHECK:
        check_password(c, line);
        break;
    default:
        console_ask(c->console, "login: ", 1);
        break;
    }
}

/*
 * Hand the password to passcheck's thread; the loop goes on meanwhile.
 * Right or wrong, the answer leaves GATE_ANSWER_FLOOR_MS after the
 * attempt at the earliest, so its time tells a guesser nothing.
 */
static void check_password(struct conn *c, const char *password)
{
    if (passcheck_submit(c->server->passcheck, c->id, c->login.user,
                         password) == -1) {
        warnx("%s: too many passwords waiting for a check", c->wire.peer);
        session_say(c, "\r\ntelnet_server: too busy, try again later\r\n");
        session_close_soon(c);
        return;
    }
    c->check_pending = 1;
    c->answer_at = monoclock_ms() + GATE_ANSWER_FLOOR_MS;
    c->phase = PHASE_CHECKING;
}

/*
 * The check is done.  Earlier failures from this address hold the answer
 * until their delay has passed (gate_wait_ms), right or wrong alike, and
 * on whichever connection; a wrong one adds its own delay for the next.
 */
void session_checked(struct conn *c, int ok)
{
    struct sockaddr *peer = (struct sockaddr *)&c->wire.addr;
    long long held = monoclock_ms() + gate_wait_ms(c->server->gate, peer);

    c->check_pending = 0;
    c->answer_ok = ok;
    c->answer_at = held > c->answer_at ? held : c->answer_at;
    if (!ok) {
        gate_failure_delay_ms(c->server->gate, peer);
        warnx("failed login for '%s' from %s", c->login.user, c->wire.peer);
    }
    if (c->phase == PHASE_CHECKING) {
        c->phase = PHASE_ANSWER_HELD;
    }
}

/* The held answer is due: in, ask again, or hang up. */
void session_answer(struct conn *c)
{
    switch (login_checked(&c->login, c->answer_ok)) {
    case LOGIN_IN:
        warnx("login %s from %s", c->login.user, c->wire.peer);
        session_end(c); /* in: no longer the gate's business */
        start_session(c);
        break;
    case LOGIN_GIVE_UP:
        console_print(c->console, "Login incorrect");
        session_close_soon(c);
        break;
    default:
        console_print(c->console, "Login incorrect");
        c->phase = PHASE_LOGGING_IN;
        console_ask(c->console, "login: ", 1);
        break;
    }
}

/* Logged in: the console, or the --shell command on a pty. */
static void start_session(struct conn *c)
{
    const char *user = c->login.user[0] ? c->login.user : NULL;
    struct negotiation *neg = &c->neg;

    if (c->server->shell == NULL) {
        c->phase = PHASE_AT_CONSOLE;
        console_start(c->console, user, NULL);
    } else if (child_shell(&c->child, c->server->shell, neg->term, neg->cols,
                           neg->rows) == 0) {
        c->phase = PHASE_RUNNING_CHILD;
    } else {
        console_print(c->console, "telnet_server: cannot start the shell");
        session_close_soon(c);
    }
}

/* Like sshd's LoginGraceTime: counted from connect, reset by nothing. */
void session_too_late(struct conn *c)
{
    warnx("login time-out for %s", c->wire.peer);
    session_say(c, "\r\nLogin time-out, goodbye.\r\n");
    session_close_soon(c);
}

/* Logged in or gone: the gate stops counting this connection. */
void session_end(struct conn *c)
{
    if (c->in_gate) {
        gate_release(c->server->gate, (struct sockaddr *)&c->wire.addr);
        c->in_gate = 0;
    }
}

/* Any part may end the session: send what is queued, then close. */
void session_close_soon(struct conn *c)
{
    c->phase = PHASE_CLOSING;
}

/* A line of ours (not the console's) to the client. */
void session_say(struct conn *c, const char *text)
{
    negotiate_send(&c->neg, text, strlen(text));
}
