# SPDX-License-Identifier: GPL-3.0-or-later
"""telnet_login and telnet_codes against a real inetutils telnetd.

The server is the `telnetd` fixture (fixtures_telnetd.py); a few tests run
against our own telnet_server too (fixtures_telnet_server.py).  The tracer's
lines are checked against the bytes really on the wire, recorded by a small
relay between the program and the server.  Misbehaving servers (silent,
closing early, flooding) are a few lines of Python on 127.0.0.1 each.
"""
import re
import socket
import subprocess
import threading
import time
from pathlib import Path

import pexpect
import pytest

from conftest import free_port, program, program_env, run
from fixtures_telnetd import INETUTILS_REFUSALS as REFUSALS

IAC, SB, SE = 255, 250, 240
COMMANDS = {251: "WILL", 252: "WONT", 253: "DO", 254: "DONT"}
# Names of the options inetutils telnetd uses (RFC numbers, IANA names).
OPTIONS = {0: "BINARY", 1: "ECHO", 3: "SGA", 5: "STATUS", 6: "TM",
           24: "TTYPE", 31: "NAWS", 32: "TSPEED", 33: "LFLOW",
           34: "LINEMODE", 35: "XDISPLOC", 36: "OLD-ENVIRON",
           37: "AUTHENTICATION", 38: "ENCRYPT", 39: "NEW-ENVIRON"}
# The first burst of inetutils telnetd, as in
# lessons/captures/wire-telnet_codes-vs-inetutils-telnetd.log.
FIRST_BURST = ["WILL AUTHENTICATION (37)", "WILL ENCRYPT (38)",
               "DO TTYPE (24)", "DO TSPEED (32)", "DO XDISPLOC (35)",
               "DO NEW-ENVIRON (39)", "DO OLD-ENVIRON (36)"]
FAILED_LOGIN = "Username and password failed - giving up\n"
UPTIME = re.compile(r" ?\d+:\d+:\d+ up .*load average: .*\n")


def login(tool, server, *args, password=None, timeout=30):
    password = server.password if password is None else password
    return run([program(tool), "-p", str(server.port), "--password-stdin",
                *args, "127.0.0.1", server.user],
               input=(password + "\n").encode(), timeout=timeout)


def text(result):
    return result.stdout.decode(), result.stderr.decode()


def negotiation_lines(output):
    """What telnet_codes prints about options: Will not / Do not / Sending."""
    return [line for line in output.splitlines()
            if line.startswith(("Will not", "Do not", "Sending"))]


# --- telnet_login ---------------------------------------------------------

def test_login_runs_uptime(telnetd):
    result = login("telnet_login", telnetd)
    out, err = text(result)
    assert (result.returncode, err) == (0, "")
    first, second = out.splitlines(keepends=True)
    assert first == "exec uptime\n"  # the shell echoes the command line
    assert UPTIME.fullmatch(second)


def test_login_runs_the_given_command(telnetd):
    result = login("telnet_login", telnetd, "-c", "exec printf 'a\\tb\\n'")
    assert text(result) == ("exec printf 'a\\tb\\n'\na\tb\n", "")
    assert result.returncode == 0


def test_wrong_password_gives_up(telnetd):
    result = login("telnet_login", telnetd, password="not-the-password")
    assert text(result) == ("", FAILED_LOGIN)
    assert result.returncode == 1


def test_password_stdin_needs_a_line(telnetd):
    result = run([program("telnet_login"), "-p", str(telnetd.port),
                  "--password-stdin", telnetd.host, telnetd.user], input=b"")
    assert text(result) == (
        "", "telnet_login: no password on standard input\n")
    assert result.returncode == 1


def test_password_is_asked_on_the_terminal(telnetd):
    child = pexpect.spawn(
        program("telnet_login"),
        ["-p", str(telnetd.port), telnetd.host, telnetd.user],
        env=program_env(), timeout=20, encoding="utf-8")
    child.expect_exact("Password: ")
    child.sendline(telnetd.password)
    child.expect_exact("exec uptime")
    child.expect(pexpect.EOF)
    child.close()
    assert telnetd.password not in child.before
    assert child.exitstatus == 0


# --- telnet_codes ---------------------------------------------------------

def test_codes_refuses_all_but_the_terminal_type(telnetd):
    result = login("telnet_codes", telnetd)
    out, err = text(result)
    assert (result.returncode, err) == (0, "")
    assert out.splitlines() == REFUSALS + [
        "exec echo My terminal type is $TERM", "My terminal type is mypython"]


def test_codes_sends_the_given_terminal_type(telnetd):
    result = login("telnet_codes", telnetd, "-T", "vt100")
    out, _ = text(result)
    assert out.splitlines()[-1] == "My terminal type is vt100"
    # telnetd knows vt100, so it asks once; "mypython" it asks for again,
    # hoping for a second name it knows (RFC 1091 lets a client cycle).
    assert negotiation_lines(out).count('Sending terminal type "vt100"') == 1


def test_codes_wrong_password(telnetd):
    result = login("telnet_codes", telnetd, password="wrong")
    out, err = text(result)
    assert (result.returncode, err) == (1, FAILED_LOGIN)
    assert negotiation_lines(out) == REFUSALS


class Relay:
    """Pass one connection to PORT through, recording both directions."""

    def __init__(self, port):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.upstream = port
        self.received = bytearray()  # server to client
        self.sent = bytearray()      # client to server
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        client, _ = self.listener.accept()
        server = socket.create_connection(("127.0.0.1", self.upstream))
        back = threading.Thread(target=_copy,
                                args=(server, client, self.received))
        back.start()
        _copy(client, server, self.sent)
        back.join()
        client.close()
        server.close()
        self.listener.close()


def _copy(source, sink, record):
    while data := source.recv(4096):
        record += data
        sink.sendall(data)
    sink.shutdown(socket.SHUT_WR)


def wire_events(data):
    """Telnet commands in DATA, as telnet_codes --trace names them."""
    events, i = [], 0
    while i < len(data):
        if data[i] != IAC or i + 1 >= len(data):
            i += 1
        elif data[i + 1] in COMMANDS:
            option = data[i + 2]
            events.append(f"{COMMANDS[data[i + 1]]} {OPTIONS[option]} "
                          f"({option})")
            i += 3
        elif data[i + 1] == SB:
            end = data.index(bytes([IAC, SE]), i)
            option, body = data[i + 2], bytes(data[i + 3:end])
            assert option == 24, "only TTYPE subnegotiation expected"
            events.append("SB TTYPE SEND" if body == b"\x01" else
                          'SB TTYPE IS "%s"' % body[1:].decode())
            i = end + 2
        else:
            i += 2  # IAC IAC or a two-byte command
    return events


def test_trace_matches_the_wire(telnetd):
    relay = Relay(telnetd.port)
    result = run([program("telnet_codes"), "-p", str(relay.port),
                  "--password-stdin", "--trace", "127.0.0.1", telnetd.user],
                 input=(telnetd.password + "\n").encode())
    relay.thread.join(timeout=10)
    out, err = text(result)
    assert (result.returncode, err) == (0, "")
    assert "\033[" not in out  # plain when piped
    lines = out.splitlines()
    received = [line[3:] for line in lines if line.startswith("<- ")]
    sent = [line[3:] for line in lines if line.startswith("-> ")]
    assert received == wire_events(relay.received)
    assert sent == wire_events(relay.sent)
    # The same first burst as the reference capture, and TTYPE asked twice.
    assert received[:7] == FIRST_BURST
    assert received[7:9] == ["SB TTYPE SEND", "SB TTYPE SEND"]
    # Each answer right after what it answers.
    assert lines[:6] == [
        "<- WILL AUTHENTICATION (37)", "Do not 37 (AUTHENTICATION)",
        "-> DONT AUTHENTICATION (37)", "<- WILL ENCRYPT (38)",
        "Do not 38 (ENCRYPT)", "-> DONT ENCRYPT (38)"]
    assert lines[-1] == "My terminal type is mypython"


def test_trace_is_coloured_on_a_terminal(telnetd):
    child = pexpect.spawn(
        program("telnet_codes"),
        ["-p", str(telnetd.port), "--trace", "--no-login", telnetd.host],
        env=program_env(), timeout=20, encoding="utf-8")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "\033[36m<- WILL AUTHENTICATION (37)\033[0m\r\n" in child.before
    assert "\033[32m-> DONT AUTHENTICATION (37)\033[0m\r\n" in child.before


def test_no_login_shows_the_first_screen(telnetd, tmp_path):
    diagram = tmp_path / "negotiation.mmd"
    result = run([program("telnet_codes"), "-p", str(telnetd.port),
                  "--no-login", "--diagram", str(diagram), telnetd.host])
    out, err = text(result)
    assert (result.returncode, err) == (0, "")
    # The prompt may come before telnetd's last offers, or after them.
    assert out.count("shellwire login: ") == 1
    assert out.replace("shellwire login: ", "").endswith("Do not 1 (ECHO)\n")
    assert negotiation_lines(out.replace("shellwire login: ", "\n")) == \
        REFUSALS
    lines = diagram.read_text().splitlines()
    assert lines[:6] == [
        "sequenceDiagram", "    participant C as telnet_codes",
        f"    participant S as 127.0.0.1 port {telnetd.port}",
        "    S->>C: WILL AUTHENTICATION (37)",
        "    C->>S: DONT AUTHENTICATION (37)",
        "    S->>C: WILL ENCRYPT (38)"]
    assert '    C->>S: SB TTYPE IS "mypython"' in lines


# --- against our own telnet_server ------------------------------------------

# It negotiates as netkit telnetd does (lessons/captures/wire-*-netkit-*).
NETKIT_REFUSALS = [
    "Will not 32 (TSPEED)", "Will not 35 (XDISPLOC)",
    "Will not 39 (NEW-ENVIRON)", 'Sending terminal type "mypython"',
    "Do not 3 (SGA)", "Will not 1 (ECHO)", "Will not 31 (NAWS)",
    "Do not 5 (STATUS)", "Will not 33 (LFLOW)", "Do not 3 (SGA)",
    "Do not 1 (ECHO)"]


def test_login_against_telnet_server(telnet_server):
    result = login("telnet_login", telnet_server)
    out, err = text(result)
    assert (result.returncode, err) == (0, "")
    assert UPTIME.fullmatch(out)  # its console neither echoes nor prompts


def test_codes_against_telnet_server(telnet_server):
    result = login("telnet_codes", telnet_server)
    assert text(result) == (
        "\n".join(NETKIT_REFUSALS + ["My terminal type is mypython"]) + "\n",
        "")
    assert result.returncode == 0


def test_wrong_password_against_telnet_server(telnet_server):
    result = login("telnet_login", telnet_server, password="wrong")
    assert text(result) == ("", FAILED_LOGIN)
    assert result.returncode == 1


@pytest.mark.parametrize("tool,message", [
    ("telnet_login", "write output: No space left on device"),
    ("telnet_codes", "write to standard output failed"),
])
def test_output_lost_is_a_failure(telnet_server, tool, message):
    """Lines that never reach stdout (a full disk) are not a success."""
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [program(tool), "-p", str(telnet_server.port), "--password-stdin",
             "127.0.0.1", telnet_server.user], stdout=full,
            stderr=subprocess.PIPE, timeout=30, env=program_env(),
            input=(telnet_server.password + "\n").encode())
    assert (result.returncode, result.stderr.decode()) == (
        1, f"{tool}: {message}\n")


def test_trace_matches_the_wire_of_telnet_server(telnet_server):
    relay = Relay(telnet_server.port)
    result = run([program("telnet_codes"), "-p", str(relay.port),
                  "--password-stdin", "--trace", "127.0.0.1",
                  telnet_server.user],
                 input=(telnet_server.password + "\n").encode())
    relay.thread.join(timeout=10)
    lines = text(result)[0].splitlines()
    assert result.returncode == 0
    assert [line[3:] for line in lines if line.startswith("<- ")] == \
        wire_events(relay.received)
    assert [line[3:] for line in lines if line.startswith("-> ")] == \
        wire_events(relay.sent)


# --- failures -------------------------------------------------------------

@pytest.mark.parametrize("tool", ["telnet_login", "telnet_codes"])
def test_nothing_listening(tool):
    port = free_port()
    result = run([program(tool), "-p", str(port), "--password-stdin",
                  "127.0.0.1", "bob"], input=b"secret\n")
    assert text(result) == (
        "", f"{tool}: connect to 127.0.0.1 port {port}: "
        "Connection refused\n")
    assert result.returncode == 4


@pytest.mark.parametrize("tool", ["telnet_login", "telnet_codes"])
def test_unknown_host(tool):
    result = run([program(tool), "--password-stdin",
                  "no-such-host.invalid", "bob"], input=b"secret\n")
    out, err = text(result)
    assert out == ""
    assert err.startswith(f"{tool}: no-such-host.invalid port 23: ")
    assert err.count("\n") == 1
    assert result.returncode == 3


class FakeServer:
    """Accept one connection on 127.0.0.1, send PAYLOAD, then close or not."""

    def __init__(self, payload, close=True):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.payload, self.close = payload, close
        self.done = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        conn, _ = self.listener.accept()
        try:
            conn.sendall(self.payload)
            if not self.close:
                self.done.wait(30)
        except OSError:
            pass  # the client gave up first, as it should
        conn.close()
        self.listener.close()

    def stop(self):
        self.done.set()


def fake_login(server, *args):
    return run([program("telnet_login"), "-p", str(server.port),
                "--password-stdin", *args, "127.0.0.1", "bob"],
               input=b"secret\n")


@pytest.mark.parametrize("payload,step", [
    (b"Welcome\r\n", 'waiting for "login:"'),
    (b"login: ", 'waiting for "assword:"'),
    (b"login: Password: ", 'waiting for "Login incorrect" or "$ "'),
    (b"login: Password: $ ", "waiting for the server to close"),
], ids=["login", "password", "prompt", "output"])
def test_time_out_at_each_wait(payload, step):
    server = FakeServer(payload, close=False)
    result = fake_login(server, "-t", "1")
    server.stop()
    assert text(result) == ("", f"telnet_login: {step}: timed out after 1 s\n")
    assert result.returncode == 5


@pytest.mark.parametrize("payload,step", [
    (b"Welcome\r\n\xff\xfd\x18", 'waiting for "login:"'),
    (b"login: ", 'waiting for "assword:"'),
], ids=["before-login", "after-login"])
def test_server_closing_early(payload, step):
    result = fake_login(FakeServer(payload))
    assert text(result) == (
        "", f"telnet_login: {step}: the server closed the connection\n")
    assert result.returncode == 6


@pytest.mark.parametrize("payload,why", [
    (b"x" * 1_000_000, "more than 65536 bytes without it"),
    (b"\xff\xfb\x01" * 5000, "too many option negotiations"),
    (b"\xff\xfa\x56\xff\xf0" + b"\x00" * 100, "the server compressed its "
     "output unasked (MCCP)"),
], ids=["megabyte", "negotiation-flood", "unasked-mccp"])
def test_hostile_server(payload, why):
    server = FakeServer(payload, close=False)
    result = fake_login(server)
    server.stop()
    assert text(result) == ("", f'telnet_login: waiting for "login:": {why}\n')
    assert result.returncode == 1


def test_endless_subnegotiation_is_dropped():
    """libtelnet stops buffering an SB at 16 KiB; the text after still counts."""
    server = FakeServer(b"\xff\xfa\x18" + b"a" * 30_000 + b"login: ",
                        close=False)
    result = fake_login(server, "-t", "2")
    server.stop()
    assert text(result) == (
        "", 'telnet_login: waiting for "assword:": timed out after 2 s\n')
    assert result.returncode == 5


class DrippingServer:
    """Accept one connection and send one byte a second, never falling quiet."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.done = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        conn, _ = self.listener.accept()
        try:
            while True:
                conn.send(b".")
                if self.done.wait(1.0):
                    break
        except OSError:
            pass  # the client left, as it should
        conn.close()
        self.listener.close()

    def stop(self):
        self.done.set()


def test_no_login_time_out_bounds_a_dripping_server():
    """-t bounds --no-login as a whole: no trickle of bytes extends it."""
    server = DrippingServer()
    started = time.monotonic()
    result = run([program("telnet_codes"), "--no-login", "-t", "3", "-p",
                  str(server.port), "127.0.0.1"], timeout=15)
    elapsed = time.monotonic() - started
    server.stop()
    assert (result.returncode, result.stdout[:3]) == (5, b"...")
    assert result.stderr == (b"telnet_codes: waiting for 1.5 s of silence: "
                             b"timed out after 3 s\n")
    assert 2.5 < elapsed < 6


# --- byte scripts: tests/data/telnet_codes/NAME.input -> NAME.trace ------------

DATA = Path(__file__).resolve().parents[1] / "data" / "telnet_codes"


def read_input(path):
    """Bytes of a .input file: per line, the first word, %XX for any byte;
    the rest of the line and lines starting with # are comments."""
    out = bytearray()
    for line in path.read_text(encoding="ascii").splitlines():
        if line.strip() and not line.startswith("#"):
            out += re.sub(rb"%([0-9A-Fa-f]{2})",
                          lambda m: bytes([int(m.group(1), 16)]),
                          line.split()[0].encode())
    return bytes(out)


@pytest.mark.parametrize("script", sorted(DATA.glob("*.input")),
                         ids=lambda p: p.stem)
def test_tracer_on_a_byte_script(script):
    """The server sends the script and falls silent; stdout is exact."""
    server = FakeServer(read_input(script), close=False)
    result = run([program("telnet_codes"), "--trace", "--no-login", "-p",
                  str(server.port), "127.0.0.1"])
    server.stop()
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout == script.with_suffix(".trace").read_bytes()


# --- the command line -------------------------------------------------------

@pytest.mark.parametrize("tool", ["telnet_login", "telnet_codes"])
def test_help_and_version(tool):
    result = run([program(tool), "--help"])
    out, err = text(result)
    assert (result.returncode, err) == (0, "")
    assert out.startswith(f"usage: {tool} ")
    assert "  6  the server closed the connection early\n" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    result = run([program(tool), "--version"])
    assert text(result)[0].startswith(f"{tool} (shellwire) ")
    assert result.returncode == 0


@pytest.mark.parametrize("tool", ["telnet_login", "telnet_codes"])
@pytest.mark.parametrize("args,message", [
    ([], "missing HOST"),
    (["host"], "missing USER (give HOST USER or USER@HOST)"),
    (["host", "bob", "extra"], "unexpected argument 'extra'"),
])
def test_usage_errors(tool, args, message):
    result = run([program(tool), *args])
    out, err = text(result)
    assert out == ""
    assert err.startswith(f"{tool}: {message}\nusage: {tool} ")
    assert err.endswith("Try '--help' for more information.\n")
    assert result.returncode == 2


@pytest.mark.parametrize("tool", ["telnet_login", "telnet_codes"])
def test_user_must_be_one_line(tool):
    """A user name with a line end would type a second line at login:."""
    result = run([program(tool), "--password-stdin", "host", "bob\r\nls"],
                 input=b"secret\n")
    assert text(result) == ("", f"{tool}: USER must be one line\n")
    assert result.returncode == 2


@pytest.mark.parametrize("args,message", [
    (["-p", "0"], "PORT must be a number from 1 to 65535, not '0'"),
    (["-t", "x"], "SECONDS must be a number from 1 to 3600, not 'x'"),
])
def test_bad_numbers(args, message):
    result = run([program("telnet_login"), *args, "host", "bob"])
    assert text(result) == ("", f"telnet_login: {message}\n")
    assert result.returncode == 2


def test_terminal_type_length_is_checked():
    result = run([program("telnet_codes"), "-T", "x" * 41, "host", "bob"])
    assert text(result) == (
        "", "telnet_codes: NAME must be 1 to 40 characters\n")
    assert result.returncode == 2
