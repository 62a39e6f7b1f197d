/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * shell: a shell for which nothing but whitespace is special.
 *
 * Quotes, $, *, ~ and backslashes mean something to bash, not to the
 * kernel: execve() takes a plain list of strings.  This shell splits a line
 * on whitespace and hands the words over unchanged, so you can see it.
 *
 *     $ shell
 *     ] show a "b c" $HOME *
 *     Arguments: ['a', '"b', 'c"', '$HOME', '*']
 *
 * Read run_command() first: spawn, then waitpid.  Lesson:
 * lessons/01-shell.md.  (The book's shell.py, Foundations of Python Network
 * Programming, 3rd ed., ch. 16.)
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "common/cli.h"
#include "common/repr.h"

#define PROMPT "] "
#define USAGE  "usage: shell [--help] [--version]"

extern char **environ;

static volatile sig_atomic_t interrupted;
static int interrupt_pipe[2] = {-1, -1};

static int parse_options(int argc, char **argv);
static void catch_interrupt(void);
static int read_key(FILE *in);
static void forget_interrupt(void);
static char *read_line(int interactive, size_t *len);
static char **split_words(char *line, size_t len);
static void show_arguments(char **words);
static void run_command(char **words);

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
    while ((line = read_line(interactive, &len)) != NULL) {
        char **words = split_words(line, len);
        if (words == NULL || words[0] == NULL) {
            /* A blank line, or one we could not split: nothing to do. */
        } else if (strcmp(words[0], "exit") == 0 && words[1] == NULL) {
            free(words);
            free(line);
            break;
        } else if (strcmp(words[0], "show") == 0) {
            show_arguments(words + 1);
        } else {
            run_command(words);
        }
        free(words);
        free(line);
    }
    if (interactive && line == NULL) {
        putchar('\n'); /* Ctrl-D: leave the terminal on a fresh line. */
    }
    return 0;
}

/* --help and --version; -1 means go on and run the shell. */
static int parse_options(int argc, char **argv)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "hV", options, NULL)) != -1) {
        switch (opt) {
        case 'h':
            printf("%s\n\nA shell for which only whitespace is special.\n"
                   "  show ARG...  print the arguments a program would get\n"
                   "  exit         leave (so does Ctrl-D)\n"
                   "  anything else runs as a program, found on PATH\n\n"
                   "Reads lines without a prompt when stdin is not a "
                   "terminal.\nExit status: 0, or 2 for a usage error.\n",
                   USAGE);
            return 0;
        case 'V':
            cli_print_version("shell");
            return 0;
        default:
            cli_print_usage_error(USAGE);
            return CLI_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_print_usage_error(USAGE);
        return CLI_EXIT_USAGE;
    }
    return -1;
}

/* The self-pipe trick: the handler only sets a flag and writes a byte. */
static void note_interrupt(int sig)
{
    (void)sig;
    int saved = errno;
    interrupted = 1;
    (void)!write(interrupt_pipe[1], "", 1); /* a full pipe is fine */
    errno = saved;
}

/*
 * SIGINT is caught, never ignored: a caught signal goes back to its default
 * in the new program, so a running command still dies of Ctrl-C while the
 * shell, which gets the same signal, lives on.  No per-command set-up.
 */
static void catch_interrupt(void)
{
    if (pipe(interrupt_pipe) == 0) {
        for (int i = 0; i < 2; i++) {
            fcntl(interrupt_pipe[i], F_SETFL, O_NONBLOCK);
            fcntl(interrupt_pipe[i], F_SETFD, FD_CLOEXEC);
        }
    }
    struct sigaction sa = {.sa_handler = note_interrupt};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    rl_catch_signals = 0;
    rl_getc_function = read_key;
}

/*
 * readline's key reader.  Waiting in poll() for a key or the pipe, a
 * Ctrl-C can never slip in between a check and a blocking read().
 */
static int read_key(FILE *in)
{
    for (;;) {
        struct pollfd fds[] = {{.fd = fileno(in), .events = POLLIN},
                               {.fd = interrupt_pipe[0], .events = POLLIN}};
        if (poll(fds, 2, -1) < 0 && errno != EINTR) {
            return EOF;
        }
        if (interrupted) {
            forget_interrupt();
            /* Ctrl-C at the prompt: forget the line, draw a fresh prompt. */
            rl_replace_line("", 0);
            rl_crlf();
            rl_on_new_line();
            rl_forced_update_display();
            continue;
        }
        unsigned char key;
        ssize_t n = fds[0].revents ? read(fileno(in), &key, 1) : -1;
        if (n == 1) {
            return key;
        }
        if (n == 0 || (fds[0].revents && errno != EINTR)) {
            return EOF;
        }
    }
}

/* Empty the pipe and clear the flag. */
static void forget_interrupt(void)
{
    char drain[64];
    interrupted = 0;
    while (read(interrupt_pipe[0], drain, sizeof drain) > 0) {
    }
}

/* The next line and its length, or NULL at end of input. */
static char *read_line(int interactive, size_t *len)
{
    if (interactive) {
        char *line = readline(PROMPT);
        if (line != NULL && line[0] != '\0') {
            add_history(line);
        }
        *len = line != NULL ? strlen(line) : 0;
        return line;
    }
    char *line = NULL;
    size_t size = 0;
    ssize_t n;
    while ((n = getline(&line, &size, stdin)) < 0 && errno == EINTR) {
        clearerr(stdin);
    }
    if (n < 0) {
        free(line);
        return NULL;
    }
    *len = (size_t)n;
    return line;
}

/*
 * Split on whitespace, in place: the words point into LINE.  A NULL-ended
 * array to free(), or NULL when the line cannot become arguments.
 */
static char **split_words(char *line, size_t len)
{
    if (strlen(line) != len) {
        /* execve() takes C strings: a NUL byte cannot be in an argument. */
        warnx("line contains a NUL byte: ignored");
        return NULL;
    }
    size_t count = 0, capacity = 8;
    char **words = malloc(capacity * sizeof *words);
    static const char whitespace[] = " \t\n\v\f\r";
    char *rest = line;
    while (words != NULL) {
        rest += strspn(rest, whitespace);
        if (count + 1 == capacity) {
            capacity *= 2;
            char **bigger = realloc(words, capacity * sizeof *words);
            if (bigger == NULL) {
                free(words);
                words = NULL;
                break;
            }
            words = bigger;
        }
        if (*rest == '\0') {
            words[count] = NULL;
            return words;
        }
        words[count++] = rest;
        rest += strcspn(rest, whitespace);
        if (*rest != '\0') {
            *rest++ = '\0';
        }
    }
    warn("split line");
    return NULL;
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
 * Start the program and wait for it: how every shell runs a command.
 * posix_spawnp() is POSIX's fork() + execvp() in one call.  glibc makes it
 * with a vfork-style clone that does not copy our page tables, which makes
 * it about 20% cheaper per command here than fork() (bench/bench_shell.sh);
 * and when the program cannot run, it returns the reason itself.
 */
static void run_command(char **words)
{
    pid_t pid;
    fflush(stdout); /* our buffered lines first, then the program's */
    int error = posix_spawnp(&pid, words[0], NULL, NULL, words, environ);
    if (error != 0) {
        warnx("%s: %s", words[0], strerror(error));
        return;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            warn("waitpid");
            return;
        }
    }
    if (interrupted) {
        forget_interrupt(); /* that Ctrl-C was meant for the command */
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        printf("[exit %d]\n", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        printf("[signal %d]\n", WTERMSIG(status));
    }
}
