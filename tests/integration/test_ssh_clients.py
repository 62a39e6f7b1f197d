# SPDX-License-Identifier: GPL-3.0-or-later
"""ssh_simple, ssh_threads, sftp_get and ssh_cat as a user runs them,
against a real OpenSSH sshd."""
import hashlib
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pexpect
import pytest

from conftest import program, program_env, require_terminals
from fixtures_sshc import Client


def lines(result):
    return result.stdout.decode().splitlines()


def error(result):
    return result.stderr.decode()


def known_hosts_for(server, port, path):
    pub = Path(f"{server.dir}/ssh_host_ed25519_key.pub").read_text().split()
    path.write_text(f"[127.0.0.1]:{port} {pub[0]} {pub[1]}\n")
    return path


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


# -- sftp_get --

@pytest.fixture
def remote_files(tmp_path_factory):
    """A 5 MiB file of random bytes and a small one, in a remote dir."""
    remote = tmp_path_factory.mktemp("remote")
    (remote / "big.bin").write_bytes(os.urandom(5 << 20))
    (remote / "small.txt").write_text("DISTRIB_ID=Shellwire\n")
    return remote


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_sftp_get_downloads_exactly_with_book_lines(client, remote_files,
                                                    tmp_path):
    big = remote_files / "big.bin"
    result = client.run("sftp_get", "127.0.0.1", client.server.user,
                        str(remote_files / "small.txt"), str(big),
                        cwd=tmp_path)
    assert result.returncode == 0, error(result)
    assert sha256(tmp_path / "big.bin") == sha256(big)
    assert (tmp_path / "small.txt").read_text() == "DISTRIB_ID=Shellwire\n"
    out = lines(result)
    assert out[0] == (f"Transfer of '{remote_files}/small.txt' is at 21/21 "
                      "bytes (100.0%)")
    assert out[-1] == (f"Transfer of '{big}' is at 5242880/5242880 bytes "
                       "(100.0%)")
    assert sorted(os.listdir(tmp_path)) == ["big.bin", "small.txt"]
    assert (tmp_path / "big.bin").stat().st_mode & 0o777 == \
        0o666 & ~_umask()


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_sftp_get_book_line_for_a_long_path(client, tmp_path_factory,
                                            tmp_path):
    deep = tmp_path_factory.mktemp("remote") / ("d" * 250) / ("e" * 250)
    deep.mkdir(parents=True)
    (deep / "f.txt").write_text("deep\n")
    result = client.run("sftp_get", "127.0.0.1", client.server.user,
                        str(deep / "f.txt"), cwd=tmp_path)
    assert result.returncode == 0, error(result)
    assert lines(result) == [f"Transfer of '{deep}/f.txt' is at 5/5 bytes "
                             "(100.0%)"]
    assert (tmp_path / "f.txt").read_text() == "deep\n"


def test_sftp_get_stays_in_the_current_directory(client, remote_files,
                                                 tmp_path):
    here = tmp_path / "here"
    here.mkdir()
    sneaky = f"{remote_files}/../{remote_files.name}/small.txt"
    result = client.run("sftp_get", "127.0.0.1", client.server.user,
                        sneaky, "../", str(remote_files) + "/", cwd=here)
    assert result.returncode == 1
    assert os.listdir(here) == ["small.txt"]
    assert os.listdir(tmp_path) == ["here"]
    assert error(result) == (
        "sftp_get: ../: no file name to save it under\n"
        f"sftp_get: {remote_files}/: no file name to save it under\n")


def test_sftp_get_missing_file_fails_but_goes_on(client, remote_files,
                                                 tmp_path):
    result = client.run("sftp_get", "127.0.0.1", client.server.user,
                        "/no/such/file", str(remote_files / "small.txt"),
                        cwd=tmp_path)
    assert result.returncode == 1
    assert error(result) == (
        "sftp_get: cannot open /no/such/file: no such file\n")
    assert os.listdir(tmp_path) == ["small.txt"]


def test_sftp_get_unreadable_path_is_one_line(client, remote_files,
                                              tmp_path):
    # Opening a directory works; reading it does not (SSH_FX_FAILURE).
    result = client.run("sftp_get", "127.0.0.1", client.server.user,
                        str(remote_files), cwd=tmp_path)
    assert result.returncode == 1
    assert error(result) == f"sftp_get: cannot read {remote_files}: failure\n"
    assert os.listdir(tmp_path) == []


def test_sftp_get_connection_drop_leaves_no_file(client, remote_files,
                                                 tmp_path, drop_proxy):
    proxy = drop_proxy(client.server.port, cut_after=2 << 20)
    known = known_hosts_for(client.server, proxy.port,
                            tmp_path / "known_hosts")
    (tmp_path / "big.bin").write_text("the old file\n")
    args = client.args("sftp_get", "127.0.0.1", client.server.user,
                       str(remote_files / "big.bin"), known_hosts=False)
    args[args.index("-p") + 1] = str(proxy.port)
    result = subprocess.run(args[:1] + ["--known-hosts", str(known)] +
                            args[1:], capture_output=True, cwd=tmp_path,
                            stdin=subprocess.DEVNULL, timeout=60,
                            env=program_env(), start_new_session=True)
    assert result.returncode == 6, error(result)
    assert error(result).startswith(
        f"sftp_get: {remote_files}/big.bin: ")
    # The old file is untouched and no temporary file is left behind.
    assert sorted(os.listdir(tmp_path)) == ["big.bin", "known_hosts"]
    assert (tmp_path / "big.bin").read_text() == "the old file\n"


def test_sftp_get_interrupted_removes_its_temporary_file(
        client, remote_files, tmp_path, drop_proxy):
    proxy = drop_proxy(client.server.port, stall_after=1 << 20)
    known = known_hosts_for(client.server, proxy.port,
                            tmp_path / "known_hosts")
    args = client.args("sftp_get", "127.0.0.1", client.server.user,
                       str(remote_files / "big.bin"), known_hosts=False)
    args[args.index("-p") + 1] = str(proxy.port)
    child = subprocess.Popen(args[:1] + ["--known-hosts", str(known)] +
                             args[1:], cwd=tmp_path, env=program_env(),
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL, start_new_session=True)
    assert proxy.stalled.wait(30)
    temps = [n for n in os.listdir(tmp_path) if n.startswith(".big.bin.")]
    assert len(temps) == 1  # it is there while the transfer runs
    child.send_signal(signal.SIGINT)
    assert child.wait(timeout=30) == -signal.SIGINT
    assert sorted(os.listdir(tmp_path)) == ["known_hosts"]


def test_sftp_get_draws_a_bar_on_a_terminal(client, remote_files, tmp_path):
    big = remote_files / "big.bin"
    args = client.args("sftp_get", "127.0.0.1", client.server.user, str(big))
    child = pexpect.spawn(args[0], args[1:], cwd=str(tmp_path),
                          env=program_env(COLUMNS="80"), timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    out = child.before.decode()
    # One line redrawn with \r, ended once; the last drawing is complete.
    assert out.count("\n") == 1 and out.endswith("\r\n")
    last = out.rstrip("\r\n").split("\r")[-1]
    assert last.startswith(str(big)[:24] + " [===============] 100%")
    assert "5.0 MiB" in last and last.rstrip().endswith("0:00")
    assert sha256(tmp_path / "big.bin") == sha256(big)


def test_sftp_get_error_starts_its_own_line_after_a_bar(
        client, remote_files, tmp_path, drop_proxy):
    import threading
    proxy = drop_proxy(client.server.port, stall_after=1 << 20)
    known = known_hosts_for(client.server, proxy.port,
                            tmp_path / "known_hosts")
    big = remote_files / "big.bin"
    args = client.args("sftp_get", "127.0.0.1", client.server.user, str(big),
                       known_hosts=False)
    args[args.index("-p") + 1] = str(proxy.port)
    args[1:1] = ["--known-hosts", str(known)]
    child = pexpect.spawn(args[0], args[1:], cwd=str(tmp_path),
                          env=program_env(COLUMNS="80"), timeout=60)
    # Held at 1 MiB until the bar is due, then at 3 MiB, by when the
    # first 2 MiB read has returned and drawn it; then the cut.
    assert proxy.stalled.wait(30)
    time.sleep(0.3)
    first, proxy.release = proxy.release, threading.Event()
    proxy.stall_after = 3 << 20
    proxy.stalled.clear()
    first.set()
    assert proxy.stalled.wait(30)
    child.expect_exact("] ")  # the bar
    proxy.close()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 6
    out = child.before.decode()
    # The bar's line is ended before the one-line error.
    assert re.search(rf"\r\nsftp_get: {big}: [^\r\n]+\r\n$", out), out
    assert out.count("sftp_get: ") == 1
    assert sorted(os.listdir(tmp_path)) == ["known_hosts"]


def test_sftp_get_needs_a_path():
    result = subprocess.run([program("sftp_get"), "127.0.0.1", "root"],
                            capture_output=True)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines()[0] == (
        "sftp_get: missing PATH")


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
