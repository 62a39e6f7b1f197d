#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""make demo: every example of the course, run live, in the lessons' order.

usage: demo.py [--lessons DIR] BIN_DIR [LESSON...]   (LESSON: 01, 5, ...)

It starts the local playground (scripts/lab.py), then runs the transcripts
of each lessons/NN-*.md: it prints each command as the lesson shows it and
the program's live output under it, and says when the output differs from
the lesson.  Everything it started is stopped by pid when it ends, also on
Ctrl-C.  Exit status: 0 when every example printed what its lesson shows,
1 when one differed, 2 for a usage error, 130 when interrupted.
"""
import os
import re
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

from lab import REPO, Lab, Unavailable

sys.path.insert(0, str(REPO / "tests" / "integration"))
from lessons import (output_lines, output_matches,  # noqa: E402
                     read_transcripts, substitute)

BOLD, DIM, RED, PLAIN = "\033[1m", "\033[2m", "\033[31m", "\033[0m"


def main(argv):
    folder = REPO / "lessons"
    if argv[1:2] == ["--lessons"] and len(argv) > 2:
        folder, argv = Path(argv[2]), argv[:1] + argv[3:]
    if len(argv) < 2 or argv[1].startswith("-"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    wanted = [w.zfill(2) for w in argv[2:]]
    lessons = [p for p in sorted(folder.glob("[0-9][0-9]-*.md"))
               if not wanted or p.name[:2] in wanted]
    out = Output(sys.stdout)
    try:
        with Lab(argv[1]) as lab:
            for line in lab.describe():
                out.note(line)
            out.blank()
            differing = sum(run_lesson(lab, path, out) for path in lessons)
    except KeyboardInterrupt:
        out.note("demo: interrupted; every server it started is stopped")
        return 130
    if differing:
        out.error(f"demo: {differing} example(s) differ from their lessons")
        return 1
    out.note(f"demo: every example of {len(lessons)} lesson(s) ran live "
             "as its lesson shows; every server it started is stopped")
    return 0


def run_lesson(lab, path, out):
    """Run one lesson's transcripts; return how many differed."""
    title = re.search(r"^# (.+)$", path.read_text(), re.M)
    title = title.group(1) if title else path.stem
    out.heading(f"{title}   (lessons/{path.name})")
    differing = 0
    for transcript in read_transcripts(path):
        needs = transcript.options.get("fixtures", "").split()
        if "skip" in transcript.options:
            continue
        home = lab.dir / "home" / transcript.name.replace(":", "-")
        home.mkdir(parents=True)
        try:
            env, texts = lab.lesson_env(needs, home)
        except Unavailable as why:
            out.note(f"(not run here: {why})")
            continue
        except LookupError as why:
            out.error(f"(not run: {why})")
            differing += 1
            continue
        timeout = float(transcript.options.get("timeout", 30))
        prompt = transcript.options.get("input-prompt")
        status = 0
        for command in transcript.commands:
            out.command(command.text)
            run = run_typed if prompt else run_piped
            status, actual = run(command, status, env, texts, home, timeout,
                                 prompt, out)
            expected = [substitute(line, texts) for line in command.expected]
            if not output_matches(expected, actual):
                out.error(f"(differs from {transcript.name})")
                differing += 1
        out.blank()
    return differing


def run_piped(command, status, env, texts, home, timeout, prompt, out):
    """Run a command as the lesson checker does, showing output as it comes."""
    proc = subprocess.Popen(
        ["bash", "-c", f"(exit {status}); {substitute(command.text, texts)}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, env=env, cwd=home, start_new_session=True)
    received = bytearray()
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        try:
            while time.monotonic() < deadline:
                if not selector.select(deadline - time.monotonic()):
                    continue
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                received += chunk
                out.raw(chunk)
        finally:
            stop_group(proc)
    return proc.returncode, output_lines(received.decode("utf-8", "replace"))


def run_typed(command, status, env, texts, home, timeout, prompt, out):
    """Type a lesson's input lines at the program's prompt, on a terminal."""
    import pexpect
    inputrc = home / ".inputrc"
    inputrc.write_text("set enable-bracketed-paste off\n")
    env = dict(env, INPUTRC=str(inputrc), TERM="dumb")
    child = pexpect.spawn("bash", ["-c", substitute(command.text, texts)],
                          env=env, cwd=str(home), timeout=timeout,
                          encoding="utf-8", codec_errors="replace",
                          echo=True, dimensions=(24, 100))
    screen = []
    child.logfile_read = Screen(out, screen)
    try:
        for line in command.stdin:
            child.expect_exact(prompt)
            child.sendline(substitute(line, texts))
        # Input ends here: Ctrl-D, unless the program has already left.
        if child.expect_exact([prompt, pexpect.EOF]) == 0:
            child.sendeof()
            child.expect(pexpect.EOF)
    except pexpect.TIMEOUT:
        out.error(f"(no {prompt!r} prompt within {timeout:.0f} s)")
    finally:
        child.close(force=True)
    lines = "".join(screen).replace("\r\n", "\n").splitlines()
    actual = [line for line in lines
              if not line.startswith(prompt) and line != prompt.rstrip()]
    return child.exitstatus or 0, actual


class Screen:
    """What a program wrote to its terminal, shown and kept."""

    def __init__(self, out, kept):
        self.out, self.kept = out, kept

    def write(self, text):
        self.kept.append(text)
        self.out.raw(text.replace("\r\n", "\n").encode())

    def flush(self):
        pass


def stop_group(proc):
    """Stop a command and anything it started, by its process group."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()


class Output:
    """The demo's own lines: bold and coloured on a terminal only."""

    def __init__(self, stream):
        self.stream = stream
        self.colour = stream.isatty() and os.environ.get("TERM") != "dumb"

    def paint(self, colour, text):
        return f"{colour}{text}{PLAIN}" if self.colour else text

    def heading(self, text):
        self.line(self.paint(BOLD, f"== {text}") + "\n")

    def command(self, text):
        self.line(self.paint(BOLD, f"$ {text}"))

    def note(self, text):
        self.line(self.paint(DIM, text))

    def error(self, text):
        self.line(self.paint(RED, text))

    def blank(self):
        self.line("")

    def line(self, text):
        self.stream.write(text + "\n")
        self.stream.flush()

    def raw(self, data):
        self.stream.buffer.write(data)
        self.stream.buffer.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
