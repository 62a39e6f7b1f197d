# SPDX-License-Identifier: GPL-3.0-or-later
"""Our own ssh_server, run for a test on 127.0.0.1 and a port it picks.

The server makes its host key at start-up (it is never committed); the
client key is made here with ssh-keygen; known_hosts is written from the
public host key the server saved next to its private key.
"""
import os
import re
import select
import shutil
import subprocess
import time
import warnings
from pathlib import Path

import pytest

from conftest import program, program_env, ssh_keygen, stop_process

LISTENING = re.compile(rb"^listening on (\S+) port (\d+)")
FINGERPRINT = re.compile(rb"^host key \S+: (\S+) (SHA256:\S+)")


class SshServer:
    """One ssh_server process in DIRECTORY, started with ARGS."""

    def __init__(self, directory, args=(), authorized=True, users=None,
                 hash_rounds=None):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.host = "127.0.0.1"
        self.host_key = self.dir / "ssh_server_ed25519_key"
        self.client_key = self.dir / "id_ed25519"
        if not self.client_key.exists():  # a restart keeps its keys
            ssh_keygen(self.client_key)
        self.authorized_keys = self.dir / "authorized_keys"
        shutil.copy(f"{self.client_key}.pub", self.authorized_keys)
        self.known_hosts = self.dir / "known_hosts"
        self.log = self.dir / "ssh_server.log"
        self.args = list(args)
        if authorized:
            self.args += ["--authorized-keys", str(self.authorized_keys)]
        if users:
            self.users = self.dir / "users"
            self.users.write_text("".join(
                f"{name}:{crypt_hash(password, hash_rounds)}\n"
                for name, password in users.items()))
            self.args += ["--users", str(self.users)]
        self.proc = None
        self.port = None
        self.fingerprint = None
        self.startup = []

    def start(self, timeout=15.0):
        self.proc = subprocess.Popen(
            [program("ssh_server"), "-p", "0", "--host-key",
             str(self.host_key), *self.args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=open(self.log, "ab"), env=program_env(), cwd=self.dir)
        deadline = time.monotonic() + timeout
        while self.port is None:
            line = self._read_line(deadline)
            self.startup.append(line.decode())
            match = FINGERPRINT.match(line)
            if match:
                self.fingerprint = match.group(2).decode()
            match = LISTENING.match(line)
            if match:
                self.port = int(match.group(2))
        pub = Path(f"{self.host_key}.pub").read_text().split()
        self.known_hosts.write_text(
            f"[{self.host}]:{self.port} {pub[0]} {pub[1]}\n")
        return self

    def _read_line(self, deadline):
        fd = self.proc.stdout.fileno()
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("ssh_server printed no port:\n" +
                                   self.log_text())
            byte = os.read(fd, 1)
            if not byte:
                self.proc.wait()
                raise RuntimeError(
                    f"ssh_server exited with {self.proc.returncode}:\n" +
                    self.log_text())
            line += byte
        return line

    def ssh_args(self, *command, user="alice", key=None, tty=None,
                 password=False):
        """An OpenSSH ssh command line for this server, ignoring ~/.ssh.
        KEY=False: no public key; PASSWORD: ask for a password (see
        password_env), up to three times."""
        args = ["ssh", "-F", "/dev/null", "-p", str(self.port),
                "-o", f"UserKnownHostsFile={self.known_hosts}",
                "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=10"]
        if password:
            args += ["-o", "BatchMode=no", "-o", "NumberOfPasswordPrompts=3",
                     "-o", "PreferredAuthentications=password"]
        else:
            args += ["-o", "BatchMode=yes"]
        if key is False or password:
            args += ["-o", "PubkeyAuthentication=no"]
        else:
            args += ["-i", str(key or self.client_key),
                     "-o", "IdentitiesOnly=yes"]
        if tty is not None:
            args.append(tty)
        return [*args, f"{user}@{self.host}", *command]

    def password_env(self, password):
        """Environment for ssh to take PASSWORD from an askpass script."""
        askpass = self.dir / "askpass"
        if not askpass.exists():
            askpass.write_text('#!/bin/sh\nprintf "%s\\n" "$TEST_PASSWORD"\n')
            askpass.chmod(0o700)
        return program_env(SSH_ASKPASS=str(askpass),
                           SSH_ASKPASS_REQUIRE="force",
                           TEST_PASSWORD=password)

    def log_text(self):
        return self.log.read_text(errors="replace")

    def wait_for_log(self, text, timeout=15.0):
        deadline = time.monotonic() + timeout
        while text not in self.log_text():
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not in the log:\n" +
                                     self.log_text())
            time.sleep(0.05)

    def lesson_env(self, prefix="SSHS", shown_port=2222):
        """Variables and text substitutions for lesson transcripts:
        $SSHS_OPTS holds the options that make ssh use the test's key and
        known_hosts, and `-p 2222` in a lesson becomes the real port."""
        opts = (f"-F /dev/null -i {self.client_key} -o IdentitiesOnly=yes "
                f"-o UserKnownHostsFile={self.known_hosts} "
                f"-o StrictHostKeyChecking=yes -o BatchMode=yes")
        env = {f"{prefix}_PORT": str(self.port),
               f"{prefix}_OPTS": opts,
               f"{prefix}_KNOWN_HOSTS": str(self.known_hosts)}
        return env, {f"-p {shown_port}": f"-p {self.port}"}

    def stop(self):
        """SIGTERM by pid; the status, with no sanitizer report allowed."""
        if self.proc is None:
            return None
        status = stop_process(self.proc, timeout=10)
        self.proc.stdout.close()
        self.proc = None
        return status


def crypt_hash(password, rounds=None):
    """A SHA-512 crypt(3) hash, as a users file holds it; ROUNDS makes it
    as slow as asked (2000000: most of a second a check)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt
    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512,
                                              rounds=rounds))


@pytest.fixture
def make_ssh_server(tmp_path_factory):
    """A factory: make_ssh_server("--allow-user", "bob", ...) -> started;
    users={"alice": "password"} writes a users file for --users, hashed
    with HASH_ROUNDS rounds if given."""
    servers = []

    def make(*args, authorized=True, users=None, hash_rounds=None):
        server = SshServer(tmp_path_factory.mktemp("ssh_server"), args,
                           authorized, users, hash_rounds).start()
        servers.append(server)
        return server
    yield make
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def ssh_server(tmp_path_factory):
    """One console-mode ssh_server shared by the lessons (-p 2222)."""
    server = SshServer(tmp_path_factory.mktemp("ssh_server")).start()
    yield server
    server.stop()


class _EchoLessonServer:
    """The echo-mode server as lessons see it: $ECHO_OPTS and -p 2022."""

    def __init__(self, server):
        self.server = server

    def lesson_env(self):
        return self.server.lesson_env(prefix="ECHO", shown_port=2022)


@pytest.fixture(scope="session")
def ssh_echo_server(tmp_path_factory):
    """One echo-mode ssh_server shared by the lessons (-p 2022, the port of
    the Twisted Conch tutorial)."""
    server = SshServer(tmp_path_factory.mktemp("ssh_echo_server"),
                       ["--mode", "echo"]).start()
    yield _EchoLessonServer(server)
    server.stop()


def start_ssh_server(directory):
    """The shared console server's recipe, for make demo and playground."""
    server = SshServer(directory).start()
    server.describe = lambda: [
        f"ssh_server     127.0.0.1 port {server.port}, console mode",
        "  try: " + " ".join(server.ssh_args())]
    return server


class _EchoLab(_EchoLessonServer):
    def stop(self):
        self.server.stop()


def start_ssh_echo_server(directory):
    return _EchoLab(SshServer(directory, ["--mode", "echo"]).start())
