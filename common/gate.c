/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gate: admission of unauthenticated connections and failure delays. */
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/gate.h"
#include "common/monoclock.h"

/* Buckets of the address table: a power of two. */
#define BUCKETS 1024
/* At most this many addresses are remembered; past it, refuse. */
#define MAX_SOURCES 65536
/* A key: the family, then 4 bytes (IPv4) or 8 bytes (an IPv6 /64). */
#define KEY_BYTES 9

struct source {
    struct source *next;
    unsigned char key[KEY_BYTES];
    int unauthenticated;      /* admitted, not logged in yet */
    int failures;             /* failed passwords lately */
    long long delay_until_ms; /* answers to it wait until then */
};

struct gate {
    struct gate_limits limits;
    struct source *buckets[BUCKETS];
    int sources;
    int unauthenticated;
    uint64_t random_state; /* xorshift64*, for the random early drop */
    uint32_t salt;         /* of the hash, so no one picks collisions */
};

static struct source *find(struct gate *g, const struct sockaddr *addr,
                           int create);
static int drop_at_random(struct gate *g);
static void make_key(const struct sockaddr *addr, unsigned char *key);
static uint32_t hash_key(const struct gate *g, const unsigned char *key);
static int is_stale(const struct gate *g, const struct source *s,
                    long long now);
static void sweep_bucket(struct gate *g, struct source **head);
static uint64_t next_random(struct gate *g);

struct gate *gate_new(const struct gate_limits *limits)
{
    struct gate *g = calloc(1, sizeof(*g));
    struct gate_limits *l;

    if (g == NULL) {
        warn("gate");
        return NULL;
    }
    g->limits = *limits;
    l = &g->limits;
    l->start = l->start > 0 ? l->start : 10;
    l->rate = l->rate > 0 ? l->rate : 30;
    l->full = l->full > 0 ? l->full : 100;
    l->per_source = l->per_source > 0 ? l->per_source : 10;
    l->delay_first_ms = l->delay_first_ms > 0 ? l->delay_first_ms : 1000;
    l->delay_max_ms = l->delay_max_ms > 0 ? l->delay_max_ms : 30000;
    l->forget_ms = l->forget_ms > 0 ? l->forget_ms : 60000;
    if (l->start > l->full || l->rate > 100) {
        warnx("gate: start:rate:full wants start <= full, rate <= 100");
        free(g);
        return NULL;
    }
    if (getrandom(&g->random_state, sizeof(g->random_state), 0) !=
        (ssize_t)sizeof(g->random_state)) {
        g->random_state = (uint64_t)monoclock_ms() ^ (uint64_t)getpid();
    }
    g->random_state |= 1; /* xorshift never leaves 0 */
    g->salt = (uint32_t)next_random(g);
    return g;
}

void gate_free(struct gate *g)
{
    if (g == NULL) {
        return;
    }
    for (int i = 0; i < BUCKETS; i++) {
        while (g->buckets[i] != NULL) {
            struct source *s = g->buckets[i];
            g->buckets[i] = s->next;
            free(s);
        }
    }
    free(g);
}

int gate_admit(struct gate *g, const struct sockaddr *addr, const char **why)
{
    struct source *s = find(g, addr, 1);

    if (s == NULL) {
        *why = "server busy: too many sources";
        return -1;
    }
    if (s->unauthenticated >= g->limits.per_source) {
        *why = "too many connections from your address";
        return -1;
    }
    if (drop_at_random(g)) {
        *why = "too many connections waiting to log in";
        return -1;
    }
    s->unauthenticated++;
    g->unauthenticated++;
    return 0;
}

/* sshd's MaxStartups: refuse with a chance rising from RATE% to 100%. */
static int drop_at_random(struct gate *g)
{
    const struct gate_limits *l = &g->limits;
    int n = g->unauthenticated;
    uint64_t chance;

    if (n < l->start) {
        return 0;
    }
    if (n >= l->full) {
        return 1;
    }
    /* In hundredths of a percent, so that a small span still rises. */
    chance = (uint64_t)l->rate * 100 + (uint64_t)(100 - l->rate) * 100 *
                                           (uint64_t)(n - l->start) /
                                           (uint64_t)(l->full - l->start);
    return next_random(g) % 10000 < chance;
}

void gate_release(struct gate *g, const struct sockaddr *addr)
{
    struct source *s = find(g, addr, 0);

    if (s != NULL && s->unauthenticated > 0) {
        s->unauthenticated--;
        g->unauthenticated--;
    }
}

long long gate_failure_delay_ms(struct gate *g, const struct sockaddr *addr)
{
    const struct gate_limits *l = &g->limits;
    struct source *s = find(g, addr, 1);
    long long now = monoclock_ms();
    long long delay = l->delay_first_ms;

    if (s == NULL) {
        return l->delay_max_ms;
    }
    if (is_stale(g, s, now)) {
        s->failures = 0;
    }
    s->failures++;
    for (int i = 1; i < s->failures && delay < l->delay_max_ms; i++) {
        delay *= 2;
    }
    delay = delay < l->delay_max_ms ? delay : l->delay_max_ms;
    if (now + delay > s->delay_until_ms) {
        s->delay_until_ms = now + delay;
    }
    return delay;
}

long long gate_wait_ms(struct gate *g, const struct sockaddr *addr)
{
    struct source *s = find(g, addr, 0);

    return s == NULL ? 0 : monoclock_left_ms(s->delay_until_ms);
}

int gate_unauthenticated(const struct gate *g)
{
    return g->unauthenticated;
}

/* ADDR's entry (made if CREATE), or NULL; stale ones met are dropped. */
static struct source *find(struct gate *g, const struct sockaddr *addr,
                           int create)
{
    unsigned char key[KEY_BYTES];
    struct source **head;
    struct source *s;

    make_key(addr, key);
    head = &g->buckets[hash_key(g, key) & (BUCKETS - 1)];
    sweep_bucket(g, head);
    for (s = *head; s != NULL; s = s->next) {
        if (memcmp(s->key, key, KEY_BYTES) == 0) {
            return s;
        }
    }
    if (create && g->sources >= MAX_SOURCES) {
        for (int i = 0; i < BUCKETS; i++) {
            sweep_bucket(g, &g->buckets[i]);
        }
    }
    if (!create || g->sources >= MAX_SOURCES) {
        return NULL;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return NULL;
    }
    memcpy(s->key, key, KEY_BYTES);
    s->next = *head;
    *head = s;
    g->sources++;
    return s;
}

/* The part of ADDR that names a host; other families share one key. */
static void make_key(const struct sockaddr *addr, unsigned char *key)
{
    static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0,    0,
                                               0, 0, 0, 0, 0xff, 0xff};
    const unsigned char *bytes;

    memset(key, 0, KEY_BYTES);
    if (addr->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
        key[0] = 4;
        memcpy(key + 1, &in->sin_addr, 4);
        return;
    }
    if (addr->sa_family != AF_INET6) {
        return;
    }
    bytes = ((const struct sockaddr_in6 *)addr)->sin6_addr.s6_addr;
    if (memcmp(bytes, v4mapped, sizeof(v4mapped)) == 0) {
        key[0] = 4;
        memcpy(key + 1, bytes + 12, 4);
    } else {
        key[0] = 6;
        memcpy(key + 1, bytes, 8);
    }
}

/* FNV-1a over the key, started from the gate's secret salt. */
static uint32_t hash_key(const struct gate *g, const unsigned char *key)
{
    uint32_t h = 2166136261u ^ g->salt;

    for (int i = 0; i < KEY_BYTES; i++) {
        h = (h ^ key[i]) * 16777619u;
    }
    return h;
}

/* Nothing to remember: no connection waiting, failures forgotten. */
static int is_stale(const struct gate *g, const struct source *s, long long now)
{
    return s->failures == 0 || now >= s->delay_until_ms + g->limits.forget_ms;
}

/* Drop the bucket's entries with nothing left to remember. */
static void sweep_bucket(struct gate *g, struct source **head)
{
    long long now = monoclock_ms();

    while (*head != NULL) {
        struct source *s = *head;
        if (s->unauthenticated == 0 && is_stale(g, s, now)) {
            *head = s->next;
            free(s);
            g->sources--;
        } else {
            head = &s->next;
        }
    }
}

/* xorshift64* (Vigna): fast, and plenty for a coin toss per connection. */
static uint64_t next_random(struct gate *g)
{
    uint64_t x = g->random_state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    g->random_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}
