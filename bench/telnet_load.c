/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * telnet_load: a load generator for telnet_server.  It opens N sessions
 * that refuse every option (as telnetlib does), log in and stay; then
 * times echo round trips on one session, then runs B busy sessions in a
 * closed loop (each sends its next command when the reply arrives).
 *
 *     telnet_load -p PORT -u USER -n 10000 -b 100 -d 5 --server-pid PID
 *       (the password comes in the environment, TELNET_LOAD_PASSWORD)
 *     telnet_load --hash PASSWORD    a cheap SHA-512 crypt for the users file
 *
 * Prints `name: value unit (comparison)` lines for bench_telnet_server.sh.
 */
#include <sys/socket.h>

#include <crypt.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/net.h"

#define IAC        255
#define TAIL       16
#define BATCH      200
#define ROUNDS     2000
#define MAX_SAMPLE 4000000
#define COMMAND    "echo hello\r"

struct session {
    int fd;
    int iac; /* parser state: 0 text, 1 IAC, 2 verb, 3 SB, 4 SB IAC */
    unsigned char verb;
    char tail[TAIL]; /* the last text bytes, to spot prompts */
    int logged_in;
    long long sent_ns; /* when the pending command left, or 0 */
};

static const char *user, *password, *port = "2323";
static struct session *sessions;
static int held, errors;
static double *samples;
static long n_samples;

static double percentile(double p);

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void send_text(struct session *s, const char *text)
{
    if (send(s->fd, text, strlen(text), MSG_NOSIGNAL) < 0) {
        errors++;
    }
}

/* Whether the text received so far ends in END. */
static int ends_with(const char *tail, const char *end)
{
    size_t n = strlen(end);

    return memcmp(tail + TAIL - 1 - n, end, n) == 0;
}

/* A prompt arrived: log in, or a command's reply is complete. */
static void on_prompt(struct session *s, const char *tail, int busy)
{
    if (ends_with(tail, "login: ")) {
        send_text(s, user);
        send_text(s, "\r");
    } else if (ends_with(tail, "Password: ")) {
        send_text(s, password);
        send_text(s, "\r");
    } else if (ends_with(tail, "$ ")) {
        if (!s->logged_in) {
            s->logged_in = 1;
            held++;
        } else if (s->sent_ns != 0 && n_samples < MAX_SAMPLE) {
            samples[n_samples++] = (double)(now_ns() - s->sent_ns) / 1e6;
        }
        s->sent_ns = 0;
        if (busy) {
            s->sent_ns = now_ns();
            send_text(s, COMMAND);
        }
    }
}

/* Read what the server sent; refuse its options; spot prompts. */
static void on_readable(struct session *s, int busy)
{
    unsigned char buf[4096], reply[4096];
    ssize_t n = recv(s->fd, buf, sizeof(buf), 0);
    size_t r = 0;

    if (n <= 0) {
        errors++;
        close(s->fd);
        s->fd = -1;
        return;
    }
    for (ssize_t i = 0; i < n; i++) {
        unsigned char b = buf[i];
        if (s->iac == 0 && b == IAC) {
            s->iac = 1;
        } else if (s->iac == 0) {
            memmove(s->tail, s->tail + 1, TAIL - 2);
            s->tail[TAIL - 2] = (char)b;
            s->tail[TAIL - 1] = '\0';
            on_prompt(s, s->tail, busy);
        } else if (s->iac == 1) {
            s->verb = b;
            s->iac = b == 250 ? 3 : (b >= 251 ? 2 : 0);
        } else if (s->iac == 2) {
            if (s->verb == 251 || s->verb == 253) { /* WILL, DO */
                reply[r++] = IAC;
                reply[r++] = s->verb == 251 ? 254 : 252; /* DONT, WONT */
                reply[r++] = b;
            }
            s->iac = 0;
        } else {
            s->iac = s->iac == 3 ? (b == IAC ? 4 : 3) : (b == 240 ? 0 : 3);
        }
    }
    if (r > 0 && send(s->fd, reply, r, MSG_NOSIGNAL) < 0) {
        errors++;
    }
}

/* Serve sessions FIRST..LAST-1 until DONE() or TIMEOUT_MS. */
static void pump(int first, int last, int busy, long long until_ns,
                 int (*done)(int, int))
{
    struct pollfd *fds = calloc(last - first, sizeof(*fds));

    if (fds == NULL) {
        err(1, "calloc");
    }
    while (!done(first, last) && now_ns() < until_ns) {
        for (int i = first; i < last; i++) {
            fds[i - first] = (struct pollfd){sessions[i].fd, POLLIN, 0};
        }
        if (poll(fds, last - first, 100) < 0 && errno != EINTR) {
            err(1, "poll");
        }
        for (int i = first; i < last; i++) {
            if (fds[i - first].revents != 0 && sessions[i].fd != -1) {
                on_readable(&sessions[i], busy);
            }
        }
    }
    free(fds);
}

static int all_logged_in(int first, int last)
{
    for (int i = first; i < last; i++) {
        if (!sessions[i].logged_in && sessions[i].fd != -1) {
            return 0;
        }
    }
    return 1;
}

static int never(int first, int last)
{
    (void)first;
    (void)last;
    return 0;
}

static int reply_seen(int first, int last)
{
    (void)last;
    return sessions[first].sent_ns == 0;
}

static int all_replied(int first, int last)
{
    for (int i = first; i < last; i++) {
        if (sessions[i].sent_ns != 0 && sessions[i].fd != -1) {
            return 0;
        }
    }
    return 1;
}

/* Connect and log in sessions FIRST..LAST-1, a batch at a time. */
static void open_sessions(int first, int last)
{
    for (int from = first; from < last; from += BATCH) {
        int to = from + BATCH < last ? from + BATCH : last;
        for (int i = from; i < to; i++) {
            sessions[i].fd = net_connect("127.0.0.1", port, 5000);
            errors += sessions[i].fd == -1;
        }
        pump(from, to, 0, now_ns() + 60000000000LL, all_logged_in);
    }
}

/* ROUNDS echo commands on session 0, one after another; the p50 in ms. */
static double round_trips(void)
{
    n_samples = 0;
    for (int r = 0; r < ROUNDS && sessions[0].fd != -1; r++) {
        sessions[0].sent_ns = now_ns();
        send_text(&sessions[0], COMMAND);
        pump(0, 1, 0, now_ns() + 5000000000LL, reply_seen);
    }
    return percentile(0.5);
}

/* Resident memory of PID in KiB, from /proc, or -1. */
static long rss_kib(const char *pid)
{
    char path[64], line[256];
    long kib = -1;
    FILE *fp;

    snprintf(path, sizeof(path), "/proc/%s/status", pid);
    fp = fopen(path, "r");
    while (fp != NULL && fgets(line, sizeof(line), fp) != NULL) {
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) {
            break;
        }
    }
    if (fp != NULL) {
        fclose(fp);
    }
    return kib;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(double p)
{
    if (n_samples == 0) {
        return 0;
    }
    qsort(samples, n_samples, sizeof(*samples), by_value);
    return samples[(long)(p * (double)(n_samples - 1))];
}

/* --hash: SHA-512 crypt with 1000 rounds, so 10,000 logins take seconds. */
static int print_cheap_hash(const char *pw)
{
    struct crypt_data data;

    memset(&data, 0, sizeof(data));
    if (crypt_rn(pw, "$6$rounds=1000$telnetload$", &data, sizeof(data)) ==
        NULL) {
        warnx("crypt failed");
        return 1;
    }
    printf("%s\n", data.output);
    return 0;
}

/* BUSY sessions each send the next command when the reply arrives. */
static void closed_loop(int busy, int seconds)
{
    long long t0;
    double rate;

    n_samples = 0;
    for (int i = 0; i < busy; i++) {
        sessions[i].sent_ns = now_ns();
        send_text(&sessions[i], COMMAND);
    }
    t0 = now_ns();
    pump(0, busy, 1, t0 + seconds * 1000000000LL, never);
    rate = (double)n_samples / ((double)(now_ns() - t0) / 1e9);
    pump(0, busy, 0, now_ns() + 5000000000LL, all_replied);
    printf("telnet_server_busy_commands: %.0f commands/s (%d sessions; "
           "target >= 50000; %.0fx telnetsrv's 2000)\n",
           rate, busy, rate / 2000);
    printf("telnet_server_busy_p50: %.3f ms\n", percentile(0.5));
    printf("telnet_server_busy_p99: %.3f ms (target <= 5; telnetsrv "
           "60-90)\n",
           percentile(0.99));
}

/* Open sessions FIRST..N-1 and keep them; the server's RSS per session. */
static void hold(int first, int n, const char *pid, long rss_before)
{
    long long t0 = now_ns();
    long rss_after;

    open_sessions(first, n);
    printf("telnet_server_sessions_held: %d sessions (of %d; %d errors; "
           "%.1f s to log in)\n",
           held, n, errors, (double)(now_ns() - t0) / 1e9);
    rss_after = pid ? rss_kib(pid) : -1;
    if (rss_before > 0 && rss_after > 0 && held > 0) {
        double per = (double)(rss_after - rss_before) / held;
        printf("telnet_server_memory_per_session: %.1f KiB (target <= 8; "
               "%.2fx telnetsrv's 24 KB)\n",
               per, per * 1024 / 24000);
    }
    printf("telnet_server_echo_p50_loaded: %.3f ms (one session while %d "
           "are held)\n",
           round_trips(), held);
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"hash", required_argument, NULL, 'H'},
        {"server-pid", required_argument, NULL, 'P'},
        {NULL, 0, NULL, 0},
    };
    int n = 1000, busy = 100, seconds = 5, ch;
    const char *pid = NULL;
    long rss_before = -1;

    while ((ch = getopt_long(argc, argv, "p:u:n:b:d:", options, NULL)) != -1) {
        switch (ch) {
        case 'H':
            return print_cheap_hash(optarg);
        case 'P':
            pid = optarg;
            break;
        case 'p':
            port = optarg;
            break;
        case 'u':
            user = optarg;
            break;
        case 'n':
            n = (int)strtol(optarg, NULL, 10);
            break;
        case 'b':
            busy = (int)strtol(optarg, NULL, 10);
            break;
        case 'd':
            seconds = (int)strtol(optarg, NULL, 10);
            break;
        default:
            fprintf(stderr, "usage: telnet_load [-p PORT] -u USER [-n N] "
                            "[-b BUSY] [-d SECONDS] [--server-pid PID]\n");
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    password = getenv("TELNET_LOAD_PASSWORD");
    if (user == NULL || password == NULL || n < 1 || busy < 1 || busy > n) {
        errx(2, "need -u USER, TELNET_LOAD_PASSWORD, 1 <= -b <= -n");
    }
    net_raise_descriptor_limit(n + 16); /* N sockets: often over 1024 */
    sessions = calloc(n, sizeof(*sessions));
    samples = calloc(MAX_SAMPLE, sizeof(*samples));
    if (sessions == NULL || samples == NULL) {
        err(1, "calloc");
    }
    rss_before = pid ? rss_kib(pid) : -1;

    /* 1. One session alone: its echo round trip. */
    open_sessions(0, 1);
    printf("telnet_server_echo_p50: %.3f ms (target <= 0.1; one session, "
           "%d round trips)\n",
           round_trips(), ROUNDS);

    /* 2. BUSY sessions in a closed loop for SECONDS. */
    open_sessions(1, busy);
    closed_loop(busy, seconds);

    /* 3. Hold N logged-in sessions, and measure the server's memory. */
    hold(busy, n, pid, rss_before);

    for (int i = 0; i < n; i++) {
        if (sessions[i].fd != -1) {
            close(sessions[i].fd);
        }
    }
    free(sessions);
    free(samples);
    return errors > 0;
}
