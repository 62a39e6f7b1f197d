# SPDX-License-Identifier: GPL-3.0-or-later
"""ssh_commands against a real OpenSSH sshd: output, host keys, logins."""
import re
import shutil
import subprocess
from pathlib import Path

import pexpect

from conftest import program, program_env, ssh_keygen
from fixtures_sshc import Client

UPTIME = re.compile(r'^" \d\d:\d\d:\d\d up .*load average: .*\\n"$')


def lines(result):
    return result.stdout.decode().splitlines()


def error(result):
    return result.stderr.decode()


def fingerprint(pub):
    out = subprocess.run(["ssh-keygen", "-l", "-f", str(pub)],
                         capture_output=True, check=True).stdout.decode()
    return out.split()[1]


def host_key_line(server, name=None, key_type="ed25519"):
    pub = Path(f"{server.dir}/ssh_host_{key_type}_key.pub").read_text()
    name = name or f"[{server.host}]:{server.port}"
    return f"{name} {' '.join(pub.split()[:2])}\n"


# -- What it prints --

def test_default_commands_print_the_books_three_lines(client):
    result = client.run("ssh_commands", "127.0.0.1", client.server.user)
    assert result.returncode == 0, error(result)
    out = lines(result)
    assert out[:2] == ['"Hello, world!\\n"', '"Linux\\n"']
    assert len(out) == 3 and UPTIME.match(out[2]), out
    assert result.stderr == b""


def test_user_at_host_and_each_command_on_its_own_channel(client):
    result = client.run("ssh_commands", f"{client.server.user}@127.0.0.1",
                        "printf 'a\\tb'", "echo $$", "echo $$")
    assert result.returncode == 0, error(result)
    out = lines(result)
    assert out[0] == '"a\\tb"'
    # Two channels, two shells: two different process ids.
    assert out[1] != out[2]


def test_stderr_and_exit_status_are_shown(client):
    result = client.run("ssh_commands", "127.0.0.1", client.server.user,
                        "echo out; echo err >&2; exit 3", "nosuchcommand",
                        "kill -TERM $$", "echo still here")
    assert result.returncode == 1
    out = lines(result)
    assert out[:4] == ['"out\\n"', 'stderr: "err\\n"', "exit status: 3", '""']
    # The login shell's words: bash and dash say it differently.
    assert re.fullmatch(r'stderr: ".*nosuchcommand: .*not found\\n"', out[4])
    assert out[5:] == ["exit status: 127", '""', "exit signal: TERM",
                       '"still here\\n"']


def test_megabytes_on_stderr_do_not_deadlock(client):
    # 3 MB of stderr is many channel windows: a loop that reads only
    # stdout would wait forever for the server, which waits for us.
    result = client.run(
        "ssh_commands", "127.0.0.1", client.server.user,
        "head -c 3000000 /dev/zero | tr '\\0' e >&2; echo done",
        timeout=120)
    assert result.returncode == 0, error(result)[-300:]
    out = lines(result)
    assert out[0] == '"done\\n"'
    assert out[1] == 'stderr: "' + "e" * 3000000 + '"'


def test_both_streams_interleaved_in_megabytes(client):
    # Windows fill on both streams in turn; nothing may sit unread.
    script = ("for i in $(seq 100); do head -c 20000 /dev/zero | tr '\\0' o;"
              " head -c 20000 /dev/zero | tr '\\0' e >&2; done")
    result = client.run("ssh_commands", "127.0.0.1", client.server.user,
                        script, timeout=120)
    assert result.returncode == 0, error(result)[-300:]
    assert lines(result) == ['"' + "o" * 2000000 + '"',
                             'stderr: "' + "e" * 2000000 + '"']


def test_a_quiet_pause_is_not_the_end(client):
    result = client.run("ssh_commands", "127.0.0.1", client.server.user,
                        "echo early; sleep 1; echo late")
    assert lines(result) == ['"early\\nlate\\n"']


# -- Host keys --

def test_unknown_host_without_terminal_is_refused(client, tmp_path):
    empty = tmp_path / "known_hosts"
    result = Client(client.server, known_hosts=empty).run(
        "ssh_commands", "127.0.0.1", client.server.user, "true")
    fp = fingerprint(f"{client.server.dir}/ssh_host_ed25519_key.pub")
    assert result.returncode == 8
    assert result.stdout == b""
    assert error(result) == (
        f"ssh_commands: ED25519 host key for [127.0.0.1]:{client.server.port}"
        f" is not known ({fp}) and there is no terminal to ask: check it, "
        "then use --accept-new or --fingerprint\n")
    assert not empty.exists()


def test_accept_new_records_the_key_then_it_is_known(client, tmp_path):
    known = tmp_path / "sub" / "known_hosts"
    (tmp_path / "sub").mkdir()
    c = Client(client.server, known_hosts=known)
    first = c.run("ssh_commands", "--accept-new", "127.0.0.1",
                  client.server.user, "echo first")
    assert first.returncode == 0, error(first)
    assert lines(first) == ['"first\\n"']
    assert error(first) == (
        f"ssh_commands: permanently added '[127.0.0.1]:{client.server.port}'"
        f" (ED25519) to {known}\n")
    assert known.read_text() == host_key_line(client.server)
    assert known.stat().st_mode & 0o777 == 0o600
    second = c.run("ssh_commands", "127.0.0.1", client.server.user, "true")
    assert second.returncode == 0 and second.stderr == b""


def test_accept_new_makes_the_ssh_directory_as_ssh_does(client, tmp_path):
    result = client.run("ssh_commands", "--accept-new", "127.0.0.1",
                        client.server.user, "echo made", known_hosts=False,
                        env=program_env(HOME=str(tmp_path)))
    assert result.returncode == 0, error(result)
    known = tmp_path / ".ssh" / "known_hosts"
    assert error(result) == (
        f"ssh_commands: permanently added '[127.0.0.1]:{client.server.port}'"
        f" (ED25519) to {known}\n")
    assert (tmp_path / ".ssh").stat().st_mode & 0o777 == 0o700
    assert known.stat().st_mode & 0o777 == 0o600
    assert known.read_text() == host_key_line(client.server)


def test_changed_key_is_refused_loudly_naming_file_and_line(client, tmp_path):
    stranger = ssh_keygen(tmp_path / "stranger")
    known = tmp_path / "known_hosts"
    pub = Path(f"{stranger}.pub").read_text().split()
    known.write_text("# first line is a comment\n"
                     f"[127.0.0.1]:{client.server.port} {pub[0]} {pub[1]}\n")
    result = Client(client.server, known_hosts=known).run(
        "ssh_commands", "--accept-new", "127.0.0.1", client.server.user,
        "echo never")
    assert result.returncode == 8
    assert result.stdout == b""
    err = error(result)
    assert "WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!" in err
    assert err.endswith(
        f"ssh_commands: ED25519 host key for [127.0.0.1]:{client.server.port}"
        f" has changed (offending key in {known}:2): refusing to connect\n")
    assert f"ssh-keygen -R '[127.0.0.1]:{client.server.port}' -f {known}" in err


def test_pinned_fingerprint_right_and_wrong(client, tmp_path):
    fp = fingerprint(f"{client.server.dir}/ssh_host_ed25519_key.pub")
    c = Client(client.server, known_hosts=tmp_path / "none")
    good = c.run("ssh_commands", "--fingerprint", fp, "127.0.0.1",
                 client.server.user, "echo pinned")
    assert good.returncode == 0, error(good)
    assert lines(good) == ['"pinned\\n"']
    wrong = "SHA256:" + "A" * 43
    bad = c.run("ssh_commands", "--fingerprint", wrong, "127.0.0.1",
                client.server.user, "echo never")
    assert bad.returncode == 8 and bad.stdout == b""
    assert error(bad) == (
        f"ssh_commands: ED25519 host key for [127.0.0.1]:{client.server.port}"
        f" is {fp}, not the pinned {wrong}: refusing to connect\n")
    assert not (tmp_path / "none").exists()


def test_hashed_known_hosts_entry_is_understood(client, tmp_path):
    known = tmp_path / "known_hosts"
    shutil.copy(client.server.known_hosts, known)
    subprocess.run(["ssh-keygen", "-H", "-f", str(known)], check=True,
                   capture_output=True)
    assert known.read_text().startswith("|1|")
    result = Client(client.server, known_hosts=known).run(
        "ssh_commands", "127.0.0.1", client.server.user, "echo hashed")
    assert result.returncode == 0, error(result)
    assert lines(result) == ['"hashed\\n"']


def test_plain_host_entry_does_not_vouch_for_another_port(client, tmp_path):
    # OpenSSH keys a non-22 port as [host]:port; "127.0.0.1 KEY" is port 22.
    known = tmp_path / "known_hosts"
    known.write_text(host_key_line(client.server, name="127.0.0.1"))
    result = Client(client.server, known_hosts=known).run(
        "ssh_commands", "127.0.0.1", client.server.user, "true")
    assert result.returncode == 8
    assert "is not known" in error(result)


def test_ed25519_in_known_hosts_wins_over_libssh2s_ecdsa_choice(make_sshd):
    # libssh2 1.10 alone would ask for ECDSA and find it "unknown".
    server = make_sshd(host_key_types=("ecdsa", "ed25519"))
    for key_type in ("ed25519", "ecdsa"):
        known = server.dir / f"known_{key_type}"
        known.write_text(host_key_line(server, key_type=key_type))
        result = Client(server, known_hosts=known).run(
            "ssh_commands", "127.0.0.1", server.user, "echo ok")
        assert result.returncode == 0, (key_type, error(result))
        assert lines(result) == ['"ok\\n"']


def test_unknown_host_on_a_terminal_asks_yes_or_no(client, tmp_path):
    known = tmp_path / "known_hosts"
    args = Client(client.server, known_hosts=known).args(
        "ssh_commands", "127.0.0.1", client.server.user, "echo asked")
    fp = fingerprint(f"{client.server.dir}/ssh_host_ed25519_key.pub")
    for answer, status in (("no", 8), ("yes", 0)):
        child = pexpect.spawn(args[0], args[1:], env=program_env(),
                              timeout=30)
        child.expect_exact(
            f"The authenticity of host '[127.0.0.1]:{client.server.port}' "
            "can't be established.")
        child.expect_exact(f"ED25519 key fingerprint is {fp}.")
        child.expect_exact("(yes/no)? ")
        child.sendline(answer)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == status
        if answer == "no":
            assert not known.exists()
    # The pseudo-terminal turns the program's \n into \r\n.
    assert child.before.decode().endswith('"asked\\n"\r\n')
    assert known.read_text() == host_key_line(client.server)


# -- Logging in --

def test_default_key_from_home(client, tmp_path):
    ssh_dir = tmp_path / ".ssh"
    ssh_dir.mkdir()
    shutil.copy(client.server.client_key, ssh_dir / "id_ed25519")
    shutil.copy(client.server.known_hosts, ssh_dir / "known_hosts")
    result = client.run("ssh_commands", "127.0.0.1", client.server.user,
                        "echo home", key=False, known_hosts=False,
                        env=program_env(HOME=str(tmp_path)))
    assert result.returncode == 0, error(result)
    assert lines(result) == ['"home\\n"']


def test_ssh_agent_started_by_the_test(client, ssh_agent, tmp_path):
    ssh_agent.add(client.server.client_key)
    env = program_env(HOME=str(tmp_path), SSH_AUTH_SOCK=ssh_agent.sock)
    result = client.run("ssh_commands", "127.0.0.1", client.server.user,
                        "echo agent", key=False, env=env)
    assert result.returncode == 0, error(result)
    assert lines(result) == ['"agent\\n"']


def test_rsa_key_in_agent_is_refused_with_the_reason(client, ssh_agent,
                                                     tmp_path):
    ssh_agent.add(client.server.rsa_key)
    env = program_env(HOME=str(tmp_path), SSH_AUTH_SOCK=ssh_agent.sock)
    result = client.run("ssh_commands", "127.0.0.1", client.server.user,
                        "true", key=False, env=env)
    assert result.returncode == 7
    assert error(result).splitlines() == [
        f"ssh_commands: authentication failed for {client.server.user}"
        "@127.0.0.1: tried ssh-agent (1 key); the server offers publickey",
        RSA_REASON]


RSA_REASON = (
    "ssh_commands: an RSA key was refused: libssh2 1.10 signs only with "
    "ssh-rsa (SHA-1), which OpenSSH 8.8 and later refuse; use an ed25519 "
    "or ECDSA key")


def test_rsa_key_file_is_refused_with_the_reason(client):
    key = client.server.rsa_key
    result = Client(client.server, key=key).run(
        "ssh_commands", "127.0.0.1", client.server.user, "true")
    assert result.returncode == 7
    assert error(result).splitlines() == [
        f"ssh_commands: authentication failed for {client.server.user}"
        f"@127.0.0.1: tried {key} (refused); the server offers publickey",
        RSA_REASON]


def test_passphrase_from_stdin(client):
    c = Client(client.server, key=client.server.locked_key)
    good = c.run("ssh_commands", "--password-stdin", "127.0.0.1",
                 client.server.user, "echo unlocked",
                 input=(client.server.passphrase + "\n").encode())
    assert good.returncode == 0, error(good)
    assert lines(good) == ['"unlocked\\n"']
    bad = c.run("ssh_commands", "--password-stdin", "127.0.0.1",
                client.server.user, "true", input=b"wrong\n")
    assert bad.returncode == 7
    assert error(bad) == (
        f"ssh_commands: authentication failed for {client.server.user}"
        f"@127.0.0.1: tried {client.server.locked_key} (wrong passphrase); "
        "the server offers publickey\n")


def test_passphrase_asked_on_the_terminal(client):
    c = Client(client.server, key=client.server.locked_key)
    args = c.args("ssh_commands", "127.0.0.1", client.server.user,
                  "echo typed")
    child = pexpect.spawn(args[0], args[1:], env=program_env(), timeout=30)
    child.expect_exact(
        f"Enter passphrase for key '{client.server.locked_key}': ")
    child.sendline(client.server.passphrase)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert client.server.passphrase not in child.before.decode()
    assert child.before.decode().strip() == '"typed\\n"'


def test_no_key_at_all_says_what_was_tried(client, tmp_path):
    result = client.run("ssh_commands", "127.0.0.1", client.server.user,
                        "true", key=False,
                        env=program_env(HOME=str(tmp_path)))
    assert result.returncode == 7
    assert error(result) == (
        f"ssh_commands: authentication failed for {client.server.user}"
        "@127.0.0.1: tried nothing; the server offers publickey\n")


def test_missing_or_broken_key_file_is_named(client, tmp_path):
    # As ssh does: a warning about the file, then the other ways; here
    # there are none, so the summary follows.
    env = program_env(HOME=str(tmp_path))
    missing = tmp_path / "no-such-key"
    result = Client(client.server, key=missing).run(
        "ssh_commands", "127.0.0.1", client.server.user, "true", env=env)
    assert result.returncode == 7
    assert error(result).splitlines() == [
        f"ssh_commands: {missing}: No such file or directory",
        f"ssh_commands: authentication failed for {client.server.user}"
        f"@127.0.0.1: tried {missing} (unreadable); the server offers "
        "publickey"]
    garbage = tmp_path / "garbage"
    garbage.write_text("not a key\n")
    result = Client(client.server, key=garbage).run(
        "ssh_commands", "127.0.0.1", client.server.user, "true", env=env)
    assert result.returncode == 7
    assert error(result) == (
        f"ssh_commands: authentication failed for {client.server.user}"
        f"@127.0.0.1: tried {garbage} (not a key libssh2 can read); the "
        "server offers publickey\n")


def test_password_and_keyboard_interactive(password_account, tmp_path):
    server, name, password = password_account
    c = Client(server)
    env = program_env(HOME=str(tmp_path))
    # PAM asks through keyboard-interactive (RFC 4256), which comes first.
    good = c.run("ssh_commands", "--password-stdin", "127.0.0.1", name,
                 "echo $USER", key=False, env=env,
                 input=(password + "\n").encode())
    assert good.returncode == 0, error(good)
    assert lines(good) == [f'"{name}\\n"']
    bad = c.run("ssh_commands", "--password-stdin", "127.0.0.1", name,
                "true", key=False, env=env, input=b"wrong\n")
    assert bad.returncode == 7
    assert error(bad) == (
        f"ssh_commands: authentication failed for {name}@127.0.0.1: tried "
        "keyboard-interactive, password; the server offers "
        "publickey,password,keyboard-interactive\n")
    args = c.args("ssh_commands", "127.0.0.1", name, "echo typed", key=False)
    child = pexpect.spawn(args[0], args[1:], env=env, timeout=30)
    child.expect_exact(f"({name}@127.0.0.1) Password: ")
    child.sendline(password)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert child.before.decode().strip() == '"typed\\n"'


def test_password_method_alone(password_account, tmp_path):
    server, name, password = password_account
    c = Client(server.password_only)
    env = program_env(HOME=str(tmp_path))
    good = c.run("ssh_commands", "--password-stdin", "127.0.0.1", name,
                 "echo pw", key=False, env=env,
                 input=(password + "\n").encode())
    assert good.returncode == 0, error(good)
    assert lines(good) == ['"pw\\n"']
    args = c.args("ssh_commands", "127.0.0.1", name, "true", key=False)
    child = pexpect.spawn(args[0], args[1:], env=env, timeout=30)
    for _ in range(3):  # three tries, as ssh gives
        child.expect_exact(f"{name}@127.0.0.1's password: ")
        child.sendline("wrong")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 7
    assert child.before.decode().strip().endswith(
        f"authentication failed for {name}@127.0.0.1: tried password; "
        "the server offers publickey,password")


# -- Failures and the command line --

def test_connection_refused_unknown_host_and_usage(client):
    refused = client.run("ssh_commands", "-p", "1", "127.0.0.1", "nobody")
    assert refused.returncode == 4
    assert error(refused) == (
        "ssh_commands: connect to 127.0.0.1 port 1: Connection refused\n")
    unknown = client.run("ssh_commands", "no-such-host.invalid", "nobody")
    assert unknown.returncode == 3
    assert "no-such-host.invalid" in error(unknown)
    usage = client.run("ssh_commands", "--port", "0", "127.0.0.1", "x")
    assert usage.returncode == 2
    nohost = subprocess.run([program("ssh_commands")], capture_output=True)
    assert nohost.returncode == 2
    assert nohost.stderr.decode().splitlines() == [
        "ssh_commands: missing HOST",
        "usage: ssh_commands [options] HOST USER [COMMAND...]",
        "       ssh_commands [options] USER@HOST [COMMAND...]",
        "Try '--help' for more information."]


def test_help_lists_the_exit_statuses():
    result = subprocess.run([program("ssh_commands"), "--help"],
                            capture_output=True)
    assert result.returncode == 0
    out = result.stdout.decode()
    assert "  7  login or authentication failed" in out
    assert "  8  host key unknown, changed or not the pinned one" in out


def test_rsa_only_server_is_out_of_reach_and_says_why(make_sshd):
    server = make_sshd(host_key_types=("rsa",))
    result = Client(server).run("ssh_commands", "127.0.0.1", server.user,
                                "true")
    assert result.returncode == 1
    assert error(result) == (
        f"ssh_commands: SSH handshake with [127.0.0.1]:{server.port}: no "
        "matching host key type found. Their offer: rsa-sha2-512,"
        "rsa-sha2-256 (libssh2 1.10 verifies an RSA host key only as "
        "ssh-rsa, which OpenSSH 8.8 and later no longer offer)\n")


def test_no_shared_cipher_is_named_with_the_servers_offer(make_sshd):
    # libssh2 1.10 has no chacha20-poly1305: the cipher is what fails, not
    # the (ed25519) host key.
    server = make_sshd(extra_config=["Ciphers chacha20-poly1305@openssh.com"])
    result = Client(server).run("ssh_commands", "127.0.0.1", server.user,
                                "true")
    assert result.returncode == 1
    assert error(result) == (
        f"ssh_commands: SSH handshake with [127.0.0.1]:{server.port}: no "
        "matching cipher found. Their offer: chacha20-poly1305@openssh.com\n")



def test_silent_server_times_out_and_closing_server_is_closed(client):
    import socket
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the kernel accepts; nobody ever speaks
        port = str(silent.getsockname()[1])
        result = client.run("ssh_commands", "-p", port, "--timeout", "1",
                            "127.0.0.1", "nobody", timeout=30)
        assert result.returncode == 5
        assert error(result) == (
            "ssh_commands: SSH handshake: timed out after 1 s\n")
    with socket.socket() as closer:
        closer.bind(("127.0.0.1", 0))
        closer.listen(1)
        port = str(closer.getsockname()[1])
        child = subprocess.Popen(
            client.args("ssh_commands", "-p", port, "127.0.0.1", "nobody"),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, start_new_session=True)
        conn, _ = closer.accept()
        conn.close()
        out, err = child.communicate(timeout=30)
        assert child.returncode == 6, err
        assert err.decode().startswith("ssh_commands: SSH handshake: ")


def test_garbage_after_the_banner_is_one_line(client):
    import random
    import socket
    # RFC 4253 6 and 7.1: length 68, padding 5, KEXINIT (20), a cookie,
    # ten empty name-lists, FALSE, 0, and the padding.
    empty_kexinit = (b"\x00\x00\x00\x44\x05\x14" + bytes(16) + bytes(40) +
                     bytes(5) + bytes(5))
    noise = random.Random(4253).randbytes(3000)  # the same bytes each run
    for junk, says in ((noise, "SSH handshake: "),
                       (empty_kexinit, "SSH handshake with [127.0.0.1]:")):
        with socket.socket() as fake:
            fake.bind(("127.0.0.1", 0))
            fake.listen(1)
            port = str(fake.getsockname()[1])
            child = subprocess.Popen(
                client.args("ssh_commands", "-p", port, "--timeout", "5",
                            "127.0.0.1", "nobody"),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, start_new_session=True)
            conn, _ = fake.accept()
            with conn:
                conn.sendall(b"SSH-2.0-fake\r\n" + junk)
                out, err = child.communicate(timeout=30)
        assert child.returncode == 1, err
        assert out == b""
        lines_ = err.decode().splitlines()
        assert len(lines_) == 1
        assert lines_[0].startswith("ssh_commands: " + says), err
    assert lines_[0].endswith(
        "no matching key exchange method found. Their offer: ")

