/* SPDX-License-Identifier: GPL-3.0-or-later */
/* users: load a `name:crypt-hash` file, verify a password, make a hash. */
#include <crypt.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/users.h"

/* Longer lines than this in a users file are an error, not a truncation. */
#define LINE_MAX_BYTES 1024

struct account {
    char *name;
    char *hash;
};

struct users {
    struct account *accounts;
    int count;
    int capacity;
};

static int parse_line(struct users *users, char *line, const char *path,
                      int lineno);
static int equal_in_constant_time(const char *a, const char *b);
static void wipe(void *p, size_t len);

struct users *users_new(void)
{
    struct users *users = calloc(1, sizeof(*users));

    if (users == NULL) {
        warn("users");
    }
    return users;
}

struct users *users_load(const char *path)
{
    char line[LINE_MAX_BYTES];
    struct users *users = NULL;
    FILE *fp = NULL;
    int lineno = 0;

    fp = fopen(path, "r");
    if (fp == NULL) {
        warn("%s", path);
        goto out;
    }
    users = users_new();
    while (users != NULL && fgets(line, sizeof(line), fp) != NULL) {
        lineno++;
        if (parse_line(users, line, path, lineno) == -1) {
            users_free(users);
            users = NULL;
        }
    }
    if (users != NULL && ferror(fp)) {
        warn("%s", path);
        users_free(users);
        users = NULL;
    }
out:
    if (fp != NULL) {
        fclose(fp);
    }
    wipe(line, sizeof(line));
    return users;
}

/* One line of the file: skip comments and blanks, else name:hash[:...]. */
static int parse_line(struct users *users, char *line, const char *path,
                      int lineno)
{
    size_t len = strlen(line);
    char *colon;
    char *end;

    if (len > 0 && line[len - 1] == '\n') {
        line[--len] = '\0';
    } else if (len == LINE_MAX_BYTES - 1) {
        warnx("%s:%d: line too long", path, lineno);
        return -1;
    }
    if (len == 0 || line[0] == '#') {
        return 0;
    }
    colon = strchr(line, ':');
    if (colon == NULL || colon == line || colon[1] == '\0') {
        warnx("%s:%d: expected name:hash", path, lineno);
        return -1;
    }
    *colon = '\0';
    end = strchr(colon + 1, ':');
    if (end != NULL) {
        *end = '\0';
    }
    return users_add(users, line, colon + 1);
}

int users_add(struct users *users, const char *name, const char *hash)
{
    struct account *grown;
    struct account a;

    if (strlen(name) > USERS_NAME_MAX || hash[0] == '\0') {
        warnx("users: bad entry for '%.20s'", name);
        return -1;
    }
    if (users->count == users->capacity) {
        int capacity = users->capacity ? users->capacity * 2 : 8;
        grown = realloc(users->accounts, capacity * sizeof(*grown));
        if (grown == NULL) {
            warn("users");
            return -1;
        }
        users->accounts = grown;
        users->capacity = capacity;
    }
    a.name = strdup(name);
    a.hash = strdup(hash);
    if (a.name == NULL || a.hash == NULL) {
        warn("users");
        free(a.name);
        free(a.hash);
        return -1;
    }
    users->accounts[users->count++] = a;
    return 0;
}

int users_count(const struct users *users)
{
    return users->count;
}

int users_verify(const struct users *users, const char *name,
                 const char *password)
{
    const struct account *found = NULL;
    struct crypt_data *data;
    const char *hash;
    int ok = 0;

    if (users->count == 0 || strlen(password) > USERS_PASSWORD_MAX) {
        return 0;
    }
    for (int i = 0; i < users->count; i++) {
        if (strcmp(users->accounts[i].name, name) == 0) {
            found = &users->accounts[i];
        }
    }
    /* An unknown name is checked against a real hash all the same. */
    hash = found ? found->hash : users->accounts[0].hash;
    data = calloc(1, sizeof(*data));
    if (data == NULL) {
        warn("users");
        return 0;
    }
    if (crypt_rn(password, hash, data, sizeof(*data)) != NULL &&
        data->output[0] != '*') {
        ok = equal_in_constant_time(data->output, hash) && found != NULL;
    }
    wipe(data, sizeof(*data));
    free(data);
    return ok;
}

/* Compare two strings, touching every byte of B whatever A holds. */
static int equal_in_constant_time(const char *a, const char *b)
{
    size_t alen = strlen(a);
    size_t blen = strlen(b);
    unsigned char diff = alen != blen;

    for (size_t i = 0; i < blen; i++) {
        diff |= (unsigned char)(a[i < alen ? i : 0] ^ b[i]);
    }
    return diff == 0;
}

char *users_hash(const char *password)
{
    struct crypt_data *data = NULL;
    char *setting = NULL;
    char *hash = NULL;

    setting = crypt_gensalt_ra(NULL, 0, NULL, 0);
    data = calloc(1, sizeof(*data));
    if (setting == NULL || data == NULL) {
        warn("crypt_gensalt");
        goto out;
    }
    if (crypt_rn(password, setting, data, sizeof(*data)) == NULL ||
        data->output[0] == '*') {
        warnx("crypt: cannot hash with '%s'", setting);
        goto out;
    }
    hash = strdup(data->output);
    if (hash == NULL) {
        warn("users");
    }
out:
    if (data != NULL) {
        wipe(data, sizeof(*data));
    }
    free(data);
    free(setting);
    return hash;
}

void users_free(struct users *users)
{
    if (users == NULL) {
        return;
    }
    for (int i = 0; i < users->count; i++) {
        wipe(users->accounts[i].hash, strlen(users->accounts[i].hash));
        free(users->accounts[i].hash);
        free(users->accounts[i].name);
    }
    free(users->accounts);
    free(users);
}

/* Overwrite LEN bytes; volatile, so the stores cannot be optimised away. */
static void wipe(void *p, size_t len)
{
    volatile unsigned char *v = p;

    while (len-- > 0) {
        *v++ = 0;
    }
}
