/* SPDX-License-Identifier: GPL-3.0-or-later */
/* users: the `name:crypt-hash` users file of telnet_server and ssh_server. */
#ifndef SHELLWIRE_COMMON_USERS_H
#define SHELLWIRE_COMMON_USERS_H

/*
 * A users file holds one account a line, `name:hash`, where hash is a
 * crypt(3) hash ($y$ yescrypt or $6$ SHA-512, made by users_hash or by
 * `telnet_server --hash-password`).  Blank lines and lines starting with
 * `#` are skipped; anything after a second `:` is ignored, as in shadow(5).
 *
 *     struct users *u = users_load("users.txt");
 *     if (u == NULL) ... (one line already on stderr)
 *     if (users_verify(u, name, password) == 1) ... logged in
 *     users_free(u);
 */

/* The longest user name and password accepted, in bytes. */
#define USERS_NAME_MAX     64
#define USERS_PASSWORD_MAX 512

struct users;

/* An empty set of accounts, or NULL. */
struct users *users_new(void);

/* Read PATH; NULL with one line on stderr ("PATH:LINE: why") on failure. */
struct users *users_load(const char *path);

/* Add NAME with crypt HASH (copied); 0, or -1 with one line on stderr. */
int users_add(struct users *users, const char *name, const char *hash);

/* How many accounts USERS holds. */
int users_count(const struct users *users);

/*
 * 1 when PASSWORD is NAME's password, else 0.  An unknown name costs the
 * same crypt(3) work as a known one and the hashes are compared in
 * constant time, so timing does not tell which names exist.
 */
int users_verify(const struct users *users, const char *name,
                 const char *password);

/*
 * A fresh crypt hash of PASSWORD with a random salt, in libcrypt's
 * preferred method (yescrypt on Debian 12); malloc'd, or NULL.
 */
char *users_hash(const char *password);

/* Release USERS (NULL is fine); the hashes are wiped first. */
void users_free(struct users *users);

#endif
