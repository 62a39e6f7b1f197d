# SPDX-License-Identifier: GPL-3.0-or-later
"""ssh_simple, ssh_threads and ssh_cat as a user runs them, against a real
OpenSSH sshd (sftp_get: test_sftp_get.py)."""
import re
import subprocess
import time

import pytest

from conftest import program, require_terminals
from fixtures_sshc import Client


def lines(result):
    return result.stdout.decode().splitlines()


def error(result):
    return result.stderr.decode()


# -- ssh_simple --

def test_ssh_simple_prints_the_books_mess(book_sshd):
    result = Client(book_sshd).run("ssh_simple", "127.0.0.1", book_sshd.user)
    assert result.returncode == 0, error(result)
    # What we typed, echoed by the terminal; then the shell's prompts and
    # the command's output, all on one channel.
    assert result.stdout == (b"echo Hello, world\r\nexit\r\n"
                             b"$ Hello, world\r\n$ ")


def test_ssh_simple_against_a_login_shell(client):
    require_terminals()
    result = client.run("ssh_simple", f"{client.server.user}@127.0.0.1")
    assert result.returncode == 0, error(result)
    out = result.stdout.decode()
    assert out.startswith("echo Hello, world\r\nexit\r\n")
    assert "\nHello, world\r\n" in out.replace("\x1b[?2004l\r", "\n")


def test_ssh_simple_sends_eof_so_an_echo_server_ends(ssh_echo_server):
    """Our ssh_server --mode echo answers what it got and ends at EOF; it
    never ends the shell otherwise (until its 600 s idle time-out).  The
    Paramiko shell that ignores EOF is in test_interop_ssh_clients.py."""
    server = ssh_echo_server.server
    started = time.monotonic()
    result = Client(server).run("ssh_simple", "--timeout", "5", "127.0.0.1",
                                "alice", timeout=60)
    assert result.stdout == b"echo: 'echo Hello, world\\nexit\\n'\r\n"
    assert result.returncode == 0, error(result)
    assert time.monotonic() - started < 10


def test_ssh_simple_takes_no_command(client):
    result = client.run("ssh_simple", "127.0.0.1", "root", "uname")
    assert result.returncode == 2
    assert error(result).splitlines()[0] == (
        "ssh_simple: unexpected argument 'uname'")


# -- ssh_threads --

def test_ssh_threads_interleaves_the_books_commands(client):
    start = time.monotonic()
    child = subprocess.Popen(
        client.args("ssh_threads", "127.0.0.1", client.server.user),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL, start_new_session=True)
    arrived = []
    for line in child.stdout:
        arrived.append((line.decode().strip(), time.monotonic() - start))
    assert child.wait(timeout=30) == 0, child.stderr.read()
    child.stderr.close()
    child.stdout.close()
    words = [w for w, _ in arrived]
    # One/A start together and Three/C end together; the rest is ordered
    # by the sleeps, a second apart: One, A, B, Two, Three, C.
    assert set(words[:2]) == {"One", "A"}
    assert words[2:4] == ["B", "Two"]
    assert set(words[4:]) == {"Three", "C"}
    when = dict(arrived)
    # Printed as they came, not at the end ...
    assert when["Two"] - when["One"] > 1.5
    assert when["B"] - when["A"] > 0.7
    # ... and the whole run took the longest command's 3 s, not 6 s.
    assert max(when.values()) < 5.5


def test_ssh_threads_keeps_partial_lines_and_reports_failures(client):
    result = client.run("ssh_threads", "127.0.0.1", client.server.user,
                        "printf 'no newline'; exit 4",
                        "sleep 0.5; echo late >&2")
    assert result.returncode == 1
    assert lines(result) == ["no newline", "late"]
    assert error(result) == (
        "ssh_threads: 'printf 'no newline'; exit 4' exited with status 4\n")


def test_ssh_threads_reports_a_killed_command(client):
    result = client.run("ssh_threads", "127.0.0.1", client.server.user,
                        "echo before; kill -TERM $$", "echo other")
    assert result.returncode == 1
    assert sorted(lines(result)) == ["before", "other"]
    assert error(result) == (
        "ssh_threads: 'echo before; kill -TERM $$' was killed by signal "
        "TERM\n")


def test_ssh_threads_says_why_an_eleventh_channel_is_refused(client):
    # OpenSSH's sshd takes 10 channels at once on one connection.
    result = client.run("ssh_threads", "127.0.0.1", client.server.user,
                        *["true"] * 11)
    assert result.returncode == 1
    assert result.stdout == b""
    assert error(result) == (
        "ssh_threads: the server refused channel 11 while 10 were open "
        "(OpenSSH's sshd allows 10 by default: MaxSessions in sshd_config)\n")


# -- ssh_cat --

def test_ssh_cat_is_the_conch_example(client):
    result = client.run("ssh_cat", "127.0.0.1", client.server.user)
    assert result.returncode == 0, error(result)
    assert result.stdout == (b'We got this from "cat": This data will be '
                             b'echoed back to us by "cat."\n')
    assert result.stderr == b""


# -- The command line every client shares --

CLIENTS = {"ssh_simple": "HOST USER", "ssh_commands": "HOST USER [COMMAND...]",
           "ssh_threads": "HOST USER [COMMAND...]",
           "sftp_get": "HOST USER PATH...", "ssh_cat": "HOST USER"}


@pytest.mark.parametrize("name", sorted(CLIENTS))
def test_help_version_and_a_bad_option(name):
    for flag in ("--help", "-h"):
        result = subprocess.run([program(name), flag], capture_output=True)
        assert result.returncode == 0 and result.stderr == b""
        out = result.stdout.decode()
        assert out.startswith(f"usage: {name} [options] {CLIENTS[name]}\n")
        assert "  --known-hosts FILE" in out and "  --accept-new" in out
        assert "  3  unknown host\n" in out
        assert "  8  host key unknown, changed or not the pinned one\n" in out
    for flag in ("--version", "-V"):
        result = subprocess.run([program(name), flag], capture_output=True)
        assert result.returncode == 0 and result.stderr == b""
        assert re.fullmatch(
            rf"{name} \(shellwire\) \d+\.\d+\.\d+\nLicense GPL-3.0-or-later: "
            r"<https://gnu.org/licenses/gpl.html>\n", result.stdout.decode())
    result = subprocess.run([program(name), "--no-such-option", "h", "u"],
                            capture_output=True)
    assert result.returncode == 2 and result.stdout == b""
    err = result.stderr.decode().splitlines()
    assert err[0].endswith(f"{name}: unrecognized option '--no-such-option'")
    assert err[1] == f"usage: {name} [options] {CLIENTS[name]}"
    assert err[-1] == "Try '--help' for more information."


# -- One deadline for connecting and logging in (fake_servers.py) --

EXTRA_ARGS = {"ssh_commands": ["true"], "ssh_threads": ["true"],
              "ssh_cat": [], "ssh_simple": [], "sftp_get": ["/etc/hostname"]}
# (client, fake server): every client against the two chatty servers that
# never let libssh2 1.10 wait, ssh_commands against the slow ones too.
DEADLINE_CASES = [(name, mode) for name in sorted(EXTRA_ARGS)
                  for mode in ("chatter", "ignore")] + [
    ("ssh_commands", "drip"), ("ssh_commands", "stall"),
    # Silence after the KEXINIT: libssh2 1.10 leaks 64 bytes of its
    # curve25519 state, which tests/lsan.supp keeps out of the status.
    ("ssh_commands", "kexinit")]


@pytest.mark.parametrize("name,mode", DEADLINE_CASES)
def test_a_talking_server_cannot_outlast_the_timeout(name, mode, tmp_path):
    from fake_servers import FakeServer
    server = FakeServer(mode)
    args = [program(name), "-p", str(server.port), "--timeout", "1",
            "--known-hosts", str(tmp_path / "known_hosts"),
            "-i", str(tmp_path / "no_key"), "127.0.0.1", "nobody",
            *EXTRA_ARGS[name]]
    started = time.monotonic()
    try:
        result = subprocess.run(args, capture_output=True, timeout=30,
                                stdin=subprocess.DEVNULL, cwd=tmp_path)
    finally:
        server.stop()
    took = time.monotonic() - started
    assert error(result) == f"{name}: SSH handshake: timed out after 1 s\n"
    assert result.returncode == 5
    assert took < 5, took
