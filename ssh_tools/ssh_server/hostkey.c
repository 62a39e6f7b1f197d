/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hostkey: the server's identity.  A client remembers this key the first
 * time it connects (known_hosts) and refuses the server if it ever changes,
 * so the key is made once, kept secret (mode 0600) and reused.  telnetsrv's
 * getRsaKeyFile does the same with RSA; ed25519 is today's choice.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "common/net.h"
#include "hostkey.h"

#define PUB_SUFFIX ".pub"

static ssh_key generate_key(const char *path);
static int write_secret_file(const char *path, const char *text);
static int write_public_file(const char *path, ssh_key key);
static ssh_key read_key(const char *path);

ssh_key host_key_load(const char *path, char **fingerprint)
{
    struct stat st;
    ssh_key key = NULL;
    if (stat(path, &st) == 0) {
        key = read_key(path);
    } else if (errno == ENOENT) {
        key = generate_key(path);
    } else {
        warn("host key %s", path);
    }
    if (key == NULL) {
        return NULL;
    }
    *fingerprint = key_fingerprint(key);
    if (*fingerprint == NULL) {
        ssh_key_free(key);
        return NULL;
    }
    return key;
}

/* A new ed25519 key in PATH (0600), and its public half in PATH.pub. */
static ssh_key generate_key(const char *path)
{
    ssh_key key = NULL;
    char *text = NULL;
    if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK) {
        warnx("could not generate an ed25519 key");
        return NULL;
    }
    if (ssh_pki_export_privkey_base64(key, NULL, NULL, NULL, &text) != SSH_OK) {
        warnx("could not encode the new host key");
    } else if (write_secret_file(path, text) == 0 &&
               write_public_file(path, key) == 0) {
        printf("generated a new ed25519 host key in %s\n", path);
        ssh_string_free_char(text);
        return key;
    }
    ssh_string_free_char(text);
    ssh_key_free(key);
    return NULL;
}

/* Create PATH for TEXT, readable by its owner only, refusing to overwrite. */
static int write_secret_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        warn("create %s", path);
        return -1;
    }
    size_t len = strlen(text);
    if (net_write_all(fd, text, len) != (ssize_t)len) {
        warn("write %s", path);
        close(fd);
        return -1;
    }
    if (close(fd) != 0) {
        warn("close %s", path);
        return -1;
    }
    return 0;
}

/* "ssh-ed25519 AAAA... ssh_server" in PATH.pub, as ssh-keygen writes it. */
static int write_public_file(const char *path, ssh_key key)
{
    char *b64 = NULL;
    if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) {
        warnx("could not encode the new public key");
        return -1;
    }
    size_t size = strlen(path) + sizeof(PUB_SUFFIX);
    char *pub_path = malloc(size);
    int status = -1;
    FILE *f = NULL;
    if (pub_path == NULL) {
        warn("malloc");
        goto out;
    }
    snprintf(pub_path, size, "%s%s", path, PUB_SUFFIX);
    f = fopen(pub_path, "w");
    if (f == NULL) {
        warn("create %s", pub_path);
        goto out;
    }
    fprintf(f, "%s %s ssh_server\n", ssh_key_type_to_char(ssh_key_type(key)),
            b64);
    status = 0;
out:
    if (f != NULL && fclose(f) != 0) {
        warn("write %s", pub_path);
        status = -1;
    }
    free(pub_path);
    ssh_string_free_char(b64);
    return status;
}

/* The private key in PATH, refused if others may read it (as sshd does). */
static ssh_key read_key(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        warn("host key %s", path);
        return NULL;
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        warnx("host key %s: mode %03o lets others read it; chmod 600 it", path,
              (unsigned)(st.st_mode & 0777));
        return NULL;
    }
    ssh_key key = NULL;
    if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) != SSH_OK) {
        warnx("host key %s: not a private key libssh can read", path);
        return NULL;
    }
    return key;
}

/* "SHA256:..." as ssh-keygen -l and the OpenSSH client print it. */
char *key_fingerprint(ssh_key key)
{
    unsigned char *hash = NULL;
    size_t hash_len = 0;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
                               &hash_len) != 0) {
        warnx("could not hash a key");
        return NULL;
    }
    char *text =
        ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
    ssh_clean_pubkey_hash(&hash);
    if (text == NULL) {
        warnx("could not format a key fingerprint");
        return NULL;
    }
    /* libssh's string goes to libssh's free; hand back one of ours. */
    char *copy = strdup(text);
    ssh_string_free_char(text);
    if (copy == NULL) {
        warn("strdup");
    }
    return copy;
}
