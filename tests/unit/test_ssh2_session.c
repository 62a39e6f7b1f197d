/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests for ssh_tools/ssh2_session's pure parts: known_hosts names and
 * lines (plain, hashed, [host]:port, changed), fingerprints and pins, the
 * host-key preference, and passphrase detection.  The key is a real
 * ed25519 public key made with ssh-keygen; its fingerprints are what
 * `ssh-keygen -l` and `ssh-keygen -E md5 -l` printed for it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libssh2.h>

#include "ssh_tools/ssh2_agree.h"
#include "ssh_tools/ssh2_session.h"

#define KEY_B64                                                                \
    "AAAAC3NzaC1lZDI1NTE5AAAAIKsNO/173C3Hspbd9VLaepuZyqQtLbgC42CXr3Ifh3JB"
#define OTHER_B64                                                              \
    "AAAAC3NzaC1lZDI1NTE5AAAAII2jl0HeLEebWBD3wwQ+wA2iQvn1MBlyVBcwvNsDjs5L"
#define HASHED_NAME                                                            \
    "|1|mkqQy3FmHLyXoeyBXWgR+fiXWCI=|twX8dDdm8kRZZLK7RoMXmpneV0A="

static const unsigned char key[] = {
    0x00, 0x00, 0x00, 0x0b, 0x73, 0x73, 0x68, 0x2d, 0x65, 0x64, 0x32,
    0x35, 0x35, 0x31, 0x39, 0x00, 0x00, 0x00, 0x20, 0xab, 0x0d, 0x3b,
    0xfd, 0x7b, 0xdc, 0x2d, 0xc7, 0xb2, 0x96, 0xdd, 0xf5, 0x52, 0xda,
    0x7a, 0x9b, 0x99, 0xca, 0xa4, 0x2d, 0x2d, 0xb8, 0x02, 0xe3, 0x60,
    0x97, 0xaf, 0x72, 0x1f, 0x87, 0x72, 0x41};
static const unsigned char sha256[32] = {
    0x98, 0x1a, 0x8c, 0x38, 0x71, 0xf1, 0x6e, 0xb9, 0xcd, 0x58, 0xe7,
    0xb9, 0xe3, 0x6a, 0x33, 0xae, 0x55, 0x19, 0xe4, 0x4d, 0x81, 0x34,
    0x7c, 0xdc, 0x78, 0xe8, 0x6f, 0x51, 0xf8, 0x94, 0x82, 0x11};
static const unsigned char md5[16] = {0x73, 0xd1, 0xc9, 0x1d, 0x72, 0xb1,
                                      0xa0, 0xfd, 0x9c, 0x0b, 0xdd, 0xd2,
                                      0x82, 0xc2, 0x4b, 0x17};

/* A known_hosts file in /tmp with TEXT; its name in PATH. */
static void write_file(char path[64], const char *text)
{
    snprintf(path, 64, "/tmp/test_ssh2_session.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static int check(const char *text, const char *name, long *line)
{
    char path[64];
    write_file(path, text);
    LIBSSH2_SESSION *session = libssh2_session_init();
    assert_non_null(session);
    *line = 0;
    int rc =
        ssh2_check_known_hosts(session, path, name, (const char *)key,
                               sizeof key, LIBSSH2_HOSTKEY_TYPE_ED25519, line);
    libssh2_session_free(session);
    unlink(path);
    return rc;
}

static void known_host_names(void **state)
{
    char buf[SSH2_HOST_NAME_SIZE];
    (void)state;
    assert_int_equal(ssh2_known_host_name("example.com", 22, buf, sizeof buf),
                     0);
    assert_string_equal(buf, "example.com");
    assert_int_equal(ssh2_known_host_name("127.0.0.1", 2222, buf, sizeof buf),
                     0);
    assert_string_equal(buf, "[127.0.0.1]:2222");
    assert_int_equal(ssh2_known_host_name("::1", 2222, buf, sizeof buf), 0);
    assert_string_equal(buf, "[::1]:2222");
    assert_int_equal(ssh2_known_host_name("127.0.0.1", 2222, buf, 10), -1);
}

static void fingerprints_as_ssh_keygen_prints_them(void **state)
{
    char fp[SSH2_FINGERPRINT_SIZE];
    (void)state;
    ssh2_format_sha256(sha256, fp);
    assert_string_equal(fp,
                        "SHA256:mBqMOHHxbrnNWOe542ozrlUZ5E2BNHzceOhvUfiUghE");
    assert_true(ssh2_pin_matches(
        "SHA256:mBqMOHHxbrnNWOe542ozrlUZ5E2BNHzceOhvUfiUghE", sha256, md5));
    assert_false(ssh2_pin_matches(
        "SHA256:mBqMOHHxbrnNWOe542ozrlUZ5E2BNHzceOhvUfiUghF", sha256, md5));
    assert_false(ssh2_pin_matches("SHA256:mBqMOHHx", sha256, md5));
    /* Twisted Conch's MD5 form, either case. */
    assert_true(ssh2_pin_matches(
        "MD5:73:d1:c9:1d:72:b1:a0:fd:9c:0b:dd:d2:82:c2:4b:17", sha256, md5));
    assert_true(ssh2_pin_matches(
        "MD5:73:D1:C9:1D:72:B1:A0:FD:9C:0B:DD:D2:82:C2:4B:17", sha256, md5));
    assert_false(ssh2_pin_matches(
        "MD5:73:d1:c9:1d:72:b1:a0:fd:9c:0b:dd:d2:82:c2:4b:18", sha256, md5));
    assert_false(ssh2_pin_matches("md5:73", sha256, md5));
}

static void plain_entry_matches_only_its_port(void **state)
{
    long line;
    (void)state;
    const char *text = "# comment\n"
                       "\n"
                       "[127.0.0.1]:2222 ssh-ed25519 " KEY_B64 "\n";
    assert_int_equal(check(text, "[127.0.0.1]:2222", &line),
                     LIBSSH2_KNOWNHOST_CHECK_MATCH);
    assert_int_equal(check(text, "[127.0.0.1]:2223", &line),
                     LIBSSH2_KNOWNHOST_CHECK_NOTFOUND);
    /* A plain "host" entry is port 22 only, as in OpenSSH. */
    assert_int_equal(
        check("127.0.0.1 ssh-ed25519 " KEY_B64 "\n", "[127.0.0.1]:2222", &line),
        LIBSSH2_KNOWNHOST_CHECK_NOTFOUND);
    assert_int_equal(
        check("other,127.0.0.1 ssh-ed25519 " KEY_B64 "\n", "127.0.0.1", &line),
        LIBSSH2_KNOWNHOST_CHECK_MATCH);
}

static void hashed_entry_matches(void **state)
{
    long line;
    (void)state;
    const char *text = HASHED_NAME " ssh-ed25519 " KEY_B64 "\n";
    assert_int_equal(check(text, "[127.0.0.1]:2222", &line),
                     LIBSSH2_KNOWNHOST_CHECK_MATCH);
    assert_int_equal(check(text, "[127.0.0.1]:2200", &line),
                     LIBSSH2_KNOWNHOST_CHECK_NOTFOUND);
}

static void changed_key_names_its_line(void **state)
{
    long line;
    (void)state;
    const char *text = "# comment\n"
                       "elsewhere ssh-ed25519 " KEY_B64 "\n"
                       "[127.0.0.1]:2222 ssh-ed25519 " OTHER_B64 "\n";
    assert_int_equal(check(text, "[127.0.0.1]:2222", &line),
                     LIBSSH2_KNOWNHOST_CHECK_MISMATCH);
    assert_int_equal(line, 3);
    /* A matching line anywhere wins, as in OpenSSH. */
    const char *both = "[127.0.0.1]:2222 ssh-ed25519 " OTHER_B64 "\n"
                       "[127.0.0.1]:2222 ssh-ed25519 " KEY_B64 "\n";
    assert_int_equal(check(both, "[127.0.0.1]:2222", &line),
                     LIBSSH2_KNOWNHOST_CHECK_MATCH);
}

static void unreadable_lines_are_passed_over(void **state)
{
    long line;
    (void)state;
    /* A key type libssh2 1.10 does not know, and @cert-authority. */
    const char *text = "[127.0.0.1]:2222 sk-ssh-ed25519@openssh.com AAAA\n"
                       "@cert-authority * ssh-ed25519 " OTHER_B64 "\n"
                       "garbage\n"
                       "[127.0.0.1]:2222 ssh-ed25519 " KEY_B64 "\n";
    assert_int_equal(check(text, "[127.0.0.1]:2222", &line),
                     LIBSSH2_KNOWNHOST_CHECK_MATCH);
}

static void missing_file_is_not_found(void **state)
{
    long line = 0;
    (void)state;
    LIBSSH2_SESSION *session = libssh2_session_init();
    assert_int_equal(ssh2_check_known_hosts(
                         session, "/nonexistent/kh", "x", (const char *)key,
                         sizeof key, LIBSSH2_HOSTKEY_TYPE_ED25519, &line),
                     LIBSSH2_KNOWNHOST_CHECK_NOTFOUND);
    assert_int_equal(ssh2_known_types(session, "/nonexistent/kh", "x"), 0);
    libssh2_session_free(session);
}

static void known_types_and_preference(void **state)
{
    char path[64], methods[256];
    (void)state;
    write_file(path, HASHED_NAME " ssh-ed25519 " KEY_B64 "\n"
                                 "[127.0.0.1]:2222 ecdsa-sha2-nistp256 "
                                 "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdH"
                                 "AyNTYAAABBBPCjJLU3Jz3T8a6e3fV2vrHD1XVqWYPH"
                                 "Y4DKBWmW2WqArhPB4m+GXsljSQL6R+1UAOS/5Hxp+2"
                                 "B2LHYyhFwbiLU=\n");
    LIBSSH2_SESSION *session = libssh2_session_init();
    unsigned known = ssh2_known_types(session, path, "[127.0.0.1]:2222");
    libssh2_session_free(session);
    unlink(path);
    assert_int_equal(known, (1u << LIBSSH2_HOSTKEY_TYPE_ED25519) |
                                (1u << LIBSSH2_HOSTKEY_TYPE_ECDSA_256));
    assert_int_equal(ssh2_hostkey_preference(0, methods, sizeof methods), 0);
    assert_string_equal(methods, "ssh-ed25519,ecdsa-sha2-nistp256,"
                                 "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
                                 "ssh-rsa");
    /* The types known for the host come first. */
    assert_int_equal(
        ssh2_hostkey_preference(1u << LIBSSH2_HOSTKEY_TYPE_ECDSA_384, methods,
                                sizeof methods),
        0);
    assert_string_equal(methods, "ecdsa-sha2-nistp384,ssh-ed25519,"
                                 "ecdsa-sha2-nistp256,ecdsa-sha2-nistp521,"
                                 "ssh-rsa");
    assert_int_equal(ssh2_hostkey_preference(0, methods, 20), -1);
}

static void key_type_names(void **state)
{
    (void)state;
    assert_string_equal(ssh2_key_type_name(LIBSSH2_HOSTKEY_TYPE_ED25519),
                        "ssh-ed25519");
    assert_string_equal(ssh2_key_type_label(LIBSSH2_HOSTKEY_TYPE_ECDSA_521),
                        "ECDSA");
    assert_null(ssh2_key_type_name(99));
    assert_string_equal(ssh2_key_type_label(99), "UNKNOWN");
}

static void passphrase_detection(void **state)
{
    (void)state;
    /* OpenSSH format: the cipher name after "openssh-key-v1\0". */
    assert_false(
        ssh2_key_text_encrypted("-----BEGIN OPENSSH PRIVATE KEY-----\n"
                                "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAA"
                                "AAAAAABAAAAMwAAAAtzc2\n"));
    assert_true(ssh2_key_text_encrypted(
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABD\n"));
    assert_true(ssh2_key_text_encrypted("-----BEGIN RSA PRIVATE KEY-----\n"
                                        "Proc-Type: 4,ENCRYPTED\n"));
    assert_true(
        ssh2_key_text_encrypted("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
    assert_false(ssh2_key_text_encrypted("-----BEGIN RSA PRIVATE KEY-----\n"
                                         "MIIEowIBAAKCAQEA\n"));
    assert_false(ssh2_key_text_encrypted(""));
}

static void unmatched_list_is_the_first_without_a_shared_name(void **state)
{
    /* Writable copies: the lists are char *, as kexinit_parse() makes them. */
    static char names[][64] = {
        "sntrup761x25519-sha512@openssh.com,curve25519-sha256",
        "ssh-ed25519",
        "chacha20-poly1305@openssh.com",
        "umac-64@openssh.com",
        "hmac-sha2-256",
        "none",
        "",
        "curve25519-sha256",
        "ssh-rsa,ssh-ed25519",
        "aes128-ctr,aes256-ctr",
        "aes256-ctr,aes128-ctr",
        "umac-64@openssh.com,hmac-sha2-256",
        "hmac-sha2-2"};
    char *server[KEXINIT_LISTS] = {names[0], names[1], names[2], names[2],
                                   names[3], names[4], names[5], names[5],
                                   names[6], names[6]};
    char *ours[SSH2_AGREED_LISTS] = {names[7], names[8], names[9], names[9],
                                     names[4], names[4], names[5], names[5]};
    (void)state;
    assert_int_equal(ssh2_unmatched_list(server, ours), 2);
    server[2] = server[3] = names[10];
    assert_int_equal(ssh2_unmatched_list(server, ours), 4);
    server[4] = names[11];
    assert_int_equal(ssh2_unmatched_list(server, ours), -1);
    /* A name is matched whole: "hmac-sha2-2" is no "hmac-sha2-256". */
    server[5] = names[12];
    assert_int_equal(ssh2_unmatched_list(server, ours), 5);
}

static void no_match_lines_are_openssh_s(void **state)
{
    char line[512];
    (void)state;
    ssh2_no_match_line(2, "chacha20-poly1305@openssh.com", line, sizeof line);
    assert_string_equal(line, "no matching cipher found. Their offer: "
                              "chacha20-poly1305@openssh.com");
    ssh2_no_match_line(0, "sntrup761x25519-sha512@openssh.com", line,
                       sizeof line);
    assert_string_equal(line, "no matching key exchange method found. Their "
                              "offer: sntrup761x25519-sha512@openssh.com");
    ssh2_no_match_line(1, "rsa-sha2-512,rsa-sha2-256", line, sizeof line);
    assert_string_equal(line, "no matching host key type found. Their offer: "
                              "rsa-sha2-512,rsa-sha2-256 (libssh2 1.10 "
                              "verifies an RSA host key only as ssh-rsa, "
                              "which OpenSSH 8.8 and later no longer offer)");
    ssh2_no_match_line(1, "ecdsa-sha2-nistp256", line, 24);
    assert_string_equal(line, "no matching host key ty");
}

/* A KEXINIT packet (RFC 4253 6, 7.1) whose cipher lists are CIPHER. */
static size_t make_kexinit(unsigned char *buf, const char *cipher)
{
    const char *lists[KEXINIT_LISTS] = {
        "curve25519-sha256", "ssh-ed25519", cipher, cipher, "hmac-sha2-256",
        "hmac-sha2-256",     "none",        "none", "",     ""};
    size_t n = 5;
    buf[n++] = 20;
    memset(buf + n, 7, 16);
    n += 16;
    for (int i = 0; i < KEXINIT_LISTS; i++) {
        size_t len = strlen(lists[i]);
        buf[n] = buf[n + 1] = buf[n + 2] = 0;
        buf[n + 3] = (unsigned char)len;
        memcpy(buf + n + 4, lists[i], len);
        n += 4 + len;
    }
    memset(buf + n, 0, 5); /* first_kex_packet_follows, reserved */
    n += 5;
    size_t padding = 8 - n % 8 < 4 ? 16 - n % 8 : 8 - n % 8;
    memset(buf + n, 0, padding);
    n += padding;
    size_t length = n - 4;
    buf[0] = buf[1] = 0;
    buf[2] = (unsigned char)(length >> 8);
    buf[3] = (unsigned char)length;
    buf[4] = (unsigned char)padding;
    return n;
}

static void no_match_read_from_the_servers_first_bytes(void **state)
{
    static const char lines[] = "Hello\r\nSSH-2.0-Test_1.0\r\n";
    unsigned char packet[512];
    char line[512];
    struct bytebuf opening = {0};
    (void)state;
    LIBSSH2_SESSION *session = libssh2_session_init();
    size_t len = make_kexinit(packet, "chacha20-poly1305@openssh.com");
    assert_int_equal(bytebuf_append(&opening, lines, strlen(lines), 0), 0);
    assert_int_equal(bytebuf_append(&opening, packet, len, 0), 0);
    assert_int_equal(
        ssh2_explain_no_match(session, &opening, line, sizeof line), 0);
    assert_string_equal(line, "no matching cipher found. Their offer: "
                              "chacha20-poly1305@openssh.com");
    /* All agree: nothing to explain.  Cut short: nothing to tell. */
    bytebuf_free(&opening);
    len = make_kexinit(packet, "aes128-ctr");
    assert_int_equal(bytebuf_append(&opening, lines, strlen(lines), 0), 0);
    assert_int_equal(bytebuf_append(&opening, packet, len, 0), 0);
    assert_int_equal(
        ssh2_explain_no_match(session, &opening, line, sizeof line), -1);
    opening.len = strlen(lines) + 10;
    assert_int_equal(
        ssh2_explain_no_match(session, &opening, line, sizeof line), -1);
    bytebuf_free(&opening);
    libssh2_session_free(session);
}

static void known_hosts_path_given_or_in_home(void **state)
{
    (void)state;
    char *path = ssh2_known_hosts_path("/x/known");
    assert_string_equal(path, "/x/known");
    free(path);
    setenv("HOME", "/home/brandon", 1);
    path = ssh2_known_hosts_path(NULL);
    assert_string_equal(path, "/home/brandon/.ssh/known_hosts");
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_host_names),
        cmocka_unit_test(fingerprints_as_ssh_keygen_prints_them),
        cmocka_unit_test(plain_entry_matches_only_its_port),
        cmocka_unit_test(hashed_entry_matches),
        cmocka_unit_test(changed_key_names_its_line),
        cmocka_unit_test(unreadable_lines_are_passed_over),
        cmocka_unit_test(missing_file_is_not_found),
        cmocka_unit_test(known_types_and_preference),
        cmocka_unit_test(key_type_names),
        cmocka_unit_test(passphrase_detection),
        cmocka_unit_test(unmatched_list_is_the_first_without_a_shared_name),
        cmocka_unit_test(no_match_lines_are_openssh_s),
        cmocka_unit_test(no_match_read_from_the_servers_first_bytes),
        cmocka_unit_test(known_hosts_path_given_or_in_home),
    };
    return cmocka_run_group_tests_name("ssh2_session", tests, NULL, NULL);
}
