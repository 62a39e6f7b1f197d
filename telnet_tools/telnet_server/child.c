/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, children: `exec COMMAND` runs /bin/sh -c COMMAND with its
 * output on a pipe, and --shell runs a command on a pseudo-terminal
 * (forkpty), as telnetd runs login.  The loop polls the child's descriptor
 * like a socket; child_reap() collects every exited child, so none is
 * left a zombie.
 */
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "telnet_tools/telnet_server/server.h"

#define CHUNK 4096

static void run_shell_command(struct conn *c, const char *command);
static void keep_private(int fd);
static size_t pipe_to_nvt(struct conn *c, const char *buf, size_t n, char *nvt);

/* exec COMMAND: its stdout and stderr come back to the client. */
int child_exec(struct conn *c, const char *command)
{
    int fds[2];
    pid_t pid;

    if (pipe(fds) == -1) {
        warn("pipe");
        return -1;
    }
    /* Close-on-exec: the command gets only the dup2() copies, 0 to 2. */
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    pid = fork();
    if (pid == -1) {
        warn("fork");
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    /*
     * Its own process group, so that the end of the session reaches all
     * of it; set on both sides of the fork, whichever runs first.
     */
    if (pid == 0) {
        setpgid(0, 0);
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null == -1 || dup2(null, STDIN_FILENO) == -1 ||
            dup2(fds[1], STDOUT_FILENO) == -1 ||
            dup2(fds[1], STDERR_FILENO) == -1) {
            _exit(127);
        }
        run_shell_command(c, command);
    }
    setpgid(pid, pid);
    close(fds[1]);
    keep_private(fds[0]);
    c->pid = pid;
    c->child_fd = fds[0];
    c->child_is_pty = 0;
    c->phase = PHASE_CHILD;
    c->server->children++;
    return 0;
}

/* --shell: the command on a pty sized from NAWS, TERM from TTYPE. */
int child_shell(struct conn *c)
{
    struct winsize ws = {0};
    int master = -1;
    pid_t pid;

    ws.ws_col = c->cols > 0 ? c->cols : 80;
    ws.ws_row = c->rows > 0 ? c->rows : 24;
    pid = forkpty(&master, NULL, NULL, &ws);
    if (pid == -1) {
        warn("forkpty");
        return -1;
    }
    if (pid == 0) {
        run_shell_command(c, c->server->shell);
    }
    keep_private(master);
    c->pid = pid;
    c->child_fd = master;
    c->child_is_pty = 1;
    c->phase = PHASE_CHILD;
    c->server->children++;
    return 0;
}

/* In the child: TERM from the negotiation, then /bin/sh -c COMMAND. */
static void run_shell_command(struct conn *c, const char *command)
{
    struct sigaction sa = {0};

    /* The server ignores SIGPIPE; the command should not. */
    sa.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &sa, NULL);
    if (setenv("TERM", c->term[0] ? c->term : "dumb", 1) == 0) {
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
    }
    _exit(127);
}

/* Our end of a child's descriptor: non-blocking, closed on exec. */
static void keep_private(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags != -1) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/*
 * Keys for the shell; NVT CR LF is Enter.  An exec command reads nothing,
 * and has no terminal to make Ctrl-C (or IAC IP) a SIGINT: we do that.
 */
void child_from_client(struct conn *c, const char *buf, size_t len)
{
    char keys[CHUNK];
    size_t n = 0;

    if (!c->child_is_pty) {
        if (c->pid > 0 && memchr(buf, '\x03', len) != NULL) {
            kill(-c->pid, SIGINT);
        }
        return;
    }
    for (size_t i = 0; i < len; i++) {
        int skip = c->after_cr && (buf[i] == '\n' || buf[i] == '\0');
        c->after_cr = buf[i] == '\r';
        if (!skip) {
            keys[n++] = buf[i];
        }
        if (n == sizeof(keys) || i + 1 == len) {
            (void)!write(c->child_fd, keys, n); /* a full pty drops keys */
            n = 0;
        }
    }
}

/* The child's output to the client; its end ends the session. */
void child_output(struct conn *c)
{
    char buf[CHUNK];
    char nvt[2 * CHUNK + 1];
    ssize_t n = read(c->child_fd, buf, sizeof(buf));

    if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) { /* EOF, or EIO from a pty whose child has gone */
        if (c->pipe_cr) {
            negotiate_send(c, "\r\0", 2);
        }
        close(c->child_fd);
        c->child_fd = -1;
        conn_close_soon(c);
        return;
    }
    if (c->child_is_pty) {
        negotiate_send(c, buf, n); /* the pty already makes CR LF */
        return;
    }
    negotiate_send(c, nvt, pipe_to_nvt(c, buf, n, nvt));
}

/*
 * RFC 854 for what a pipe gives: LF or CR LF is CR LF, a CR alone is
 * CR NUL.  A CR waits in c->pipe_cr for the next byte, maybe in the next
 * read; so N bytes make at most 2 * N + 1.
 */
static size_t pipe_to_nvt(struct conn *c, const char *buf, size_t n, char *nvt)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (c->pipe_cr) {
            c->pipe_cr = 0;
            nvt[k++] = '\r';
            nvt[k++] = buf[i] == '\n' ? '\n' : '\0';
            if (buf[i] == '\n') {
                continue;
            }
        }
        if (buf[i] == '\r') {
            c->pipe_cr = 1;
            continue;
        }
        if (buf[i] == '\n') {
            nvt[k++] = '\r';
        }
        nvt[k++] = buf[i];
    }
    return k;
}

/* NAWS changed: tell the pty, which sends SIGWINCH to the program. */
void child_resize(struct conn *c)
{
    struct winsize ws = {0};

    if (c->child_fd == -1 || !c->child_is_pty || c->cols <= 0) {
        return;
    }
    ws.ws_col = c->cols;
    ws.ws_row = c->rows;
    ioctl(c->child_fd, TIOCSWINSZ, &ws);
}

/*
 * The session ends: hang up on the child's whole process group, its
 * background jobs too (child_reap collects the child).
 */
void child_stop(struct conn *c)
{
    if (c->child_fd != -1) {
        close(c->child_fd);
        c->child_fd = -1;
    }
    if (c->pid > 0) {
        kill(-c->pid, SIGHUP);
        c->pid = 0;
    }
}

/* Collect every child that has exited, without waiting. */
void child_reap(struct server *s, struct conn **conns, size_t count)
{
    pid_t pid;

    while (s->children > 0 && (pid = waitpid(-1, NULL, WNOHANG)) > 0) {
        s->children--;
        for (size_t i = 0; i < count; i++) {
            if (conns[i]->pid == pid) {
                conns[i]->pid = 0;
            }
        }
    }
}
