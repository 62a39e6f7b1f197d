# SPDX-License-Identifier: GPL-3.0-or-later
"""The whitespace-only shell, driven as a student types at a terminal."""
import os
import re
import signal
import time

import pexpect
import pytest

from conftest import program, program_env, run

PROMPT = "] "


@pytest.fixture
def shell(tmp_path):
    """The shell on a pseudo-terminal, at its first prompt."""
    child = pexpect.spawn(program("shell"), env=program_env(), cwd=tmp_path,
                          encoding="utf-8", timeout=10)
    child.expect_exact(PROMPT)
    yield child
    if child.isalive():
        child.terminate(force=True)
    child.close()


# readline switches the terminal's bracketed-paste mode on and off around
# each line; those escape sequences are not part of the output we check.
TERMINAL_MODES = re.compile(r"\x1b\[\?2004[hl]")


def screen_text(child):
    """What the terminal showed before the last match, as plain lines."""
    text = TERMINAL_MODES.sub("", child.before)
    return text.replace("\r\r\n", "\n").replace("\r\n", "\n")


def type_line(child, line):
    """Type LINE and Enter; return what came back before the next prompt."""
    child.sendline(line)
    child.expect_exact(PROMPT)
    return screen_text(child)


def children_of(pid):
    """Pids whose parent is PID, zombies included (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append((int(entry), fields[0]))
    return found


def test_show_prints_the_books_argument_list(shell):
    out = type_line(shell, 'show a "b c" $HOME *')
    assert out.endswith("Arguments: ['a', '\"b', 'c\"', '$HOME', '*']\n")


def test_blank_line_does_nothing_and_exit_ends_with_0(shell):
    # Only the typed blanks come back: no output, no error.
    assert type_line(shell, "     ").strip() == ""
    shell.sendline("exit")
    shell.expect(pexpect.EOF)
    shell.close()
    assert shell.exitstatus == 0


def test_ctrl_d_ends_cleanly(shell):
    shell.sendeof()
    shell.expect(pexpect.EOF)
    shell.close()
    assert shell.exitstatus == 0


def test_command_runs_and_failures_are_shown(shell, tmp_path):
    (tmp_path / "hello.txt").write_text("hi there\n")
    assert type_line(shell, "cat hello.txt").endswith("hi there\n")
    assert type_line(shell, "false").endswith("[exit 1]\n")
    out = type_line(shell, "no-such-program x")
    assert out.endswith("shell: no-such-program: No such file or directory\n")
    assert "[exit" not in out
    out = type_line(shell, "./hello.txt")
    assert out.endswith("shell: ./hello.txt: Permission denied\n")


def test_death_by_signal_is_shown(shell, tmp_path):
    (tmp_path / "die.sh").write_text("kill -TERM $$\n")
    assert type_line(shell, "sh die.sh").endswith("[signal 15]\n")


def test_ctrl_c_at_the_prompt_discards_the_line(shell):
    shell.send("show half typed")
    # As a person does, see the echo first: on Ctrl-C the kernel throws
    # away the terminal's unread input and unsent output (no NOFLSH).
    shell.expect_exact("typed")
    shell.sendintr()
    shell.expect_exact(PROMPT)
    out = type_line(shell, "show fresh")
    assert "half" not in out
    assert out.endswith("Arguments: ['fresh']\n")


def test_ctrl_c_reaches_the_command_and_the_shell_lives(shell):
    shell.sendline("sleep 30")
    time.sleep(0.5)  # let sleep start
    shell.sendintr()
    shell.expect_exact("[signal 2]")
    shell.expect_exact(PROMPT)
    assert type_line(shell, "show alive").endswith("Arguments: ['alive']\n")


def test_the_command_starts_with_sigint_at_its_default(shell):
    # The shell catches SIGINT (never ignores it) and the program gets it
    # back at its default, unblocked: else Ctrl-C could not stop it.
    with open(f"/proc/{shell.pid}/status") as f:
        caught = [line for line in f if line.startswith("SigCgt:")][0]
    assert int(caught.split()[1], 16) & (1 << (signal.SIGINT - 1))
    out = type_line(shell, "grep -E ^Sig(Blk|Ign): /proc/self/status")
    blocked, ignored = out.splitlines()[-2:]
    assert blocked == "SigBlk:\t0000000000000000"
    assert ignored.startswith("SigIgn:\t")
    assert not int(ignored.split()[1], 16) & (1 << (signal.SIGINT - 1))


def test_ctrl_c_twice_kills_two_commands_and_no_prompt_is_lost(shell):
    for _ in range(2):
        shell.sendline("sleep 30")
        time.sleep(0.5)  # let sleep start
        shell.sendintr()
        shell.expect_exact("[signal 2]")
        shell.expect_exact(PROMPT)
    # No Ctrl-C is left over to wipe out the next line.
    assert type_line(shell, "show next").endswith("Arguments: ['next']\n")
    assert children_of(shell.pid) == []


def test_the_command_inherits_only_stdin_stdout_and_stderr(shell):
    # The shell's own pipes are close-on-exec: the program never sees them.
    assert type_line(shell, "ls /proc/self/fd").endswith("0  1  2  3\n")


def test_no_zombies_are_left(shell):
    for _ in range(3):
        type_line(shell, "true")
    type_line(shell, "false")
    assert children_of(shell.pid) == []


def test_history_recalls_the_last_line(shell):
    type_line(shell, "show first")
    shell.send("\x1b[A")  # up arrow
    shell.send("\r")
    shell.expect_exact(PROMPT)
    assert screen_text(shell).endswith("Arguments: ['first']\n")


def test_a_command_that_closes_stdin_leaves_the_shell_working(shell,
                                                              tmp_path):
    (tmp_path / "closer.sh").write_text("exec 0<&-\necho closed\n")
    assert type_line(shell, "sh closer.sh").endswith("closed\n")
    assert type_line(shell, "show still").endswith("Arguments: ['still']\n")


def test_piped_input_needs_no_prompt():
    result = run([program("shell")],
                 input=b'show a b\nshow "x y"\n\nexit\nshow never\n')
    assert result.stdout == (b"Arguments: ['a', 'b']\n"
                             b"Arguments: ['\"x', 'y\"']\n")
    assert result.returncode == 0


def test_one_mebibyte_line(tmp_path):
    word = "x" * (1 << 20)
    result = run([program("shell")], input=f"show {word}\n".encode())
    assert result.returncode == 0
    assert result.stdout == f"Arguments: ['{word}']\n".encode()
    # Too long for one argument (Linux allows 128 KiB): execvp says why.
    result = run([program("shell")], input=f"echo {word}\n".encode())
    assert result.stderr == b"shell: echo: Argument list too long\n"


def test_nul_bytes_and_invalid_utf8():
    result = run([program("shell")],
                 input=b"show a\0b\nshow caf\xc3\xa9 \xff\xfe tab\x01\n")
    assert result.returncode == 0
    assert result.stderr == b"shell: line contains a NUL byte: ignored\n"
    assert result.stdout == (
        "Arguments: ['caf\u00e9', '\\xff\\xfe', 'tab\\x01']\n".encode())


def test_help_version_and_bad_usage():
    result = run([program("shell"), "--help"])
    assert result.returncode == 0
    assert result.stdout.startswith(b"usage: shell [--help] [--version]\n")
    result = run([program("shell"), "--version"])
    assert result.returncode == 0
    assert result.stdout.startswith(b"shell (shellwire) ")
    result = run([program("shell"), "--bogus"])
    assert result.returncode == 2
    assert b"usage: shell" in result.stderr


def test_a_missing_program_is_one_line_and_exit_127_is_an_exit(tmp_path):
    # "Could not run" and "ran, and exited 127" are told apart.
    (tmp_path / "exit127.sh").write_text("exit 127\n")
    result = run([program("shell")], cwd=tmp_path,
                 input=b"no-such-program x\nsh exit127.sh\n")
    assert result.stderr == (
        b"shell: no-such-program: No such file or directory\n")
    assert result.stdout == b"[exit 127]\n"
    assert result.returncode == 0


def test_each_commands_exit_status_is_reported(tmp_path):
    for status in (3, 255):
        (tmp_path / f"exit{status}.sh").write_text(f"exit {status}\n")
    result = run([program("shell")], cwd=tmp_path,
                 input=b"sh exit3.sh\ntrue\nsh exit255.sh\nfalse\n")
    assert result.stdout == b"[exit 3]\n[exit 255]\n[exit 1]\n"
    assert result.stderr == b""
    # The shell's own status stays 0, whatever its last command did.
    assert result.returncode == 0


def test_output_order_survives_the_fork(tmp_path):
    # Lines the shell printed are flushed before fork: never printed twice.
    result = run([program("shell")], cwd=tmp_path,
                 input=b"show one\nfalse\nnosuch\necho two\nshow three\n")
    assert result.stdout == (b"Arguments: ['one']\n[exit 1]\ntwo\n"
                             b"Arguments: ['three']\n")
    assert result.stderr == b"shell: nosuch: No such file or directory\n"


def test_a_script_without_a_shebang_runs_with_bin_sh(tmp_path):
    # execvp() hands a file the kernel cannot run (ENOEXEC) to /bin/sh, as
    # POSIX asks; glibc's posix_spawnp() reports "Exec format error".
    script = tmp_path / "plain"
    script.write_text("echo run by sh: $0\nexit 3\n")
    script.chmod(0o755)
    result = run([program("shell")], cwd=tmp_path, input=b"./plain\n")
    assert result.stdout == b"run by sh: ./plain\n[exit 3]\n"
    assert result.stderr == b""
