# SPDX-License-Identifier: GPL-3.0-or-later
"""Our own telnet_server, running on 127.0.0.1 on a free port.

The users file is made at test time with the server's own --hash-password,
with a random password; nothing secret is committed.  Every server is
stopped by its pid.
"""
import re
import secrets
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import program, program_env, stop_process


class TelnetServer:
    """telnet_server in DIRECTORY, started with ARGS.

    LOGIN True: a users file with brandon; False: --no-login; None: neither
    (the server makes a one-time account).
    """

    def __init__(self, directory, *args, login=True, nofile=None, env=None):
        self.dir = directory
        self.env = env or {}
        self.nofile = nofile  # a lower descriptor limit, through prlimit
        self.args = list(args) + (["--no-login"] if login is False else [])
        self.user = "brandon"
        self.password = secrets.token_urlsafe(9) if login else None
        self.proc = None
        self.port = None
        self.log = directory / "server.log"
        self.stdout_lines = []

    def start(self):
        argv = [program("telnet_server"), "-p", "0", *self.args]
        if self.nofile is not None:
            argv = ["prlimit", f"--nofile={self.nofile}", *argv]
        if self.password is not None:
            users = self.dir / "users.txt"
            made = subprocess.run(
                [program("telnet_server"), "--hash-password"],
                input=self.password + "\n", capture_output=True, text=True,
                env=program_env(), timeout=30, check=True)
            users.write_text(f"{self.user}:{made.stdout.strip()}\n")
            argv += ["--users", str(users)]
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=log, text=True,
                env=program_env(**self.env))
        # The server says its port on stdout once it listens (-p 0).
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"telnet_server exited: "
                                   f"{self.log.read_text()}")
            self.stdout_lines.append(line.rstrip("\n"))
            if "listening on" in line:
                self.port = int(line.split()[-1])
                return self

    def connect(self, source=None):
        """A raw socket to the server (see RawClient below), from SOURCE.

        SOURCE, another loopback address such as 127.0.0.2, makes the
        client another host as far as the server's per-address limits go.
        """
        return socket.create_connection(
            ("127.0.0.1", self.port), timeout=10,
            source_address=(source, 0) if source else None)

    def lesson_env(self):
        """The lesson shows port 2323 and the book's password abc123."""
        env = {"TELNET_PORT": str(self.port), "TELNET_USER": self.user,
               "TELNET_PASSWORD": self.password or ""}
        text = {"2323": str(self.port)}
        if self.password is not None:
            text["abc123"] = self.password
        return env, text

    def fd_count(self):
        """How many descriptors the server holds open right now."""
        return len(list(Path(f"/proc/{self.proc.pid}/fd").iterdir()))

    def children(self):
        """Pids of the server's child processes, zombies included."""
        pid = self.proc.pid
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()

    def cpu_ticks(self):
        """The server's user + system CPU time so far, in clock ticks."""
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime

    def rss_kib(self):
        """The server's resident memory, from /proc."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))

    def log_text(self):
        return self.log.read_text()

    def stop(self):
        """SIGTERM by pid; a clean exit and a log free of sanitizer reports."""
        if self.proc is None or self.proc.stdout.closed:
            return
        status = stop_process(self.proc)
        self.proc.stdout.close()
        log = self.log_text()
        assert "Sanitizer" not in log and "runtime error" not in log, log
        assert status == 0, f"telnet_server exited {status}: {log}"


IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA, STATUS, TTYPE, NAWS, TSPEED, LFLOW, XDISPLOC, ENVIRON = (
    1, 3, 5, 24, 31, 32, 33, 35, 39)
PROMPT = b"brandon@shellwire$ "


def cmd(*codes):
    """IAC commands as bytes: cmd(DO, TTYPE, DO, TSPEED) ..."""
    out = b""
    for verb, opt in zip(codes[::2], codes[1::2]):
        out += bytes([IAC, verb, opt])
    return out


def sb(opt, body):
    return bytes([IAC, SB, opt]) + body + bytes([IAC, SE])


FIRST = cmd(DO, TTYPE, DO, TSPEED, DO, XDISPLOC, DO, ENVIRON)
SECOND = sb(TTYPE, b"\x01") + cmd(WILL, SGA, DO, ECHO, DO, NAWS,
                                  WILL, STATUS, DO, LFLOW)
TRACER_FIRST = (cmd(WILL, TTYPE) + sb(TTYPE, b"\x00mypython")
                + cmd(WONT, TSPEED, WONT, XDISPLOC, WONT, ENVIRON))
TRACER_SECOND = cmd(DONT, SGA, WONT, ECHO, WONT, NAWS, DONT, STATUS,
                    WONT, LFLOW)


class RawClient:
    """A socket with expect(): read until some bytes arrive."""

    def __init__(self, server, prompt=PROMPT, source=None):
        self.sock = server.connect(source)
        self.buf = b""
        self.prompt = prompt

    def send(self, data):
        self.sock.sendall(data)

    def expect(self, wanted, timeout=10):
        """Everything up to and including WANTED; fails on EOF or time."""
        deadline = time.monotonic() + timeout
        while wanted not in self.buf:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                data = None
            if not data:
                raise AssertionError(f"{wanted!r} never came; got {self.buf!r}")
            self.buf += data
        at = self.buf.index(wanted) + len(wanted)
        got, self.buf = self.buf[:at], self.buf[at:]
        return got

    def read_to_eof(self, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            data = self.sock.recv(65536)
            if not data:
                got, self.buf = self.buf, b""
                return got
            self.buf += data
        raise AssertionError(f"no EOF; got {self.buf!r}")

    def negotiate_like_the_tracer(self):
        assert self.expect(FIRST) == FIRST
        self.send(TRACER_FIRST)
        assert self.expect(SECOND) == SECOND
        self.send(TRACER_SECOND)
        assert self.expect(cmd(WILL, SGA, WILL, ECHO)) == cmd(WILL, SGA,
                                                                WILL, ECHO)
        self.send(cmd(DONT, SGA, DONT, ECHO))

    def start_without_login(self):
        self.prompt = b"shellwire$ "
        self.negotiate_like_the_tracer()
        self.expect(self.prompt)

    def login(self, server):
        self.expect(b"login: ")
        self.send(server.user.encode() + b"\r")
        self.expect(b"Password: ")
        self.send(server.password.encode() + b"\r")
        self.expect(PROMPT)

    def command(self, line):
        """Type LINE in line mode; the reply before the next prompt."""
        self.send(line + b"\r\n")
        return self.expect(self.prompt)[:-len(self.prompt)]

    def close(self):
        self.sock.close()


@pytest.fixture(scope="session")
def telnet_server(tmp_path_factory):
    """One shared server with a users file (user brandon)."""
    server = TelnetServer(tmp_path_factory.mktemp("telnet_server")).start()
    yield server
    server.stop()


@pytest.fixture
def make_telnet_server(tmp_path_factory):
    """A factory: make_telnet_server("--idle-timeout", "1", login=False)."""
    servers = []

    def make(*args, login=True, nofile=None, env=None):
        server = TelnetServer(tmp_path_factory.mktemp("telnet_server"),
                              *args, login=login, nofile=nofile,
                              env=env).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def wait_until(predicate, timeout=10.0):
    """Poll PREDICATE until it is true or TIMEOUT passes; its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def start_telnet_server(directory):
    """The shared server's recipe, for make demo and make playground."""
    server = TelnetServer(directory).start()
    server.describe = lambda: [
        f"telnet_server  127.0.0.1 port {server.port}, user {server.user}, "
        f"password {server.password}",
        f"  try: telnet_login -p {server.port} 127.0.0.1 {server.user}"]
    return server
