# SPDX-License-Identifier: GPL-3.0-or-later
"""An OpenSSH sshd with short, known algorithm lists, for ssh_inspect.

Its sshd_config names every list ssh_inspect reads from the KEXINIT, each
in an order that differs from what a client prefers, so that the tests and
lessons/11-ssh-handshake.md can show the client's choice winning (RFC 4253
section 7.1).  It has three host keys, of which HostKeyAlgorithms offers
two, and password logins for the current user only (a Match block: sshd
keeps the first value of a global keyword, and conftest's come first).
"""
import pytest

from conftest import Sshd

KEX = ["ecdh-sha2-nistp256", "curve25519-sha256"]
CIPHERS = ["aes256-ctr", "aes128-ctr"]
MACS = ["hmac-sha2-512", "hmac-sha2-256"]
HOST_KEY_ALGORITHMS = ["ecdsa-sha2-nistp256", "ssh-ed25519"]
# The port the lesson shows; the checker puts the real one in its place.
LESSON_PORT = "2222"
# The user the lesson shows (the one with password logins); likewise.
LESSON_USER = "alice"
LESSON_HOME = "/home/alice"


class InspectSshd(Sshd):
    """Sshd with the lists above, and the lesson's text substitutions."""

    def __init__(self, directory):
        super().__init__(
            directory, host_key_types=("ed25519", "ecdsa", "rsa"),
            extra_config=[
                "KexAlgorithms " + ",".join(KEX),
                "Ciphers " + ",".join(CIPHERS),
                "MACs " + ",".join(MACS),
                "HostKeyAlgorithms " + ",".join(HOST_KEY_ALGORITHMS),
            ])
        self.extra_config += [f"Match User {self.user}",
                              "    PasswordAuthentication yes"]

    def start(self, attempts=5):
        """Start sshd, and give the lesson a HOME whose known_hosts knows it."""
        super().start(attempts)
        self.home = self.dir / "home"
        (self.home / ".ssh").mkdir(parents=True, exist_ok=True)
        (self.home / ".ssh" / "known_hosts").write_text(
            self.known_hosts.read_text())
        return self

    def lesson_env(self):
        env, inherited = super().lesson_env()
        env["HOME"] = str(self.home)
        # The home directory first: it holds LESSON_USER's name.
        return env, {LESSON_HOME: str(self.home),
                     f"-p {LESSON_PORT}": f"-p {self.port}",
                     f"port {LESSON_PORT}": f"port {self.port}",
                     f"]:{LESSON_PORT}": f"]:{self.port}",
                     LESSON_USER: self.user, **inherited}


@pytest.fixture(scope="session")
def inspect_sshd(tmp_path_factory):
    """One configured sshd for the ssh_inspect tests and the lesson."""
    server = InspectSshd(tmp_path_factory.mktemp("inspect_sshd")).start()
    yield server
    server.stop()
