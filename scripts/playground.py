#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""make playground: the demo's servers, and a shell to type the examples in.

usage: playground.py BIN_DIR

It starts the local playground (scripts/lab.py), prints how to reach each
server, and runs the project's own shell with BIN_DIR first on PATH, in the
playground's directory, with the servers' details in the environment
($SSHD_PORT, ...).  Leaving the shell (exit or Ctrl-D) stops every server.
Exit status: the shell's, 2 for a usage error, 130 when interrupted.
"""
import signal
import subprocess
import sys

from lab import Lab


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        with Lab(argv[1]) as lab:
            home = lab.dir / "home"
            home.mkdir()
            env, _ = lab.lesson_env(list(lab.servers), home)
            env["SHELLWIRE_PLAYGROUND"] = str(lab.dir)
            print("shellwire playground: these servers run until you leave "
                  "the shell (exit or Ctrl-D):")
            for line in lab.describe():
                print("  " + line)
            print("Try the lessons' commands, e.g.  show a \"b c\" $HOME *")
            sys.stdout.flush()
            # While the shell runs, Ctrl-C is the shell's (it discards the
            # line): this script ignores it, the shell gets it back.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                return subprocess.run(
                    [str(lab.bin / "shell")], env=env, cwd=home,
                    preexec_fn=default_interrupts).returncode
            finally:
                signal.signal(signal.SIGINT, signal.default_int_handler)
    except KeyboardInterrupt:
        print("playground: interrupted; every server it started is stopped")
        return 130


def default_interrupts():
    """In the child, before exec: Ctrl-C back to its default action."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
