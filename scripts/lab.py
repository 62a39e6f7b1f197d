# SPDX-License-Identifier: GPL-3.0-or-later
"""The local playground behind `make demo` and `make playground`.

Everything runs on 127.0.0.1, as the current user, inside one temporary
directory: a private OpenSSH sshd with throwaway keys (never the system
service, never ~/.ssh) and, once built, the project's own servers.  Each is
started from the same classes the integration tests use, so the demo runs
exactly what `make check` checks, and each is stopped by its pid.

    with Lab(bin_dir) as lab:
        env, substitutions = lab.lesson_env(["sshd"])
"""
import os
import signal
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load_test_fixtures(bin_dir):
    """Import the integration tests' conftest: it owns the server classes."""
    os.environ["SHELLWIRE_BIN"] = str(bin_dir)
    sys.path.insert(0, str(REPO / "tests" / "integration"))
    import conftest
    return conftest


class Lab:
    """Start the servers the lessons name; stop them all on exit."""

    def __init__(self, bin_dir):
        self.bin = Path(bin_dir).resolve()
        self.fixtures = load_test_fixtures(self.bin)
        self.tmp = tempfile.TemporaryDirectory(prefix="shellwire-lab-")
        self.dir = Path(self.tmp.name)
        self.servers = {}

    def __enter__(self):
        # A terminal's Ctrl-C raises KeyboardInterrupt here; TERM and HUP
        # (a closed window, a killed make) must unwind the same way.
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, _interrupt)
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        sshd = self.fixtures.Sshd(self.dir / "sshd")
        self.servers["sshd"] = sshd.start()

    def stop(self):
        for server in reversed(list(self.servers.values())):
            server.stop()
        self.servers.clear()
        self.tmp.cleanup()

    def has(self, names):
        return all(name in self.servers for name in names)

    def lesson_env(self, names, home):
        """Environment and text substitutions for a lesson's transcript."""
        env = self.fixtures.program_env(HOME=str(home))
        substitutions = {}
        for name in names:
            server_env, server_text = self.servers[name].lesson_env()
            env.update(server_env)
            substitutions.update(server_text)
        return env, substitutions

    def describe(self):
        """One line per server, for the student who types the examples."""
        lines = []
        sshd = self.servers.get("sshd")
        if sshd:
            lines.append(f"OpenSSH sshd    127.0.0.1 port {sshd.port}, "
                         f"user {sshd.user}, key {sshd.client_key}")
        return lines


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")
