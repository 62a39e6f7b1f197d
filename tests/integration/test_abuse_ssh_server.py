# SPDX-License-Identifier: GPL-3.0-or-later
"""ssh_server under attack, each attack scaled down but real: clients that
hold pre-login slots, clients that announce a huge window and never read,
a password guesser.  Each test asserts that a real login is still served
within a bound, and that the server exits cleanly afterwards."""
import os
import socket
import subprocess
import threading
import time

import pytest

from conftest import run

SANITIZER_WORDS = ("AddressSanitizer", "LeakSanitizer", "runtime error")


def stop_cleanly(server):
    assert server.stop() == 0, server.log_text()
    log = server.log_text()
    assert not any(word in log for word in SANITIZER_WORDS), log


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def timed_login(server, **kwargs):
    """A real OpenSSH login to an echo server, one line there and back;
    the seconds it took (the answer is asserted here)."""
    start = time.monotonic()
    result = run(server.ssh_args(tty="-T", **kwargs), input=b"in",
                 timeout=60)
    assert (result.returncode, result.stdout) == (0, b"echo: 'in'\r\n"), \
        result.stderr
    return time.monotonic() - start


# -- memory: a huge window and no reading ------------------------------------

class StallingProxy:
    """A TCP relay to the server that, once STALL is set, stops reading
    what the server sends: a client that no longer reads its socket."""

    def __init__(self, port):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.target = port
        self.stall = threading.Event()
        self.sockets = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        inside, _ = self.listener.accept()
        outside = socket.create_connection(("127.0.0.1", self.target))
        self.sockets += [inside, outside]
        threading.Thread(target=self._pump, args=(inside, outside, False),
                         daemon=True).start()
        self._pump(outside, inside, True)

    def _pump(self, source, sink, may_stall):
        try:
            while not (may_stall and self.stall.is_set()):
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        if not may_stall:  # the server hung up: so does the relay
            for sock in (source, sink):
                sock.close()

    def close(self):
        for sock in [self.listener, *self.sockets]:
            sock.close()


def window_abuser(server, stop, sent):
    """Paramiko through a StallingProxy: a session channel that announces a
    window of 2^31-1 bytes for our output, then stops reading while it
    sends as fast as it can, ignoring the window we gave it."""
    paramiko = pytest.importorskip("paramiko")
    proxy = StallingProxy(server.port)
    client = paramiko.SSHClient()
    client.load_host_keys(str(server.known_hosts))
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        client.connect(server.host, port=proxy.port, username="alice",
                       key_filename=str(server.client_key),
                       look_for_keys=False, allow_agent=False, timeout=10)
        channel = client.get_transport().open_session(
            window_size=2**31 - 1, max_packet_size=32768)
        channel.invoke_shell()
        proxy.stall.set()
        channel.out_window_size = 2**40  # and never wait for ours
        chunk = b"\xff" * 32768  # four bytes of echo for each one sent
        while not stop.is_set():
            channel.sendall(chunk)
            sent.append(len(chunk))
    except (OSError, EOFError, paramiko.SSHException):
        pass  # dropped: that is the point
    finally:
        client.close()
        proxy.close()


def test_window_abusers_do_not_grow_the_server(make_ssh_server):
    server = make_ssh_server("--mode", "echo")
    before = rss_kib(server.proc.pid)
    stop = threading.Event()
    sent = []
    threads = [threading.Thread(target=window_abuser,
                                args=(server, stop, sent), daemon=True)
               for _ in range(3)]
    for thread in threads:
        thread.start()
    peak = before
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            peak = max(peak, rss_kib(server.proc.pid))
            time.sleep(0.05)
        assert timed_login(server) < 10
        # Those that never read are dropped once their output cannot leave.
        deadline = time.monotonic() + 30
        while server.log_text().count("logged in") > \
                server.log_text().count(": disconnected") + \
                server.log_text().count("sends "):
            assert time.monotonic() < deadline, server.log_text()
            peak = max(peak, rss_kib(server.proc.pid))
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert sum(sent) > 0
    # Three clients, each bounded to about 2 MiB (the sanitizer's
    # quarantine of freed memory on top): far from the 270 MB they held.
    assert peak - before < 64 * 1024, (before, peak, server.log_text())
    stop_cleanly(server)


# -- pre-login slots: many silent connections --------------------------------

def silent_connections(port, count, source="127.0.0.1"):
    """COUNT connections from SOURCE that never say a word; the sockets."""
    held = []
    for _ in range(count):
        sock = socket.socket()
        sock.bind((source, 0))
        sock.settimeout(5)
        try:
            sock.connect(("127.0.0.1", port))
        except OSError:
            sock.close()
            break
        held.append(sock)
    return held


def test_a_flood_of_silent_connections_does_not_lock_others_out(
        make_ssh_server):
    server = make_ssh_server("--mode", "echo", "--max-clients", "400",
                             "--max-startups", "20:50:60",
                             "--per-source-max", "10")
    held = silent_connections(server.port, 300, source="127.0.0.2")
    try:
        assert len(held) == 300
        # One address holds at most ten; the others were told why.
        server.wait_for_log("refused: too many connections from your "
                            "address")
        refused = held[-1].recv(200)
        assert refused == b"ssh_server: too many connections from your " \
                          b"address\r\n"
        # A real login from another address gets in at once.
        assert timed_login(server) < 10
    finally:
        for sock in held:
            sock.close()
    stop_cleanly(server)


def test_max_startups_drops_early_at_random(make_ssh_server):
    """Past START of not-yet-logged-in connections some are refused, past
    FULL all are; once those logged in or left, all are admitted again."""
    server = make_ssh_server("--mode", "echo", "--max-startups", "4:50:8",
                             "--per-source-max", "100")
    held = silent_connections(server.port, 40)
    try:
        answers = []
        for sock in held:
            try:
                answers.append(sock.recv(200))
            except socket.timeout:
                answers.append(b"")
        waiting = [a for a in answers if a.startswith(b"SSH-2.0-")]
        assert 4 <= len(waiting) <= 8, answers
        assert answers.count(b"ssh_server: too many connections waiting "
                             b"to log in\r\n") == 40 - len(waiting)
    finally:
        for sock in held:
            sock.close()
    server.wait_for_log(": disconnected, not logged in")
    time.sleep(0.5)
    assert timed_login(server) < 10
    stop_cleanly(server)


# -- password guessing -------------------------------------------------------

def test_a_password_guesser_slows_down_and_others_are_served(
        make_ssh_server):
    paramiko = pytest.importorskip("paramiko")
    password = os.urandom(9).hex()
    server = make_ssh_server("--mode", "echo", users={"alice": password})
    stop = threading.Event()
    tries = []

    def guess():
        while not stop.is_set():
            sock = socket.socket()
            sock.bind(("127.0.0.3", 0))
            sock.connect(("127.0.0.1", server.port))
            transport = paramiko.Transport(sock)
            try:
                transport.start_client(timeout=20)
                while not stop.is_set():
                    try:
                        transport.auth_password("alice", "guess",
                                                fallback=False)
                    except paramiko.AuthenticationException:
                        # Paramiko also says "Authentication failed" when
                        # the server hangs up after the third strike: that
                        # is no answer to a guess.
                        if transport.is_active():
                            tries.append(time.monotonic())
            except (paramiko.SSHException, EOFError, OSError):
                pass
            finally:
                transport.close()
    guesser = threading.Thread(target=guess, daemon=True)
    guesser.start()
    try:
        time.sleep(6)
        # The delays double from 1 s per wrong answer, across connections:
        # 1 + 2 = 3 s for the first three, and the fourth waits 4 s more.
        assert 2 <= len(tries) <= 4, tries
        # Meanwhile someone else (another address) logs in at once.
        assert timed_login(server) < 10
    finally:
        stop.set()
        guesser.join(timeout=40)
    assert "guess" not in server.log_text()
    stop_cleanly(server)


def password_transport(server, source):
    """A paramiko transport from SOURCE, its key exchange done."""
    paramiko = pytest.importorskip("paramiko")
    sock = socket.socket()
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", server.port))
    transport = paramiko.Transport(sock)
    transport.start_client(timeout=20)
    return transport


def timed_password(transport, password):
    """Seconds until PASSWORD for alice is answered, and whether it was
    taken."""
    paramiko = pytest.importorskip("paramiko")
    start = time.monotonic()
    try:
        transport.auth_password("alice", password, fallback=False)
        taken = True
    except paramiko.AuthenticationException:
        taken = False
    return time.monotonic() - start, taken


def test_slow_password_checks_do_not_hold_up_other_logins(make_ssh_server):
    """Six wrong passwords at once against a hash that takes most of a
    second to check: while they are checked, a key login is served as
    usual.  With crypt(3) in the event loop it waited for all six.  Six
    addresses, so that no failure's delay holds the others' answers."""
    server = make_ssh_server("--mode", "echo", users={"alice": "secret"},
                             hash_rounds=2000000)
    guessers = [password_transport(server, f"127.0.0.{10 + i}")
                for i in range(6)]
    answers = []
    threads = [threading.Thread(
        target=lambda t=t: answers.append(timed_password(t, "guess")),
        daemon=True) for t in guessers]
    try:
        for thread in threads:
            thread.start()
        time.sleep(0.2)  # the six are being checked, one after another
        assert timed_login(server) < 1.5
        for thread in threads:
            thread.join(timeout=60)
        # All six were wrong, and each was checked: none came back early.
        assert len(answers) == 6 and not any(t for _, t in answers), answers
        assert min(s for s, _ in answers) >= 0.3, answers
    finally:
        for transport in guessers:
            transport.close()
    stop_cleanly(server)


def test_right_and_wrong_passwords_are_answered_alike(make_ssh_server):
    """Both answers leave 300 ms (the gate's floor) after the attempt, so
    their time tells a guesser nothing; from two addresses, so that the
    wrong one's delay does not hold the right one."""
    server = make_ssh_server("--mode", "echo", users={"alice": "secret"})
    wrong = password_transport(server, "127.0.0.4")
    right = password_transport(server, "127.0.0.5")
    try:
        wrong_s, wrong_taken = timed_password(wrong, "guess")
        right_s, right_taken = timed_password(right, "secret")
    finally:
        wrong.close()
        right.close()
    assert (wrong_taken, right_taken) == (False, True)
    assert 0.3 <= wrong_s < 1.0 and 0.3 <= right_s < 1.0, (wrong_s, right_s)
    assert abs(wrong_s - right_s) < 0.25, (wrong_s, right_s)
    server.wait_for_log("alice logged in (password)")
    stop_cleanly(server)
