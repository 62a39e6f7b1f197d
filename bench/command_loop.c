/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * command_loop: run each line of stdin as a program with no arguments, one
 * after the other, as bench/bench_shell.sh feeds the shell: with fork(),
 * execvp() and waitpid() (`fork`), or with posix_spawnp() and waitpid()
 * (`spawn`).  It links readline, as the shell does, so that fork() has as
 * big a parent to copy.  For the benchmarks only (lessons/01-shell.md).
 *
 *     $ printf '/bin/true\n/bin/true\n' | command_loop spawn
 *
 * Exit status: 0, 1 if a program could not start or did not exit 0, 2 for
 * usage.
 */
#include <err.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <readline/readline.h>

#include "common/cli.h"

#define USAGE "usage: command_loop fork|spawn <COMMANDS"

extern char **environ;

static pid_t start_forked(char **args);
static pid_t start_spawned(char **args);

int main(int argc, char **argv)
{
    pid_t (*start)(char **) = NULL;
    if (argc == 2 && strcmp(argv[1], "fork") == 0) {
        start = start_forked;
    } else if (argc == 2 && strcmp(argv[1], "spawn") == 0) {
        start = start_spawned;
    } else {
        /* Naming the library also keeps it linked (-Wl,--as-needed). */
        fprintf(stderr, "%s\n(links readline %s, as the shell does)\n", USAGE,
                rl_library_version);
        return CLI_EXIT_USAGE;
    }
    char *line = NULL;
    size_t size = 0;
    int status = CLI_EXIT_OK;
    while (status == CLI_EXIT_OK && getline(&line, &size, stdin) > 0) {
        line[strcspn(line, "\n")] = '\0';
        char *args[] = {line, NULL};
        pid_t pid = start(args);
        int wait_status;
        if (pid < 0 || waitpid(pid, &wait_status, 0) < 0 || wait_status != 0) {
            status = CLI_EXIT_FAILURE;
        }
    }
    free(line);
    return status;
}

/* fork(), and execvp() in the child: the shell's way. */
static pid_t start_forked(char **args)
{
    pid_t pid = fork();
    if (pid == 0) {
        execvp(args[0], args);
        warn("%s", args[0]);
        _exit(127);
    }
    if (pid < 0) {
        warn("fork");
    }
    return pid;
}

/* posix_spawnp(): glibc's clone(CLONE_VM | CLONE_VFORK), no copied map. */
static pid_t start_spawned(char **args)
{
    pid_t pid;
    int error = posix_spawnp(&pid, args[0], NULL, NULL, args, environ);
    if (error != 0) {
        warnx("%s: %s", args[0], strerror(error));
        return -1;
    }
    return pid;
}
