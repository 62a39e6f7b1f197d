/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * trace: where the decrypted messages come from.  libssh can copy every
 * packet of a session, in the clear, into a capture file (its "pcap"
 * feature, meant for Wireshark): received packets after decryption, sent
 * ones before encryption, each wrapped in a made-up IPv4 and TCP header.
 * We hand it a file that lives only in memory (memfd), and after each poll
 * read what it wrote: the SSH messages of both directions, in the order
 * libssh handled them.  Nothing is guessed from callbacks, and nothing of
 * this runs when --trace and --diagram are off.
 */
#define _GNU_SOURCE /* memfd_create and fallocate: Linux */
#include <sys/mman.h>
#include <sys/socket.h>

#include <err.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "common/bytebuf.h"
#include "common/seqdiagram.h"
#include "trace.h"

#define PCAP_FILE_HEADER 24 /* magic, versions, zone, accuracy, size, link */
#define PCAP_RECORD      16 /* seconds, microseconds, saved and real size */
#define IP_TCP_HEADERS   40 /* libssh's made-up IPv4 and TCP headers */
#define READ_CHUNK       65536
/* Give the memory of what was read back after this much. */
#define PUNCH_EVERY ((off_t)1 << 20)
/* Arrows one diagram draws; a long transfer would fill a wall. */
#define DRAWN_MAX 400
#define BOUNDARY  "encrypted from here on"

struct trace_log {
    FILE *out; /* NULL: only diagrams */
    const char *diagram_path;
    unsigned long connections;
};

struct trace {
    struct trace_log *log;
    unsigned long number; /* the [N] before each line */
    ssh_pcap_file pcap;
    int fd; /* our reading end of the capture */
    off_t offset, punched;
    struct bytebuf pending; /* read but not yet a whole record */
    int header_read;
    unsigned char local_port[2]; /* network order, as in the capture */
    int newkeys;
    struct tracemsg_state state;
    struct seqdiagram *diagram;
    unsigned long drawn, not_drawn;
};

static int open_capture(struct trace *t);
static void read_capture(struct trace *t);
static void read_records(struct trace *t);
static void show_version(struct trace *t, int from_client,
                         const unsigned char *text, size_t len);
static void emit(struct trace *t, int from_client, const char *text);
static void emit_note(struct trace *t, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
static void write_diagram(struct trace *t);

struct trace_log *trace_log_open(const char *trace_path,
                                 const char *diagram_path, int *failed)
{
    *failed = 0;
    if (trace_path == NULL && diagram_path == NULL) {
        return NULL;
    }
    struct trace_log *log = calloc(1, sizeof(*log));
    if (log == NULL) {
        warnx("out of memory");
        *failed = 1;
        return NULL;
    }
    log->diagram_path = diagram_path;
    if (trace_path != NULL && strcmp(trace_path, "-") == 0) {
        log->out = stdout;
    } else if (trace_path != NULL) {
        log->out = fopen(trace_path, "w");
        if (log->out == NULL) {
            warn("--trace %s", trace_path);
            free(log);
            *failed = 1;
            return NULL;
        }
        /* Each line as it comes, for whoever follows the file. */
        setvbuf(log->out, NULL, _IOLBF, 0);
    }
    return log;
}

void trace_log_close(struct trace_log *log)
{
    if (log == NULL) {
        return;
    }
    if (log->out != NULL && log->out != stdout) {
        fclose(log->out);
    }
    free(log);
}

struct trace *trace_start(struct trace_log *log, ssh_session session, int fd,
                          const char *peer)
{
    struct sockaddr_in local;
    socklen_t size = sizeof(local);
    if (log == NULL) {
        return NULL;
    }
    struct trace *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        warnx("trace: out of memory");
        return NULL;
    }
    *t = (struct trace){.log = log, .fd = -1};
    t->number = ++log->connections;
    emit_note(t, "connection from %s", peer);
    /* libssh's capture makes up IPv4 headers, and refuses other sockets. */
    if (getsockname(fd, (struct sockaddr *)&local, &size) != 0 ||
        local.sin_family != AF_INET) {
        emit_note(t, "not traced: libssh captures IPv4 connections only");
        trace_end(t);
        return NULL;
    }
    memcpy(t->local_port, &local.sin_port, sizeof(t->local_port));
    if (log->diagram_path != NULL) {
        t->diagram = seqdiagram_new(peer, "ssh_server");
    }
    if ((log->diagram_path != NULL && t->diagram == NULL) ||
        open_capture(t) < 0 || ssh_set_pcap_file(session, t->pcap) != 0) {
        warnx("trace: cannot capture the connection from %s", peer);
        trace_end(t);
        return NULL;
    }
    return t;
}

/* A memory-only file for libssh to write, and our own way in to read. */
static int open_capture(struct trace *t)
{
    char path[64];
    t->fd = memfd_create("ssh_server-trace", MFD_CLOEXEC);
    if (t->fd < 0) {
        warn("memfd_create");
        return -1;
    }
    /* Opening the /proc name gives libssh a file offset of its own. */
    snprintf(path, sizeof(path), "/proc/self/fd/%d", t->fd);
    t->pcap = ssh_pcap_file_new();
    if (t->pcap == NULL || ssh_pcap_file_open(t->pcap, path) != SSH_OK) {
        return -1;
    }
    return 0;
}

void trace_poll(struct trace *t)
{
    if (t == NULL) {
        return;
    }
    read_capture(t);
}

void trace_end(struct trace *t)
{
    if (t == NULL) {
        return;
    }
    if (t->pcap != NULL) {
        read_capture(t);
        ssh_pcap_file_free(t->pcap);
    }
    emit_note(t, "connection closed");
    write_diagram(t);
    if (t->fd >= 0) {
        close(t->fd);
    }
    bytebuf_free(&t->pending);
    seqdiagram_free(t->diagram);
    free(t);
}

/* RFC 4253 4.2: an identification string, the line before any packet
 * (libssh records it too), without its CR LF. */
static void show_version(struct trace *t, int from_client,
                         const unsigned char *text, size_t len)
{
    char line[TRACEMSG_LINE_MAX];
    size_t shown = 0;
    while (shown < len && shown < 255 && text[shown] >= 0x20 &&
           text[shown] < 0x7f) {
        shown++;
    }
    snprintf(line, sizeof(line), "version %.*s", (int)shown, text);
    emit(t, from_client, line);
}

/* Everything libssh wrote since last time, whole records decoded. */
static void read_capture(struct trace *t)
{
    char chunk[READ_CHUNK];
    /* libssh writes through stdio: push its buffer into the file. */
    fflush(NULL);
    for (;;) {
        ssize_t n = pread(t->fd, chunk, sizeof(chunk), t->offset);
        if (n <= 0 || bytebuf_append(&t->pending, chunk, (size_t)n, 0) < 0) {
            break;
        }
        t->offset += n;
        read_records(t);
    }
    if (t->offset - t->punched >= PUNCH_EVERY) {
        /* Read is done with: the memory can go, the offsets stay. */
        fallocate(t->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
                  t->offset);
        t->punched = t->offset;
    }
}

/* Each whole record: which way it went, and the SSH message inside. */
static void read_records(struct trace *t)
{
    const unsigned char *p = (const unsigned char *)t->pending.data;
    size_t used = 0;
    if (!t->header_read && t->pending.len >= PCAP_FILE_HEADER) {
        t->header_read = 1;
        used = PCAP_FILE_HEADER;
    }
    while (t->header_read && t->pending.len - used >= PCAP_RECORD) {
        const unsigned char *r = p + used;
        size_t saved = (size_t)r[8] << 24 | (size_t)r[9] << 16 |
                       (size_t)r[10] << 8 | r[11];
        if (t->pending.len - used - PCAP_RECORD < saved) {
            break;
        }
        const unsigned char *ip = r + PCAP_RECORD;
        used += PCAP_RECORD + saved;
        /* The TCP source port is ours when the server sent it. */
        int from_client = memcmp(ip + 20, t->local_port, 2) != 0;
        /* SSH's binary packet (RFC 4253 6): length, padding length,
         * payload, padding; libssh records it without the MAC. */
        const unsigned char *packet = ip + IP_TCP_HEADERS;
        if (saved < IP_TCP_HEADERS + 6) {
            continue;
        }
        if (memcmp(packet, "SSH-", 4) == 0) {
            show_version(t, from_client, packet, saved - IP_TCP_HEADERS);
            continue;
        }
        size_t length = (size_t)packet[0] << 24 | (size_t)packet[1] << 16 |
                        (size_t)packet[2] << 8 | packet[3];
        size_t payload = length - 1 - packet[4];
        if (length > saved - IP_TCP_HEADERS - 4 || payload > length) {
            emit_note(t, "a record that is no SSH packet");
            continue;
        }
        char line[TRACEMSG_LINE_MAX];
        tracemsg_describe(&t->state, from_client, packet + 5, payload, line);
        emit(t, from_client, line);
        if (packet[5] == 21 && ++t->newkeys == 2) {
            emit_note(t, BOUNDARY);
        }
    }
    bytebuf_consume(&t->pending, used);
}

/* One message: a line of the trace, an arrow of the diagram. */
static void emit(struct trace *t, int from_client, const char *text)
{
    if (t->log->out != NULL) {
        fprintf(t->log->out, "[%lu] %s %s\n", t->number,
                from_client ? "C->S" : "S->C", text);
    }
    if (t->diagram == NULL) {
        return;
    }
    if (t->drawn < DRAWN_MAX && t->not_drawn == 0 &&
        seqdiagram_arrow(t->diagram, from_client, text) == 0) {
        t->drawn++;
        return;
    }
    t->not_drawn++;
}

/* A line about the connection, not a message; in the diagram a note. */
static void emit_note(struct trace *t, const char *format, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, format);
    vsnprintf(text, sizeof(text), format, ap);
    va_end(ap);
    if (t->log->out != NULL) {
        fprintf(t->log->out, "[%lu] --- %s ---\n", t->number, text);
    }
    if (t->diagram != NULL && strcmp(text, BOUNDARY) == 0) {
        seqdiagram_boundary(t->diagram, text);
    }
}

/* FILE.svg becomes FILE-N.svg: one diagram per connection. */
static void write_diagram(struct trace *t)
{
    const char *path = t->log->diagram_path;
    if (t->diagram == NULL) {
        return;
    }
    if (t->not_drawn > 0) {
        char note[80];
        snprintf(note, sizeof(note), "... and %lu more messages", t->not_drawn);
        seqdiagram_note(t->diagram, note);
    }
    const char *dot = strrchr(path, '.');
    size_t stem = dot != NULL ? (size_t)(dot - path) : strlen(path);
    size_t size = strlen(path) + 24;
    char *numbered = malloc(size);
    if (numbered == NULL) {
        warnx("trace: out of memory");
        return;
    }
    snprintf(numbered, size, "%.*s-%lu%s", (int)stem, path, t->number,
             path + stem);
    seqdiagram_write(t->diagram, numbered);
    free(numbered);
}
