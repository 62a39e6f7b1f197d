# SPDX-License-Identifier: GPL-3.0-or-later
"""telnet_login and telnet_codes against two other Telnet servers.

GNU inetutils telnetd (under inetd) and BusyBox telnetd, each with the
same test login program (fixtures_telnetd.py), on 127.0.0.1.  The two
servers negotiate very differently: inetutils offers and asks for a dozen
options and asks the terminal type twice; BusyBox asks four things and
never asks the terminal type, so the shell's TERM is whatever telnetd's
own environment holds.  Every output is asserted whole.
At the end, the other way round: inetutils telnet, the client, typing
at telnet_server's console.
"""
import pexpect
import pytest

from conftest import program, program_env, run
from fixtures_telnetd import INETUTILS_REFUSALS

COMMAND = "exec echo interop ok"
FAILED_LOGIN = b"Username and password failed - giving up\n"

# What telnet_codes prints about each server's options, in order.
BUSYBOX_LINES = ["Will not 1 (ECHO)", "Will not 31 (NAWS)",
                 "Do not 1 (ECHO)", "Do not 3 (SGA)"]
PEERS = {"inetutils": ("telnetd", INETUTILS_REFUSALS, "mypython"),
         "busybox": ("busybox_telnetd", BUSYBOX_LINES, "busybox-env")}


@pytest.fixture(params=sorted(PEERS))
def peer(request):
    fixture, lines, term = PEERS[request.param]
    return request.getfixturevalue(fixture), lines, term


def login(tool, server, *args, password=None):
    password = server.password if password is None else password
    return run([program(tool), "-p", str(server.port), "--password-stdin",
                *args, "127.0.0.1", server.user],
               input=(password + "\n").encode())


def test_telnet_login_runs_a_command(peer):
    server, _, _ = peer
    result = login("telnet_login", server, "-c", COMMAND)
    # The pty echoes the command line, then the command answers.
    assert (result.returncode, result.stdout, result.stderr) == (
        0, f"{COMMAND}\ninterop ok\n".encode(), b"")


def test_telnet_login_wrong_password(peer):
    server, _, _ = peer
    result = login("telnet_login", server, password="wrong")
    assert (result.returncode, result.stdout, result.stderr) == (
        1, b"", FAILED_LOGIN)


def test_telnet_codes_refuses_and_logs_in(peer):
    server, lines, term = peer
    result = login("telnet_codes", server)
    expected = lines + ["exec echo My terminal type is $TERM",
                        f"My terminal type is {term}"]
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout.decode().splitlines() == expected


def test_busybox_first_screen_and_trace(busybox_telnetd):
    """No login: the four requests both ways, then the issue file and the
    login prompt, and quiet."""
    result = run([program("telnet_codes"), "--trace", "--no-login", "-p",
                  str(busybox_telnetd.port), "127.0.0.1"])
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout == (
        b"<- DO ECHO (1)\n"
        b"Will not 1 (ECHO)\n"
        b"-> WONT ECHO (1)\n"
        b"<- DO NAWS (31)\n"
        b"Will not 31 (NAWS)\n"
        b"-> WONT NAWS (31)\n"
        b"<- WILL ECHO (1)\n"
        b"Do not 1 (ECHO)\n"
        b"-> DONT ECHO (1)\n"
        b"<- WILL SGA (3)\n"
        b"Do not 3 (SGA)\n"
        b"-> DONT SGA (3)\n"
        b"\r\nBusyBox telnetd for shellwire\n\rshellwire login: ")


# --- the console, typed at through inetutils telnet ---------------------------

def test_console_backspace_erases_a_utf8_character(telnet_server):
    """inetutils telnet in character mode against telnet_server's console:
    `echo né`, two Backspaces, `e!` shows `echo e!` and must run it."""
    prompt = b"brandon@shellwire$ "
    child = pexpect.spawn("telnet", ["127.0.0.1", str(telnet_server.port)],
                          env=program_env(TERM="xterm"), timeout=10)
    try:
        child.expect_exact(b"login: ")
        child.send(b"brandon\r")
        child.expect_exact(b"Password: ")
        child.send(telnet_server.password.encode() + b"\r")
        child.expect_exact(prompt)
        child.send("echo né".encode())
        child.expect_exact("echo né".encode())
        child.send(b"\x7f\x7fe!\r")
        child.expect_exact(prompt)
        assert child.before == (b"\b \x1b[1D\b \x1b[1De!\r\n"
                                b"e!\r\n")
    finally:
        child.close(force=True)
