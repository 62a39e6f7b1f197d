# SPDX-License-Identifier: GPL-3.0-or-later
"""Our SSH clients against servers that are not OpenSSH: dropbear and a
Paramiko server (paramiko_server.py).  What they taught: a server may send
a command's exit-status after its EOF (RFC 4254 6.10), or exit-signal, or
refuse a request; the clients must wait for CLOSE and say what happened."""
import os
import subprocess
from pathlib import Path

import pytest

from conftest import program, program_env
from fixtures_sshc import Client


def out(result):
    return result.stdout.decode().splitlines()


def err(result):
    return result.stderr.decode()


def run_client(server, name, *rest, options=(), timeout=30, **kw):
    return Client(server).run(name, *options, "127.0.0.1", server.user,
                              *rest, timeout=timeout, **kw)


# -- Paramiko --

def test_paramiko_exec_output_and_status(paramiko_server):
    server = paramiko_server("plain")
    result = run_client(server, "ssh_commands", "echo hi; echo oops >&2; "
                        "exit 3")
    assert out(result) == ['"hi\\n"', 'stderr: "oops\\n"', "exit status: 3"]
    assert result.returncode == 1


@pytest.mark.parametrize("name,args,says", [
    ("ssh_commands", ["echo x; exit 4"], None),
    ("ssh_threads", ["echo x; exit 4"], "'echo x; exit 4' exited with "
     "status 4"),
])
def test_exit_status_after_eof_is_waited_for(paramiko_server, name, args,
                                             says):
    server = paramiko_server("late-status")
    result = run_client(server, name, *args)
    assert result.returncode == 1, err(result)
    if says is None:
        assert out(result) == ['"x\\n"', "exit status: 4"]
    else:
        assert out(result) == ["x"]
        assert err(result) == f"{name}: {says}\n"


def test_ssh_cat_sees_a_late_exit_status(paramiko_server):
    server = paramiko_server("late-3")
    result = run_client(server, "ssh_cat")
    assert out(result) == ['We got this from "cat": This data will be echoed '
                           'back to us by "cat."']
    assert err(result) == "ssh_cat: cat exited with status 3\n"
    assert result.returncode == 1


def test_exit_signal_is_reported(paramiko_server):
    server = paramiko_server("signal")
    result = run_client(server, "ssh_commands", "echo x")
    assert out(result) == ['"x\\n"', "exit signal: KILL"]
    assert result.returncode == 1
    result = run_client(server, "ssh_threads", "echo y")
    assert err(result) == "ssh_threads: 'echo y' was killed by signal KILL\n"
    assert result.returncode == 1


@pytest.mark.parametrize("name,args", [("ssh_commands", ["true"]),
                                       ("ssh_cat", [])])
def test_a_refused_exec_says_so_as_openssh_does(paramiko_server, name, args):
    server = paramiko_server("refuse")
    result = run_client(server, name, *args)
    assert err(result) == (f"{name}: exec request failed on channel 0: "
                           "the server refused it\n")
    assert result.returncode == 1


def test_ssh_simple_gives_up_on_a_shell_that_never_ends(paramiko_server):
    server = paramiko_server("echo-shell")
    result = run_client(server, "ssh_simple", options=["--timeout", "2"],
                        timeout=20)
    assert result.stdout == b"echo Hello, world\nexit\n", err(result)
    assert err(result) == ("ssh_simple: the shell sent nothing for 2 s and "
                           "did not end: giving up\n")
    assert result.returncode == 5


def test_paramiko_password_login(paramiko_server, tmp_path):
    server = paramiko_server("plain")
    env = program_env(HOME=str(tmp_path))
    env.pop("SSH_AUTH_SOCK", None)
    result = Client(server).run(
        "ssh_commands", "--password-stdin", "127.0.0.1", server.user,
        "echo in", key=False, input=f"{server.password}\n".encode(), env=env)
    assert out(result) == ['"in\\n"'], err(result)
    assert result.returncode == 0


def test_sftp_get_from_paramiko(paramiko_server, tmp_path):
    server = paramiko_server("plain")
    source = tmp_path / "remote.bin"
    source.write_bytes(bytes(range(256)) * 1000)
    here = tmp_path / "here"
    here.mkdir()
    result = run_client(server, "sftp_get", str(source), cwd=here)
    assert result.returncode == 0, err(result)
    assert (here / "remote.bin").read_bytes() == source.read_bytes()


def test_sftp_get_asks_no_further_than_just_past_the_end(paramiko_server,
                                                        tmp_path):
    """libssh2 1.10 reads 8 MiB ahead whatever the file's size: for a
    1000-byte file that was 280 READs out and 280 answers back.  sftp_get
    asks for what is left and one READ past the end, whose end-of-file
    answer comes in the same round trip as the last bytes."""
    server = paramiko_server("plain")
    here = tmp_path / "here"
    here.mkdir()
    for size, most in ((1000, 2), ((3 << 20) + 7, (3 << 20) // 30000 + 3)):
        source = tmp_path / f"remote_{size}.bin"
        source.write_bytes(os.urandom(size))
        result = run_client(server, "sftp_get", str(source), cwd=here)
        assert result.returncode == 0, err(result)
        assert (here / source.name).read_bytes() == source.read_bytes()
        reads = server.reads()
        past_the_end = [offset for offset, _ in reads if offset >= size]
        assert len(past_the_end) == 1, reads
        assert len(reads) <= most, reads


def test_ssh_inspect_sees_paramiko(paramiko_server):
    server = paramiko_server("plain")
    result = subprocess.run(
        [program("ssh_inspect"), "-p", str(server.port), "--known-hosts",
         str(server.known_hosts), "127.0.0.1", server.user],
        capture_output=True, timeout=30)
    assert result.returncode == 0, err(result)
    text = result.stdout.decode()
    assert "SSH-2.0-paramiko_" in text
    assert text.endswith("  methods                    publickey\n" +
                         " " * 29 + "password\n")


# -- dropbear --

def test_dropbear_ssh_commands_and_threads(dropbear):
    result = run_client(dropbear, "ssh_commands", "echo hi; exit 3",
                        "exec >&- 2>&-; sleep 0.5; exit 4")
    assert out(result) == ['"hi\\n"', "exit status: 3", '""',
                           "exit status: 4"], err(result)
    result = run_client(dropbear, "ssh_threads", "echo A; sleep 0.3; echo B",
                        "echo 1")
    assert sorted(out(result)) == ["1", "A", "B"], err(result)
    assert result.returncode == 0


def test_dropbear_ssh_cat(dropbear):
    result = run_client(dropbear, "ssh_cat")
    assert out(result) == ['We got this from "cat": This data will be echoed '
                           'back to us by "cat."'], err(result)
    assert result.returncode == 0


def test_dropbear_ssh_simple(dropbear):
    result = run_client(dropbear, "ssh_simple", options=["--timeout", "5"])
    assert result.returncode == 0, err(result)
    assert "Hello, world" in result.stdout.decode()


def test_dropbear_sftp_get(dropbear, tmp_path):
    result = run_client(dropbear, "sftp_get", "/etc/hostname", cwd=tmp_path)
    assert result.returncode == 0, err(result)
    assert (tmp_path / "hostname").read_bytes() == \
        Path("/etc/hostname").read_bytes()


def test_dropbear_ssh_inspect(dropbear):
    result = subprocess.run(
        [program("ssh_inspect"), "-p", str(dropbear.port), "--known-hosts",
         str(dropbear.known_hosts), "127.0.0.1"],
        capture_output=True, timeout=30)
    assert result.returncode == 0, err(result)
    assert "SSH-2.0-dropbear" in result.stdout.decode()
