# SPDX-License-Identifier: GPL-3.0-or-later
"""ssh_server --trace: every SSH message after decryption, both ways, one
line each, for real clients (OpenSSH ssh and sftp, PuTTY plink, Paramiko).
Each direction's messages are compared in order; the two directions may
interleave differently from run to run, so they are compared apart."""
import os
import re
import select
import socket
import subprocess
import time

import paramiko
import pexpect
import pytest

from conftest import program, program_env, run

SANITIZER_WORDS = ("AddressSanitizer", "LeakSanitizer", "runtime error")
LINE = re.compile(r"^\[(\d+)\] (C->S|S->C|---) (.*)$")


def traced(make_ssh_server, tmp_path, *args, **kwargs):
    """A console server tracing into tmp_path/trace.txt."""
    trace = tmp_path / "trace.txt"
    server = make_ssh_server("--trace", str(trace), *args, **kwargs)
    server.trace = trace
    return server


def wait_closed(server, connection=1, timeout=15.0):
    """The trace once connection N's last line is in it."""
    end = f"[{connection}] --- connection closed ---"
    deadline = time.monotonic() + timeout
    while True:
        text = server.trace.read_text() if server.trace.exists() else ""
        if end in text:
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"{end!r} not in the trace:\n{text}")
        time.sleep(0.05)


def messages(text, connection=1, way=None):
    """Connection N's lines as (way, rest); WAY "C->S" or "S->C": only
    those, names only, runs of CHANNEL_DATA and WINDOW_ADJUST as one."""
    found = []
    for line in text.splitlines():
        match = LINE.match(line)
        assert match, f"not a trace line: {line!r}"
        if int(match.group(1)) != connection:
            continue
        if way is None:
            found.append((match.group(2), match.group(3)))
        elif match.group(2) == way:
            name = match.group(3).split()[0]
            if name in ("CHANNEL_DATA", "CHANNEL_WINDOW_ADJUST") and \
                    found and found[-1] == name:
                continue
            found.append(name)
    return found


def fields(text, way, name, connection=1):
    """The rest of each WAY line of message NAME."""
    return [rest[len(name) + 1:] for w, rest in messages(text, connection)
            if w == way and rest.split()[0] == name]


def stop_cleanly(server):
    assert server.stop() == 0, server.log_text()
    log = server.log_text()
    assert not any(word in log for word in SANITIZER_WORDS), log


KEX = ["version", "KEXINIT", "KEX_ECDH_INIT", "NEWKEYS"]
KEX_REPLY = ["version", "KEXINIT", "KEX_ECDH_REPLY", "NEWKEYS", "EXT_INFO"]
PUBLICKEY = ["SERVICE_REQUEST", "USERAUTH_REQUEST", "USERAUTH_REQUEST",
             "USERAUTH_REQUEST"]
PUBLICKEY_REPLIES = ["SERVICE_ACCEPT", "USERAUTH_FAILURE", "USERAUTH_PK_OK",
                     "USERAUTH_SUCCESS"]


def test_openssh_exec_session_message_by_message(make_ssh_server, tmp_path):
    server = traced(make_ssh_server, tmp_path)
    args = server.ssh_args("help")
    args[1:1] = ["-o", "SendEnv=LANG"]
    result = run(args, stdin=subprocess.DEVNULL,
                 env=program_env(LANG="C.UTF-8"))
    assert result.returncode == 0, result.stderr
    text = wait_closed(server)
    assert messages(text, way="C->S") == KEX + PUBLICKEY + [
        "CHANNEL_OPEN", "CHANNEL_REQUEST", "CHANNEL_REQUEST", "CHANNEL_EOF",
        "CHANNEL_CLOSE", "DISCONNECT"]
    assert messages(text, way="S->C") == KEX_REPLY + PUBLICKEY_REPLIES + [
        "CHANNEL_OPEN_CONFIRMATION", "CHANNEL_SUCCESS", "CHANNEL_DATA",
        "CHANNEL_REQUEST", "CHANNEL_EOF", "CHANNEL_CLOSE"]
    assert fields(text, "C->S", "version")[0].startswith("SSH-2.0-OpenSSH_")
    assert fields(text, "S->C", "version") == ["SSH-2.0-libssh_0.10.6"]
    assert fields(text, "C->S", "USERAUTH_REQUEST") == [
        "user=alice service=ssh-connection method=none",
        "user=alice service=ssh-connection method=publickey "
        "alg=ssh-ed25519 signed=no",
        "user=alice service=ssh-connection method=publickey "
        "alg=ssh-ed25519 signed=yes"]
    assert fields(text, "S->C", "USERAUTH_FAILURE") == [
        "continue=publickey partial=no"]
    opened = fields(text, "C->S", "CHANNEL_OPEN")[0]
    assert re.fullmatch(r"session sender=0 window=\d+ max_packet=\d+", opened)
    sender = re.search(r"sender=(\d+)", fields(
        text, "S->C", "CHANNEL_OPEN_CONFIRMATION")[0]).group(1)
    assert fields(text, "C->S", "CHANNEL_REQUEST") == [
        f"channel={sender} env LANG=C.UTF-8 want_reply=no",
        f'channel={sender} exec "help" want_reply=yes']
    assert fields(text, "S->C", "CHANNEL_REQUEST") == [
        "channel=0 exit-status 0 want_reply=no"]
    data = fields(text, "S->C", "CHANNEL_DATA")[0]
    assert data.startswith('channel=0 len=') and '"Help on built in' in data
    assert fields(text, "C->S", "DISCONNECT") == [
        "reason=11 disconnected by user"]
    # The boundary comes once, right after the second NEWKEYS.
    lines = messages(text)
    boundary = lines.index(("---", "encrypted from here on ---"))
    assert [rest for _, rest in lines[boundary - 2:boundary]] == [
        "NEWKEYS", "NEWKEYS"]
    stop_cleanly(server)


def test_openssh_pty_session_message_by_message(make_ssh_server, tmp_path):
    server = traced(make_ssh_server, tmp_path)
    child = pexpect.spawn(
        server.ssh_args(tty="-t")[0], server.ssh_args(tty="-t")[1:],
        env=program_env(TERM="xterm-256color"), timeout=20,
        dimensions=(24, 80))
    child.expect(rb"\$ ")
    child.send(b"help\r")
    child.expect(rb"\$ ")
    child.setwinsize(30, 100)
    child.send(b"exit\r")
    child.expect(pexpect.EOF)
    child.close()
    text = wait_closed(server)
    sender = re.search(r"sender=(\d+)", fields(
        text, "S->C", "CHANNEL_OPEN_CONFIRMATION")[0]).group(1)
    requests = fields(text, "C->S", "CHANNEL_REQUEST")
    pty = re.fullmatch(
        rf"channel={sender} pty-req TERM=xterm-256color 80x24 modes=(\d+) "
        "want_reply=yes", requests[0])
    assert pty and int(pty.group(1)) > 10, requests
    assert requests[1:] == [f"channel={sender} shell want_reply=yes",
                            f"channel={sender} window-change 100x30 "
                            "want_reply=no"]
    typed = [f for f in fields(text, "C->S", "CHANNEL_DATA")]
    assert "".join(re.search(r'"(.*)"', f).group(1) for f in typed) == \
        r"help\rexit\r"
    assert messages(text, way="S->C")[-4:] == [
        "CHANNEL_DATA", "CHANNEL_REQUEST", "CHANNEL_EOF", "CHANNEL_CLOSE"]
    stop_cleanly(server)


def test_sftp_asks_for_a_subsystem(make_ssh_server, tmp_path):
    server = traced(make_ssh_server, tmp_path)
    args = server.ssh_args()
    args = ["sftp", "-P", str(server.port), "-b", "-"] + \
        [a for a in args[1:-1] if a not in ("-p", str(server.port))] + \
        [args[-1]]
    result = run(args, input=b"ls\n")
    assert result.returncode != 0
    text = wait_closed(server)
    sender = re.search(r"sender=(\d+)", fields(
        text, "S->C", "CHANNEL_OPEN_CONFIRMATION")[0]).group(1)
    assert fields(text, "C->S", "CHANNEL_REQUEST") == [
        f"channel={sender} subsystem sftp want_reply=yes"]
    assert fields(text, "S->C", "CHANNEL_FAILURE") == ["channel=0"]
    stop_cleanly(server)


def test_plink_with_a_password_never_shows_it(make_ssh_server, tmp_path):
    password = os.urandom(9).hex()
    server = traced(make_ssh_server, tmp_path, "--diagram",
                    str(tmp_path / "plink.svg"), authorized=False,
                    users={"alice": password})
    result = run(["plink", "-ssh", "-batch", "-P", str(server.port),
                  "-hostkey", server.fingerprint, "-l", "alice", "-pw",
                  password, "127.0.0.1", "help"], stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    text = wait_closed(server)
    assert fields(text, "C->S", "version")[0].startswith("SSH-2.0-PuTTY")
    auth = fields(text, "C->S", "USERAUTH_REQUEST")
    assert auth[-1] == ("user=alice service=ssh-connection method=password "
                        f"password=({len(password)} bytes)")
    assert messages(text, way="S->C")[-5:] == [
        "CHANNEL_SUCCESS", "CHANNEL_DATA", "CHANNEL_REQUEST", "CHANNEL_EOF",
        "CHANNEL_CLOSE"]
    stop_cleanly(server)
    svg = (tmp_path / "plink-1.svg").read_text()
    assert "password=(18 bytes)" in svg
    for shown in (text, svg, server.log_text()):
        assert password not in shown


def test_paramiko_exec(make_ssh_server, tmp_path):
    server = traced(make_ssh_server, tmp_path)
    client = paramiko.SSHClient()
    client.load_host_keys(str(server.known_hosts))
    client.connect("127.0.0.1", port=server.port, username="alice",
                   key_filename=str(server.client_key), look_for_keys=False,
                   allow_agent=False, timeout=10)
    _, out, _ = client.exec_command("help")
    assert b"Help on built in" in out.read()
    assert out.channel.recv_exit_status() == 0
    client.close()
    text = wait_closed(server)
    assert fields(text, "C->S", "version")[0].startswith(
        "SSH-2.0-paramiko_")
    # Paramiko asks for no "none" first and sends the signature at once.
    assert fields(text, "C->S", "USERAUTH_REQUEST") == [
        "user=alice service=ssh-connection method=publickey "
        "alg=ssh-ed25519 signed=yes"]
    sender = re.search(r"sender=(\d+)", fields(
        text, "S->C", "CHANNEL_OPEN_CONFIRMATION")[0]).group(1)
    assert fields(text, "C->S", "CHANNEL_REQUEST") == [
        f'channel={sender} exec "help" want_reply=yes']
    stop_cleanly(server)


def test_two_connections_interleaved_are_told_apart(make_ssh_server,
                                                     tmp_path):
    server = traced(make_ssh_server, tmp_path)
    child = pexpect.spawn(server.ssh_args(tty="-t")[0],
                          server.ssh_args(tty="-t")[1:], env=program_env(),
                          timeout=20)
    child.expect(rb"\$ ")
    result = run(server.ssh_args("help"), stdin=subprocess.DEVNULL)
    assert result.returncode == 0
    wait_closed(server, connection=2)
    child.send(b"exit\r")
    child.expect(pexpect.EOF)
    child.close()
    text = wait_closed(server, connection=1)
    numbers = [int(LINE.match(line).group(1)) for line in text.splitlines()]
    # All of 2 came while 1 was open: 1's lines are before and after.
    first2, last2 = numbers.index(2), len(numbers) - numbers[::-1].index(2)
    assert 1 in numbers[:first2] and 1 in numbers[last2:]
    assert fields(text, "S->C", "CHANNEL_CLOSE", connection=1) == \
        ["channel=0"]
    assert fields(text, "S->C", "CHANNEL_CLOSE", connection=2) == \
        ["channel=0"]
    stop_cleanly(server)


@pytest.mark.parametrize("args", [["--trace"], ["--trace", "-"]])
def test_trace_to_stdout(make_ssh_server, args):
    # The fixture puts --authorized-keys FILE after ARGS: a bare --trace
    # must not take the next option for its file.
    server = make_ssh_server(*args)
    result = run(server.ssh_args("help"), stdin=subprocess.DEVNULL)
    assert result.returncode == 0
    out = b""
    deadline = time.monotonic() + 15
    while b"[1] --- connection closed ---\n" not in out:
        assert time.monotonic() < deadline, out
        ready, _, _ = select.select([server.proc.stdout], [], [], 1)
        if ready:
            out += os.read(server.proc.stdout.fileno(), 65536)
    assert b"[1] C->S CHANNEL_REQUEST channel=" in out
    stop_cleanly(server)


def test_ipv6_connection_is_named_not_traced(make_ssh_server, tmp_path):
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback here")
    server = traced(make_ssh_server, tmp_path, "-b", "::1")
    args = server.ssh_args("help")
    args[-2] = "alice@::1"
    args[args.index(f"UserKnownHostsFile={server.known_hosts}")] = \
        "UserKnownHostsFile=/dev/null"
    args[args.index("StrictHostKeyChecking=yes")] = "StrictHostKeyChecking=no"
    result = run(args, stdin=subprocess.DEVNULL)
    if result.returncode == 255 and b"connect to host" in result.stderr:
        pytest.skip("no IPv6 loopback here")
    assert result.returncode == 0, result.stderr
    text = wait_closed(server)
    assert text.splitlines()[1:] == [
        "[1] --- not traced: libssh captures IPv4 only ---",
        "[1] --- connection closed ---"]
    stop_cleanly(server)


@pytest.mark.parametrize("args, status, message", [
    (["--diagram", "x.png"], 2, "usage: ssh_server"),
    (["--trace", "/nonexistent/dir/trace.txt"], 1,
     "--trace /nonexistent/dir/trace.txt: No such file or directory"),
])
def test_bad_trace_options(tmp_path, args, status, message):
    result = run([program("ssh_server"), "-p", "0", "--host-key",
                  str(tmp_path / "key"), "--allow-user", "bob", *args])
    assert result.returncode == status
    assert message in result.stderr.decode()


def test_wrong_passwords_and_the_servers_disconnect(make_ssh_server,
                                                    tmp_path):
    password = os.urandom(9).hex()
    wrong = "not-" + password
    server = traced(make_ssh_server, tmp_path, authorized=False,
                    users={"alice": password})
    result = run(server.ssh_args("help", password=True),
                 stdin=subprocess.DEVNULL, env=server.password_env(wrong))
    assert result.returncode == 255
    text = wait_closed(server)
    assert fields(text, "C->S", "USERAUTH_REQUEST")[-3:] == [
        "user=alice service=ssh-connection method=password "
        f"password=({len(wrong)} bytes)"] * 3
    # The third failure ends the connection from the server's side; its
    # DISCONNECT is traced before the connection's last line.
    assert messages(text, way="S->C")[-1] == "DISCONNECT"
    assert wrong not in text and password not in text
    stop_cleanly(server)
