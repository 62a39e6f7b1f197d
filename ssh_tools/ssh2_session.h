/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ssh2_session: open an SSH session with libssh2 the way OpenSSH's ssh(1) does it:
 * TCP connect, handshake with a host-key preference, the known_hosts check
 * (or a pinned fingerprint), then authentication in OpenSSH's order.  The
 * steps are walked through in lessons/05-ssh-one-channel.md and
 * lessons/10-ssh-host-keys.md.  Three files: ssh2_session.c (the command line,
 * connect, close), ssh2_hostkey.c (known_hosts), ssh2_auth.c (logging in).
 */
#ifndef SHELLWIRE_SSH_SSH2_SESSION_H
#define SHELLWIRE_SSH_SSH2_SESSION_H

#include <stddef.h>
#include <stdio.h>

#include <libssh2.h>

#define SSH2_DEFAULT_PORT       "22"
#define SSH2_DEFAULT_TIMEOUT_MS 15000
/* "SHA256:" and 43 base64 digits, as OpenSSH prints it, and its NUL. */
#define SSH2_FINGERPRINT_SIZE 51
/* The longest "[host]:port" a known_hosts line names for us. */
#define SSH2_HOST_NAME_SIZE 270

/* The options every SSH client program shares (the common command line). */
struct ssh2_options {
    const char *host;
    const char *user;
    const char *port; /* as text, for net_connect */
    int port_number;
    const char *identity;    /* -i FILE, or NULL: ~/.ssh/id_ed25519, ... */
    const char *known_hosts; /* NULL: ~/.ssh/known_hosts */
    const char *fingerprint; /* "SHA256:..." pin, or NULL */
    int accept_new;          /* record an unknown host key, no question */
    int password_stdin;      /* the password is one line on stdin */
    int timeout_ms;          /* connect, handshake and authentication */
};

/* An open session: the socket and libssh2's session on it. */
struct ssh2_session {
    int fd;
    LIBSSH2_SESSION *session;
    char *known_hosts; /* the file that was checked (owned) */
};

/* What ssh2_parse_args() found. */
enum ssh2_parse {
    SSH2_PARSE_OK,
    SSH2_PARSE_HELP,    /* --help: the caller prints its usage */
    SSH2_PARSE_VERSION, /* --version */
    SSH2_PARSE_ERROR    /* one line printed: the caller exits 2 */
};

/*
 * Parse `[options] HOST USER` or `[options] USER@HOST` into OPTS (strings
 * point into ARGV).  Options stop at HOST, so a remote command's own
 * options (`ls -l`) stay for the program.  *NEXT is the index of the first
 * argument after HOST USER.
 */
enum ssh2_parse ssh2_parse_args(int argc, char **argv,
                                  struct ssh2_options *opts, int *next);

/*
 * The whole command line of an SSH client NAME: ssh2_parse_args(), then
 * --help (PRINT_HELP), --version and usage errors (USAGE) answered here.
 * MORE_ARGS 0: nothing may follow HOST USER; 1: anything may.  Returns -1
 * when the program should go on, else the exit status for main().
 */
int ssh2_command_line(int argc, char **argv, const char *name,
                       const char *usage, void (*print_help)(void),
                       int more_args, struct ssh2_options *opts, int *next);

/* The --help lines for the shared options. */
void ssh2_print_options(FILE *out);

/*
 * Connect, check the host key, authenticate: a session ready for channels,
 * blocking, with no time-out left on it.  Returns an enum cli_exit
 * (CLI_EXIT_OK, or the kind of failure after one explanation on stderr).
 * SSH is filled in either way; ssh2_close() it.
 */
int ssh2_open(const struct ssh2_options *opts, struct ssh2_session *ssh);

/*
 * The first half of ssh2_open(): TCP connect, handshake, host-key check,
 * no authentication.  ssh2_authenticate() is the second half.
 */
int ssh2_connect(const struct ssh2_options *opts, struct ssh2_session *ssh);
int ssh2_authenticate(const struct ssh2_options *opts, struct ssh2_session *ssh);

/*
 * The steps of ssh2_connect() that live in ssh2_hostkey.c: ask for the
 * host-key types known_hosts holds for NAME ("[host]:port") before the
 * handshake, and check the key the server proved it holds after it
 * (pin, known, changed, or unknown: ask or --accept-new, then record).
 * Each returns an enum cli_exit after one explanation on stderr.
 */
int ssh2_prefer_known_types(struct ssh2_session *ssh, const char *name);
int ssh2_check_host_key(const struct ssh2_options *opts, struct ssh2_session *ssh,
                         const char *name);

/* $HOME, or the password database's idea of it, or NULL. */
const char *ssh2_home_dir(void);

/* Say goodbye (SSH_MSG_DISCONNECT), free the session, close the socket. */
void ssh2_close(struct ssh2_session *ssh, const char *goodbye);

/*
 * One line on stderr with libssh2's last error after WHAT failed, and the
 * enum cli_exit it means (CLOSED, TIMEOUT or FAILURE).
 */
int ssh2_fail(LIBSSH2_SESSION *session, const char *what);

/* -- Pure parts, unit-tested, also used by ssh_inspect. -- */

/* The libssh2 host-key type's name ("ssh-ed25519") or NULL. */
const char *ssh2_key_type_name(int hostkey_type);

/* OpenSSH's short name for it ("ED25519", "ECDSA", "RSA") or "UNKNOWN". */
const char *ssh2_key_type_label(int hostkey_type);

/*
 * The name known_hosts uses for HOST on PORT: "HOST" on port 22,
 * "[HOST]:PORT" otherwise.  0, or -1 if it does not fit in SIZE.
 */
int ssh2_known_host_name(const char *host, int port, char *buf, size_t size);

/* "SHA256:" and the digest in base64 without padding, as OpenSSH prints. */
void ssh2_format_sha256(const unsigned char digest[32],
                         char buf[SSH2_FINGERPRINT_SIZE]);

/*
 * Does PIN name this key?  PIN is "SHA256:base64" (OpenSSH) or
 * "MD5:aa:bb:..." (Twisted Conch's verifyHostKey).  1 yes, 0 no.
 */
int ssh2_pin_matches(const char *pin, const unsigned char sha256[32],
                      const unsigned char md5[16]);

/*
 * The host-key methods to ask for, best first: the types KNOWN_MASK says
 * known_hosts holds for this host (bit 1 << libssh2 host-key type), then
 * the rest, ed25519 first.  0, or -1 if it does not fit in SIZE.
 */
int ssh2_hostkey_preference(unsigned known_mask, char *buf, size_t size);

/*
 * The host-key types (bit 1 << libssh2 host-key type) that known_hosts FILE
 * holds for NAME (as ssh2_known_host_name() makes it; hashed entries
 * too).  SESSION only lends libssh2 its allocator.  0 if none or no file.
 */
unsigned ssh2_known_types(LIBSSH2_SESSION *session, const char *file,
                           const char *name);

/*
 * Check KEY (raw, LEN bytes, libssh2 host-key type TYPE) for NAME against
 * known_hosts FILE, one line at a time: LIBSSH2_KNOWNHOST_CHECK_MATCH,
 * _MISMATCH (the first disagreeing line's number in *BAD_LINE), _NOTFOUND
 * (also when FILE does not exist) or _FAILURE (one line on stderr).
 */
int ssh2_check_known_hosts(LIBSSH2_SESSION *session, const char *file,
                            const char *name, const char *key, size_t len,
                            int type, long *bad_line);

/*
 * Is this private key file's text protected by a passphrase?  Knows PEM
 * ("Proc-Type: 4,ENCRYPTED", "ENCRYPTED PRIVATE KEY") and OpenSSH's own
 * format (cipher name not "none").  1 yes, 0 no.
 */
int ssh2_key_text_encrypted(const char *text);

#endif
