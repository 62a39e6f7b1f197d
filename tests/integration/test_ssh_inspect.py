# SPDX-License-Identifier: GPL-3.0-or-later
"""ssh_inspect against a real OpenSSH sshd, OpenSSH's own ssh -vv, and
plain Python socket servers that are not SSH, or lie.

The sshd (fixtures_insp.py) is configured with short algorithm lists; its
KEXINIT must come back exactly as configured, and what libssh2 chose must
be what OpenSSH's client chooses from the same lists.
"""
import json
import os
import pwd
import re
import select
import shutil
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

import pexpect
import pytest

from conftest import (free_port, program, program_env, run, ssh_keygen,
                      stop_process)
from fixtures_insp import CIPHERS, KEX, MACS

EXIT_HOSTKEY, EXIT_NOT_SSH, EXIT_NO_KEXINIT, EXIT_MALFORMED = 8, 9, 10, 11
EXIT_NO_MATCH, EXIT_TIMEOUT = 12, 5
EXIT_CONNECT, EXIT_CLOSED, EXIT_USAGE = 4, 6, 2
# Names OpenSSH adds to its kex list that are signals, not algorithms:
# RFC 8308 extension negotiation and the strict key exchange (CVE-2023-48795).
KEX_SIGNALS = {"ext-info-s", "kex-strict-s-v00@openssh.com"}
# sshd lists one host-key algorithm per key it has and HostKeyAlgorithms
# allows, in HostKey order (ed25519, ecdsa, rsa): the rsa key is left out.
HOST_KEY_LIST = ["ssh-ed25519", "ecdsa-sha2-nistp256"]
VALUE_COLUMN = 29


def inspect(server, *operands, options=(), known_hosts=None):
    """Run ssh_inspect on SERVER (OPERANDS: HOST [USER]); CompletedProcess."""
    return run([program("ssh_inspect"), "-p", str(server.port),
                "--known-hosts", str(known_hosts or server.known_hosts),
                *options, *(operands or ["127.0.0.1"])], timeout=30)


def inspect_json(server, *operands, known_hosts=None):
    result = inspect(server, *operands, options=["--json"],
                     known_hosts=known_hosts)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    return json.loads(result.stdout)


def text_sections(output):
    """The text report as {label: [values]} (continuation lines append)."""
    sections, label = {}, None
    for line in output.decode().splitlines():
        if not line.startswith("  "):
            continue
        name, value = line[2:VALUE_COLUMN].strip(), line[VALUE_COLUMN:]
        if name:
            label = name
            sections.setdefault(label, [])
        sections[label].append(value)
    return sections


def openssh_choices(ssh_args):
    """What OpenSSH's ssh -vv says it chose, by ssh_inspect's JSON names."""
    args = [ssh_args[0], "-vv", *ssh_args[1:], "true"]
    result = run(args, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr.decode()
    log = result.stderr.decode()
    chosen = {
        "kex": re.search(r"kex: algorithm: (\S+)", log).group(1),
        "hostkey": re.search(r"kex: host key algorithm: (\S+)", log).group(1),
    }
    for way, direction in (("s2c", "server->client"),
                           ("c2s", "client->server")):
        match = re.search(rf"kex: {direction} cipher: (\S+) MAC: (\S+) "
                          r"compression: (\S+)", log)
        chosen[f"cipher_{way}"], chosen[f"mac_{way}"], \
            chosen[f"compression_{way}"] = match.groups()
    return chosen


# -- What travels in the clear --

def test_identification_line_is_the_one_sshd_sends(inspect_sshd):
    with socket.create_connection(("127.0.0.1", inspect_sshd.port), 10) as s:
        line = s.makefile("rb").readline()
    assert line.startswith(b"SSH-2.0-OpenSSH_") and line.endswith(b"\r\n")
    report = inspect_json(inspect_sshd)
    assert report["identification"] == line[:-2].decode()
    assert report["pre_banner"] == []
    result = inspect(inspect_sshd)
    assert text_sections(result.stdout)["server"] == [line[:-2].decode()]


def test_kexinit_lists_are_exactly_the_configured_ones(inspect_sshd):
    kexinit = inspect_json(inspect_sshd)["kexinit"]
    kex = kexinit["kex_algorithms"]
    assert [n for n in kex if n not in KEX_SIGNALS] == KEX
    assert kex[:len(KEX)] == KEX
    assert kexinit["server_host_key_algorithms"] == HOST_KEY_LIST
    assert kexinit["encryption_algorithms_c2s"] == CIPHERS
    assert kexinit["encryption_algorithms_s2c"] == CIPHERS
    assert kexinit["mac_algorithms_c2s"] == MACS
    assert kexinit["mac_algorithms_s2c"] == MACS
    # sshd's default "Compression yes" offers zlib only after login.
    for way in ("c2s", "s2c"):
        assert kexinit[f"compression_algorithms_{way}"] == \
            ["none", "zlib@openssh.com"]
    assert kexinit["languages_c2s"] == kexinit["languages_s2c"] == []
    # RFC 4253 sections 6 and 7.1: the framing of the packet itself.
    assert kexinit["message"] == 20
    assert 4 <= kexinit["padding_length"] <= 255
    assert (kexinit["packet_length"] + 4) % 8 == 0
    assert re.fullmatch(r"[0-9a-f]{32}", kexinit["cookie"])
    assert kexinit["first_kex_packet_follows"] is False
    assert kexinit["reserved"] == 0


def test_text_report_lists_one_name_a_line(inspect_sshd):
    result = inspect(inspect_sshd)
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.decode().splitlines()
    at = lines.index("  encryption_algorithms_c2s  aes256-ctr")
    assert lines[at:at + 4] == [
        "  encryption_algorithms_c2s  aes256-ctr",
        "                             aes128-ctr",
        "  encryption_algorithms_s2c  aes256-ctr",
        "                             aes128-ctr",
    ]
    assert lines[0] == f"SSH server 127.0.0.1 port {inspect_sshd.port}"
    assert "\033" not in result.stdout.decode()  # no colour into a pipe


def test_text_and_json_say_the_same(inspect_sshd):
    target = ("127.0.0.1", inspect_sshd.user)
    report = inspect_json(inspect_sshd, *target)
    text = text_sections(inspect(inspect_sshd, *target).stdout)
    for name in ("kex_algorithms", "server_host_key_algorithms",
                 "encryption_algorithms_c2s", "mac_algorithms_s2c",
                 "compression_algorithms_c2s"):
        assert text[name] == report["kexinit"][name]
    assert text["languages_c2s"] == ["(empty)"]
    assert text["kex"] == [report["chosen"]["kex"]]
    assert text["cipher s2c"] == [report["chosen"]["cipher_s2c"]]
    assert text["fingerprint"] == [report["host_key"]["fingerprint"]]
    assert text["methods"] == report["auth_methods"]


# -- What the handshake chose --

def test_chosen_methods_are_what_openssh_chooses(inspect_sshd):
    chosen = inspect_json(inspect_sshd)["chosen"]
    assert chosen == openssh_choices(inspect_sshd.ssh_args())
    # RFC 4253 section 7.1: the client's preference wins, not the server's.
    assert chosen["kex"] == "curve25519-sha256" != KEX[0]
    assert chosen["cipher_c2s"] == "aes128-ctr" != CIPHERS[0]
    assert chosen["mac_s2c"] == "hmac-sha2-256" != MACS[0]
    assert chosen["hostkey"] == "ssh-ed25519"


def test_host_key_type_follows_known_hosts_as_openssh_does(inspect_sshd,
                                                           tmp_path):
    """Only the ECDSA key known: both clients ask for ECDSA first."""
    ecdsa_only = tmp_path / "known_hosts"
    ecdsa_only.write_text("".join(
        line + "\n"
        for line in inspect_sshd.known_hosts.read_text().splitlines()
        if " ecdsa-sha2-nistp256 " in line))
    args = [a.replace(str(inspect_sshd.known_hosts), str(ecdsa_only))
            for a in inspect_sshd.ssh_args()]
    report = inspect_json(inspect_sshd, known_hosts=ecdsa_only)
    assert report["chosen"]["hostkey"] == "ecdsa-sha2-nistp256"
    assert report["chosen"] == openssh_choices(args)
    key = Path(f"{inspect_sshd.dir}/ssh_host_ecdsa_key.pub")
    listed = run(["ssh-keygen", "-l", "-f", str(key)]).stdout.split()[1]
    assert report["host_key"] == {
        "type": "ecdsa-sha2-nistp256", "fingerprint": listed.decode(),
        "known_hosts": "known", "known_hosts_file": str(ecdsa_only)}


def test_unknown_host_key_is_shown_not_refused(inspect_sshd, tmp_path):
    report = inspect_json(inspect_sshd, known_hosts=tmp_path / "none")
    assert report["host_key"]["known_hosts"] == "not known"
    assert report["chosen"]["hostkey"] == "ssh-ed25519"


def test_default_known_hosts_is_in_the_home_directory(inspect_sshd,
                                                      tmp_path):
    (tmp_path / ".ssh").mkdir()
    shutil.copy(inspect_sshd.known_hosts, tmp_path / ".ssh" / "known_hosts")
    args = [program("ssh_inspect"), "--json", "-p", str(inspect_sshd.port),
            "127.0.0.1"]
    result = run(args, env=program_env(HOME=str(tmp_path)), timeout=30)
    assert result.returncode == 0, result.stderr.decode()
    key = json.loads(result.stdout)["host_key"]
    assert key["known_hosts"] == "known"
    assert key["known_hosts_file"] == f"{tmp_path}/.ssh/known_hosts"
    # Without $HOME, as ssh(1): the home directory of the passwd entry.
    # (Only read; whatever it holds for this port, the file is named.)
    result = run(args, env=program_env(HOME=""), timeout=30)
    assert result.returncode in (0, EXIT_HOSTKEY), result.stderr.decode()
    home = pwd.getpwuid(os.getuid()).pw_dir
    assert json.loads(result.stdout)["host_key"]["known_hosts_file"] == \
        f"{home}/.ssh/known_hosts"


def test_changed_host_key_is_reported_with_its_line(inspect_sshd, tmp_path):
    impostor = ssh_keygen(tmp_path / "impostor")
    pub = Path(f"{impostor}.pub").read_text().split()
    known = tmp_path / "known_hosts"
    known.write_text("# a comment line\n"
                     f"[127.0.0.1]:{inspect_sshd.port} {pub[0]} {pub[1]}\n")
    result = inspect(inspect_sshd, options=["--json"], known_hosts=known)
    assert result.returncode == EXIT_HOSTKEY
    assert result.stderr.decode() == (
        f"ssh_inspect: the host key of 127.0.0.1 is not the one in {known} "
        "line 2\n")
    assert json.loads(result.stdout)["host_key"]["known_hosts"] == "CHANGED"


# -- Authentication methods --

def test_auth_methods_offered_to_a_user(inspect_sshd):
    report = inspect_json(inspect_sshd, "127.0.0.1", inspect_sshd.user)
    assert report["user"] == inspect_sshd.user
    assert report["auth_methods"] == ["publickey", "password"]
    assert report["auth_none_accepted"] is False
    # Password logins are for the test user only (a Match block).
    other = inspect_json(inspect_sshd, "nobody@127.0.0.1")
    assert other["user"] == "nobody"
    assert other["auth_methods"] == ["publickey"]
    text = inspect(inspect_sshd, "127.0.0.1",
                   inspect_sshd.user).stdout.decode()
    assert (f"Authentication for {inspect_sshd.user} (RFC 4252 section 5.2; "
            "none tried)\n  methods                    publickey\n"
            "                             password\n") in text


def test_without_user_no_auth_methods(inspect_sshd):
    report = inspect_json(inspect_sshd)
    assert report["user"] is None and report["auth_methods"] is None
    assert b"Authentication for" not in inspect(inspect_sshd).stdout


def test_colour_marks_the_chosen_names_on_a_terminal(inspect_sshd):
    child = pexpect.spawn(
        program("ssh_inspect"),
        ["-p", str(inspect_sshd.port), "--known-hosts",
         str(inspect_sshd.known_hosts), "127.0.0.1"],
        env=program_env(TERM="xterm"), timeout=30)
    output = child.read().decode()
    child.close()
    assert child.exitstatus == 0
    assert "                             \033[1;32mcurve25519-sha256\033[0m" \
        in output
    assert "  encryption_algorithms_c2s  aes256-ctr" in output


# -- Servers that are not SSH, or lie --

def kexinit_packet(lists, lie=None):
    """A KEXINIT binary packet (RFC 4253 sections 6, 7.1); LIE patches it."""
    payload = bytes([20]) + bytes(range(16))
    for names in lists:
        data = ",".join(names).encode()
        payload += struct.pack(">I", len(data)) + data
    payload += b"\0" + struct.pack(">I", 0)
    padding = 8 - (5 + len(payload)) % 8
    padding += 8 if padding < 4 else 0
    packet = struct.pack(">IB", 1 + len(payload) + padding, padding) + \
        payload + bytes(padding)
    return lie(packet) if lie else packet


TEN_LISTS = [["curve25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"],
             ["aes128-ctr"], ["hmac-sha2-256"], ["hmac-sha2-256"],
             ["none"], ["none"], [], []]
BANNER = b"SSH-2.0-Liar_1.0\r\n"
GOOD_KEXINIT = kexinit_packet(TEN_LISTS)
# The first name-list (at byte 22) claims 0xffffff00 bytes.
LYING_LIST = GOOD_KEXINIT[:22] + b"\xff\xff\xff\x00" + GOOD_KEXINIT[26:]


class ScriptServer:
    """A plain TCP server for CONNECTIONS connections, one at a time: it
    reads the client's first line, sends SCRIPT, then hangs up (HANG_UP) or
    waits for the client to leave.  Its thread is joined at the end.  With
    PAUSE it sends one byte at a time, PAUSE seconds apart."""

    def __init__(self, script, hang_up=True, connections=1, pause=None):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.script, self.hang_up = script, hang_up
        self.connections, self.pause = connections, pause
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        for _ in range(self.connections):
            self.serve_one()
        self.listener.close()

    def serve_one(self):
        conn, _ = self.listener.accept()
        with conn:
            conn.settimeout(20)
            try:
                # Read what the client sent first, so that closing sends a
                # FIN, not a reset that could destroy the script in flight.
                conn.makefile("rb").readline()
                self.send(conn)
                if self.hang_up:
                    conn.shutdown(socket.SHUT_WR)
                while conn.recv(4096):
                    pass
            except OSError:
                pass

    def send(self, conn):
        """The script at once, or a byte at a time with PAUSE between."""
        if self.pause is None:
            conn.sendall(self.script)
            return
        for byte in self.script:
            conn.sendall(bytes([byte]))
            time.sleep(self.pause)

    def join(self):
        self.thread.join(timeout=30)


BAD_SERVERS = {
    "http": (b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
             b"Connection: close\r\n\r\n", True, EXIT_NOT_SSH,
             'not an SSH server: it hung up; it said "HTTP/1.1 400 Bad '
             'Request\\r\\nContent-Length"...'),
    "telnet-iac": (b"\xff\xfd\x18\xff\xfd\x20\xff\xfb\x01", False,
                   EXIT_NOT_SSH,
                   "not an SSH server: it sent Telnet commands (IAC); it said "
                   '"\\xff\\xfd\\x18\\xff\\xfd \\xff\\xfb\\x01"'),
    "ssh-1": (b"SSH-1.5-Old_1.0\r\n", False, EXIT_NOT_SSH,
              "not an SSH server: it does not speak SSH protocol 2.0; it said "
              '"SSH-1.5-Old_1.0\\r\\n"'),
    "long-line": (b"SSH-2.0-" + b"x" * 300 + b"\r\n", True, EXIT_NOT_SSH,
                  "not an SSH server: its SSH- line is over 255 bytes; it "
                  'said "SSH-2.0-' + "x" * 32 + '"...'),
    "banner-then-nothing": (BANNER, False, EXIT_NO_KEXINIT,
                            "no KEXINIT: 127.0.0.1 sent its identification, "
                            "then nothing in 1 s"),
    "banner-then-hang-up": (BANNER, True, EXIT_NO_KEXINIT,
                            "no KEXINIT: 127.0.0.1 sent its identification, "
                            "then hung up"),
    "not-kexinit": (BANNER + kexinit_packet(
        [], lambda p: p[:5] + b"\x01" + p[6:]), True, EXIT_NO_KEXINIT,
        "no KEXINIT: the first packet is message 1, not 20"),
    "lying-list-length": (BANNER + LYING_LIST, True, EXIT_MALFORMED,
                          "malformed KEXINIT: the payload ends inside a "
                          "name-list"),
    "lying-packet-length": (BANNER + b"\x7f\xff\xff\xff\x04\x14", False,
                            EXIT_MALFORMED,
                            "malformed KEXINIT: the packet length is more "
                            "than 35000 bytes"),
    "lying-padding-length": (BANNER + GOOD_KEXINIT[:4] + b"\xff" +
                             GOOD_KEXINIT[5:], True, EXIT_MALFORMED,
                             "malformed KEXINIT: the padding is longer than "
                             "the packet"),
    "escape-in-name": (BANNER + kexinit_packet(
        [["curve25519\033[2J"]] + TEN_LISTS[1:]), True, EXIT_MALFORMED,
        "malformed KEXINIT: a name-list is not a list of names"),
    "dropped-midway": (BANNER + GOOD_KEXINIT[:100], True, EXIT_CLOSED,
                       "the connection dropped inside the first packet "
                       "(100 bytes)"),
    "silent-hang-up": (b"", True, EXIT_CLOSED,
                       "127.0.0.1 closed the connection without a word"),
}


@pytest.mark.parametrize("name", BAD_SERVERS)
def test_bad_server_gives_one_line_and_its_status(name):
    script, hang_up, status, message = BAD_SERVERS[name]
    server = ScriptServer(script, hang_up)
    result = run([program("ssh_inspect"), "-t", "1", "-p", str(server.port),
                  "127.0.0.1"], timeout=30)
    server.join()
    assert result.stderr.decode() == f"ssh_inspect: {message}\n"
    assert result.returncode == status
    assert result.stdout == b""


def test_a_slow_drip_cannot_outlast_the_timeout():
    """One byte each 0.2 s for 20 s: -t 1 is one second in all, not one
    second between bytes (else the server would hang up first)."""
    server = ScriptServer(b"Hello " * 17, pause=0.2)
    result = run([program("ssh_inspect"), "-t", "1", "-p", str(server.port),
                  "127.0.0.1"], timeout=30)
    assert result.returncode == EXIT_NOT_SSH
    assert re.fullmatch(r'ssh_inspect: not an SSH server: timed out; it said '
                        r'"[Hello ]+"(\.\.\.)?\n', result.stderr.decode())
    server.join()


def test_a_good_fake_kexinit_is_shown_when_the_handshake_fails():
    """Step 1 is shown even when step 2 cannot finish.  (The fake server
    hangs up: libssh2 1.10 leaks its key-exchange state on a time-out.)"""
    server = ScriptServer(b"Hello, eavesdropper\r\n" + BANNER + GOOD_KEXINIT,
                          connections=2)
    result = run([program("ssh_inspect"), "-t", "1", "--json", "-p",
                  str(server.port), "127.0.0.1"], timeout=30)
    server.join()
    assert result.stderr.decode() == (
        "ssh_inspect: SSH handshake: Unable to exchange encryption keys\n")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    # RFC 4253 section 4.2: lines before the identification are allowed.
    assert report["pre_banner"] == ["Hello, eavesdropper"]
    assert report["identification"] == "SSH-2.0-Liar_1.0"
    assert report["kexinit"]["kex_algorithms"] == ["curve25519-sha256"]
    assert report["kexinit"]["cookie"] == bytes(range(16)).hex()
    assert report["chosen"] is None


def test_nothing_in_common_is_named_after_the_lists(make_sshd):
    """libssh2 1.10 has no chacha20-poly1305: the lists are shown, then
    the kind with nothing in common, in OpenSSH's words."""
    server = make_sshd(extra_config=["Ciphers chacha20-poly1305@openssh.com"])
    result = inspect(server)
    assert result.returncode == EXIT_NO_MATCH
    assert result.stderr.decode() == (
        f"ssh_inspect: SSH handshake with [127.0.0.1]:{server.port}: no "
        "matching cipher found. Their offer: chacha20-poly1305@openssh.com\n")
    assert "  encryption_algorithms_c2s  chacha20-poly1305@openssh.com\n" \
        in result.stdout.decode()
    # On one screen the line comes after the lists it speaks of.
    both = subprocess.run(
        [program("ssh_inspect"), "-p", str(server.port), "--known-hosts",
         str(server.known_hosts), "127.0.0.1"], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, timeout=30)
    assert both.stdout.decode().endswith(result.stderr.decode())


def test_a_chatty_server_cannot_outlast_the_timeout_in_step_2():
    """Step 2 meets IGNORE packets without end: libssh2 1.10 never waits,
    so only the session library's deadline ends it."""
    from fake_servers import FakeServer
    server = FakeServer("kexinit", "ignore")
    started = time.monotonic()
    try:
        result = run([program("ssh_inspect"), "-t", "2", "-p",
                      str(server.port), "127.0.0.1"], timeout=30)
    finally:
        server.stop()
    assert result.stderr.decode() == (
        "ssh_inspect: SSH handshake: timed out after 2 s\n")
    assert result.returncode == EXIT_TIMEOUT
    assert time.monotonic() - started < 6


def test_our_telnet_server_is_not_ssh():
    """Our own telnet_server negotiates first (RFC 854 IAC DO TTYPE ...)."""
    server = subprocess.Popen(
        [program("telnet_server"), "-p", "0", "--no-login"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL, env=program_env())
    try:
        ready, _, _ = select.select([server.stdout], [], [], 10)
        assert ready, "telnet_server said nothing in 10 s"
        line = server.stdout.readline().decode()
        port = re.fullmatch(r"telnet_server: listening on 127\.0\.0\.1 "
                            r"port (\d+)\n", line).group(1)
        result = run([program("ssh_inspect"), "-t", "5", "-p", port,
                      "127.0.0.1"], timeout=30)
    finally:
        stop_process(server)
    assert result.returncode == EXIT_NOT_SSH
    assert result.stderr.decode().startswith(
        "ssh_inspect: not an SSH server: it sent Telnet commands (IAC); "
        'it said "\\xff\\xfd\\x18')
    assert result.stdout == b""


def test_closed_port():
    port = free_port()
    result = run([program("ssh_inspect"), "-p", str(port), "127.0.0.1"])
    assert result.returncode == EXIT_CONNECT
    assert result.stderr.decode() == (
        f"ssh_inspect: connect to 127.0.0.1 port {port}: Connection refused\n")
    assert result.stdout == b""


# -- The command line --

def test_help_lists_every_exit_status():
    result = run([program("ssh_inspect"), "--help"])
    assert result.returncode == 0 and result.stderr == b""
    text = result.stdout.decode()
    assert text.startswith("usage: ssh_inspect [-t SECONDS] [-p PORT] "
                           "[--known-hosts FILE] [--json]\n"
                           "                   HOST [USER]\n")
    for line in ("  4  connection refused or host unreachable",
                 "  6  the server closed the connection early",
                 "  8  the host key differs from the one in known_hosts",
                 "  9  not an SSH server",
                 "  10 the server sent no KEXINIT",
                 "  11 the KEXINIT packet is malformed",
                 "  12 no algorithm of one kind in common with libssh2"):
        assert line in text.splitlines()


def test_version():
    result = run([program("ssh_inspect"), "--version"])
    assert result.returncode == 0
    assert result.stdout.decode().startswith("ssh_inspect (shellwire) ")


@pytest.mark.parametrize("args, first_line", [
    ([], "ssh_inspect: missing HOST"),
    (["host", "user", "extra"], "ssh_inspect: unexpected argument 'extra'"),
    (["--no-such-option", "host"],
     "ssh_inspect: unrecognized option '--no-such-option'"),
])
def test_usage_errors(args, first_line):
    program("ssh_inspect")
    # By name on PATH, as a user runs it: getopt's messages use argv[0].
    result = run(["ssh_inspect", *args])
    assert result.returncode == EXIT_USAGE
    lines = result.stderr.decode().splitlines()
    assert lines[0] == first_line
    assert lines[-1] == "Try '--help' for more information."
    assert result.stdout == b""


@pytest.mark.parametrize("option", ["-p", "-t"])
def test_bad_numbers_are_usage_errors(option):
    result = run([program("ssh_inspect"), option, "0x10", "host"])
    assert result.returncode == EXIT_USAGE
    what = "port" if option == "-p" else "timeout"
    assert result.stderr.decode().startswith(
        f"ssh_inspect: {what} must be a number from 1 to ")
    assert result.stderr.decode().endswith(", not '0x10'\n")
