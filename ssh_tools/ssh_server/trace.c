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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "common/bytebuf.h"
#include "trace.h"
#include "tracemsg.h"

#define PCAP_FILE_HEADER 24 /* magic, versions, zone, accuracy, size, link */
#define PCAP_RECORD      16 /* seconds, microseconds, saved and real size */
#define IP_TCP_HEADERS   40 /* libssh's made-up IPv4 and TCP headers */
#define READ_CHUNK       65536
/* Give the memory of what was read back after this much. */
#define PUNCH_EVERY ((off_t)1 << 20)
#define BOUNDARY    "encrypted from here on"

struct trace {
    struct traceout *out;
    ssh_pcap_file pcap;
    int fd; /* our reading end of the capture */
    off_t offset, punched;
    struct bytebuf pending; /* read but not yet a whole record */
    int header_read;
    unsigned char local_port[2]; /* network order, as in the capture */
    int newkeys;
    struct tracemsg_state state;
};

static int open_capture(struct trace *t);
static void read_capture(struct trace *t);
static void read_records(struct trace *t);
static void take_record(struct trace *t, const unsigned char *ip, size_t saved);
static void show_version(struct trace *t, int from_client,
                         const unsigned char *text, size_t len);

struct trace *trace_start(struct trace_log *log, ssh_session session, int fd,
                          const char *peer)
{
    struct sockaddr_storage local = {0};
    socklen_t size = sizeof(local);
    if (log == NULL) {
        return NULL;
    }
    struct trace *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        warnx("trace: out of memory");
        return NULL;
    }
    t->fd = -1;
    t->out = traceout_new(log, peer);
    if (t->out == NULL) {
        free(t);
        return NULL;
    }
    /* libssh's capture makes up IPv4 headers, and refuses other sockets. */
    if (getsockname(fd, (struct sockaddr *)&local, &size) != 0 ||
        local.ss_family != AF_INET) {
        traceout_note(t->out, "not traced: libssh captures IPv4 only");
        trace_end(t);
        return NULL;
    }
    memcpy(t->local_port, &((struct sockaddr_in *)&local)->sin_port,
           sizeof(t->local_port));
    if (open_capture(t) < 0 || ssh_set_pcap_file(session, t->pcap) != 0) {
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
    traceout_end(t->out);
    if (t->fd >= 0) {
        close(t->fd);
    }
    bytebuf_free(&t->pending);
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
    traceout_message(t->out, from_client, line);
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

/* Each whole record read so far, in order. */
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
        used += PCAP_RECORD + saved;
        take_record(t, r + PCAP_RECORD, saved);
    }
    bytebuf_consume(&t->pending, used);
}

/* One record (SAVED bytes from IP): which way it went, and the SSH message
 * inside. */
static void take_record(struct trace *t, const unsigned char *ip, size_t saved)
{
    const unsigned char *packet = ip + IP_TCP_HEADERS;
    if (saved < IP_TCP_HEADERS + 6) {
        return;
    }
    /* The TCP source port is ours when the server sent it. */
    int from_client = memcmp(ip + 20, t->local_port, 2) != 0;
    if (memcmp(packet, "SSH-", 4) == 0) {
        show_version(t, from_client, packet, saved - IP_TCP_HEADERS);
        return;
    }
    /* SSH's binary packet (RFC 4253 6): length, padding length, payload,
     * padding; libssh records it without the MAC. */
    size_t length = (size_t)packet[0] << 24 | (size_t)packet[1] << 16 |
                    (size_t)packet[2] << 8 | packet[3];
    size_t payload = length - 1 - packet[4];
    if (length > saved - IP_TCP_HEADERS - 4 || payload > length) {
        traceout_note(t->out, "a record that is no SSH packet");
        return;
    }
    char line[TRACEMSG_LINE_MAX];
    tracemsg_describe(&t->state, from_client, packet + 5, payload, line);
    traceout_message(t->out, from_client, line);
    if (packet[5] == 21 && ++t->newkeys == 2) {
        traceout_boundary(t->out, BOUNDARY);
    }
}
