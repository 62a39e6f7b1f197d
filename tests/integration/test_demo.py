# SPDX-License-Identifier: GPL-3.0-or-later
"""`make demo` and `make playground`: scripts/demo.py and scripts/playground.py.

Each must print the examples live, exit with the documented status, and
leave nothing running and no temporary directory behind, even when it is
interrupted.
"""
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect

from conftest import BIN, REPO, listening

DEMO = [sys.executable, str(REPO / "scripts" / "demo.py")]
PLAYGROUND = [sys.executable, str(REPO / "scripts" / "playground.py")]
LAB_DIR = re.compile(r"/tmp/shellwire-lab-[^/\s]+")


def processes_using(directory):
    """Pids of processes whose command line names DIRECTORY."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if directory.encode() in cmdline:
            pids.append(entry.name)
    return pids


def assert_all_stopped(output):
    [lab] = set(LAB_DIR.findall(output))
    assert not Path(lab).exists(), f"{lab} left behind"
    assert processes_using(lab) == [], f"processes left running in {lab}"


def test_demo_runs_the_shell_lesson_live():
    result = subprocess.run(DEMO + [str(BIN), "1"], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "== Lesson 1: a shell where only whitespace is special   " \
        "(lessons/01-shell.md)\n\n$ shell\n" \
        "] show a \"b c\" $HOME *\n" \
        "Arguments: ['a', '\"b', 'c\"', '$HOME', '*']\n" in result.stdout
    assert "$ printf 'show one two\\nshow \"three four\"\\n' | shell\n" \
        "Arguments: ['one', 'two']\n" in result.stdout
    assert result.stdout.endswith(
        "demo: every example of 1 lesson(s) ran live as its lesson shows; "
        "every server it started is stopped\n")
    assert_all_stopped(result.stdout)


def write_lesson(folder, body):
    folder.mkdir()
    (folder / "01-test.md").write_text(f"# Lesson 1: test\n\n{body}")


def test_demo_says_when_an_example_differs(tmp_path):
    write_lesson(tmp_path / "lessons", "```console\n$ echo real\nimagined\n```\n")
    result = subprocess.run(
        DEMO + ["--lessons", str(tmp_path / "lessons"), str(BIN)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "== Lesson 1: test   (lessons/01-test.md)\n\n$ echo real\nreal\n(differs from 01-test.md:3)\n" in result.stdout
    assert "demo: 1 example(s) differ from their lessons\n" in result.stdout
    assert_all_stopped(result.stdout)


def test_demo_stops_everything_when_interrupted(tmp_path):
    write_lesson(tmp_path / "lessons",
                 "```console\n$ echo waiting in $$; exec sleep 60\n```\n")
    demo = pexpect.spawn(DEMO[0], DEMO[1:] + [
        "--lessons", str(tmp_path / "lessons"), str(BIN)],
        encoding="utf-8", timeout=60)
    demo.logfile_read = seen = io.StringIO()
    demo.expect(r"waiting in (\d+)")
    sleeper = Path("/proc") / demo.match.group(1)
    deadline = time.monotonic() + 10  # bash is about to exec sleep
    while (sleeper / "cmdline").read_bytes() != b"sleep\x0060\x00":
        assert time.monotonic() < deadline, "the command never started"
        time.sleep(0.05)
    os.kill(demo.pid, signal.SIGINT)
    demo.expect(pexpect.EOF)
    demo.close()
    assert demo.exitstatus == 130
    assert "demo: interrupted; every server it started is stopped" \
        in seen.getvalue()
    assert_all_stopped(seen.getvalue())
    assert not sleeper.exists()


def test_demo_usage_error():
    result = subprocess.run(DEMO, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: demo.py [--lessons DIR] BIN_DIR")


def test_playground_opens_the_shell_and_stops_the_servers_on_exit():
    child = pexpect.spawn(PLAYGROUND[0], PLAYGROUND[1:] + [str(BIN)],
                          encoding="utf-8", timeout=60,
                          env=dict(os.environ, TERM="dumb"))
    child.logfile_read = seen = io.StringIO()
    child.expect_exact("shellwire playground: these servers run until you "
                       "leave the shell (exit or Ctrl-D):")
    ports = []
    for server in ("OpenSSH sshd", "telnet_server", "ssh_server"):
        child.expect(server + r" +127\.0\.0\.1 port (\d+), ")
        ports.append(int(child.match.group(1)))
    child.expect_exact("] ")
    child.sendline("show a \"b c\"")
    child.expect_exact("Arguments: ['a', '\"b', 'c\"']")
    child.expect_exact("] ")
    # Ctrl-C belongs to the shell: it discards the line, the servers stay.
    child.sendintr()
    child.expect_exact("] ")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert_all_stopped(seen.getvalue())
    for port in ports:
        assert not listening("127.0.0.1", port)


def test_the_lab_can_start_every_server_a_lesson_names():
    """make demo runs every lesson: each fixture a lesson names needs a
    start_NAME(directory) recipe beside it (scripts/lab.py)."""
    sys.path.insert(0, str(REPO / "scripts"))
    from lab import find_starter
    from lessons import read_transcripts
    named = {name for path in (REPO / "lessons").glob("*.md")
             for t in read_transcripts(path)
             for name in t.options.get("fixtures", "").split()}
    assert named, "no lesson names a server: the test would prove nothing"
    assert [n for n in sorted(named) if find_starter(n) is None] == []
