# SPDX-License-Identifier: GPL-3.0-or-later
"""Lesson 12's set-up, and its figure.

Each of the lesson's transcripts gets a fresh `ssh_server --trace` on a
port shown as 2200: $TRACE is its trace file, $TRACE_OPTS the ssh options
that use the test's key ($TRACE_KEY) and known_hosts ($TRACE_KNOWN_HOSTS),
$TRACE_HOSTKEY the host key's SHA256 fingerprint.

The figure lessons/figures/12-openssh-exec.svg is one OpenSSH exec session
drawn by `ssh_server --diagram`; `make figures` redraws it with
draw_exec_figure(), and test_diagrams.py compares a fresh drawing with it.
"""
import re
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import REPO, program_env
from fixtures_ssh_server import SshServer

FIGURE = REPO / "lessons" / "figures" / "12-openssh-exec.svg"
# The client's port changes every run; the figure shows this one.
SHOWN_PORT = "50000"


class TraceServer:
    """A fresh `ssh_server --trace` for each transcript that asks for one
    (each lesson_env() call stops the last and starts another), so that
    every transcript's trace begins at connection [1]."""

    def __init__(self, directory, args=()):
        self.dir = Path(directory)
        self.args = list(args)
        self.server = None
        self.runs = 0

    def lesson_env(self):
        self.stop()
        self.runs += 1
        run_dir = self.dir / f"run{self.runs}"
        trace = run_dir / "trace.txt"
        self.server = SshServer(run_dir, ["--trace", str(trace), *self.args])
        self.server.start()
        env, texts = self.server.lesson_env(prefix="TRACE", shown_port=2200)
        env.update(TRACE=str(trace), TRACE_KEY=str(self.server.client_key),
                   TRACE_HOSTKEY=self.server.fingerprint)
        port = str(self.server.port)
        texts.update({"-P 2200": f"-P {port}", "port=2200": f"port={port}"})
        return env, texts

    def stop(self):
        status = self.server.stop() if self.server is not None else 0
        self.server = None
        return status


@pytest.fixture
def ssh_trace_server(tmp_path_factory):
    """Console mode, traced; $TRACE is the trace file."""
    server = TraceServer(tmp_path_factory.mktemp("ssh_trace_server"))
    yield server
    server.stop()


@pytest.fixture
def ssh_trace_echo_server(tmp_path_factory):
    """Echo mode, traced."""
    server = TraceServer(tmp_path_factory.mktemp("ssh_trace_echo_server"),
                         ["--mode", "echo"])
    yield server
    server.stop()


def start_ssh_trace_server(directory):
    return TraceServer(directory)


def start_ssh_trace_echo_server(directory):
    return TraceServer(directory, ["--mode", "echo"])


def draw_exec_figure(out_path, timeout=20.0):
    """`ssh host echo Hello, world` against ssh_server --diagram, drawn to
    OUT_PATH with the client's port shown as SHOWN_PORT."""
    with tempfile.TemporaryDirectory(prefix="shellwire-figure-") as tmp:
        drawing = Path(tmp) / "exec.svg"
        server = SshServer(tmp, ["--diagram", str(drawing)]).start()
        try:
            args = server.ssh_args("echo", "Hello,", "world")
            args[1:1] = ["-o", "SendEnv=LANG"]
            subprocess.run(args, stdin=subprocess.DEVNULL, check=True,
                           capture_output=True, timeout=timeout,
                           env=program_env(LANG="C.UTF-8"))
            drawn = Path(tmp) / "exec-1.svg"
            deadline = time.monotonic() + timeout
            while not drawn.exists():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{drawn} was not written")
                time.sleep(0.05)
        finally:
            status = server.stop()
        if status != 0:
            raise RuntimeError(f"ssh_server exited with {status}")
        text = re.sub(r"127\.0\.0\.1 port \d+", f"127.0.0.1 port {SHOWN_PORT}",
                      drawn.read_text())
    Path(out_path).write_text(text)
