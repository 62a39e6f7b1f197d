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
import importlib
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
    """Start the servers the lessons name, when first named; stop them all.

    A lesson names a server by its pytest fixture (`fixtures="sshd"`); the
    fixture's module has a plain `start_NAME(directory)` beside it that
    returns the started server, so the tests and the lab share one recipe.
    """

    # Started at once, so that `make playground` has them from the start.
    MAIN_SERVERS = ("sshd", "telnet_server", "ssh_server")

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
            self.start(self.MAIN_SERVERS)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, names):
        for name in names:
            if name not in self.servers:
                starter = find_starter(name)
                if starter is None:
                    raise LookupError(f"no start_{name}() for the lab")
                (self.dir / name).mkdir()
                self.servers[name] = starter(self.dir / name)

    def stop(self):
        for server in reversed(list(self.servers.values())):
            server.stop()
        self.servers.clear()
        self.tmp.cleanup()

    def lesson_env(self, names, home):
        """Environment and text substitutions for a lesson's transcript."""
        self.start(names)
        env = self.fixtures.program_env(HOME=str(home))
        substitutions = {}
        for name in names:
            server_env, server_text = self.servers[name].lesson_env()
            env.update(server_env)
            substitutions.update(server_text)
        return env, substitutions

    def describe(self):
        """A line or two per server, for the student who types examples."""
        lines = []
        for name in self.MAIN_SERVERS:
            server = self.servers.get(name)
            if hasattr(server, "describe"):
                lines += server.describe()
            elif server is not None:
                lines.append(f"{name:14} 127.0.0.1 port {server.port}")
        return lines


def find_starter(name):
    """start_NAME from conftest or a fixtures_*.py module, or None."""
    modules = ["conftest"] + sorted(
        p.stem for p in (REPO / "tests" / "integration").glob("fixtures_*.py"))
    for module in modules:
        starter = getattr(importlib.import_module(module), f"start_{name}",
                          None)
        if starter is not None:
            return starter
    return None


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")
