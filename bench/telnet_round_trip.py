# SPDX-License-Identifier: GPL-3.0-or-later
"""Login + command round trip: telnet_login against inetutils telnet.

Both clients log in to the test suite's inetutils telnetd (inetd on
127.0.0.1 with a stand-in login, tests/integration/fixtures_telnetd.py),
run `exec uptime` and wait for the server to close.  inetutils telnet is
driven by pexpect, as a person would type.  Runs alternate between the two
clients, one every 1.2 s, because inetd holds back a connection that follows
another within about a second; only each run's own time counts.  Both
include the login program's 50 ms pause after the shell.  Prints the
medians and their ratio.
    python3 bench/telnet_round_trip.py BIN_DIR [RUNS]
"""
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" /
                       "integration"))
from fixtures_telnetd import Telnetd  # noqa: E402

GAP = 1.2  # seconds between connections
LINGER = 0.05  # the login pauses this long after the shell, for both


def run_ours(bin_dir, server):
    start = time.perf_counter()
    result = subprocess.run(
        [f"{bin_dir}/telnet_login", "-p", str(server.port),
         "--password-stdin", server.host, server.user],
        input=(server.password + "\n").encode(), capture_output=True,
        timeout=30)
    elapsed = time.perf_counter() - start
    if result.returncode != 0 or b" up " not in result.stdout:
        raise RuntimeError(f"telnet_login failed: {result}")
    return elapsed


def run_inetutils(server):
    start = time.perf_counter()
    child = pexpect.spawn("telnet", [server.host, str(server.port)],
                          timeout=30)
    child.delaybeforesend = None  # pexpect's default 50 ms is not typing
    child.expect_exact("login: ")
    child.sendline(server.user)
    child.expect_exact("Password: ")
    child.sendline(server.password)
    child.expect_exact("$ ")
    child.sendline("exec uptime")
    child.expect(" up ")
    child.expect(pexpect.EOF)
    elapsed = time.perf_counter() - start
    child.close()
    return elapsed


def main():
    bin_dir, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50
    with tempfile.TemporaryDirectory() as directory:
        server = Telnetd(directory, linger=LINGER).start()
        try:
            ours, theirs = [], []
            for _ in range(runs):
                time.sleep(GAP)
                ours.append(run_ours(bin_dir, server))
                time.sleep(GAP)
                theirs.append(run_inetutils(server))
        finally:
            server.stop()
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"telnet_login_round_trip: {a * 1000:.1f} ms median of {runs} "
          f"({a / b:.2f}x inetutils telnet driven by pexpect, "
          f"{b * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
