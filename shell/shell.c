/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * shell: a shell for which nothing but whitespace is special (the book's
 * shell.py: Foundations of Python Network Programming, 3rd ed., ch. 16).
 * Quotes, $, * and ~ mean something to bash; execve() takes plain strings.
 *     $ shell
 *     ] show a "b c" $HOME *
 *     Arguments: ['a', '"b', 'c"', '$HOME', '*']
 * Read main() then run_command(): fork, execvp, waitpid (lessons/01-shell.md).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "common/cli.h"
#include "common/repr.h"

#define PROMPT     "] "
#define USAGE      "usage: shell [--help] [--version]"
#define WHITESPACE " \t\n\v\f\r"

static int interrupt_pipe[2] = {-1, -1};

static int parse_options(int argc, char **argv);
static void catch_interrupt(void);
static char *read_line(int interactive, size_t *len);
static char **split_words(char *line, size_t len);
static void show_arguments(char **words);
static void run_command(char **words);
static _Noreturn void become_program(char **words, int fd, sigset_t *mask);
static void wait_for_program(const char *name, pid_t pid, int report_fd);
static void note_interrupt(int sig);
static int read_key(FILE *in);
static void forget_interrupt(void);

int main(int argc, char **argv)
{
    int status = parse_options(argc, argv);
    if (status >= 0) {
        return status;
    }
    /* Prompt and line editing only for a person at a terminal. */
    int interactive = isatty(STDIN_FILENO);
    catch_interrupt();
    /* Our lines and the commands' output interleave in the order made. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    char *line;
    size_t len;
    int done = 0;
    while (!done && (line = read_line(interactive, &len)) != NULL) {
        char **words = split_words(line, len);
        if (words == NULL || words[0] == NULL) {
            /* A blank line, or one we could not split: nothing to do. */
        } else if (strcmp(words[0], "exit") == 0 && words[1] == NULL) {
            done = 1;
        } else if (strcmp(words[0], "show") == 0) {
            show_arguments(words + 1);
        } else {
            run_command(words);
        }
        free(words);
        free(line);
    }
    if (interactive && !done) {
        putchar('\n'); /* Ctrl-D: leave the terminal on a fresh line. */
    }
    return 0;
}

/* Split in place (words point into LINE): a NULL-ended array, or NULL. */
static char **split_words(char *line, size_t len)
{
    if (strlen(line) != len) {
        /* execve() takes C strings: a NUL byte cannot be in an argument. */
        warnx("line contains a NUL byte: ignored");
        return NULL;
    }
    /* Each word takes a byte and a separator; one more for the NULL. */
    char **words = malloc((len / 2 + 2) * sizeof *words);
    if (words == NULL) {
        warn("split line");
        return NULL;
    }
    size_t count = 0;
    char *rest = line;
    while (*(rest += strspn(rest, WHITESPACE)) != '\0') {
        words[count++] = rest;
        rest += strcspn(rest, WHITESPACE);
        if (*rest != '\0') {
            *rest++ = '\0';
        }
    }
    words[count] = NULL;
    return words;
}

/* The book's `show`: the argument list exactly as a program receives it. */
static void show_arguments(char **words)
{
    size_t count = 0;
    while (words[count] != NULL) {
        count++;
    }
    char *list = repr_python_list(words, count);
    if (list != NULL) {
        printf("Arguments: %s\n", list);
        free(list);
    }
}

/*
 * How every Unix shell runs a program: fork() copies the shell; the copy,
 * to which fork() returns 0, becomes the program; the shell waits for it.
 */
static void run_command(char **words)
{
    int report[2]; /* execvp()'s errno, if it fails, comes up this pipe */
    if (pipe(report) < 0) {
        warn("pipe");
        return;
    }
    fcntl(report[0], F_SETFD, FD_CLOEXEC);
    fcntl(report[1], F_SETFD, FD_CLOEXEC);
    sigset_t interrupt, saved; /* a Ctrl-C waits until the copy is ready */
    sigemptyset(&interrupt);
    sigaddset(&interrupt, SIGINT);
    sigprocmask(SIG_BLOCK, &interrupt, &saved);
    fflush(stdout); /* or the copy would inherit, and repeat, our buffer */
    pid_t pid = fork();
    if (pid == 0) {
        become_program(words, report[1], &saved);
    } else if (pid < 0) {
        warn("%s: fork", words[0]);
    }
    sigprocmask(SIG_SETMASK, &saved, NULL);
    close(report[1]);
    if (pid > 0) {
        wait_for_program(words[0], pid, report[0]);
    }
    close(report[0]);
}

/*
 * The copy: SIGINT to its default, then unblocked, so a Ctrl-C now kills
 * it; then execvp(), which returns only on failure: errno up the pipe.
 */
static _Noreturn void become_program(char **words, int fd, sigset_t *mask)
{
    signal(SIGINT, SIG_DFL);
    sigprocmask(SIG_SETMASK, mask, NULL);
    execvp(words[0], words);
    int error = errno;
    (void)!write(fd, &error, sizeof error);
    _exit(127); /* not exit(): that would flush our stdio buffers again */
}

/* The shell's side: waitpid(), then the pipe (did execvp() fail?), report. */
static void wait_for_program(const char *name, pid_t pid, int report_fd)
{
    int status, error = 0; /* stays 0 if execvp() worked: end of file */
    if (waitpid(pid, &status, 0) < 0) {
        warn("waitpid");
    } else if (read(report_fd, &error, sizeof error) > 0) {
        warnx("%s: %s", name, strerror(error));
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        printf("[exit %d]\n", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        printf("[signal %d]\n", WTERMSIG(status));
    }
    forget_interrupt(); /* a Ctrl-C meanwhile was meant for the program */
}

/* The next line and its length, or NULL at end of input. */
static char *read_line(int interactive, size_t *len)
{
    char *line = NULL;
    ssize_t n;
    if (interactive) {
        line = readline(PROMPT);
        n = line != NULL ? (ssize_t)strlen(line) : -1;
        if (n > 0) {
            add_history(line);
        }
    } else {
        size_t size = 0;
        n = getline(&line, &size, stdin);
    }
    if (n < 0) {
        free(line);
        return NULL;
    }
    *len = (size_t)n;
    return line;
}

/* --help and --version; -1 means go on and run the shell. */
static int parse_options(int argc, char **argv)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int opt = getopt_long(argc, argv, "hV", options, NULL);
    if (opt == 'h') {
        printf("%s\n\nA shell for which only whitespace is special.\n"
               "  show ARG...  print the arguments a program would get\n"
               "  exit         leave (so does Ctrl-D)\n"
               "  anything else runs as a program, found on PATH\n\n"
               "Reads lines without a prompt when stdin is not a "
               "terminal.\nExit status: 0, or 2 for a usage error.\n",
               USAGE);
    } else if (opt == 'V') {
        cli_print_version("shell");
    } else if (opt != -1 || optind < argc) {
        cli_print_usage_error(USAGE);
        return CLI_EXIT_USAGE;
    } else {
        return -1;
    }
    return 0;
}

/*
 * SIGINT is caught, never ignored: execve() keeps an ignored signal ignored
 * but resets a caught one.  With SA_RESTART, of the calls it interrupts only
 * poll() fails (EINTR); read(), waitpid() and the rest carry on.
 */
static void catch_interrupt(void)
{
    if (pipe(interrupt_pipe) == 0) {
        for (int i = 0; i < 2; i++) {
            fcntl(interrupt_pipe[i], F_SETFL, O_NONBLOCK);
            fcntl(interrupt_pipe[i], F_SETFD, FD_CLOEXEC);
        }
    }
    struct sigaction sa = {.sa_handler = note_interrupt,
                           .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    rl_catch_signals = 0;
    rl_getc_function = read_key;
}

/* The self-pipe trick: a byte per Ctrl-C, and nothing else, in a handler. */
static void note_interrupt(int sig)
{
    (void)sig;
    int saved = errno;
    (void)!write(interrupt_pipe[1], "", 1); /* a full pipe is fine */
    errno = saved;
}

/*
 * readline's key reader.  poll() waits for a key or the pipe, so a Ctrl-C
 * cannot slip in between a check and a blocking read().
 */
static int read_key(FILE *in)
{
    for (;;) {
        struct pollfd fds[] = {{.fd = fileno(in), .events = POLLIN},
                               {.fd = interrupt_pipe[0], .events = POLLIN}};
        if (poll(fds, 2, -1) < 0 && errno != EINTR) {
            return EOF;
        }
        if (fds[1].revents) {
            /* Ctrl-C at the prompt: forget the line, draw a fresh prompt. */
            forget_interrupt();
            rl_replace_line("", 0);
            rl_crlf();
            rl_on_new_line();
            rl_forced_update_display();
        } else if (fds[0].revents) {
            unsigned char key;
            return read(fileno(in), &key, 1) == 1 ? key : EOF;
        }
    }
}

/* Empty the pipe: every Ctrl-C so far has been dealt with. */
static void forget_interrupt(void)
{
    char drain[64];
    while (read(interrupt_pipe[0], drain, sizeof drain) > 0) {
    }
}
