# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the libssh2 clients (ssh_simple, ssh_commands, ssh_threads,
sftp_get, ssh_cat): extra client keys, an ssh-agent, a password account.

Every key and password is made at test time; every process is stopped by
its pid; the throwaway account is removed again.
"""
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import (Sshd, free_port, program, program_env,
                      require_terminals, run, ssh_keygen, stop_process,
                      wait_for_port)


# Bash started by sshd at shell level 1 reads the account's ~/.bashrc even
# for `bash -c true`; at level 2 it does not.  Tests measure our programs,
# not the test user's start-up files (a pyenv init there costs 0.3 s).
CLEAN_SHELL = "SetEnv SHLVL=1"


class Client:
    """How a test runs one of our SSH clients against one sshd."""

    def __init__(self, server, key=None, known_hosts=None):
        self.server = server
        self.key = key or server.client_key
        self.known_hosts = known_hosts or server.known_hosts

    def args(self, name, *rest, key=True, known_hosts=True):
        """NAME's command line: port, key, known_hosts, then REST."""
        args = [program(name), "-p", str(self.server.port)]
        if key:
            args += ["-i", str(self.key)]
        if known_hosts:
            args += ["--known-hosts", str(self.known_hosts)]
        return args + list(rest)

    def run(self, name, *rest, input=None, env=None, timeout=60, cwd=None,
            **kw):
        """Run NAME without a controlling terminal (so no /dev/tty)."""
        if env is None:
            # The tester's own ssh-agent must not change what is tried.
            env = program_env()
            env.pop("SSH_AUTH_SOCK", None)
        return run(self.args(name, *rest, **kw), input=input, env=env,
                   timeout=timeout, start_new_session=True, cwd=cwd,
                   stdin=None if input is not None else subprocess.DEVNULL)


def start_client_sshd(directory):
    """The clients' sshd: an RSA key and a passphrase-protected ed25519 key
    are authorized too (OpenSSH still refuses the RSA one)."""
    server = Sshd(directory, extra_config=[CLEAN_SHELL])
    server.rsa_key = ssh_keygen(server.dir / "id_rsa", "rsa")
    server.passphrase = secrets.token_hex(8)
    server.locked_key = server.dir / "id_locked"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", server.passphrase,
         "-C", "locked", "-f", str(server.locked_key)],
        check=True, stdin=subprocess.DEVNULL)
    with open(server.authorized_keys, "a") as f:
        for key in (server.rsa_key, server.locked_key):
            f.write(Path(f"{key}.pub").read_text())
    return server.start()


def start_book_sshd(directory):
    """An sshd whose shell is always /bin/sh with the prompt "$ ", started
    a moment late so that what the client typed arrives first: the book's
    ssh_simple transcript, byte for byte, whatever the account's shell."""
    require_terminals()
    return Sshd(directory, extra_config=[
        CLEAN_SHELL, "ForceCommand sleep 0.3; PS1='$ ' exec /bin/sh"]).start()


def start_sshc_play(directory):
    """For make demo (scripts/lab.py): the clients' sshd as lessons see it."""
    return LessonServer(start_client_sshd(directory))


def start_sshc_book(directory):
    """For make demo: the book's-shell sshd as lesson 5 sees it."""
    return LessonServer(start_book_sshd(directory))


@pytest.fixture(scope="session")
def sshc_server(tmp_path_factory):
    """The session's sshd for the clients."""
    server = start_client_sshd(tmp_path_factory.mktemp("sshc-sshd"))
    yield server
    server.stop()


@pytest.fixture
def client(sshc_server):
    return Client(sshc_server)


@pytest.fixture
def ssh_agent(tmp_path):
    """An ssh-agent of the test's own, on a socket in TMP_PATH."""
    sock = tmp_path / "agent.sock"
    proc = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(200):
        if sock.exists():
            break
        if proc.poll() is not None:
            pytest.fail("ssh-agent exited")
        time.sleep(0.02)
    env = dict(os.environ, SSH_AUTH_SOCK=str(sock))

    def add(key):
        result = run(["ssh-add", str(key)], env=env,
                     stdin=subprocess.DEVNULL)
        assert result.returncode == 0, result.stderr

    proc.add, proc.sock = add, str(sock)
    yield proc
    stop_process(proc)


class PamSshd(Sshd):
    """An sshd that asks for passwords through PAM (keyboard-interactive
    and password), which the shared fixture turns off."""

    kbdint = True

    def _write_config(self):
        super()._write_config()
        text = self.config.read_text()
        names = ["UsePAM", "PasswordAuthentication"]
        if self.kbdint:
            names.append("KbdInteractiveAuthentication")
        for name in names:
            text = text.replace(f"{name} no", f"{name} yes")
        self.config.write_text(text)


@pytest.fixture(scope="module")
def password_account(tmp_path_factory):
    """A throwaway local account with a random password, and an sshd that
    takes passwords.  Needs root (CI); skipped elsewhere."""
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("creating a throwaway account needs root and useradd")
    # Not under pytest's own 0700 directory: the account must reach it.
    home = Path(tempfile.mkdtemp(prefix="swpw-home-"))
    name = "swpw" + secrets.token_hex(3)
    password = secrets.token_urlsafe(12)
    subprocess.run(["useradd", "-M", "-d", str(home), "-s", "/bin/sh", name],
                   check=True)
    try:
        os.chown(home, *_ids(name))
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n".encode(),
                       check=True)
        server = PamSshd(tmp_path_factory.mktemp("pam-sshd")).start()
        # The same account on a server that takes only "password".
        server.password_only = PamSshd(tmp_path_factory.mktemp("pw-sshd"))
        server.password_only.kbdint = False
        try:
            server.password_only.start()
            yield server, name, password
        finally:
            server.password_only.stop()
            server.stop()
    finally:
        subprocess.run(["userdel", name], check=False)
        shutil.rmtree(home, ignore_errors=True)


def _ids(name):
    import pwd
    entry = pwd.getpwnam(name)
    return entry.pw_uid, entry.pw_gid


class LessonServer:
    """What a lesson transcript sees: `-p 2222` stands for the test
    server's real port with its throwaway key and known_hosts, `brandon`
    for the user that sshd runs as."""

    def __init__(self, server):
        self.server = server

    def lesson_env(self):
        s = self.server
        env = {"SSHD_PORT": str(s.port), "SSHD_KEY": str(s.client_key),
               "SSHD_KNOWN_HOSTS": str(s.known_hosts),
               "SSHD_DIR": str(s.dir)}
        text = {"-p 2222": f"-p {s.port} -i {s.client_key} "
                           f"--known-hosts {s.known_hosts}",
                ":2222": f":{s.port}",
                "brandon": s.user}
        return env, text

    def stop(self):
        self.server.stop()


@pytest.fixture
def sshc_play(sshc_server):
    """The clients' sshd for lesson transcripts."""
    return LessonServer(sshc_server)


@pytest.fixture(scope="session")
def book_sshd(tmp_path_factory):
    """The book's ssh_simple server (start_book_sshd)."""
    server = start_book_sshd(tmp_path_factory.mktemp("book-sshd"))
    yield server
    server.stop()


@pytest.fixture
def sshc_book(book_sshd):
    return LessonServer(book_sshd)


class DropProxy:
    """A TCP relay from 127.0.0.1 to PORT that can cut the connection
    (both ways) once the server has sent CUT_AFTER bytes, or stall."""

    def __init__(self, port, cut_after=None, stall_after=None):
        import socket
        import threading
        self.target = port
        self.cut_after, self.stall_after = cut_after, stall_after
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.sent = 0
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.sockets = [self.listener]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        import socket
        import threading
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        server = socket.create_connection(("127.0.0.1", self.target))
        self.sockets += [client, server]
        threading.Thread(target=self._pump, args=(client, server, False),
                         daemon=True).start()
        self._pump(server, client, True)

    def _pump(self, src, dst, from_server):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
                if from_server:
                    self.sent += len(data)
                    if self.stall_after and self.sent >= self.stall_after:
                        self.stalled.set()
                        self.release.wait(60)
                    if self.cut_after and self.sent >= self.cut_after:
                        break
        except OSError:
            pass
        self.close()

    def close(self):
        import socket
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


@pytest.fixture
def drop_proxy():
    proxies = []

    def make(port, **kwargs):
        proxies.append(DropProxy(port, **kwargs))
        return proxies[-1]
    yield make
    for proxy in proxies:
        proxy.release.set()
        proxy.close()


# -- Other SSH servers for the interop suite (test_interop_ssh_clients.py) --

class ParamikoServer:
    """tests/integration/paramiko_server.py in MODE, as a process of its
    own: a throwaway host key, client key and password."""

    def __init__(self, directory, mode="plain"):
        self.dir = Path(directory)
        self.host, self.user, self.mode = "127.0.0.1", "tester", mode
        self.host_key = ssh_keygen(self.dir / "host_key")
        self.client_key = ssh_keygen(self.dir / "id_ed25519")
        self.password = secrets.token_urlsafe(12)
        self.known_hosts = self.dir / "known_hosts"
        script = Path(__file__).with_name("paramiko_server.py")
        self.read_log = self.dir / "reads"
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", str(script), str(self.host_key),
             f"{self.client_key}.pub", self.password, mode],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
            env={**os.environ, "SHELLWIRE_SFTP_READS": str(self.read_log)},
            start_new_session=True)
        line = self.proc.stdout.readline().decode().split()
        if line[:1] != ["PORT"]:
            stop_process(self.proc)
            raise RuntimeError("the Paramiko server did not start")
        self.port = int(line[1])
        pub = Path(f"{self.host_key}.pub").read_text().split()
        self.known_hosts.write_text(f"[127.0.0.1]:{self.port} {pub[0]} "
                                    f"{pub[1]}\n")

    def reads(self):
        """The SFTP READs served since the last call: (offset, length)."""
        try:
            text = self.read_log.read_text()
        except FileNotFoundError:
            return []
        self.read_log.unlink()
        return [tuple(map(int, line.split())) for line in text.splitlines()]

    def stop(self):
        stop_process(self.proc)


@pytest.fixture
def paramiko_server(tmp_path_factory):
    """A factory: paramiko_server(MODE) -> a running ParamikoServer."""
    servers = []

    def start(mode="plain"):
        servers.append(ParamikoServer(tmp_path_factory.mktemp("pmk"), mode))
        return servers[-1]
    yield start
    for server in servers:
        server.stop()


class Dropbear:
    """dropbear -F -E on 127.0.0.1 with a host key dropbearkey makes now,
    for a throwaway account whose ~/.ssh/authorized_keys holds our key
    (dropbear logs in only real accounts).  Needs root (CI)."""

    def __init__(self, directory, user, home):
        self.dir = Path(directory)
        self.host, self.user = "127.0.0.1", user
        self.host_key = self.dir / "dropbear_ed25519"
        subprocess.run(["dropbearkey", "-t", "ed25519", "-f",
                        str(self.host_key)], check=True,
                       capture_output=True)
        self.client_key = ssh_keygen(self.dir / "id_ed25519")
        ssh_dir = home / ".ssh"
        ssh_dir.mkdir(mode=0o700)
        shutil.copy(f"{self.client_key}.pub", ssh_dir / "authorized_keys")
        for path in (home, ssh_dir, ssh_dir / "authorized_keys"):
            os.chown(path, *_ids(user))
        self.known_hosts = self.dir / "known_hosts"
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["dropbear", "-F", "-E", "-s", "-p", f"127.0.0.1:{self.port}",
             "-r", str(self.host_key), "-P", str(self.dir / "pid")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.dir / "dropbear.log", "ab"),
            start_new_session=True)
        wait_for_port(self.port, self.proc)
        pub = subprocess.run(["dropbearkey", "-y", "-f", str(self.host_key)],
                             capture_output=True, check=True).stdout
        line = next(l for l in pub.decode().splitlines()
                    if l.startswith("ssh-ed25519 "))
        self.known_hosts.write_text(f"[127.0.0.1]:{self.port} "
                                    f"{' '.join(line.split()[:2])}\n")

    def stop(self):
        stop_process(self.proc)


@pytest.fixture(scope="module")
def dropbear(tmp_path_factory):
    """A dropbear server and a throwaway account for it."""
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("dropbear logs in real accounts: needs root and useradd")
    if shutil.which("dropbear") is None:
        pytest.skip("dropbear is not installed (scripts/install-deps.sh)")
    home = Path(tempfile.mkdtemp(prefix="swdb-home-"))
    name = "swdb" + secrets.token_hex(3)
    subprocess.run(["useradd", "-M", "-d", str(home), "-s", "/bin/sh", name],
                   check=True)
    server = None
    try:
        server = Dropbear(tmp_path_factory.mktemp("dropbear"), name, home)
        yield server
    finally:
        if server is not None:
            server.stop()
        subprocess.run(["userdel", name], check=False)
        shutil.rmtree(home, ignore_errors=True)
