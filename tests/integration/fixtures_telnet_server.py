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

    def connect(self):
        """A raw socket to the server (see RawClient in the tests)."""
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

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
