/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * report: ssh_inspect's output, as aligned text for a projector or as one
 * JSON object for scripts.  On a terminal, colour marks the names that
 * were chosen inside the lists the server offered.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/repr.h"
#include "inspect.h"

/* Labels take this many columns, so every value starts in one column. */
#define LABEL_WIDTH 28
#define CHOSEN_ON   "\033[1;32m"
#define WARNING_ON  "\033[1;31m"
#define COLOUR_OFF  "\033[0m"

/* How step 2's methods are labelled, in libssh2's LIBSSH2_METHOD_ order. */
static const char *const chosen_labels[CHOSEN_METHODS] = {
    "kex",     "host key", "cipher c2s",      "cipher s2c",
    "mac c2s", "mac s2c",  "compression c2s", "compression s2c",
};
static const char *const chosen_keys[CHOSEN_METHODS] = {
    "kex",     "hostkey", "cipher_c2s",      "cipher_s2c",
    "mac_c2s", "mac_s2c", "compression_c2s", "compression_s2c",
};

static void print_clear_text(const struct inspection *in, int colour);
static void print_list_text(const char *label, const char *list,
                            const char *chosen, int colour);
static void print_session_text(const struct inspection *in, int colour);
static int next_name(const char **list, size_t *len);
static void print_json_string(const char *s, size_t len);
static void print_json_list(const char *list);
static void print_json_session(const struct inspection *in);
static int finish(void);

int report_text(const struct inspection *in, int colour)
{
    printf("SSH server %s port %s\n\n", in->host, in->port);
    print_clear_text(in, colour);
    if (in->chosen[0] != NULL) {
        print_session_text(in, colour);
    }
    return finish();
}

/* Step 1: the lines and the KEXINIT, exactly as they came. */
static void print_clear_text(const struct inspection *in, int colour)
{
    const struct kexinit *k = &in->kex;
    printf("In the clear: identification (RFC 4253 section 4.2)\n");
    const char *line = in->pre_banner;
    const char *end = in->pre_banner + in->pre_banner_len;
    while (line < end) {
        const char *lf = memchr(line, '\n', (size_t)(end - line));
        char *shown = repr_c(line, (size_t)(lf + 1 - line));
        printf("  %-*s %s\n", LABEL_WIDTH - 2, "line before it",
               shown != NULL ? shown : "?");
        free(shown);
        line = lf + 1;
    }
    printf("  %-*s %s\n\n", LABEL_WIDTH - 2, "server", in->identification);
    printf("In the clear: first packet (RFC 4253 sections 6 and 7.1)\n");
    printf("  %-*s %lu bytes\n", LABEL_WIDTH - 2, "packet_length",
           (unsigned long)k->packet_length);
    printf("  %-*s %u bytes\n", LABEL_WIDTH - 2, "padding_length",
           k->padding_length);
    printf("  %-*s %u (SSH_MSG_KEXINIT)\n", LABEL_WIDTH - 2, "message",
           k->message);
    printf("  %-*s ", LABEL_WIDTH - 2, "cookie");
    for (int i = 0; i < KEXINIT_COOKIE_LEN; i++) {
        printf("%02x", k->cookie[i]);
    }
    printf("\n");
    for (int i = 0; i < KEXINIT_LISTS; i++) {
        print_list_text(kexinit_list_names[i], k->lists[i],
                        i < CHOSEN_METHODS ? in->chosen[i] : NULL, colour);
    }
    printf("  %-*s %s\n", LABEL_WIDTH - 2, "first_kex_packet_follows",
           k->first_kex_packet_follows ? "true" : "false");
    printf("  %-*s %lu\n\n", LABEL_WIDTH - 2, "reserved",
           (unsigned long)k->reserved);
}

/* One name a line, the first beside the label; CHOSEN in colour. */
static void print_list_text(const char *label, const char *list,
                            const char *chosen, int colour)
{
    size_t len;
    const char *name = list;
    if (!next_name(&name, &len)) {
        printf("  %-*s (empty)\n", LABEL_WIDTH - 2, label);
        return;
    }
    do {
        int mark = colour && chosen != NULL && strlen(chosen) == len &&
                   memcmp(chosen, name, len) == 0;
        printf("  %-*s %s%.*s%s\n", LABEL_WIDTH - 2, label,
               mark ? CHOSEN_ON : "", (int)len, name, mark ? COLOUR_OFF : "");
        label = "";
        name += len;
    } while (next_name(&name, &len));
}

/* Step 2: what libssh2 and the server agreed on, and the host key. */
static void print_session_text(const struct inspection *in, int colour)
{
    const char *on = colour ? CHOSEN_ON : "";
    const char *off = colour ? COLOUR_OFF : "";
    printf("Chosen; encrypted from here on (RFC 4253 section 7.1)\n");
    for (int i = 0; i < CHOSEN_METHODS; i++) {
        printf("  %-*s %s%s%s\n", LABEL_WIDTH - 2, chosen_labels[i], on,
               in->chosen[i], off);
    }
    printf("\nHost key (RFC 4253 section 8)\n");
    printf("  %-*s %s\n", LABEL_WIDTH - 2, "type", in->key_type);
    printf("  %-*s %s\n", LABEL_WIDTH - 2, "fingerprint", in->fingerprint);
    printf("  %-*s %s%s%s (%s)\n", LABEL_WIDTH - 2, "known_hosts",
           colour && in->changed_line != 0 ? WARNING_ON : "", in->known,
           colour && in->changed_line != 0 ? COLOUR_OFF : "", in->known_hosts);
    if (in->user == NULL) {
        return;
    }
    printf("\nAuthentication for %s (RFC 4252 section 5.2; none tried)\n",
           in->user);
    if (in->auth_none_accepted) {
        printf("  %-*s none: the server let us in unasked\n", LABEL_WIDTH - 2,
               "methods");
        return;
    }
    print_list_text("methods", in->auth_methods, NULL, 0);
}

/* Step past *LIST's next comma-separated name; 0 when there is none. */
static int next_name(const char **list, size_t *len)
{
    const char *p = *list;
    if (*p == ',') {
        p++;
    }
    if (*p == '\0') {
        return 0;
    }
    *list = p;
    *len = strcspn(p, ",");
    return 1;
}

int report_json(const struct inspection *in)
{
    const struct kexinit *k = &in->kex;
    printf("{\"host\": ");
    print_json_string(in->host, strlen(in->host));
    printf(", \"port\": %d, \"pre_banner\": [", in->port_number);
    const char *line = in->pre_banner;
    const char *end = in->pre_banner + in->pre_banner_len;
    while (line < end) {
        const char *lf = memchr(line, '\n', (size_t)(end - line));
        size_t len = (size_t)(lf - line);
        len -= len > 0 && line[len - 1] == '\r';
        printf(line == in->pre_banner ? "" : ", ");
        print_json_string(line, len);
        line = lf + 1;
    }
    printf("], \"identification\": ");
    print_json_string(in->identification, strlen(in->identification));
    printf(", \"kexinit\": {\"packet_length\": %lu, \"padding_length\": %u, "
           "\"message\": %u, \"cookie\": \"",
           (unsigned long)k->packet_length, k->padding_length, k->message);
    for (int i = 0; i < KEXINIT_COOKIE_LEN; i++) {
        printf("%02x", k->cookie[i]);
    }
    printf("\"");
    for (int i = 0; i < KEXINIT_LISTS; i++) {
        printf(", \"%s\": ", kexinit_list_names[i]);
        print_json_list(k->lists[i]);
    }
    printf(", \"first_kex_packet_follows\": %s, \"reserved\": %lu}",
           k->first_kex_packet_follows ? "true" : "false",
           (unsigned long)k->reserved);
    print_json_session(in);
    printf("}\n");
    return finish();
}

/* A JSON string; bytes outside printable ASCII become \u00XX. */
static void print_json_string(const char *s, size_t len)
{
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            printf("\\%c", c);
        } else if (c < ' ' || c > '~') {
            printf("\\u%04x", c);
        } else {
            putchar(c);
        }
    }
    putchar('"');
}

/* A comma-separated name-list as a JSON array of strings. */
static void print_json_list(const char *list)
{
    size_t len;
    const char *name = list;
    putchar('[');
    for (int n = 0; next_name(&name, &len); n++) {
        printf(n == 0 ? "" : ", ");
        print_json_string(name, len);
        name += len;
    }
    putchar(']');
}

/* Step 2's members; null where step 2 did not get that far. */
static void print_json_session(const struct inspection *in)
{
    printf(", \"chosen\": ");
    if (in->chosen[0] == NULL) {
        printf("null, \"host_key\": null");
    } else {
        for (int i = 0; i < CHOSEN_METHODS; i++) {
            printf("%s\"%s\": ", i == 0 ? "{" : ", ", chosen_keys[i]);
            print_json_string(in->chosen[i], strlen(in->chosen[i]));
        }
        printf("}, \"host_key\": {\"type\": \"%s\", \"fingerprint\": "
               "\"%s\", \"known_hosts\": \"%s\", \"known_hosts_file\": ",
               in->key_type, in->fingerprint, in->known);
        print_json_string(in->known_hosts, strlen(in->known_hosts));
        printf("}");
    }
    printf(", \"user\": ");
    if (in->user != NULL) {
        print_json_string(in->user, strlen(in->user));
    } else {
        printf("null");
    }
    printf(", \"auth_methods\": ");
    if (in->auth_methods != NULL) {
        print_json_list(in->auth_methods);
    } else {
        printf("null");
    }
    printf(", \"auth_none_accepted\": %s",
           in->auth_none_accepted ? "true" : "false");
}

/* Output that could not be written is a failure, said once. */
static int finish(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        warn("write to stdout");
        return -1;
    }
    return 0;
}
