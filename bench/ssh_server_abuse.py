#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""ssh_server under three attacks, an anchor build against a new one, in
the same run (bench/ssh_server_abuse.py ANCHOR_BIN_DIR NEW_BIN_DIR):

  - flood_login: seconds for a real login (OpenSSH, key, one echo line)
    while FLOOD connections from one other address sit silent before login
    (the anchor with its defaults, the new one with --max-clients 2000);
  - guesses: wrong passwords per second one host gets answered (Paramiko,
    GUESSERS connections at once, a new one whenever the server hangs up);
  - window_rss: peak resident memory of the server while three clients
    that announce a 2^31-1 window ignore ours and stop reading;
  - slow_hash_login, slow_hash_guesses: the worst of LOGINS real key
    logins, and the wrong passwords per second answered, while one host
    guesses on GUESSERS connections against a hash of SLOW_ROUNDS rounds
    of SHA-512 crypt (about 0.6 s a check).

Output lines: `name: value unit (ratio vs anchor)`."""
import logging
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent /
                       "tests" / "integration"))
import conftest  # noqa: E402
import fixtures_ssh_server  # noqa: E402  (the tests' own server recipe)
from test_abuse_ssh_server import rss_kib, window_abuser  # noqa: E402

# Refused guessers are the point: Paramiko's tracebacks about them are not.
logging.getLogger("paramiko").setLevel(logging.CRITICAL)
FLOOD = int(os.environ.get("FLOOD", "1000"))
GUESS_SECONDS = float(os.environ.get("GUESS_SECONDS", "10"))
GUESSERS = int(os.environ.get("GUESSERS", "20"))
SLOW_ROUNDS = int(os.environ.get("SLOW_ROUNDS", "2000000"))
LOGINS = int(os.environ.get("LOGINS", "5"))


def start(bin_dir, directory, *args, users=None, hash_rounds=None):
    conftest.BIN = Path(bin_dir)
    server = fixtures_ssh_server.SshServer(directory, args, users=users,
                                           hash_rounds=hash_rounds)
    return server.start()


def login_seconds(server, limit=90.0):
    """Seconds until a real login works, retrying refused ones."""
    start_time = time.monotonic()
    while time.monotonic() - start_time < limit:
        result = subprocess.run(server.ssh_args(tty="-T"), input=b"in",
                                capture_output=True, timeout=limit)
        if result.stdout == b"echo: 'in'\r\n":
            return time.monotonic() - start_time
        time.sleep(0.2)
    return limit


def flood_login(bin_dir, directory, args):
    server = start(bin_dir, directory, "--mode", "echo", *args)
    held = []
    try:
        for _ in range(FLOOD):
            sock = socket.socket()
            sock.bind(("127.0.0.2", 0))
            sock.settimeout(5)
            try:
                sock.connect(("127.0.0.1", server.port))
            except OSError:
                sock.close()
                break
            held.append(sock)
        time.sleep(1)
        return login_seconds(server)
    finally:
        for sock in held:
            sock.close()
        server.stop()


def guess_until(server, deadline, tries, source=None):
    """Wrong passwords until DEADLINE, from SOURCE if given."""
    import paramiko
    while time.monotonic() < deadline:
        try:
            if source is None:
                transport = paramiko.Transport(("127.0.0.1", server.port))
            else:
                sock = socket.create_connection(("127.0.0.1", server.port),
                                                source_address=(source, 0))
                transport = paramiko.Transport(sock)
        except OSError:
            time.sleep(0.1)
            continue
        try:
            transport.start_client(timeout=10)
            while time.monotonic() < deadline:
                try:
                    transport.auth_password("alice", "guess", fallback=False)
                except paramiko.AuthenticationException:
                    tries.append(1)
        except (paramiko.SSHException, EOFError, OSError):
            time.sleep(0.1)
        finally:
            transport.close()


def guesses(bin_dir, directory):
    server = start(bin_dir, directory, "--mode", "echo",
                   users={"alice": os.urandom(9).hex()})
    tries = []
    deadline = time.monotonic() + GUESS_SECONDS
    threads = [threading.Thread(target=guess_until,
                                args=(server, deadline, tries), daemon=True)
               for _ in range(GUESSERS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=GUESS_SECONDS + 60)
        return len(tries) / GUESS_SECONDS
    finally:
        server.stop()


def slow_hash(bin_dir, directory):
    """(worst key login in s, wrong passwords answered per s) while
    another host (127.0.0.3) guesses against a slow hash."""
    server = start(bin_dir, directory, "--mode", "echo",
                   users={"alice": os.urandom(9).hex()},
                   hash_rounds=SLOW_ROUNDS)
    tries = []
    deadline = time.monotonic() + GUESS_SECONDS
    threads = [threading.Thread(target=guess_until,
                                args=(server, deadline, tries, "127.0.0.3"),
                                daemon=True)
               for _ in range(GUESSERS)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(1)
        worst = max(login_seconds(server) for _ in range(LOGINS))
        for thread in threads:
            thread.join(timeout=GUESS_SECONDS + 60)
        return worst, len(tries) / GUESS_SECONDS
    finally:
        server.stop()


def window_rss(bin_dir, directory):
    server = start(bin_dir, directory, "--mode", "echo")
    before = rss_kib(server.proc.pid)
    peak = before
    stop = threading.Event()
    sent = []
    threads = [threading.Thread(target=window_abuser,
                                args=(server, stop, sent), daemon=True)
               for _ in range(3)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:
        peak = max(peak, rss_kib(server.proc.pid))
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    server.stop()
    return (peak - before) / 1024


def report(name, anchor, new, unit):
    ratio = new / anchor if anchor else float("inf")
    print(f"{name}: {new:.2f} {unit} ({ratio:.3f} vs anchor {anchor:.2f})",
          flush=True)


def main():
    import resource
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    anchor_bin, new_bin = sys.argv[1], sys.argv[2]
    only = sys.argv[3:] or ["window_rss", "guesses", "flood_login",
                            "slow_hash"]
    with tempfile.TemporaryDirectory() as tmp:
        def both(fn, *extra_new):
            a = fn(anchor_bin, Path(tmp) / f"a-{fn.__name__}")
            b = fn(new_bin, Path(tmp) / f"b-{fn.__name__}", *extra_new)
            return a, b
        if "window_rss" in only:
            report("window_rss", *both(window_rss), "MiB")
        if "guesses" in only:
            report("guesses", *both(guesses), "per s")
        if "flood_login" in only:
            a = flood_login(anchor_bin, Path(tmp) / "a-flood", [])
            b = flood_login(new_bin, Path(tmp) / "b-flood",
                            ["--max-clients", "2000"])
            report("flood_login", a, b, "s")
        if "slow_hash" in only:
            a, b = both(slow_hash)
            report("slow_hash_login", a[0], b[0], "s")
            report("slow_hash_guesses", a[1], b[1], "per s")


if __name__ == "__main__":
    main()
