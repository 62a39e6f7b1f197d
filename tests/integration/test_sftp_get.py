# SPDX-License-Identifier: GPL-3.0-or-later
"""sftp_get as a user runs it, against a real OpenSSH sshd: downloads,
the partial file and --resume, --preserve, the remote mode, the stall
time-out, and the bytes through a relay that adds a round trip."""
import collections
import hashlib
import os
import re
import resource
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pexpect
import pytest

from conftest import program, program_env


def lines(result):
    return result.stdout.decode().splitlines()


def error(result):
    return result.stderr.decode()


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


KEPT = re.compile(r"sftp_get: the first (\d+) bytes are kept in "
                  r"\.big\.bin\.part: --resume continues\n")


@pytest.fixture
def remote_files(tmp_path_factory):
    """A 5 MiB file of random bytes and a small one, in a remote dir."""
    remote = tmp_path_factory.mktemp("remote")
    (remote / "big.bin").write_bytes(os.urandom(5 << 20))
    (remote / "small.txt").write_text("DISTRIB_ID=Shellwire\n")
    return remote


def known_hosts_for(server, port, path):
    pub = Path(f"{server.dir}/ssh_host_ed25519_key.pub").read_text().split()
    path.write_text(f"[127.0.0.1]:{port} {pub[0]} {pub[1]}\n")
    return path


def via(client, port, tmp_path, *rest):
    """sftp_get's command line through a relay on PORT."""
    known = known_hosts_for(client.server, port, tmp_path / "known_hosts")
    args = client.args("sftp_get", *rest, known_hosts=False)
    args[args.index("-p") + 1] = str(port)
    return args[:1] + ["--known-hosts", str(known)] + args[1:]


def run_in(args, cwd, timeout=60, **kwargs):
    return subprocess.run(args, capture_output=True, cwd=cwd,
                          stdin=subprocess.DEVNULL, timeout=timeout,
                          env=program_env(), start_new_session=True, **kwargs)


def wait_for_bytes(part):
    """Wait (10 s at most) until the partial file PART holds some bytes,
    and a little more: sftp_get stamps it just after each write."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if part.exists() and part.stat().st_size > 0:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    return part


def interrupted_by(sig, client, remote_files, tmp_path, drop_proxy):
    """Start a download through a relay that stalls at 1 MiB; signal SIG
    to it, which must end it.  The partial file."""
    proxy = drop_proxy(client.server.port, stall_after=1 << 20)
    args = via(client, proxy.port, tmp_path, "127.0.0.1", client.server.user,
               str(remote_files / "big.bin"))
    child = subprocess.Popen(args, cwd=tmp_path, env=program_env(),
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL, start_new_session=True)
    assert proxy.stalled.wait(30)
    part = wait_for_bytes(tmp_path / ".big.bin.part")
    child.send_signal(sig)
    assert child.wait(timeout=30) == -sig
    return part


# -- Downloads --

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
    # Not the remote file's time: that is --preserve's.
    assert time.time() - (tmp_path / "big.bin").stat().st_mtime < 60


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


def file_size_limit(limit):
    """For preexec_fn: files at most LIMIT bytes; going beyond makes
    write(2) fail with EFBIG (SIGXFSZ ignored), as a full disk would."""
    def limit_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_files


def test_sftp_get_failed_write_is_one_line_and_no_file(client, remote_files,
                                                       tmp_path):
    # The writes happen on the writer thread: its failure stops the reads.
    args = client.args("sftp_get", "127.0.0.1", client.server.user,
                       str(remote_files / "big.bin"))
    result = run_in(args, tmp_path, preexec_fn=file_size_limit(1 << 20))
    assert result.returncode == 1
    assert error(result) == (
        "sftp_get: writing .big.bin.part: File too large\n")
    assert os.listdir(tmp_path) == []


def test_sftp_get_needs_a_path():
    result = subprocess.run([program("sftp_get"), "127.0.0.1", "root"],
                            capture_output=True)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines()[0] == (
        "sftp_get: missing PATH")


@pytest.mark.parametrize("option,value,line", [
    ("--stall-timeout", "0", "stall time-out must be a number from 1 to "
     "86400, not '0'"),
    ("--stall-timeout", None, "--stall-timeout wants a number of seconds"),
    ("--streams", "9", "streams must be a number from 1 to 8, not '9'"),
    ("--streams", None, "--streams wants a number of connections")])
def test_sftp_get_own_options_want_numbers(option, value, line):
    args = [program("sftp_get"), option]
    args += [value, "127.0.0.1", "root", "/f"] if value else []
    result = subprocess.run(args, capture_output=True)
    assert result.returncode == 2 and result.stdout == b""
    err = result.stderr.decode().splitlines()
    assert err[0] == f"sftp_get: {line}"
    assert err[1] == "usage: sftp_get [options] HOST USER PATH..."


def test_sftp_get_help_names_its_own_options():
    result = subprocess.run([program("sftp_get"), "--help"],
                            capture_output=True)
    assert result.returncode == 0
    out = result.stdout.decode()
    for option in ("--resume", "--preserve", "--stall-timeout N",
                   "--streams N"):
        assert f"      {option} " in out


# -- The mode and times (issue 15 item 11) --

@pytest.mark.parametrize("remote_mode,mask,expected", [
    (0o600, 0o022, 0o600), (0o640, 0o027, 0o640), (0o755, 0o077, 0o700),
    (0o444, 0o022, 0o644)])
def test_sftp_get_takes_the_remote_mode_minus_the_umask(
        client, remote_files, tmp_path, remote_mode, mask, expected):
    small = remote_files / "small.txt"
    small.chmod(remote_mode)
    result = run_in(client.args("sftp_get", "127.0.0.1", client.server.user,
                                str(small)), tmp_path,
                    preexec_fn=lambda: os.umask(mask))
    assert result.returncode == 0, error(result)
    assert (tmp_path / "small.txt").stat().st_mode & 0o7777 == expected


def test_sftp_get_preserve_keeps_mode_and_times(client, remote_files,
                                                tmp_path):
    small = remote_files / "small.txt"
    small.chmod(0o640)
    os.utime(small, (1000000000, 978307200))  # 2001-01-01 00:00 UTC
    result = run_in(client.args("sftp_get", "--preserve", "127.0.0.1",
                                client.server.user, str(small)), tmp_path,
                    preexec_fn=lambda: os.umask(0o077))
    assert result.returncode == 0, error(result)
    st = (tmp_path / "small.txt").stat()
    assert st.st_mode & 0o7777 == 0o640  # exactly, the umask aside
    assert (st.st_atime, st.st_mtime) == (1000000000, 978307200)


# -- Interrupted: the partial file and --resume --

def test_sftp_get_connection_drop_keeps_a_partial_file_to_resume(
        client, remote_files, tmp_path, drop_proxy):
    big = remote_files / "big.bin"
    # Held at 1 MiB until the first bytes are written, then cut.
    proxy = drop_proxy(client.server.port, stall_after=1 << 20)
    (tmp_path / "big.bin").write_text("the old file\n")
    child = subprocess.Popen(
        via(client, proxy.port, tmp_path, "127.0.0.1", client.server.user,
            str(big)), cwd=tmp_path, env=program_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL, start_new_session=True)
    assert proxy.stalled.wait(30)
    wait_for_bytes(tmp_path / ".big.bin.part")
    proxy.close()
    _, err = child.communicate(timeout=30)
    result = subprocess.CompletedProcess(child.args, child.returncode, b"",
                                         err)
    assert result.returncode == 6, error(result)
    first, second = error(result).splitlines(keepends=True)
    assert first.startswith(f"sftp_get: {big}: ")
    kept = int(KEPT.fullmatch(second).group(1))
    # The old file is untouched; the partial one holds the first bytes.
    assert sorted(os.listdir(tmp_path)) == [".big.bin.part", "big.bin",
                                            "known_hosts"]
    assert (tmp_path / "big.bin").read_text() == "the old file\n"
    part = (tmp_path / ".big.bin.part").read_bytes()
    assert len(part) == kept and 0 < kept < 5 << 20
    assert part == big.read_bytes()[:kept]
    # --resume fetches the rest only, and the result is the whole file.
    result = client.run("sftp_get", "--resume", "127.0.0.1",
                        client.server.user, str(big), cwd=tmp_path)
    assert result.returncode == 0, error(result)
    assert sha256(tmp_path / "big.bin") == sha256(big)
    assert sorted(os.listdir(tmp_path)) == ["big.bin", "known_hosts"]


def test_sftp_get_after_sigkill_only_the_partial_file_remains(
        client, remote_files, tmp_path, drop_proxy):
    big = remote_files / "big.bin"
    part = interrupted_by(signal.SIGKILL, client, remote_files, tmp_path,
                          drop_proxy)
    assert sorted(os.listdir(tmp_path)) == [".big.bin.part", "known_hosts"]
    assert part.read_bytes() == big.read_bytes()[:part.stat().st_size]
    result = client.run("sftp_get", "--resume", "127.0.0.1",
                        client.server.user, str(big), cwd=tmp_path)
    assert result.returncode == 0, error(result)
    assert sha256(tmp_path / "big.bin") == sha256(big)
    assert sorted(os.listdir(tmp_path)) == ["big.bin", "known_hosts"]


def test_sftp_get_sigint_keeps_the_partial_file(client, remote_files,
                                                tmp_path, drop_proxy):
    big = remote_files / "big.bin"
    part = interrupted_by(signal.SIGINT, client, remote_files, tmp_path,
                          drop_proxy)
    assert sorted(os.listdir(tmp_path)) == [".big.bin.part", "known_hosts"]
    # Stamped with the remote file's time, which --resume checks.
    assert part.stat().st_mtime == int(big.stat().st_mtime)


@pytest.mark.parametrize("change", ["touched", "shrank"])
def test_sftp_get_refuses_to_resume_a_changed_file(
        client, remote_files, tmp_path, drop_proxy, change):
    big = remote_files / "big.bin"
    part = interrupted_by(signal.SIGKILL, client, remote_files, tmp_path,
                          drop_proxy)
    before = part.read_bytes()
    st = big.stat()
    if change == "touched":
        os.utime(big, (st.st_atime, st.st_mtime + 60))
        why = "it has changed since .big.bin.part was begun"
    else:
        os.truncate(big, len(before) - 1)
        os.utime(big, (st.st_atime, st.st_mtime))
        why = "it is now shorter than .big.bin.part"
    result = client.run("sftp_get", "--resume", "127.0.0.1",
                        client.server.user, str(big), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == b""
    assert error(result) == f"sftp_get: not resuming {big}: {why}\n"
    assert sorted(os.listdir(tmp_path)) == [".big.bin.part", "known_hosts"]
    assert part.read_bytes() == before


def test_sftp_get_without_resume_starts_again(client, remote_files,
                                              tmp_path):
    big = remote_files / "big.bin"
    (tmp_path / ".big.bin.part").write_bytes(b"x" * 1000)
    result = client.run("sftp_get", "127.0.0.1", client.server.user,
                        str(big), cwd=tmp_path)
    assert result.returncode == 0, error(result)
    assert sha256(tmp_path / "big.bin") == sha256(big)
    assert os.listdir(tmp_path) == ["big.bin"]


def test_sftp_get_resume_with_no_partial_file_fetches_it_all(
        client, remote_files, tmp_path):
    big = remote_files / "big.bin"
    result = client.run("sftp_get", "--resume", "127.0.0.1",
                        client.server.user, str(big), cwd=tmp_path)
    assert result.returncode == 0, error(result)
    assert sha256(tmp_path / "big.bin") == sha256(big)


def test_sftp_get_resume_of_a_complete_partial_file_just_renames_it(
        client, remote_files, tmp_path):
    small = remote_files / "small.txt"
    part = tmp_path / ".small.txt.part"
    part.write_bytes(small.read_bytes())
    os.utime(part, (small.stat().st_atime, small.stat().st_mtime))
    result = client.run("sftp_get", "--resume", "127.0.0.1",
                        client.server.user, str(small), cwd=tmp_path)
    assert result.returncode == 0, error(result)
    assert lines(result) == [f"Transfer of '{small}' is at 21/21 bytes "
                             "(100.0%)"]
    assert os.listdir(tmp_path) == ["small.txt"]
    assert (tmp_path / "small.txt").read_bytes() == small.read_bytes()


# -- A transfer that stalls (issue 15 item 8) --

def test_sftp_get_gives_up_on_a_stalled_transfer(client, remote_files,
                                                 tmp_path, drop_proxy):
    big = remote_files / "big.bin"
    proxy = drop_proxy(client.server.port, stall_after=1 << 20)
    start = time.monotonic()
    # 2 s, not 1: a loaded machine may take a second to log in.
    result = run_in(via(client, proxy.port, tmp_path, "--stall-timeout", "2",
                        "127.0.0.1", client.server.user, str(big)),
                    tmp_path, timeout=30)
    assert time.monotonic() - start < 15
    assert result.returncode == 5, error(result)
    first, second = error(result).splitlines(keepends=True)
    assert first == (f"sftp_get: {big}: nothing received for 2 s "
                     "(--stall-timeout)\n")
    assert KEPT.fullmatch(second)
    assert sorted(os.listdir(tmp_path)) == [".big.bin.part", "known_hosts"]


# -- On a terminal --

def test_sftp_get_draws_a_bar_on_a_terminal(client, remote_files, tmp_path):
    big = remote_files / "big.bin"
    args = client.args("sftp_get", "127.0.0.1", client.server.user, str(big))
    child = pexpect.spawn(args[0], args[1:], cwd=str(tmp_path),
                          env=program_env(COLUMNS="80"), timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    out = child.before.decode()
    # One line redrawn with \r, ended once; the last drawing is complete,
    # with the average rate and the whole time.
    assert out.count("\n") == 1 and out.endswith("\r\n")
    last = out.rstrip("\r\n").split("\r")[-1]
    assert last.startswith(str(big)[:24] + " [===============] 100%")
    assert re.search(r" 5\.0 MiB +[\d.]+ [KMG]iB/s in \d+:\d\d$",
                     last.rstrip()), last
    assert sha256(tmp_path / "big.bin") == sha256(big)


def test_sftp_get_error_starts_its_own_line_after_a_bar(
        client, remote_files, tmp_path, drop_proxy):
    proxy = drop_proxy(client.server.port, stall_after=1 << 20)
    big = remote_files / "big.bin"
    args = via(client, proxy.port, tmp_path, "127.0.0.1", client.server.user,
               str(big))
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
    # The bar's line is ended before the error, which has a line of its own.
    assert re.search(rf"\r\nsftp_get: {big}: [^\r\n]+\r\n"
                     r"sftp_get: the first \d+ bytes are kept in "
                     r"\.big\.bin\.part: --resume continues\r\n$", out), out
    assert sorted(os.listdir(tmp_path)) == [".big.bin.part", "known_hosts"]


# -- Byte for byte across a round trip --

class DelayProxy:
    """A relay from 127.0.0.1 to PORT holding each chunk DELAY seconds each
    way (a round trip of twice that), for any number of connections."""

    def __init__(self, port, delay, stall_after=None):
        self.target, self.delay = port, delay
        # Each connection's server side goes quiet after this many bytes.
        self.stall_after = stall_after
        self.closed = threading.Event()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.sockets = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self._serve(client)

    def _serve(self, client):
        server = socket.create_connection(("127.0.0.1", self.target))
        self.sockets += [client, server]
        for src, dst in ((client, server), (server, client)):
            queue = collections.deque()
            ready = threading.Condition()
            limit = self.stall_after if src is server else None
            threading.Thread(target=self._read,
                             args=(src, queue, ready, limit),
                             daemon=True).start()
            threading.Thread(target=self._write, args=(dst, queue, ready),
                             daemon=True).start()

    def _read(self, src, queue, ready, limit):
        relayed = 0
        while True:
            if limit is not None and relayed >= limit:
                self.closed.wait(60)  # stalled until the test ends
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            relayed += len(data)
            with ready:
                queue.append((time.monotonic() + self.delay, data))
                ready.notify()
            if not data:
                return

    def _write(self, dst, queue, ready):
        while True:
            with ready:
                ready.wait_for(lambda: queue)
                due, data = queue.popleft()
            time.sleep(max(0.0, due - time.monotonic()))
            try:
                if not data:
                    dst.shutdown(socket.SHUT_WR)
                    return
                dst.sendall(data)
            except OSError:
                return

    def close(self):
        self.closed.set()
        for s in self.sockets:
            try:
                s.close()
            except OSError:
                pass


@pytest.mark.parametrize("rtt_ms", [0, 4, 20])
def test_sftp_get_is_exact_at_each_round_trip(client, remote_files, tmp_path,
                                              rtt_ms):
    big = remote_files / "big.bin"
    proxy = DelayProxy(client.server.port, rtt_ms / 2000)
    try:
        result = run_in(via(client, proxy.port, tmp_path, "127.0.0.1",
                            client.server.user, str(big)), tmp_path)
    finally:
        proxy.close()
    assert result.returncode == 0, error(result)
    assert sha256(tmp_path / "big.bin") == sha256(big)
    assert sorted(os.listdir(tmp_path)) == ["big.bin", "known_hosts"]


# -- Several connections for one file (--streams) --

@pytest.fixture
def large_file(tmp_path_factory):
    """20 MiB of random bytes: above --streams' 16 MiB threshold."""
    path = tmp_path_factory.mktemp("remote") / "large.bin"
    path.write_bytes(os.urandom(20 << 20))
    return path


def test_sftp_get_streams_fetch_exactly(client, large_file, tmp_path):
    result = client.run("sftp_get", "--streams", "3", "127.0.0.1",
                        client.server.user, str(large_file), cwd=tmp_path)
    assert result.returncode == 0, error(result)
    assert result.stderr == b""
    assert lines(result)[-1] == (f"Transfer of '{large_file}' is at "
                                 "20971520/20971520 bytes (100.0%)")
    assert sha256(tmp_path / "large.bin") == sha256(large_file)
    assert os.listdir(tmp_path) == ["large.bin"]


def test_sftp_get_streams_leave_a_prefix_to_resume(client, large_file,
                                                   tmp_path):
    # Each connection stalls after 6 MiB: the first chunks arrive, then
    # nothing; it is killed there.
    proxy = DelayProxy(client.server.port, 0.001, stall_after=6 << 20)
    try:
        child = subprocess.Popen(
            via(client, proxy.port, tmp_path, "--streams", "4", "127.0.0.1",
                client.server.user, str(large_file)),
            cwd=tmp_path, env=program_env(), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            start_new_session=True)
        part = tmp_path / ".large.bin.part"
        size, deadline = -1, time.monotonic() + 30
        while time.monotonic() < deadline:  # until it stops growing
            time.sleep(0.5)
            now = part.stat().st_size if part.exists() else 0
            if now == size and size > 0:
                break
            size = now
        child.kill()
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        proxy.close()
    # Written in order: the partial file is the remote file's beginning.
    kept = part.read_bytes()
    assert 0 < len(kept) < 20 << 20
    assert kept == large_file.read_bytes()[:len(kept)]
    result = client.run("sftp_get", "--resume", "--streams", "2",
                        "127.0.0.1", client.server.user, str(large_file),
                        cwd=tmp_path)
    assert result.returncode == 0, error(result)
    assert sha256(tmp_path / "large.bin") == sha256(large_file)
    assert sorted(os.listdir(tmp_path)) == ["known_hosts", "large.bin"]


def test_sftp_get_streams_give_up_on_a_stall(client, large_file, tmp_path):
    proxy = DelayProxy(client.server.port, 0.001, stall_after=6 << 20)
    start = time.monotonic()
    try:
        result = run_in(via(client, proxy.port, tmp_path, "--streams", "2",
                            "--stall-timeout", "2", "127.0.0.1",
                            client.server.user, str(large_file)),
                        tmp_path, timeout=30)
    finally:
        proxy.close()
    assert time.monotonic() - start < 15
    assert result.returncode == 5, error(result)
    first, second = error(result).splitlines(keepends=True)
    assert first == (f"sftp_get: {large_file}: nothing received for 2 s "
                     "(--stall-timeout)\n")
    assert re.fullmatch(r"sftp_get: the first \d+ bytes are kept in "
                        r"\.large\.bin\.part: --resume continues\n", second)
    kept = (tmp_path / ".large.bin.part").read_bytes()
    assert kept == large_file.read_bytes()[:len(kept)]
