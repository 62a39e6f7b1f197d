# SPDX-License-Identifier: GPL-3.0-or-later
"""telnet_server under two attacks, measured (run by bench_telnet_abuse.sh).

  login_idle        a real login on an idle server: the anchor
  login_flood       the same while one host holds 1,000 connections that
                    never log in (--max-clients 1000), refilled as they go
  guesses_one_host  wrong passwords answered per second to one host that
                    guesses on 10 connections at once, each waiting for
                    its answers (three per connection, as the server allows)
  checks_hangup     passwords the server checks per second for one host
                    that guesses on 10 connections and hangs up 78 ms after
                    each password, the answer unread (a right one used to
                    come sooner than that): crypt(3) work it can make us do

Other loopback addresses stand in for other hosts (127.0.0.0/8 is lo).
Usage: telnet_abuse.py BIN_DIR USERS_FILE PASSWORD
"""
import os
import resource
import socket
import subprocess
import sys
import threading
import time

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
LOGIN_LIMIT = 10.0  # seconds: a login not done by then counts as this


def start_server(bin_dir, users, *args, log=subprocess.DEVNULL):
    """telnet_server on a free port; (process, port)."""
    proc = subprocess.Popen(
        [os.path.join(bin_dir, "telnet_server"), "-p", "0", "--users", users,
         *args], stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline()
    return proc, int(line.split()[-1])


def answer_options(sock, data):
    """Refuse every DO and WILL in DATA (a client that wants nothing)."""
    out = b""
    for i in range(len(data) - 2):
        if data[i] == IAC and data[i + 1] in (DO, WILL):
            verb = WONT if data[i + 1] == DO else DONT
            out += bytes([IAC, verb, data[i + 2]])
    if out:
        sock.sendall(out)


def read_until(sock, wanted, deadline, seen=None):
    """Read until one of WANTED comes; the bytes, or None at EOF/time.

    SEEN, a list, gets every byte read, the last ones before EOF too.
    """
    got = b""
    while not any(w in got for w in wanted):
        left = deadline - time.monotonic()
        data = b""
        if left > 0:
            sock.settimeout(left)
            try:
                data = sock.recv(4096)
            except (socket.timeout, OSError):
                pass
        if seen is not None:
            seen.append(data)
        if not data:
            return None
        answer_options(sock, data)
        got += data
    return got


def login(port, source, user, password, deadline):
    """One login from SOURCE: True once the console's prompt came."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5,
                                        source_address=(source, 0))
    except OSError:
        return False
    try:
        if read_until(sock, [b"login: "], deadline) is None:
            return False
        sock.sendall(user.encode() + b"\r\n")
        if read_until(sock, [b"Password: "], deadline) is None:
            return False
        sock.sendall(password.encode() + b"\r\n")
        got = read_until(sock, [b"$ ", b"incorrect"], deadline)
        return got is not None and b"$ " in got
    finally:
        sock.close()


def timed_login(port, user, password):
    """Seconds until a real user from 127.0.0.99 is logged in, retrying."""
    started = time.monotonic()
    deadline = started + LOGIN_LIMIT
    while time.monotonic() < deadline:
        if login(port, "127.0.0.99", user, password, deadline):
            return time.monotonic() - started
        time.sleep(0.05)
    return LOGIN_LIMIT


def flood(port, count, stop):
    """COUNT silent connections from 127.0.0.2, reopened as they close."""
    socks = []
    while not stop.is_set():
        socks = [s for s in socks if s.fileno() != -1 and alive(s)]
        while len(socks) < count and not stop.is_set():
            try:
                socks.append(socket.create_connection(
                    ("127.0.0.1", port), timeout=2,
                    source_address=("127.0.0.2", 0)))
            except OSError:
                break
        stop.wait(0.5)
    for s in socks:
        s.close()


def alive(sock):
    """False once the server has closed SOCK."""
    sock.setblocking(False)
    try:
        data = sock.recv(4096)
        if not data:
            sock.close()
            return False
    except BlockingIOError:
        pass
    except OSError:
        sock.close()
        return False
    return True


def guesser(port, user, stop, answers):
    """Wrong passwords from 127.0.0.3, waiting for each answer."""
    while not stop.is_set():
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5,
                                            source_address=("127.0.0.3", 0))
        except OSError:
            time.sleep(0.05)
            continue
        deadline = time.monotonic() + 40
        prompt = read_until(sock, [b"login: "], deadline)
        while prompt is not None and not stop.is_set():
            sock.sendall(user.encode() + b"\r\n")
            if read_until(sock, [b"Password: "], deadline) is None:
                break
            sock.sendall(b"wrong guess\r\n")
            seen = []
            # The answer, then the next login: (or the close after three).
            prompt = read_until(sock, [b"login: "], deadline, seen)
            if b"incorrect" in b"".join(seen) and not stop.is_set():
                answers.append(time.monotonic())
        sock.close()


def hanger(port, user, stop):
    """Wrong passwords from 127.0.0.4, hanging up 78 ms after each."""
    while not stop.is_set():
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5,
                                            source_address=("127.0.0.4", 0))
        except OSError:
            time.sleep(0.05)
            continue
        deadline = time.monotonic() + 10
        if read_until(sock, [b"login: "], deadline) is not None:
            sock.sendall(user.encode() + b"\r\n")
            if read_until(sock, [b"Password: "], deadline) is not None:
                sock.sendall(b"wrong guess\r\n")
                time.sleep(0.078)
        sock.close()


def checks_per_second(bin_dir, users, user, log_path):
    """Checks the server ran in 10 s for a guesser that hangs up early."""
    with open(log_path, "w") as log:
        proc, port = start_server(bin_dir, users, log=log)
    stop = threading.Event()
    threads = [threading.Thread(target=hanger, args=(port, user, stop))
               for _ in range(10)]
    try:
        for t in threads:
            t.start()
        time.sleep(10)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=15)
        with open(log_path) as log:
            checks = log.read().count("failed login")
        proc.terminate()
        proc.wait()
    return checks / 10


def main():
    bin_dir, users, password = sys.argv[1:4]
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    user = "bench"
    proc, port = start_server(bin_dir, users, "--max-clients", "1000")
    try:
        idle = sorted(timed_login(port, user, password) for _ in range(5))[2]
        stop = threading.Event()
        flooder = threading.Thread(target=flood, args=(port, 1000, stop))
        flooder.start()
        time.sleep(3)
        flooded = sorted(timed_login(port, user, password)
                         for _ in range(3))[1]
        stop.set()
        flooder.join()
    finally:
        proc.terminate()
        proc.wait()
    proc, port = start_server(bin_dir, users)
    try:
        stop = threading.Event()
        answers = []
        threads = [threading.Thread(target=guesser,
                                    args=(port, user, stop, answers))
                   for _ in range(10)]
        for t in threads:
            t.start()
        time.sleep(10)
        stop.set()
        rate = len(answers) / 10
    finally:
        proc.terminate()
        proc.wait()
        for t in threads:
            t.join(timeout=1)
    hung = checks_per_second(bin_dir, users, user, users + ".log")
    print(f"telnet_login_idle: {idle:.3f} s (1.00 vs anchor)")
    print(f"telnet_login_flood1000: {flooded:.3f} s "
          f"({flooded / idle:.2f} vs anchor)")
    print(f"telnet_guesses_one_host: {rate:.1f} guesses/s "
          f"({rate * idle:.2f} vs anchor: logins/s of one real user)")
    print(f"telnet_checks_one_host_hangup: {hung:.1f} checks/s "
          f"({hung * idle:.2f} vs anchor: logins/s of one real user)")


if __name__ == "__main__":
    main()
