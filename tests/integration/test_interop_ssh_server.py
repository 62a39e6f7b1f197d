# SPDX-License-Identifier: GPL-3.0-or-later
"""ssh_server against the clients people use: OpenSSH ssh and sftp,
dropbear's dbclient, PuTTY's plink and Paramiko, in console and echo mode.
dbclient sends exec and subsystem requests with want-reply false, so a
refusal can only show as a closed channel and a non-zero exit status."""
import subprocess
import time

import pytest

from conftest import run

SANITIZER_WORDS = ("AddressSanitizer", "LeakSanitizer", "runtime error")


def stop_cleanly(server):
    assert server.stop() == 0, server.log_text()
    log = server.log_text()
    assert not any(word in log for word in SANITIZER_WORDS), log


def dbclient_args(server, *command, subsystem=False):
    """dbclient with the test's key (in dropbear's format), no pty (-T) and
    no host key question (-y: accept and remember, in the test's HOME)."""
    key = server.dir / "id_ed25519.db"
    if not key.exists():
        made = run(["dropbearconvert", "openssh", "dropbear",
                    str(server.client_key), str(key)])
        assert made.returncode == 0, made.stderr
    args = ["dbclient", "-y", "-T", "-i", str(key), "-p", str(server.port)]
    if subsystem:
        args.append("-s")
    return [*args, f"alice@{server.host}", *command]


def dbclient(server, *command, input=None, subsystem=False):
    env = {"HOME": str(server.dir), "PATH": "/usr/bin:/bin"}
    return run(dbclient_args(server, *command, subsystem=subsystem),
               input=input, env=env, timeout=30,
               stdin=None if input is not None else subprocess.DEVNULL)


def plink(server, *command, input=None):
    """plink -batch, its key made by puttygen, the host key pinned by the
    fingerprint the server printed."""
    key = server.dir / "id_ed25519.ppk"
    if not key.exists():
        made = run(["puttygen", str(server.client_key), "-O", "private",
                    "-o", str(key)])
        assert made.returncode == 0, made.stderr
    args = ["plink", "-batch", "-ssh", "-P", str(server.port), "-i",
            str(key), "-hostkey", server.fingerprint, "-l", "alice",
            server.host, *command]
    return run(args, input=input, timeout=30,
               stdin=None if input is not None else subprocess.DEVNULL)


def paramiko_client(server):
    paramiko = pytest.importorskip("paramiko")
    client = paramiko.SSHClient()
    client.load_host_keys(str(server.known_hosts))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(server.host, port=server.port, username="alice",
                   key_filename=str(server.client_key), look_for_keys=False,
                   allow_agent=False, timeout=10)
    return client


# -- want-reply false: refusals must not look like success ------------------

def test_dbclient_exec_in_echo_mode_is_refused_not_echoed(make_ssh_server):
    server = make_ssh_server("--mode", "echo")
    result = dbclient(server, "uptime", input=b"hello\n")
    assert (result.returncode, result.stdout) == (1, b""), result.stderr
    server.wait_for_log("exec request refused in echo mode; channel closed")
    # Without a command, the same client gets its echo.
    result = dbclient(server, input=b"hello\n")
    assert (result.returncode, result.stdout) == (
        0, b"echo: 'hello\\n'\r\n"), result.stderr
    stop_cleanly(server)


@pytest.mark.parametrize("mode", ["console", "echo"])
def test_dbclient_subsystem_is_refused_and_logged(make_ssh_server, mode):
    server = make_ssh_server("--mode", mode)
    result = dbclient(server, "sftp", subsystem=True)
    assert (result.returncode, result.stdout) == (1, b""), result.stderr
    server.wait_for_log("subsystem sftp: no such subsystem here")
    server.wait_for_log("subsystem request refused; channel closed")
    stop_cleanly(server)


def test_dbclient_runs_console_commands(make_ssh_server):
    server = make_ssh_server()
    result = dbclient(server, "echo", "Hello,", "world!")
    assert (result.returncode, result.stdout) == (0, b"Hello, world!\n")
    result = dbclient(server, "nosuch")
    assert (result.returncode, result.stdout) == (
        1, b"unknown command 'nosuch'; try help\n")
    stop_cleanly(server)


# -- OpenSSH ---------------------------------------------------------------

def test_openssh_sftp_is_told_no(make_ssh_server):
    server = make_ssh_server()
    args = ["sftp", "-F", "/dev/null", "-P", str(server.port),
            "-o", f"UserKnownHostsFile={server.known_hosts}",
            "-o", "BatchMode=yes", "-i", str(server.client_key),
            f"alice@{server.host}"]
    result = run(args, input=b"ls\n", timeout=30)
    assert result.returncode != 0
    assert b"subsystem request failed" in result.stderr
    server.wait_for_log("subsystem sftp: no such subsystem here")
    stop_cleanly(server)


def test_openssh_exec_and_pty(make_ssh_server):
    server = make_ssh_server()
    result = run(server.ssh_args("echo", "a"), stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout) == (0, b"a\n")
    result = run(server.ssh_args("echo", "a", tty="-tt"),
                 stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout) == (0, b"a\r\n")
    stop_cleanly(server)


# -- PuTTY -----------------------------------------------------------------

def test_plink_exec_and_echo(make_ssh_server):
    server = make_ssh_server()
    result = plink(server, "echo", "from", "plink")
    assert (result.returncode, result.stdout) == (0, b"from plink\n"), \
        result.stderr
    result = plink(server, "nosuch")
    assert result.returncode == 1
    stop_cleanly(server)
    server = make_ssh_server("--mode", "echo")
    result = plink(server, "-T", input=b"hi")
    assert (result.returncode, result.stdout) == (0, b"echo: 'hi'\r\n"), \
        result.stderr
    stop_cleanly(server)


# -- Paramiko --------------------------------------------------------------

def test_paramiko_exec_command_and_invoke_shell(make_ssh_server):
    server = make_ssh_server()
    client = paramiko_client(server)
    try:
        _, stdout, _ = client.exec_command("echo via paramiko")
        assert stdout.read() == b"via paramiko\n"
        assert stdout.channel.recv_exit_status() == 0
        shell = client.invoke_shell(term="vt100", width=100, height=30)
        shell.settimeout(10)
        seen = b""
        while not seen.endswith(b"alice@shellwire$ "):
            seen += shell.recv(1024)
        assert seen.startswith(b"Welcome to shellwire, alice.\r\n")
        shell.sendall(b"info\r")
        while b"Window size: 100x30\r\n" not in seen:
            seen += shell.recv(1024)
        shell.sendall(b"bye\r")
        assert shell.recv_exit_status() == 0
    finally:
        client.close()
    stop_cleanly(server)


def test_paramiko_want_reply_false_exec_in_echo_mode(make_ssh_server):
    """The request dbclient sends, made by hand: no answer is expected, so
    the channel must end, with a status that is not 0."""
    server = make_ssh_server("--mode", "echo")
    client = paramiko_client(server)
    try:
        paramiko = pytest.importorskip("paramiko")
        channel = client.get_transport().open_session()
        message = paramiko.Message()
        message.add_byte(paramiko.common.cMSG_CHANNEL_REQUEST)
        message.add_int(channel.remote_chanid)
        message.add_string("exec")
        message.add_boolean(False)
        message.add_string("uptime")
        client.get_transport()._send_user_message(message)
        channel.sendall(b"hello\n")
        deadline = time.monotonic() + 10
        while not channel.exit_status_ready():
            assert time.monotonic() < deadline, "the channel stayed open"
            time.sleep(0.05)
        assert channel.recv_exit_status() == 1
        assert channel.recv(100) == b""
    finally:
        client.close()
    server.wait_for_log("exec request refused in echo mode; channel closed")
    stop_cleanly(server)
