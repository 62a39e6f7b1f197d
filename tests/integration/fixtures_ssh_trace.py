# SPDX-License-Identifier: GPL-3.0-or-later
"""Lesson 12's set-up, and its figure.

The lesson's transcripts start their own `ssh_server --trace` (each block
gets a fresh trace that begins at connection [1]); this fixture gives them
a client key ($TRACE_KEY, $TRACE_KEY.pub), the ssh options that use it
($TRACE_OPTS), and a free port shown as 2200.

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

from conftest import REPO, free_port, program_env, ssh_keygen
from fixtures_ssh_server import SshServer

FIGURE = REPO / "lessons" / "figures" / "12-openssh-exec.svg"
# The client's port changes every run; the figure shows this one.
SHOWN_PORT = "50000"


class TraceLab:
    """A key and a port for transcripts that start ssh_server themselves."""

    def __init__(self, directory):
        self.dir = Path(directory)
        self.key = self.dir / "id_ed25519"
        ssh_keygen(self.key)
        self.port = free_port()

    def lesson_env(self):
        opts = (f"-F /dev/null -i {self.key} -o IdentitiesOnly=yes "
                "-o UserKnownHostsFile=/dev/null "
                "-o StrictHostKeyChecking=no -o LogLevel=error "
                "-o BatchMode=yes")
        env = {"TRACE_KEY": str(self.key), "TRACE_OPTS": opts}
        port = str(self.port)
        return env, {"-p 2200": f"-p {port}", "-P 2200": f"-P {port}",
                     "port=2200": f"port={port}"}

    def stop(self):
        return 0


@pytest.fixture
def ssh_trace_lab(tmp_path_factory):
    yield TraceLab(tmp_path_factory.mktemp("ssh_trace_lab"))


def start_ssh_trace_lab(directory):
    return TraceLab(directory)


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
