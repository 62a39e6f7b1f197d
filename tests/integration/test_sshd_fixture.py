# SPDX-License-Identifier: GPL-3.0-or-later
"""The sshd fixture itself: a real OpenSSH client logs in with the test key."""
import subprocess

from conftest import run


def test_openssh_client_logs_in_with_the_test_key(sshd):
    result = run(sshd.ssh_args("echo", "key login works"),
                 stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == b"key login works\n"


def test_unknown_key_is_refused(sshd, tmp_path):
    from conftest import ssh_keygen
    stranger = ssh_keygen(tmp_path / "stranger")
    args = sshd.ssh_args("true")
    args[args.index(str(sshd.client_key))] = str(stranger)
    result = run(args, stdin=subprocess.DEVNULL)
    assert result.returncode == 255
    assert b"Permission denied (publickey)" in result.stderr
