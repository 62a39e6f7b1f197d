# SPDX-License-Identifier: GPL-3.0-or-later
"""Real Telnet servers for the tests: GNU inetutils telnetd under inetd,
and BusyBox telnetd (the `busybox_telnetd` fixture, below).

inetutils-inetd listens on 127.0.0.1 and a free port, with its own
inetd.conf in a temporary directory, and starts one telnetd per
connection.  telnetd runs a LOGIN program written here at start-up
(`telnetd -E LOGIN`) instead of /bin/login: it asks `login:` and
`Password:` (echo off), checks a password made up for this run, and on
success runs /bin/sh with the prompt `$ `.  No system account or real
password is involved.  inetd runs in the foreground (-d) and is stopped
by its pid.
"""
import os
import pwd
import secrets
import subprocess
from pathlib import Path

import pytest

from conftest import free_port, stop_process, wait_for_port

INETD = "/usr/sbin/inetutils-inetd"
TELNETD = "/usr/sbin/telnetd"

# The test LOGIN: like login(1), three tries, "Login incorrect" after each.
LOGIN_SCRIPT = """#!/bin/sh
# Written by fixtures_telnetd.py for one test run; not a real login.
tries=0
while [ "$tries" -lt 3 ]; do
    printf 'shellwire login: '
    IFS= read -r user || exit 1
    stty -echo
    printf 'Password: '
    IFS= read -r password || exit 1
    stty echo
    printf '\\n'
    if [ "$user" = '{user}' ] && [ "$password" = '{password}' ]; then
        cd '{home}' || exit 1
        # Not exec, and a pause after: telnetd stops reading the pty as
        # soon as its child exits, so the shell's last output could be lost.
        PS1='$ ' HOME='{home}' /bin/sh -i
        status=$?
        sleep {linger}
        exit "$status"
    fi
    printf '\\nLogin incorrect\\n'
    tries=$((tries + 1))
done
exit 1
"""



# What telnet_codes prints about inetutils telnetd's options, in order.
INETUTILS_REFUSALS = [
    "Do not 37 (AUTHENTICATION)", "Do not 38 (ENCRYPT)",
    "Will not 32 (TSPEED)", "Will not 35 (XDISPLOC)",
    "Will not 39 (NEW-ENVIRON)", "Will not 36 (OLD-ENVIRON)",
    'Sending terminal type "mypython"', 'Sending terminal type "mypython"',
    "Do not 3 (SGA)", "Will not 1 (ECHO)", "Will not 34 (LINEMODE)",
    "Will not 31 (NAWS)", "Do not 5 (STATUS)", "Will not 33 (LFLOW)",
    "Do not 1 (ECHO)", "Will not 6 (TM)", "Will not 0 (BINARY)",
    "Do not 3 (SGA)", "Do not 1 (ECHO)"]

class Telnetd:
    """inetutils telnetd on 127.0.0.1:PORT with a test login, in DIRECTORY."""

    def __init__(self, directory, user="brandon", linger=0.2):
        self.dir = Path(directory)
        self.host = "127.0.0.1"
        self.user = user
        # Letters and digits only, so the shell script needs no quoting.
        self.password = secrets.token_hex(8)
        self.linger = linger  # seconds the login waits after the shell
        self.home = self.dir / "home"
        self.login = self.dir / "login.sh"
        self.config = self.dir / "inetd.conf"
        self.log = self.dir / "inetd.log"
        self.proc = None
        self.port = None

    def start(self, attempts=5):
        self.home.mkdir(parents=True, exist_ok=True)
        self.login.write_text(LOGIN_SCRIPT.format(
            user=self.user, password=self.password, home=self.home,
            linger=self.linger))
        self.login.chmod(0o700)
        runs_as = pwd.getpwuid(os.geteuid()).pw_name
        for _ in range(attempts):
            self.port = free_port()
            # nowait.1000: inetd's default allows only 40 connections a
            # minute per service, and the tests and benchmark make more.
            self.config.write_text(
                f"{self.host}:{self.port} stream tcp nowait.1000 {runs_as} "
                f"{TELNETD} telnetd -h -E {self.login}\n")
            self.proc = subprocess.Popen(
                [INETD, "-d", "--pidfile=" + str(self.dir / "inetd.pid"),
                 str(self.config)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=open(self.log, "ab"))
            try:
                wait_for_port(self.port, self.proc)
                return self
            except (RuntimeError, TimeoutError):
                stop_process(self.proc)
        raise RuntimeError("inetd would not start:\n" + self.log.read_text())

    def lesson_env(self):
        """Variables and text substitutions for lesson transcripts."""
        env = {"TELNETD_PORT": str(self.port), "TELNETD_USER": self.user,
               "TELNETD_PASSWORD": self.password}
        return env, {"2323": str(self.port), "abc123": self.password}

    def stop(self):
        if self.proc is not None:
            stop_process(self.proc)


@pytest.fixture(scope="session")
def telnetd(tmp_path_factory):
    """The shared inetutils telnetd, started once for the whole run."""
    server = Telnetd(tmp_path_factory.mktemp("telnetd")).start()
    yield server
    server.stop()


def start_telnetd(directory):
    """The shared telnetd's recipe, for make demo."""
    return Telnetd(directory).start()


BUSYBOX = "/usr/bin/busybox"


class BusyboxTelnetd:
    """BusyBox telnetd on 127.0.0.1:PORT, in the foreground, with the same
    test LOGIN as Telnetd (`telnetd -l LOGIN`) and an issue file of its
    own.  Its environment is made here: BusyBox never asks the client's
    terminal type, so the shell gets TERM from telnetd itself."""

    TERM = "busybox-env"
    ISSUE = "BusyBox telnetd for shellwire\n"

    def __init__(self, directory, user="brandon"):
        self.dir = Path(directory)
        self.host = "127.0.0.1"
        self.user = user
        self.password = secrets.token_hex(8)
        self.home = self.dir / "home"
        self.login = self.dir / "login.sh"
        self.issue = self.dir / "issue"
        self.log = self.dir / "telnetd.log"
        self.proc = None
        self.port = None

    def start(self, attempts=5):
        self.home.mkdir(parents=True, exist_ok=True)
        self.login.write_text(LOGIN_SCRIPT.format(
            user=self.user, password=self.password, home=self.home,
            linger=0.2))
        self.login.chmod(0o700)
        self.issue.write_text(self.ISSUE)
        env = {"PATH": "/usr/bin:/bin", "TERM": self.TERM}
        for _ in range(attempts):
            self.port = free_port()
            self.proc = subprocess.Popen(
                [BUSYBOX, "telnetd", "-F", "-p", str(self.port), "-b",
                 self.host, "-l", str(self.login), "-f", str(self.issue)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=open(self.log, "ab"), env=env)
            try:
                wait_for_port(self.port, self.proc)
                return self
            except (RuntimeError, TimeoutError):
                stop_process(self.proc)
        raise RuntimeError("busybox telnetd would not start:\n" +
                           self.log.read_text())

    def stop(self):
        if self.proc is not None:
            stop_process(self.proc)


@pytest.fixture(scope="session")
def busybox_telnetd(tmp_path_factory):
    """BusyBox telnetd with the test login, started once for the run."""
    server = BusyboxTelnetd(tmp_path_factory.mktemp("busybox")).start()
    yield server
    server.stop()
