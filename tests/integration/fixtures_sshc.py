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
from pathlib import Path

import pytest

from conftest import (Sshd, program, program_env, run, ssh_keygen,
                      stop_process)


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


@pytest.fixture(scope="session")
def sshc_server(tmp_path_factory):
    """The session's sshd, with an RSA key and a passphrase-protected
    ed25519 key also authorized (OpenSSH still refuses the RSA one)."""
    server = Sshd(tmp_path_factory.mktemp("sshc-sshd"),
                  extra_config=[CLEAN_SHELL])
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
    server.start()
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
        subprocess.run(["sleep", "0.02"])
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

    def _write_config(self):
        super()._write_config()
        text = self.config.read_text()
        for name in ("UsePAM", "PasswordAuthentication",
                     "KbdInteractiveAuthentication"):
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
        try:
            yield server, name, password
        finally:
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


@pytest.fixture
def sshc_play(sshc_server):
    """The clients' sshd for lesson transcripts."""
    return LessonServer(sshc_server)


@pytest.fixture(scope="session")
def book_sshd(tmp_path_factory):
    """An sshd whose shell is always /bin/sh with the prompt "$ ", started
    a moment late so that what the client typed arrives first: the book's
    ssh_simple transcript, byte for byte, whatever the account's shell."""
    server = Sshd(tmp_path_factory.mktemp("book-sshd"), extra_config=[
        CLEAN_SHELL, "ForceCommand sleep 0.3; PS1='$ ' exec /bin/sh"]).start()
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
