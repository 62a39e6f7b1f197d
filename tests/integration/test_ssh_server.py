# SPDX-License-Identifier: GPL-3.0-or-later
"""ssh_server against the real OpenSSH client: host key, logins, echo mode,
many clients, limits and bad input.  Every server is stopped by its pid and
must then exit 0 with no sanitizer report."""
import os
import socket
import stat
import subprocess
import time

import pexpect
import pytest

from conftest import program, run, ssh_keygen

SANITIZER_WORDS = ("AddressSanitizer", "LeakSanitizer", "runtime error")


def stop_cleanly(server):
    """Stop SERVER; it must exit 0 and its log hold no sanitizer report."""
    assert server.stop() == 0, server.log_text()
    log = server.log_text()
    assert not any(word in log for word in SANITIZER_WORDS), log


def echo_session(server, data, **kwargs):
    """Pipe DATA to a session without a terminal; the CompletedProcess."""
    return run(server.ssh_args(tty="-T", **kwargs), input=data, timeout=30)


# -- the command line ------------------------------------------------------

def test_help_lists_options_and_exit_statuses():
    result = run([program("ssh_server"), "--help"])
    assert result.returncode == 0
    out = result.stdout.decode()
    assert out.startswith("usage: ssh_server [-b ADDR] [-p PORT]")
    assert "--authorized-keys FILE" in out and "--idle-timeout" in out
    assert out.endswith("Exit status:\n  0  success\n  1  failure\n"
                        "  2  usage error\n")


def test_bad_option_is_a_usage_error():
    result = run([program("ssh_server"), "--max-clients", "0"])
    assert result.returncode == 2
    assert b"usage: ssh_server" in result.stderr


def test_refuses_to_start_with_no_way_to_log_in(tmp_path):
    result = run([program("ssh_server"), "-p", "0", "--host-key",
                  str(tmp_path / "key")])
    assert result.returncode == 2
    assert result.stderr == (b"ssh_server: no way to log in: give --users "
                             b"FILE, --authorized-keys FILE or --allow-user "
                             b"NAME\n")
    assert not (tmp_path / "key").exists()


def test_port_in_use_is_one_line_and_status_1(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run([program("ssh_server"), "-p", str(port), "--host-key",
                      str(tmp_path / "key"), "--allow-user", "guest"])
        assert result.returncode == 1
        assert result.stderr.decode().splitlines()[-1] == (
            f"ssh_server: listen on 127.0.0.1 port {port}: Address already "
            "in use")


# -- the host key ----------------------------------------------------------

def test_host_key_is_made_0600_and_its_fingerprint_printed(make_ssh_server):
    server = make_ssh_server("--mode", "echo")
    assert stat.S_IMODE(os.stat(server.host_key).st_mode) == 0o600
    assert server.startup[0] == f"generated a new ed25519 host key in " \
                                f"{server.host_key}\n"
    # What a client sees, by ssh-keyscan, has the fingerprint printed.
    scan = run(["ssh-keyscan", "-p", str(server.port), "-t", "ed25519",
                "127.0.0.1"])
    assert scan.returncode == 0, scan.stderr
    listed = run(["ssh-keygen", "-l", "-f", "-"], input=scan.stdout)
    assert listed.stdout.decode().split()[1] == server.fingerprint
    stop_cleanly(server)


def test_host_key_is_reused_on_restart(make_ssh_server):
    first = make_ssh_server("--mode", "echo")
    stop_cleanly(first)
    again = type(first)(first.dir, first.args, authorized=False).start()
    try:
        assert again.fingerprint == first.fingerprint
        assert not any("generated" in line for line in again.startup)
    finally:
        stop_cleanly(again)


def test_host_key_readable_by_others_is_refused(tmp_path):
    key = ssh_keygen(tmp_path / "hostkey")
    os.chmod(key, 0o644)
    result = run([program("ssh_server"), "-p", "0", "--host-key", str(key),
                  "--allow-user", "alice"])
    assert result.returncode == 1
    assert f"ssh_server: host key {key}: mode 644 lets others read it; " \
           f"chmod 600 it\n".encode() in result.stderr


# -- logins ----------------------------------------------------------------

def test_echo_without_a_terminal_is_exact(make_ssh_server):
    server = make_ssh_server("--mode", "echo")
    result = echo_session(server, b"hello\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"echo: 'hello\\n'\r\n"
    server.wait_for_log("alice logged in (publickey)")
    stop_cleanly(server)


def test_unknown_key_is_refused_and_logged(make_ssh_server, tmp_path):
    server = make_ssh_server("--mode", "echo")
    stranger = ssh_keygen(tmp_path / "stranger")
    result = echo_session(server, b"x", key=stranger, user="mallory")
    assert result.returncode == 255
    assert b"Permission denied (publickey)" in result.stderr
    server.wait_for_log("for mallory is not in")
    server.wait_for_log(": disconnected, not logged in")
    assert "logged in (" not in server.log_text()
    stop_cleanly(server)


def test_allow_user_lets_that_name_in_and_no_other(make_ssh_server):
    server = make_ssh_server("--mode", "echo", "--allow-user", "guest",
                             authorized=False)
    assert "anyone may log in as guest" in server.log_text()
    result = echo_session(server, b"hi", user="guest", key=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"echo: 'hi'\r\n"
    server.wait_for_log("guest logged in (--allow-user, no check)")
    result = echo_session(server, b"hi", user="root", key=False)
    assert result.returncode == 255
    assert b"Permission denied" in result.stderr
    # The failure is in the log, with the peer's address.
    server.wait_for_log(": disconnected, not logged in")
    assert server.log_text().count("not logged in") == 1
    stop_cleanly(server)


def test_exec_request_is_refused_in_echo_mode(make_ssh_server):
    server = make_ssh_server("--mode", "echo")
    result = run(server.ssh_args("uptime"), stdin=subprocess.DEVNULL)
    assert result.returncode == 255
    assert b"exec request failed on channel 0" in result.stderr
    server.wait_for_log("exec request refused in echo mode")
    stop_cleanly(server)


@pytest.mark.parametrize("mode", ["echo", "console"])
def test_subsystem_and_forwarding_are_refused_cleanly(make_ssh_server, mode):
    server = make_ssh_server("--mode", mode)
    result = run(server.ssh_args("-s", "sftp"), stdin=subprocess.DEVNULL)
    assert result.returncode == 255
    assert b"subsystem request failed on channel 0" in result.stderr
    result = run(server.ssh_args("-W", "127.0.0.1:1"),
                 stdin=subprocess.DEVNULL)
    assert result.returncode == 255
    assert b"stdio forwarding failed" in result.stderr
    # The server still serves.
    if mode == "echo":
        assert echo_session(server, b"ok").stdout == b"echo: 'ok'\r\n"
    else:
        result = run(server.ssh_args("echo", "ok"), stdin=subprocess.DEVNULL)
        assert result.stdout == b"ok\n"
    stop_cleanly(server)


def test_sftp_get_says_the_subsystem_was_refused_as_openssh_does(
        make_ssh_server):
    server = make_ssh_server("--mode", "echo")
    result = run([program("sftp_get"), "-p", str(server.port), "-i",
                  str(server.client_key), "--known-hosts",
                  str(server.known_hosts), "127.0.0.1", "alice", "/x"],
                 stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert result.stderr == (b"sftp_get: subsystem request failed on "
                             b"channel 0: the server refused it\n")
    # ssh_server goes on serving after a refusal.
    assert echo_session(server, b"ok").stdout == b"echo: 'ok'\r\n"
    stop_cleanly(server)


# -- echo mode on a terminal -----------------------------------------------

def test_echo_on_a_terminal_then_ctrl_d(make_ssh_server):
    server = make_ssh_server("--mode", "echo")
    args = server.ssh_args(tty="-tt")
    child = pexpect.spawn(args[0], args[1:], timeout=20, encoding="utf-8")
    try:
        child.send("a")
        child.expect_exact("echo: 'a'\r\n")
        child.send("\t\x1b")
        child.expect_exact("echo: '\\t\\x1b'\r\n")
        child.setwinsize(9999, 9999)  # a huge window-change is harmless
        child.send("é")
        child.expect_exact("echo: 'é'\r\n")
        child.send("\x04")
        child.expect_exact("echo: '\\x04'\r\n")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    stop_cleanly(server)


# -- many clients, limits --------------------------------------------------

def open_session(server, **kwargs):
    return subprocess.Popen(server.ssh_args(tty="-T", **kwargs),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_many_sessions_at_once(make_ssh_server):
    server = make_ssh_server("--mode", "echo")
    clients = [open_session(server) for _ in range(8)]
    try:
        for i, client in enumerate(clients):
            client.stdin.write(f"client {i}\n".encode())
            client.stdin.flush()
        for i, client in enumerate(clients):
            expected = f"echo: 'client {i}\\n'\r\n".encode()
            assert client.stdout.read(len(expected)) == expected
        # All eight are still connected at this point: each got its answer
        # while the others held their sessions open.
        for client in clients:
            client.stdin.close()
            assert client.wait(timeout=30) == 0
    finally:
        for client in clients:
            if client.poll() is None:
                client.kill()
                client.wait()
    stop_cleanly(server)


def test_max_clients_refuses_the_next_connection(make_ssh_server):
    server = make_ssh_server("--mode", "echo", "--max-clients", "1")
    first = open_session(server)
    try:
        first.stdin.write(b"1")
        first.stdin.flush()
        assert first.stdout.read(11) == b"echo: '1'\r\n"
        refused = echo_session(server, b"2")
        assert refused.returncode == 255
        server.wait_for_log("refused: too many clients, try again later")
        first.stdin.close()
        assert first.wait(timeout=30) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    server.wait_for_log(": disconnected")
    assert echo_session(server, b"3").stdout == b"echo: '3'\r\n"
    stop_cleanly(server)


def test_idle_client_is_dropped(make_ssh_server):
    server = make_ssh_server("--mode", "echo", "--idle-timeout", "1")
    silent = open_session(server)
    try:
        assert silent.wait(timeout=30) == 255
    finally:
        if silent.poll() is None:
            silent.kill()
            silent.wait()
    server.wait_for_log(": idle time-out")
    stop_cleanly(server)


# -- bad input -------------------------------------------------------------

def test_garbage_and_vanishing_clients_leave_the_server_serving(
        make_ssh_server):
    server = make_ssh_server("--mode", "echo")
    for payload in (b"GET / HTTP/1.0\r\n\r\n", b"\xff" * 70000,
                    b"SSH-2.0-x\r\n" + os.urandom(5000),
                    b"SSH-2.0-x\r\n", b""):
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            try:
                s.sendall(payload)
            except OSError:
                pass  # the server may hang up first; that is fine
    # A client that vanishes in the middle of a session.
    vanishing = open_session(server)
    vanishing.stdin.write(b"x")
    vanishing.stdin.flush()
    assert vanishing.stdout.read(11) == b"echo: 'x'\r\n"
    vanishing.kill()
    vanishing.wait()
    assert echo_session(server, b"ok").stdout == b"echo: 'ok'\r\n"
    stop_cleanly(server)


def test_a_flood_is_echoed_in_full(make_ssh_server):
    server = make_ssh_server("--mode", "echo")
    data = b"z" * 2_000_000
    result = echo_session(server, data)
    assert result.returncode == 0, result.stderr
    # However the stream was cut into chunks, every byte came back once.
    body = result.stdout.replace(b"echo: '", b"").replace(b"'\r\n", b"")
    assert body == data
    stop_cleanly(server)


def test_soak_many_short_sessions(make_ssh_server):
    server = make_ssh_server("--mode", "echo")
    start = time.monotonic()
    for i in range(15):
        result = echo_session(server, f"{i}".encode())
        assert result.stdout == f"echo: '{i}'\r\n".encode(), result.stderr
    assert time.monotonic() - start < 120
    stop_cleanly(server)


# -- console mode (telnetsrv's SSHHandler) ---------------------------------

def test_exec_request_runs_one_console_command(make_ssh_server):
    server = make_ssh_server()
    assert "console mode" in server.startup[-1]
    result = run(server.ssh_args("echo", "hi", "there"),
                 stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout) == (0, b"hi there\n")
    result = run(server.ssh_args("params a 'b c'"), stdin=subprocess.DEVNULL)
    assert result.stdout == b"['a', 'b c']\n"
    result = run(server.ssh_args("nosuch"), stdin=subprocess.DEVNULL)
    assert result.stdout == b"unknown command 'nosuch'; try help\n"
    result = run(server.ssh_args("exec", "id"), stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout) == (
        1, b"exec: not available on this server\n")
    stop_cleanly(server)


HELP = (b"Help on built in commands\n"
        b"\n"
        b"help [<command>] - Display help\n"
        b"? [<command>] - Display help\n"
        b"echo <text to echo> - Echo text back to the console.\n"
        b"copy <text to echo> - Echo text back to the console.\n"
        b"repeat <text to echo> - Echo text back to the console.\n"
        b"timer <seconds> <message> - In <seconds> seconds, display "
        b"<message>.\n"
        b"info - Show the user, terminal type, window size and session "
        b"time.\n"
        b"history - Display the command history.\n"
        b"bye - Exit the command shell.\n"
        b"exit - Exit the command shell.\n"
        b"quit - Exit the command shell.\n"
        b"logout - Exit the command shell.\n")


def test_lines_end_in_lf_without_a_pty_and_crlf_with_one(make_ssh_server):
    """A terminal needs CR LF; a pipe or file wants LF, as sshd gives."""
    server = make_ssh_server()
    result = run(server.ssh_args("echo", "Hello,", "world!"),
                 stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout) == (0, b"Hello, world!\n")
    result = run(server.ssh_args("echo", "Hello,", "world!", tty="-tt"),
                 stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"Hello, world!\r\n"
    stop_cleanly(server)


def test_exit_status_is_the_last_console_commands(make_ssh_server):
    server = make_ssh_server()
    # exec: ssh exits with the status of the one command.
    result = run(server.ssh_args("nosuchcommand"), stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, b"unknown command 'nosuchcommand'; try help\n", b"")
    result = run(server.ssh_args("help"), stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout, result.stderr) == (0, HELP, b"")
    result = run(server.ssh_args("timer", "x", "y"), stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout) == (
        1, b"timer: seconds must be a number from 0 to 86400\n")
    # An exec has one line: an open quote cannot be closed by a next one.
    result = run(server.ssh_args('echo "abc'), stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, b"... \nunfinished command: a quote is still open or the line "
           b"ends in a backslash\n", b"")
    # shell: the session ends with its last command's status, as sh does.
    result = run(server.ssh_args(tty="-T"), input=b"nosuch\n")
    assert result.returncode == 1, result.stderr
    assert result.stdout.endswith(
        b"alice@shellwire$ unknown command 'nosuch'; try help\n"
        b"alice@shellwire$ ")
    result = run(server.ssh_args(tty="-T"), input=b"nosuch\nbye\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(b"try help\nalice@shellwire$ Goodbye\n")
    stop_cleanly(server)


def test_console_without_a_terminal_reads_lines(make_ssh_server):
    server = make_ssh_server()
    result = run(server.ssh_args(tty="-T"),
                 input=b'echo a "b  c"\nparams x\\ y z\ninfo\nbye\n')
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == (
        "Welcome to shellwire, alice.\n"
        "Type help for the commands, bye to leave.\n"
        "alice@shellwire$ a b  c\n"
        "alice@shellwire$ ['x y', 'z']\n"
        "alice@shellwire$ Username: alice, terminal type: (unknown)\n"
        "Window size: (unknown)\n"
        "Session time: 0:00:00\n"
        "alice@shellwire$ Goodbye\n")
    stop_cleanly(server)


def test_console_on_a_terminal_edits_lines_and_shows_timers(
        make_ssh_server):
    server = make_ssh_server()
    args = server.ssh_args(tty="-tt")
    child = pexpect.spawn(args[0], args[1:], timeout=20, encoding="utf-8")
    try:
        child.expect_exact("Welcome to shellwire, alice.\r\n")
        child.expect_exact("alice@shellwire$ ")
        child.send("ecx\x7fho x\r")  # a backspace mends "ecx"
        child.expect_exact("x\r\nalice@shellwire$ ")
        child.send("\x1b[A\r")  # up arrow: the last line again
        child.expect_exact("alice@shellwire$ echo x")  # redrawn
        child.expect_exact("\r\nx\r\n")
        child.setwinsize(60000, 65535)  # rows, cols: clamped to 1000
        child.send("info\r")
        child.expect_exact("Window size: 1000x1000\r\n")
        child.setwinsize(0, 0)  # a terminal has at least one of each
        child.send("info\r")
        child.expect_exact("Window size: 1x1\r\n")
        child.send("timer 1 ding\r")
        child.expect_exact("alice@shellwire$ ")
        child.send("ech")  # half typed when the timer fires
        child.expect_exact("ding\r\n")
        child.expect_exact("alice@shellwire$ ech")
        child.send("\x15bye\r")  # Ctrl-U drops "ech"
        child.expect_exact("Goodbye\r\n")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    stop_cleanly(server)


# -- passwords --------------------------------------------------------------

def test_password_login_against_the_users_file(make_ssh_server):
    password = os.urandom(9).hex()
    server = make_ssh_server(authorized=False, users={"alice": password})
    args = server.ssh_args("echo", "in", password=True)
    result = run(args, stdin=subprocess.DEVNULL,
                 env=server.password_env(password))
    assert (result.returncode, result.stdout) == (0, b"in\n"), result.stderr
    server.wait_for_log("alice logged in (password)")
    assert password not in server.log_text()
    stop_cleanly(server)


def test_three_wrong_passwords_end_the_connection(make_ssh_server):
    password = os.urandom(9).hex()
    server = make_ssh_server(authorized=False, users={"alice": password})
    args = server.ssh_args("echo", "in", password=True)
    start = time.monotonic()
    result = run(args, stdin=subprocess.DEVNULL,
                 env=server.password_env("not-" + password))
    took = time.monotonic() - start
    assert result.returncode == 255
    assert result.stderr.count(b"Permission denied") >= 2
    server.wait_for_log(": three wrong passwords")
    log = server.log_text()
    for n in (1, 2, 3):
        assert f"wrong password for alice ({n} of 3)" in log
    assert "not-" + password not in log and password not in log
    # Each wrong password costs a pause before the next one is read.
    assert took >= 2 * 0.9
    stop_cleanly(server)


def test_missing_users_file_stops_start_up(tmp_path):
    result = run([program("ssh_server"), "-p", "0", "--host-key",
                  str(tmp_path / "key"), "--users", str(tmp_path / "none")])
    assert result.returncode == 1
    assert str(tmp_path / "none").encode() in result.stderr


def test_ssh_commands_runs_each_command_on_its_own_channel(make_ssh_server):
    """Our own libssh2 client: three channels, one after another, on one
    connection."""
    server = make_ssh_server()
    result = run([program("ssh_commands"), "-p", str(server.port), "-i",
                  str(server.client_key), "--known-hosts",
                  str(server.known_hosts), "127.0.0.1", "alice",
                  "echo a", "params b c", "nosuch"])
    # The failed console command's status 1 shows, and fails ssh_commands.
    assert result.returncode == 1, result.stderr
    assert result.stdout == (b"\"a\\n\"\n"
                             b"\"['b', 'c']\\n\"\n"
                             b"\"unknown command 'nosuch'; try help\\n\"\n"
                             b"exit status: 1\n")
    log = server.log_text()
    assert log.count("logged in") == 1
    stop_cleanly(server)


def test_console_sessions_at_once_with_long_lines(make_ssh_server):
    """Eight console sessions together, one of them sending a line far over
    the console's limit: each gets its own answers."""
    server = make_ssh_server()
    clients = [open_session(server) for _ in range(8)]
    try:
        for i, client in enumerate(clients):
            line = b"x" * 100_000 if i == 3 else f"echo c{i}".encode()
            client.stdin.write(line + b"\nbye\n")
            client.stdin.close()
        for i, client in enumerate(clients):
            out = client.stdout.read().decode()
            assert client.wait(timeout=30) == 0
            answer = "line too long" if i == 3 else f"$ c{i}\n"
            assert answer in out and out.endswith("$ Goodbye\n"), out
    finally:
        for client in clients:
            if client.poll() is None:
                client.kill()
                client.wait()
    stop_cleanly(server)


def test_two_channels_at_once_on_one_connection(make_ssh_server, tmp_path):
    """OpenSSH's ControlMaster runs a second ssh over the first one's
    connection: a console shell and an exec, side by side."""
    server = make_ssh_server()
    control = ["-o", f"ControlPath={tmp_path}/cm"]
    args = server.ssh_args(tty="-tt")
    args[1:1] = [*control, "-o", "ControlMaster=yes"]
    child = pexpect.spawn(args[0], args[1:], timeout=20, encoding="utf-8")
    try:
        child.expect_exact("alice@shellwire$ ")
        muxed = server.ssh_args("echo", "muxed")
        muxed[1:1] = control
        result = run(muxed, stdin=subprocess.DEVNULL)
        assert (result.returncode, result.stdout) == (0, b"muxed\n")
        child.send("echo still here\r")
        child.expect_exact("still here\r\n")
        child.send("bye\r")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert server.log_text().count("logged in") == 1
    stop_cleanly(server)


def test_ssh_inspect_reads_a_clean_kexinit_and_the_methods(make_ssh_server):
    """Our strict KEXINIT reader: every name-list well formed (libssh's own
    default cipher list ends in an empty name), the fingerprint the server
    printed, and the methods a failure would offer."""
    server = make_ssh_server(users={"alice": os.urandom(9).hex()})
    result = run([program("ssh_inspect"), "-p", str(server.port),
                  "--known-hosts", str(server.known_hosts), "127.0.0.1",
                  "alice"])
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert f"fingerprint                {server.fingerprint}\n" in out
    assert "methods                    publickey\n" \
           "                             password\n" in out
    stop_cleanly(server)


def test_a_client_that_never_reads_is_dropped(make_ssh_server):
    """Echo output for a client that sends and sends but reads nothing
    waits in the server only up to 1 MiB; then that client is cut off,
    and the others are served as before."""
    import threading
    server = make_ssh_server("--mode", "echo")
    hog = subprocess.Popen(server.ssh_args(tty="-T"), stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def feed():
        try:
            for _ in range(64):
                hog.stdin.write(b"y" * 1_000_000)
            hog.stdin.close()
        except OSError:
            pass  # cut off: that is the point
    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        server.wait_for_log(": sends faster than it reads", timeout=60)
        assert echo_session(server, b"ok").stdout == b"echo: 'ok'\r\n"
    finally:
        hog.kill()
        hog.wait()
        writer.join(timeout=10)
    stop_cleanly(server)
