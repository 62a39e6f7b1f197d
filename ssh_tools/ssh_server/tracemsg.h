/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tracemsg: what trace.c asks of the message decoder (tracemsg.c), and
 * what the decoder's files share: reading fields, writing the line
 * (tracewire.c), the connection protocol's messages (tracechan.c).
 */
#ifndef SHELLWIRE_SSH_SERVER_TRACEMSG_H
#define SHELLWIRE_SSH_SERVER_TRACEMSG_H

#include <stddef.h>
#include <stdint.h>

/* tracemsg.c: what one connection's decoder remembers between messages. */
struct tracemsg_state {
    char kex[64];         /* the key exchange method, once both KEXINITs */
    char client_kex[512]; /* the client's KEXINIT kex list, until then */
    char server_kex[512];
    char method[32]; /* the last USERAUTH_REQUEST's method */
};

#define TRACEMSG_LINE_MAX 400

/* tracemsg.c: one SSH message PAYLOAD (LEN bytes, from its type byte on),
 * sent by the client if FROM_CLIENT, as one line into LINE. */
void tracemsg_describe(struct tracemsg_state *state, int from_client,
                       const unsigned char *payload, size_t len,
                       char line[TRACEMSG_LINE_MAX]);

/* A message being read: what is left of it; BAD once it ran short. */
struct wire {
    const unsigned char *p;
    size_t left;
    int bad;
};

/* The line being written, TRACEMSG_LINE_MAX bytes at most. */
struct line {
    char *text;
    size_t len;
};

/* tracewire.c: the data types of RFC 4251 5; past the message's end they
 * read as zero and empty, and set BAD. */
uint32_t wire_u32(struct wire *w);
unsigned wire_u8(struct wire *w);
size_t wire_string(struct wire *w, const char **s);

/* tracewire.c: append to the line; a line too long is cut, not overrun. */
void line_put(struct line *l, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* " KEY" and a string of the message, bytes outside printable ASCII '?'. */
void line_text(struct line *l, const char *key, struct wire *w);
/* The same for LEN bytes at S (a name already read). */
void line_name(struct line *l, const char *key, const char *s, size_t len);
/* Bytes as one quoted C string ("ls -l\n"). */
void line_quoted(struct line *l, const char *bytes, size_t len);

/* tracechan.c: the fields of the connection protocol's messages (RFC
 * 4254: TYPE 80 and up), after the name. */
void chan_describe(unsigned type, struct wire *w, struct line *l);

#endif
