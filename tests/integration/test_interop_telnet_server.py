# SPDX-License-Identifier: GPL-3.0-or-later
"""telnet_server against real Telnet clients, with exact output.

inetutils telnet, busybox telnet and PuTTY's plink are driven on a pty
with pexpect, as a person would type; Python's telnetlib and a raw socket
that negotiates nothing are driven from here.  Each logs in, runs a
console command, and (against --shell) a shell command.  What each peer
taught is in lessons/04-telnet-server.md.
"""
import socket
import time
import warnings

import pexpect
import pytest

from conftest import program_env
from fixtures_telnet_server import PROMPT, RawClient

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import telnetlib  # deprecated since 3.11, gone in 3.13; the book's

CLIENTS = {
    "inetutils": lambda port: ("telnet", ["127.0.0.1", str(port)]),
    "busybox": lambda port: ("busybox", ["telnet", "127.0.0.1", str(port)]),
    "plink": lambda port: ("plink", ["-telnet", "-P", str(port),
                                     "127.0.0.1"]),
}


def spawn(name, server):
    command, args = CLIENTS[name](server.port)
    return pexpect.spawn(command, args, env=program_env(TERM="xterm"),
                         timeout=10)


def log_in(child, server):
    """Answer login: and Password:; the seconds until login: came."""
    started = time.monotonic()
    child.expect_exact(b"login: ")
    took = time.monotonic() - started
    child.send(server.user.encode() + b"\r")
    child.expect_exact(b"Password: ")
    child.send(server.password.encode() + b"\r")
    return took


@pytest.mark.parametrize("name", list(CLIENTS))
def test_console(name, telnet_server):
    """login: at once (no 2 s wait, issue 14), then a command, then bye."""
    child = spawn(name, telnet_server)
    try:
        assert log_in(child, telnet_server) < 1.5
        child.expect_exact(b"\r\nWelcome to shellwire, brandon.\r\n"
                           b"Type help for the commands, bye to leave.\r\n"
                           + PROMPT)
        child.send(b"echo interop \"a  b\"\r")
        child.expect_exact(b"echo interop \"a  b\"\r\ninterop a  b\r\n"
                           + PROMPT)
        child.send(b"bye\r")
        child.expect_exact(b"bye\r\nGoodbye\r\n")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)


@pytest.mark.parametrize("name", list(CLIENTS))
def test_shell(name, make_telnet_server):
    """--shell after login: a real shell on a pty, the client's TERM."""
    server = make_telnet_server("--shell", "PS1='sh$ ' exec /bin/sh")
    child = spawn(name, server)
    try:
        log_in(child, server)
        child.expect_exact(b"sh$ ")
        child.send(b"echo \"T=$TERM\" $((6 * 7)); exit\r")
        child.expect_exact(b"\r\nT=xterm 42\r\n")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)


def test_telnetlib(telnet_server):
    """telnetlib refuses every option: line mode, nothing echoed."""
    with telnetlib.Telnet("127.0.0.1", telnet_server.port, 10) as tn:
        started = time.monotonic()
        tn.read_until(b"login: ", 5)
        assert time.monotonic() - started < 1.5
        tn.write(telnet_server.user.encode() + b"\n")
        assert tn.read_until(b"Password: ", 5) == b"Password: "
        tn.write(telnet_server.password.encode() + b"\n")
        assert tn.read_until(PROMPT, 5).endswith(
            b"Type help for the commands, bye to leave.\r\n" + PROMPT)
        tn.write(b"echo from telnetlib\n")
        assert tn.read_until(PROMPT, 5) == b"from telnetlib\r\n" + PROMPT
        tn.write(b"bye\n")
        assert tn.read_all() == b"Goodbye\r\n"


def test_raw_socket_that_negotiates_nothing(telnet_server):
    """No answer to any option: each burst waits 2 s, then login:."""
    sock = socket.create_connection(("127.0.0.1", telnet_server.port), 10)
    client = RawClient.__new__(RawClient)
    client.sock, client.buf, client.prompt = sock, b"", PROMPT
    started = time.monotonic()
    got = client.expect(b"login: ", timeout=6)
    assert 3.9 < time.monotonic() - started < 5.5
    assert got.endswith(b"\xff\xfb\x01login: ")  # WILL ECHO, login:
    client.send(b"brandon\r\n")
    assert client.expect(b"Password: ") == b"Password: "
    client.send(telnet_server.password.encode() + b"\r\n")
    client.expect(PROMPT)
    assert client.command(b"echo raw") == b"raw\r\n"
    sock.close()
