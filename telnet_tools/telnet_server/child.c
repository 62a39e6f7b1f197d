/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_server, children: `exec COMMAND` runs /bin/sh -c COMMAND with its
 * output on a pipe, and --shell runs a command on a pseudo-terminal
 * (forkpty), as telnetd runs login.  The loop polls the child's descriptor
 * like a socket; child_reap_one() collects every exited child, so none is
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

#include "telnet_tools/telnet_server/child.h"

static void run_shell_command(const char *command, const char *term);
static void keep_private(int fd);
static size_t pipe_to_nvt(struct child *ch, const char *buf, size_t n,
                          char *nvt);

/* No child yet: nothing to poll, nobody to signal. */
void child_init(struct child *ch)
{
    memset(ch, 0, sizeof(*ch));
    ch->fd = -1;
}

/* exec COMMAND: its stdout and stderr come back to the client. */
int child_exec(struct child *ch, const char *command, const char *term)
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
        run_shell_command(command, term);
    }
    setpgid(pid, pid);
    close(fds[1]);
    keep_private(fds[0]);
    ch->pid = pid;
    ch->fd = fds[0];
    ch->is_pty = 0;
    return 0;
}

/* --shell: the command on a pty sized from NAWS, TERM from TTYPE. */
int child_shell(struct child *ch, const char *command, const char *term,
                int cols, int rows)
{
    struct winsize ws = {0};
    int master = -1;
    pid_t pid;

    ws.ws_col = cols > 0 ? cols : 80;
    ws.ws_row = rows > 0 ? rows : 24;
    pid = forkpty(&master, NULL, NULL, &ws);
    if (pid == -1) {
        warn("forkpty");
        return -1;
    }
    if (pid == 0) {
        run_shell_command(command, term);
    }
    keep_private(master);
    ch->pid = pid;
    ch->fd = master;
    ch->is_pty = 1;
    return 0;
}

/* In the child: TERM from the negotiation, then /bin/sh -c COMMAND. */
static void run_shell_command(const char *command, const char *term)
{
    struct sigaction sa = {0};

    /* The server ignores SIGPIPE; the command should not. */
    sa.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &sa, NULL);
    if (setenv("TERM", term[0] ? term : "dumb", 1) == 0) {
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
void child_keys(struct child *ch, const char *buf, size_t len)
{
    char keys[CHILD_CHUNK];
    size_t n = 0;

    if (!ch->is_pty) {
        if (ch->pid > 0 && memchr(buf, '\x03', len) != NULL) {
            kill(-ch->pid, SIGINT);
        }
        return;
    }
    for (size_t i = 0; i < len; i++) {
        int skip = ch->after_cr && (buf[i] == '\n' || buf[i] == '\0');
        ch->after_cr = buf[i] == '\r';
        if (!skip) {
            keys[n++] = buf[i];
        }
        if (n == sizeof(keys) || i + 1 == len) {
            (void)!write(ch->fd, keys, n); /* a full pty drops keys */
            n = 0;
        }
    }
}

/* The child's output for the client; at its end, our end is closed. */
size_t child_read(struct child *ch, char *out)
{
    char buf[CHILD_CHUNK];
    ssize_t n = read(ch->fd, buf, sizeof(buf));

    if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
        return 0;
    }
    if (n <= 0) { /* EOF, or EIO from a pty whose child has gone */
        close(ch->fd);
        ch->fd = -1;
        if (ch->pipe_cr) {
            ch->pipe_cr = 0;
            out[0] = '\r'; /* RFC 854: a CR alone is CR NUL */
            out[1] = '\0';
            return 2;
        }
        return 0;
    }
    if (ch->is_pty) {
        memcpy(out, buf, n); /* the pty already makes CR LF */
        return n;
    }
    return pipe_to_nvt(ch, buf, n, out);
}

/*
 * RFC 854 for what a pipe gives: LF or CR LF is CR LF, a CR alone is
 * CR NUL.  A CR waits in ch->pipe_cr for the next byte, maybe in the next
 * read; so N bytes make at most 2 * N + 1.
 */
static size_t pipe_to_nvt(struct child *ch, const char *buf, size_t n,
                          char *nvt)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (ch->pipe_cr) {
            ch->pipe_cr = 0;
            nvt[k++] = '\r';
            nvt[k++] = buf[i] == '\n' ? '\n' : '\0';
            if (buf[i] == '\n') {
                continue;
            }
        }
        if (buf[i] == '\r') {
            ch->pipe_cr = 1;
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
void child_resize(struct child *ch, int cols, int rows)
{
    struct winsize ws = {0};

    if (ch->fd == -1 || !ch->is_pty || cols <= 0) {
        return;
    }
    ws.ws_col = cols;
    ws.ws_row = rows;
    ioctl(ch->fd, TIOCSWINSZ, &ws);
}

/*
 * The session ends: hang up on the child's whole process group, its
 * background jobs too (child_reap_one collects the child).
 */
void child_stop(struct child *ch)
{
    if (ch->fd != -1) {
        close(ch->fd);
        ch->fd = -1;
    }
    if (ch->pid > 0) {
        kill(-ch->pid, SIGHUP);
        ch->pid = 0;
    }
}

/* A reaped pid is no longer ours to signal: it may be reused. */
void child_exited(struct child *ch, pid_t pid)
{
    if (ch->pid == pid) {
        ch->pid = 0;
    }
}

/* Collect one exited child, without waiting. */
pid_t child_reap_one(void)
{
    pid_t pid = waitpid(-1, NULL, WNOHANG);

    return pid > 0 ? pid : 0;
}
