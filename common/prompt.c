/* SPDX-License-Identifier: GPL-3.0-or-later */
/* prompt: no-echo password prompt and yes/no questions on the terminal. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common/net.h"
#include "common/prompt.h"

/* Signals that must not leave the terminal without echo. */
static const int fatal_signals[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP};
#define NSIGNALS (sizeof fatal_signals / sizeof fatal_signals[0])

static volatile sig_atomic_t caught_signal;

static void note_signal(int sig);
static char *read_tty_line(int fd);

char *prompt_secret(const char *prompt)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        warnx("no terminal to ask for the password on "
              "(use --password-stdin)");
        return NULL;
    }
    char *secret = prompt_secret_fd(fd, prompt);
    close(fd);
    return secret;
}

char *prompt_secret_fd(int tty_fd, const char *prompt)
{
    struct termios saved, quiet;
    struct sigaction catcher = {.sa_handler = note_signal}, old[NSIGNALS];
    char *line = NULL;

    if (tcgetattr(tty_fd, &saved) < 0) {
        warn("password prompt: terminal settings");
        return NULL;
    }
    /* No SA_RESTART: a signal ends the read(), so we can restore echo. */
    caught_signal = 0;
    for (size_t i = 0; i < NSIGNALS; i++) {
        sigaction(fatal_signals[i], &catcher, &old[i]);
    }
    quiet = saved;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
    if (net_write_all(tty_fd, prompt, strlen(prompt)) < 0 ||
        tcsetattr(tty_fd, TCSAFLUSH, &quiet) < 0) {
        warn("password prompt");
    } else {
        line = read_tty_line(tty_fd);
        tcsetattr(tty_fd, TCSAFLUSH, &saved);
        /* The user's Enter was not echoed: end the prompt's line. */
        net_write_all(tty_fd, "\n", 1);
    }
    for (size_t i = 0; i < NSIGNALS; i++) {
        sigaction(fatal_signals[i], &old[i], NULL);
    }
    if (caught_signal != 0) {
        prompt_forget(line);
        raise(caught_signal);
        return NULL;
    }
    return line;
}

static void note_signal(int sig)
{
    caught_signal = sig;
}

/* One line from a terminal, byte by byte so nothing past it is taken. */
static char *read_tty_line(int fd)
{
    char *line = calloc(PROMPT_MAX + 1, 1);
    size_t len = 0;
    if (line == NULL) {
        warn("prompt");
        return NULL;
    }
    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR && caught_signal == 0) {
            continue;
        }
        if (n <= 0 || caught_signal != 0) {
            if (caught_signal == 0) {
                warnx("prompt: no answer (end of input)");
            }
            prompt_forget(line);
            return NULL;
        }
        if (c == '\n' || c == '\r') {
            break;
        }
        if (len == PROMPT_MAX) {
            warnx("prompt: answer longer than %d bytes", PROMPT_MAX);
            prompt_forget(line);
            return NULL;
        }
        line[len++] = c;
    }
    line[len] = '\0';
    return line;
}

char *prompt_line(FILE *in)
{
    char *line = calloc(PROMPT_MAX + 2, 1);
    if (line == NULL) {
        warn("prompt");
        return NULL;
    }
    if (fgets(line, PROMPT_MAX + 2, in) == NULL) {
        warnx("no password on standard input");
        prompt_forget(line);
        return NULL;
    }
    size_t len = strlen(line);
    if (len > 0 && line[len - 1] == '\n') {
        line[--len] = '\0';
    } else if (len > PROMPT_MAX) {
        warnx("password on standard input longer than %d bytes", PROMPT_MAX);
        prompt_forget(line);
        return NULL;
    }
    if (len > 0 && line[len - 1] == '\r') {
        line[--len] = '\0';
    }
    return line;
}

void prompt_forget(char *secret)
{
    if (secret == NULL) {
        return;
    }
    /* volatile, so the compiler cannot drop the stores before free(). */
    volatile char *p = secret;
    while (*p != '\0') {
        *p++ = '\0';
    }
    free(secret);
}

int prompt_yes_no(const char *question)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return -1;
    }
    int answer = prompt_yes_no_fd(fd, question);
    close(fd);
    return answer;
}

int prompt_yes_no_fd(int tty_fd, const char *question)
{
    static const char again[] = "Please type 'yes' or 'no': ";
    const char *ask = question;
    for (;;) {
        if (net_write_all(tty_fd, ask, strlen(ask)) < 0) {
            return -1;
        }
        caught_signal = 0;
        char *line = read_tty_line(tty_fd);
        if (line == NULL) {
            return -1;
        }
        int answer = strcmp(line, "yes") == 0  ? 1
                     : strcmp(line, "no") == 0 ? 0
                                               : -2;
        free(line);
        if (answer >= 0) {
            return answer;
        }
        ask = again;
    }
}
