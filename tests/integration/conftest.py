# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the integration tests: the built programs and real servers.

Every server here listens on 127.0.0.1 on a free port, lives in a temporary
directory, and is stopped by its pid.  Nothing is mocked.
"""
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Each family keeps its server fixtures in its own fixtures_*.py module
# (fixtures_telnet.py, fixtures_ssh_server.py, ...): loaded here as plugins.
pytest_plugins = sorted(
    p.stem for p in Path(__file__).parent.glob("fixtures_*.py"))
BIN = Path(os.environ.get("SHELLWIRE_BIN", REPO / "build" / "bin"))
# Under the sanitizer build, leaks inside linked libraries (tests/lsan.supp)
# must not change a program's exit status; every child inherits this.
os.environ.setdefault(
    "LSAN_OPTIONS",
    f"suppressions={REPO / 'tests' / 'lsan.supp'}:print_suppressions=0")


def program(name):
    """Path of a built shellwire program (the sanitized one under make check)."""
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is not built: run make first")
    return str(path)


def program_env(**extra):
    """Environment for running our programs: build/bin first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}"
    env.setdefault("LC_ALL", "C.UTF-8")
    env.update(extra)
    return env


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(host, port):
    """Whether something accepts on HOST:PORT.  A connect to a closed port
    in the ephemeral range can, rarely, pick that very port as its source
    and connect to itself (TCP simultaneous open): that is no listener."""
    for _ in range(3):
        try:
            with socket.create_connection((host, port), timeout=10) as sock:
                if sock.getsockname() != sock.getpeername():
                    return True
        except ConnectionRefusedError:
            return False
    return False


def wait_for_port(port, proc=None, timeout=10.0, host="127.0.0.1"):
    """Wait until something accepts on PORT; fail if PROC dies first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {host}:{port} after {timeout}s")


def stop_process(proc, timeout=5.0):
    """SIGTERM by pid, then SIGKILL if it lingers; always reaped."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def run(args, input=None, timeout=30, env=None, **kwargs):
    """Run a command to completion; returns CompletedProcess with text."""
    return subprocess.run(
        args, input=input, capture_output=True, timeout=timeout,
        env=env or program_env(), **kwargs)


def ssh_keygen(path, key_type="ed25519", comment="shellwire-test"):
    """A fresh key pair at PATH and PATH.pub, no passphrase."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", key_type, "-N", "", "-C", comment,
         "-f", str(path)], check=True, stdin=subprocess.DEVNULL)
    return Path(path)


class Sshd:
    """A private OpenSSH sshd run as the current user, in DIRECTORY.

    Host keys, the client key, authorized_keys and known_hosts are all made
    here at start-up; none is the user's own.  EXTRA_CONFIG lines are added
    to sshd_config (KexAlgorithms, Ciphers, ...).
    """

    def __init__(self, directory, extra_config=(), host_key_types=("ed25519",)):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.host = "127.0.0.1"
        self.user = os.environ.get("USER") or _current_user()
        self.host_keys = [ssh_keygen(self.dir / f"ssh_host_{t}_key", t)
                          for t in host_key_types]
        self.client_key = ssh_keygen(self.dir / "id_ed25519")
        self.authorized_keys = self.dir / "authorized_keys"
        shutil.copy(f"{self.client_key}.pub", self.authorized_keys)
        self.known_hosts = self.dir / "known_hosts"
        self.config = self.dir / "sshd_config"
        self.log = self.dir / "sshd.log"
        self.extra_config = list(extra_config)
        self.proc = None
        self.port = None

    def start(self, attempts=5):
        if os.geteuid() == 0:
            # As root, sshd insists on its privilege-separation directory.
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        for _ in range(attempts):
            self.port = free_port()
            self._write_config()
            self.proc = subprocess.Popen(
                ["/usr/sbin/sshd", "-D", "-e", "-f", str(self.config)],
                start_new_session=True,  # a terminal's Ctrl-C is not for it
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=open(self.log, "ab"))
            try:
                wait_for_port(self.port, self.proc)
                break
            except RuntimeError:
                continue  # the port was taken in between: try another
        else:
            raise RuntimeError("sshd would not start:\n" + self.log.read_text())
        with open(self.known_hosts, "w") as f:
            for key in self.host_keys:
                pub = Path(f"{key}.pub").read_text().split()
                f.write(f"[{self.host}]:{self.port} {pub[0]} {pub[1]}\n")
        return self

    def _write_config(self):
        lines = [
            f"Port {self.port}",
            f"ListenAddress {self.host}",
            *(f"HostKey {k}" for k in self.host_keys),
            f"PidFile {self.dir / 'sshd.pid'}",
            f"AuthorizedKeysFile {self.authorized_keys}",
            "StrictModes no",
            "UsePAM no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "PermitRootLogin prohibit-password",
            "PrintMotd no",
            "PrintLastLog no",
            "Subsystem sftp internal-sftp",
            "LogLevel VERBOSE",
            # bash skips ~/.bashrc for sshd's commands when it believes it
            # is nested: a test account's start-up files are not our test.
            "SetEnv SHLVL=1",
            *self.extra_config,
        ]
        self.config.write_text("\n".join(lines) + "\n")

    def ssh_args(self, *command):
        """An OpenSSH ssh command line for this server, ignoring ~/.ssh."""
        return ["ssh", "-F", "/dev/null", "-p", str(self.port),
                "-i", str(self.client_key), "-o", "IdentitiesOnly=yes",
                "-o", f"UserKnownHostsFile={self.known_hosts}",
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                f"{self.user}@{self.host}", *command]

    def lesson_env(self):
        """Variables and text substitutions for lesson transcripts."""
        env = {"SSHD_PORT": str(self.port), "SSHD_USER": self.user,
               "SSHD_KEY": str(self.client_key),
               "SSHD_KNOWN_HOSTS": str(self.known_hosts)}
        return env, {}

    def describe(self):
        """For `make playground`: where it is, and a command to try."""
        return [f"OpenSSH sshd   127.0.0.1 port {self.port}, user {self.user}",
                f"  try: ssh_commands -p {self.port} -i {self.client_key} "
                f"--known-hosts {self.known_hosts} {self.host} {self.user} "
                "'uname -a'"]

    def stop(self):
        if self.proc is not None:
            stop_process(self.proc)


def require_terminals():
    """sshd hands out terminals (pty-req) only when it runs as root: it must
    give the pty to the group tty.  Elsewhere a test that needs one skips."""
    if os.geteuid() != 0:
        pytest.skip("a private sshd run as a normal user cannot hand out "
                    "terminals (it must chown the pty to group tty)")


def start_sshd(directory):
    """The shared server's recipe, for the fixture and for make demo."""
    return Sshd(directory).start()


def _current_user():
    import pwd
    return pwd.getpwuid(os.geteuid()).pw_name


@pytest.fixture(scope="session")
def sshd(tmp_path_factory):
    """The shared OpenSSH server, started once for the whole run."""
    server = start_sshd(tmp_path_factory.mktemp("sshd"))
    yield server
    server.stop()


@pytest.fixture
def make_sshd(tmp_path_factory):
    """A factory for sshd servers with their own configuration."""
    servers = []

    def make(**kwargs):
        server = Sshd(tmp_path_factory.mktemp("sshd"), **kwargs).start()
        servers.append(server)
        return server
    yield make
    for server in servers:
        server.stop()
