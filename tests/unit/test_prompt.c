/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/prompt, on a real pseudo-terminal. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/prompt.h"

struct pty {
    int master, slave;
};

struct typist {
    int master;
    const char *text;
    int wait_for_no_echo;
};

static int open_pty(void **state)
{
    struct pty *p = malloc(sizeof *p);
    *state = p;
    if (p == NULL) {
        return -1;
    }
    p->slave = -1;
    p->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (p->master < 0 || grantpt(p->master) < 0 || unlockpt(p->master) < 0) {
        return -1;
    }
    p->slave = open(ptsname(p->master), O_RDWR | O_NOCTTY);
    return p->slave < 0 ? -1 : 0;
}

static int close_pty(void **state)
{
    struct pty *p = *state;
    close(p->slave);
    close(p->master);
    free(p);
    return 0;
}

/* Types TEXT once the prompt has turned echo off (or at once). */
static void *type_text(void *arg)
{
    struct typist *t = arg;
    struct termios tio;
    for (int tries = 0; t->wait_for_no_echo && tries < 2000; tries++) {
        if (tcgetattr(t->master, &tio) == 0 && !(tio.c_lflag & ECHO)) {
            break;
        }
        usleep(1000);
    }
    if (write(t->master, t->text, strlen(t->text)) < 0) {
        return NULL;
    }
    return NULL;
}

/* Everything the terminal showed so far. */
static void read_screen(int master, char *buf, size_t size)
{
    size_t used = 0;
    struct pollfd pfd = {.fd = master, .events = POLLIN};
    while (used + 1 < size && poll(&pfd, 1, 100) > 0) {
        ssize_t n = read(master, buf + used, size - 1 - used);
        if (n <= 0) {
            break;
        }
        used += (size_t)n;
    }
    buf[used] = '\0';
}

static void secret_is_not_echoed(void **state)
{
    struct pty *p = *state;
    struct typist t = {p->master, "hunter2\n", 1};
    pthread_t typist;
    pthread_create(&typist, NULL, type_text, &t);
    char *secret = prompt_secret_fd(p->slave, "Password: ");
    pthread_join(typist, NULL);
    assert_non_null(secret);
    assert_string_equal(secret, "hunter2");
    prompt_forget(secret);

    char screen[256];
    read_screen(p->master, screen, sizeof screen);
    assert_non_null(strstr(screen, "Password: "));
    assert_null(strstr(screen, "hunter2"));
    struct termios tio;
    assert_int_equal(tcgetattr(p->slave, &tio), 0);
    assert_true(tio.c_lflag & ECHO); /* restored */
}

static void yes_no_asks_again(void **state)
{
    struct pty *p = *state;
    struct typist t = {p->master, "maybe\nno\n", 0};
    pthread_t typist;
    pthread_create(&typist, NULL, type_text, &t);
    int answer = prompt_yes_no_fd(p->slave, "Continue (yes/no)? ");
    pthread_join(typist, NULL);
    assert_int_equal(answer, 0);
    char screen[512];
    read_screen(p->master, screen, sizeof screen);
    assert_non_null(strstr(screen, "Please type 'yes' or 'no': "));
}

static void line_from_stream(void **state)
{
    (void)state;
    char text[] = "s3cret\r\nnext\n";
    FILE *in = fmemopen(text, strlen(text), "r");
    char *line = prompt_line(in);
    assert_string_equal(line, "s3cret");
    prompt_forget(line);
    line = prompt_line(in);
    assert_string_equal(line, "next");
    prompt_forget(line);
    assert_null(prompt_line(in)); /* end of input */
    fclose(in);
}

static void line_too_long(void **state)
{
    (void)state;
    char *text = malloc(PROMPT_MAX + 10);
    memset(text, 'x', PROMPT_MAX + 9);
    text[PROMPT_MAX + 9] = '\0';
    FILE *in = fmemopen(text, strlen(text), "r");
    assert_null(prompt_line(in));
    fclose(in);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(secret_is_not_echoed, open_pty,
                                        close_pty),
        cmocka_unit_test_setup_teardown(yes_no_asks_again, open_pty, close_pty),
        cmocka_unit_test(line_from_stream),
        cmocka_unit_test(line_too_long),
    };
    return cmocka_run_group_tests_name("prompt", tests, NULL, NULL);
}
