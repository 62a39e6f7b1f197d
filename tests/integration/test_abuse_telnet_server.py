# SPDX-License-Identifier: GPL-3.0-or-later
"""telnet_server under attack, each attack scaled down but real.

Idle connections that never log in, a login trickled a byte at a time, a
password guesser: each time a real user, from another address, must still
log in within a bound.  Other loopback addresses (127.0.0.2, ...) stand in
for other hosts: Linux routes all of 127.0.0.0/8 to lo.
"""
import socket
import threading
import time

from fixtures_telnet_server import IAC, PROMPT, RawClient, wait_until

NOP = bytes([IAC, 241])


def attempt_login(server, source, password, limit=10):
    """Connect from SOURCE, answer the options, give PASSWORD.

    Returns (seconds from the password to its answer, the answer), the
    answer being b"in" or b"incorrect".
    """
    client = RawClient(server, source=source)
    try:
        client.negotiate_like_the_tracer()
        client.expect(b"login: ", timeout=limit)
        client.send(server.user.encode() + b"\r")
        client.expect(b"Password: ", timeout=limit)
        started = time.monotonic()
        client.send(password.encode() + b"\r")
        got = client.expect(b"\r\n", timeout=limit)
        if got == b"\r\n":  # the line end after the unechoed password
            got = client.expect(b"\r\n", timeout=limit)
        took = time.monotonic() - started
        return took, b"incorrect" if b"Login incorrect" in got else b"in"
    finally:
        client.close()


def real_login(server, source="127.0.0.99", within=10.0):
    """Log in from SOURCE, retrying refused connections: the seconds taken."""
    started = time.monotonic()
    while True:
        try:
            took, answer = attempt_login(server, source, server.password)
            assert answer == b"in"
            return time.monotonic() - started
        except (AssertionError, OSError):
            if time.monotonic() - started > within:
                raise
            time.sleep(0.1)


def open_idle(server, sources, per_source):
    """PER_SOURCE silent connections from each of SOURCES, kept open."""
    socks = []
    for source in sources:
        for _ in range(per_source):
            try:
                socks.append(server.connect(source))
            except OSError:
                pass
    return socks


def test_refused_client_is_told_why(make_telnet_server):
    """Past --per-source-max, a line saying why, then the close."""
    server = make_telnet_server("--per-source-max", "2")
    held = open_idle(server, ["127.0.0.2"], 2)
    time.sleep(0.2)  # both accepted before the third comes
    third = RawClient(server, source="127.0.0.2")
    assert third.read_to_eof() == (
        b"telnet_server: too many connections from your address, "
        b"try again later\r\n")
    # Another host is not concerned.
    other = RawClient(server, source="127.0.0.3", prompt=PROMPT)
    other.negotiate_like_the_tracer()
    other.login(server)
    for sock in held:
        sock.close()
    other.close()


def test_login_grace_time_no_trickle_resets(make_telnet_server):
    """One IAC NOP every 0.3 s defeats --idle-timeout, not the grace time."""
    server = make_telnet_server("--idle-timeout", "1",
                                "--login-grace-time", "2")
    client = RawClient(server)
    started = time.monotonic()
    got = b""
    while time.monotonic() - started < 6:
        try:
            client.send(NOP)
        except OSError:
            break
        client.sock.settimeout(0.3)
        try:
            data = client.sock.recv(4096)
        except socket.timeout:
            continue
        if not data:
            break
        got += data
    took = time.monotonic() - started
    assert got.endswith(b"\r\nLogin time-out, goodbye.\r\n"), got
    assert 1.9 <= took < 3.5, took
    assert "telnet_server: login time-out for 127.0.0.1 port" in \
        server.log_text()
    client.close()


def test_idle_flood_does_not_starve_a_real_login(make_telnet_server):
    """300 silent connections from 30 hosts; --max-clients is only 200.

    The gate keeps at most 50 of them (10 from any one host), and the
    grace time ends those: a real user gets in within a few seconds.
    """
    server = make_telnet_server(
        "--max-clients", "200", "--max-startups", "10:30:50",
        "--per-source-max", "10", "--login-grace-time", "3")
    started = time.monotonic()
    held = open_idle(server, [f"127.0.0.{i}" for i in range(2, 32)], 10)
    assert len(held) == 300
    took = real_login(server, within=8)
    assert time.monotonic() - started < 8
    assert took < 8
    for sock in held:
        sock.close()


def test_right_and_wrong_answers_take_the_same_time(make_telnet_server):
    """Right or wrong, the answer leaves after the same floor (0.3 s)."""
    server = make_telnet_server()
    right, answer = attempt_login(server, "127.0.0.5", server.password)
    assert answer == b"in"
    wrong, answer = attempt_login(server, "127.0.0.6", "not-it")
    assert answer == b"incorrect"
    # (Before: right at once, wrong after 1 s.)
    assert 0.3 <= right < 0.9 and 0.3 <= wrong < 0.9, (right, wrong)
    assert abs(right - wrong) < 0.25, (right, wrong)


def test_password_guesser_is_slowed_and_others_served(make_telnet_server):
    """Five connections guessing from one host for 4 s.

    The delays grow per address, whichever connection the guesses come on,
    and hold right and wrong answers alike: few guesses get an answer.
    Meanwhile a user from another host logs in at the usual speed.
    """
    server = make_telnet_server("--per-source-max", "5")
    answered = []
    stop = threading.Event()

    def guess():
        while not stop.is_set():
            try:
                took, answer = attempt_login(server, "127.0.0.7", "guess",
                                             limit=5)
                answered.append(answer)
            except (AssertionError, OSError):
                time.sleep(0.05)

    guessers = [threading.Thread(target=guess) for _ in range(5)]
    for thread in guessers:
        thread.start()
    time.sleep(1.5)
    took = real_login(server, source="127.0.0.8")
    time.sleep(2.5)
    stop.set()
    for thread in guessers:
        thread.join(timeout=40)
    assert took < 2.0, took
    # Answers at 0.3, ~1, ~3 s, then the next 4 s later: 3 or 4 in all.
    assert 1 <= len(answered) <= 5, answered
    assert wait_until(lambda: "failed login" in server.log_text())
