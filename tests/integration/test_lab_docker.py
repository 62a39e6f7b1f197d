# SPDX-License-Identifier: GPL-3.0-or-later
"""The Docker lab for real: built, started and used in a Docker engine.

As root (CI is) or with an engine to talk to: docker.io and docker-compose
are installed if missing, a dockerd is started if none answers (and then
stopped by its pid, with the bridge it made, at the end), and the lab is
brought up with playground/lab, as the README says.  Every program then
runs from h1 against the lab hosts through play.sh with no terminal, the
real telnet through play.sh at a terminal, and the lab is torn down with
the compose command lines the README shows.  Where no engine can run, every
test here skips with the reason.  The base image and the image layers stay
cached (base-image.sh, Docker's own cache), so a second run builds little.
"""
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pexpect
import pytest

from conftest import REPO
from lessons import output_matches, read_transcripts

PLAYGROUND = REPO / "playground"
LAB = str(PLAYGROUND / "lab")
PLAY = str(PLAYGROUND / "play.sh")
PROJECT = "shellwire-playground"
IMAGE = "shellwire-playground:latest"
MAX_IMAGE_MB = 300


def _env():
    """The environment for docker and the lab scripts: not make's."""
    return {k: v for k, v in os.environ.items()
            if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def _run(args, timeout=60, input=None, **kwargs):
    """ARGS to completion, with INPUT or an empty stdin (CI has none)."""
    if input is None:
        kwargs["stdin"] = subprocess.DEVNULL
    return subprocess.run(args, capture_output=True, text=True, input=input,
                          timeout=timeout, env=_env(), **kwargs)


def _engine_answers():
    """None if `docker info` works, else why not (its last line)."""
    if shutil.which("docker") is None:
        return "docker is not installed"
    try:
        info = _run(["docker", "info"], timeout=20)
    except subprocess.TimeoutExpired:
        return "docker info did not answer in 20 s"
    if info.returncode == 0:
        return None
    return (info.stderr.strip().splitlines() or ["docker info failed"])[-1]


def _has_compose():
    v2 = _run(["docker", "compose", "version"]).stdout
    return v2.startswith("Docker Compose") or shutil.which("docker-compose")


class Engine:
    """The Docker engine the tests use: the one that runs, or a dockerd
    started here, which stop() stops by its pid with what it made."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.proc = None
        self.bridge_before = Path("/sys/class/net/docker0").exists()
        self.exec_root_before = Path("/var/run/docker").exists()
        self.timings = {}

    def ensure(self):
        """Return None once an engine answers, else the reason it cannot."""
        why = _engine_answers()
        if why is None:
            return None
        if os.geteuid() != 0:
            return f"no Docker engine for this user: {why}"
        if shutil.which("dockerd") is None or not _has_compose():
            install = _run([str(REPO / "scripts/install-deps.sh"), "lab"],
                           timeout=600)
            if install.returncode != 0:
                return "cannot install docker.io and docker-compose: " + \
                    install.stderr.strip()[-200:]
        if _engine_answers() is None:
            return None
        # overlay2 first, then vfs, which any filesystem can hold.
        for driver in (None, "vfs"):
            why = self._start_dockerd(driver)
            if why is None:
                return None
        return f"dockerd cannot run here: {why}"

    def _start_dockerd(self, driver):
        """Start dockerd with storage DRIVER; None once it answers."""
        log = self.directory / f"dockerd-{driver or 'default'}.log"
        args = ["dockerd", "--pidfile", str(self.directory / "dockerd.pid")]
        if driver:
            args += ["--storage-driver", driver]
        with open(log, "w") as out:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if _engine_answers() is None:
                return None
            time.sleep(0.5)
        self.stop()
        lines = [line for line in log.read_text().splitlines()
                 if "level=error" in line or "level=fatal" in line]
        return (lines or ["dockerd did not answer in 60 s"])[-1]

    def stop(self):
        """Stop the dockerd started here by its pid; remove its bridge and
        its run directory if it made them (the images stay: the cache)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if not self.bridge_before and \
                Path("/sys/class/net/docker0").exists():
            subprocess.run(["ip", "link", "delete", "docker0"],
                           capture_output=True)
        if not self.exec_root_before:
            shutil.rmtree("/var/run/docker", ignore_errors=True)


def _timed(timings, name, args, timeout):
    start = time.monotonic()
    result = _run(args, timeout=timeout)
    timings[name] = time.monotonic() - start
    return result


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    engine = Engine(tmp_path_factory.mktemp("docker"))
    why = engine.ensure()
    if why is not None:
        pytest.skip(f"no Docker engine can run here: {why}")
    try:
        timings = engine.timings
        base = _timed(timings, "base",
                      [str(PLAYGROUND / "scripts/base-image.sh")], 900)
        assert base.returncode == 0, base.stderr
        up = _timed(timings, "up", [LAB, "up"], 1800)
        assert up.returncode == 0, up.stdout + up.stderr
        engine.up_output = up.stdout
        yield engine
    finally:
        # The README's teardown, whichever compose made the lab.
        _run([LAB, "down", "-v"], timeout=120)
        engine.stop()


def _make_programs():
    """The PROGRAMS of the Makefile: what make install installs."""
    text = (REPO / "Makefile").read_text()
    block = re.search(r"^PROGRAMS := \\\n((?:\t.*\n)+)", text, re.M).group(1)
    return block.replace("\\", " ").split()


def _container(service):
    """The id of the lab's container for SERVICE (h1, ftp, www)."""
    ids = _run(["docker", "ps", "-q", "--filter",
                f"label=com.docker.compose.project={PROJECT}", "--filter",
                f"label=com.docker.compose.service={service}"]).stdout.split()
    assert len(ids) == 1, f"{service}: {ids}"
    return ids[0]


def _exec(service, *command, input=None, timeout=60):
    """COMMAND on a lab host with no terminal.  docker exec, not play.sh:
    each compose start costs seconds; play.sh has tests of its own."""
    return _run(["docker", "exec", "-i", _container(service), *command],
                input=input, timeout=timeout)


def _h1(*command, input=None, timeout=60):
    return _exec("h1", *command, input=input, timeout=timeout)


def _on(host, script, timeout=60):
    return _exec(host, "sh", "-c", script, timeout=timeout)


def test_up_prints_every_host_healthy(lab):
    lines = lab.up_output.splitlines()
    assert "lab: every host is healthy; reach them with " \
           "playground/play.sh:" in lines
    status = _run([LAB, "status"])
    assert (status.returncode, status.stdout) == (
        0, "h1 healthy\nftp healthy\nwww healthy\n")
    times = [line for line in lines if line.startswith("lab: seconds: ")]
    assert len(times) == 1
    print(f"\n{times[0]} (base-image.sh alone: "
          f"{lab.timings['base']:.0f} s, lab up: {lab.timings['up']:.0f} s)")


def test_image_is_small_and_holds_no_build_tools(lab):
    size = int(_run(["docker", "image", "inspect", "-f", "{{.Size}}",
                     IMAGE]).stdout)
    print(f"image {IMAGE}: {size / 1e6:.0f} MB")
    assert size <= MAX_IMAGE_MB * 1000 * 1000
    # No compiler, no test build, no history in the image.
    found = _on("h1", "for f in /usr/bin/gcc /usr/bin/cc /usr/bin/clang "
                "/src/shellwire/.git /src/shellwire/build; do "
                "[ -e $f ] && echo $f; done; true")
    assert (found.returncode, found.stdout) == (0, "")
    source = _on("h1", "test -f /src/shellwire/Makefile && echo source")
    assert source.stdout == "source\n"


def _lesson_example(lesson, command, host, drop_port=None, echo=None):
    """Run on h1 the example COMMAND of LESSON with HOST for 127.0.0.1
    (and without DROP_PORT, a lesson port that is 22 in the lab); assert
    it prints what the lesson shows.  ECHO is a line the remote terminal
    echoes: the lab's bash echoes it, or not, as the typed line arrives
    before or after its line editor starts, so it is left out."""
    shown = [c for t in read_transcripts(REPO / "lessons" / lesson)
             for c in t.commands if c.text == command]
    assert shown, f"{lesson} no longer shows: {command}"
    lab_command = command.replace("127.0.0.1", host)
    if drop_port:
        lab_command = lab_command.replace(f"-p {drop_port} ", "")
    result = _h1("bash", "-c", lab_command)
    expected = [line for line in shown[0].expected if line != echo]
    actual = [line for line in result.stdout.splitlines() if line != echo]
    assert output_matches(expected, actual), \
        f"{lab_command}\n{result.stdout}{result.stderr}"
    return result


def test_telnet_login_to_telnetd_as_lesson_2_shows(lab):
    """Lesson 2 against ftp's telnetd on 2323, as on 127.0.0.1; port 23
    is the same telnetd."""
    command = ("echo abc123 | telnet_login -p 2323 -c 'exec echo $TERM' "
               "--password-stdin 127.0.0.1 brandon")
    _lesson_example("02-telnet-login.md", command, "ftp.example.com",
                    echo="exec echo $TERM")
    # Port 23, through play.sh from a script.
    result = _run([PLAY, "h1", "telnet_login", "-c", "exec echo $TERM",
                   "--password-stdin", "ftp.example.com", "brandon"],
                  input="abc123\n")
    assert (result.returncode, result.stdout.splitlines()[-1]) == \
        (0, "network"), result.stderr


def test_telnet_codes_as_lesson_3_shows(lab):
    _lesson_example("03-telnet-negotiation.md",
                    "echo abc123 | telnet_codes -p 2323 --password-stdin "
                    "127.0.0.1 brandon", "ftp.example.com",
                    echo="exec echo My terminal type is $TERM")


def test_telnet_server_on_www_as_lesson_4_shows(lab):
    for command in (
            "echo abc123 | telnet_codes -p 2323 --password-stdin "
            "127.0.0.1 brandon",
            "echo abc123 | telnet_login -p 2323 --password-stdin -c "
            "$'help\\nhelp timer\\nbye' 127.0.0.1 brandon"):
        _lesson_example("04-telnet-server.md", command, "www.example.com")


def test_ssh_simple_to_www(lab):
    """Lesson 5's bytes depend on its test server's shell and prompt;
    here brandon's bash answers, with its own prompt."""
    result = _h1("ssh_simple", "www.example.com", "brandon")
    assert result.returncode == 0, result.stderr
    assert "\nHello, world\n" in result.stdout


def test_ssh_commands_and_ssh_cat_as_lesson_6_shows(lab):
    for command in (
            "ssh_commands -p 2222 127.0.0.1 brandon",
            "ssh_commands -p 2222 brandon@127.0.0.1 'echo out; "
            "echo err >&2; exit 3' nosuchcommand 'kill $$'",
            "ssh_cat -p 2222 127.0.0.1 brandon"):
        _lesson_example("06-ssh-channels.md", command, "www.example.com",
                        drop_port="2222")


def test_ssh_threads_as_lesson_7_shows(lab):
    _lesson_example("07-ssh-threads.md",
                    "ssh_threads -p 2222 127.0.0.1 brandon 'echo One; "
                    "sleep 2; echo Two' 'sleep 1; echo A; sleep 2; echo B'",
                    "www.example.com", drop_port="2222")


def test_ssh_server_on_2222_of_www(lab):
    """Our console over exec: no terminal was asked for, so lines end in LF
    (CR LF only on a pty)."""
    result = _h1("ssh_commands", "-p", "2222", "www.example.com",
                 "brandon", "echo Hello, world!")
    assert (result.returncode, result.stdout) == \
        (0, '"Hello, world!\\n"\n'), result.stderr
    result = _h1("ssh", "-p", "2222", "brandon@www.example.com",
                 "params a 'b c'")
    assert (result.returncode, result.stdout) == (0, "['a', 'b c']\n"), \
        result.stderr


def test_sftp_get_copies_byte_for_byte(lab):
    made = _on("www", "head -c 300000 /dev/urandom >/tmp/lab-sftp.bin && "
               "chmod 644 /tmp/lab-sftp.bin && "
               "sha256sum </tmp/lab-sftp.bin")
    assert made.returncode == 0, made.stderr
    got = _on("h1", "cd /tmp && rm -f lab-sftp.bin && "
              "sftp_get www.example.com brandon /tmp/lab-sftp.bin "
              ">/dev/null && sha256sum <lab-sftp.bin", timeout=120)
    assert got.returncode == 0, got.stderr
    assert got.stdout == made.stdout


def test_ssh_inspect_sees_both_ssh_servers(lab):
    for port, server in (("22", "OpenSSH"), ("2222", "libssh")):
        result = _h1("ssh_inspect", "-p", port, "www.example.com")
        assert result.returncode == 0, result.stderr
        assert server in result.stdout


def test_the_real_ssh_with_the_lab_key(lab):
    for host in ("www.example.com", "ftp.example.com"):
        result = _h1("ssh", "-o", "BatchMode=yes", f"brandon@{host}",
                     "echo Suc''cess $(hostname)")
        assert (result.returncode, result.stdout) == \
            (0, f"Success {host.split('.')[0]}\n"), result.stderr


def test_the_real_telnet_at_a_terminal(lab):
    """play.sh at a terminal: compose gets one, telnet logs in."""
    child = pexpect.spawn(PLAY, ["h1", "telnet", "ftp.example.com"],
                          env=_env(), timeout=30, encoding="utf-8")
    try:
        child.expect("login: ")
        child.sendline("brandon")
        child.expect("Password: ")
        child.sendline("abc123")
        child.expect(r"\$ ")
        child.sendline("echo Suc''cess; hostname")
        child.expect(r"Success\r\nftp\r\n")
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        child.close()


def test_man_pages_for_every_program(lab):
    """`man PROGRAM` on h1 for every installed program (in one exec: each
    costs a compose start)."""
    pages = _on("h1", "cd /usr/local/bin && for p in *; do "
                "echo \"$p $(MANPAGER=cat COLUMNS=80 man $p | head -n 1)\"; "
                "done")
    lines = pages.stdout.splitlines()
    names = sorted(p.split("/")[-1] for p in _make_programs())
    assert [line.split()[0] for line in lines] == names
    for line in lines:
        name, header = line.split(" ", 1)
        assert re.match(rf"{name.upper()}\(1\) +User Commands", header), \
            line


def test_play_from_a_pipe(lab):
    result = _run([PLAY, "h1", "sh"], input="echo from a pipe; hostname\n")
    assert (result.returncode, result.stdout) == (0, "from a pipe\nh1\n"), \
        result.stderr


def test_lessons_replay_on_h1(lab):
    """make demo's runner, inside the lab: its servers on h1's 127.0.0.1."""
    result = _run([LAB, "demo"], timeout=240)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    lessons = len(list((REPO / "lessons").glob("[0-9][0-9]-*.md")))
    assert f"demo: every example of {lessons} lesson(s) ran live" in \
        result.stdout


def test_teardown_with_the_readme_command_lines(lab):
    """docker-compose down -v (v1), docker compose down -v (v2): whichever
    this machine has; then nothing of the lab is left."""
    v2 = _run(["docker", "compose", "version"]).stdout
    lines = []
    if shutil.which("docker-compose"):
        lines.append(["docker-compose", "down", "-v"])
    if v2.startswith("Docker Compose"):
        lines.append(["docker", "compose", "down", "-v"])
    assert lines, "no compose"
    for line in lines:
        result = _run(line, cwd=PLAYGROUND, timeout=120)
        assert result.returncode == 0, result.stderr
    left = _run(["docker", "ps", "-aq", "--filter",
                 f"label=com.docker.compose.project={PROJECT}"])
    assert left.stdout == ""
    volumes = _run(["docker", "volume", "ls", "-q", "--filter",
                    f"label=com.docker.compose.project={PROJECT}"])
    assert volumes.stdout == ""
