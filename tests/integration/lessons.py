# SPDX-License-Identifier: GPL-3.0-or-later
"""Read transcripts out of the lessons, and compare them with real output.

A transcript is a fenced block whose info string is `console`:

    <!-- check: input-prompt="] " fixtures="sshd" timeout=20 -->
    ```console
    $ shell
    ] show a "b c"
    Arguments: ['a', '"b', 'c"']
    ] exit
    ```

- `$ ` starts a command, run with bash in a temporary directory shared by the
  block, build/bin first on PATH; `$?` is the previous command's status.
- With `input-prompt`, lines starting with that prompt are what the student
  typed: they are fed to the command before them on stdin, not expected out.
- Every other line is expected output (stdout and stderr together).  A line
  that is just `...` matches any number of lines; `[...]` inside a line
  matches any text, for output that varies (uptime, fingerprints, ports).
- A carriage return the program printed is shown as `␍` where it stands
  (the terminal would hide it; the lesson must not), so `Hello␍` is
  "Hello\r\n" on the wire and `Hello` is "Hello\n".  Trailing spaces and
  tabs are not compared.
- The optional `<!-- check: ... -->` comment right above the block sets:
  `skip="why"` (not run), `input-prompt`, `fixtures` (names of pytest
  fixtures with a lesson_env() method, giving variables and text to
  substitute), `timeout` (seconds per command, default 30).
A fence with any other info string (```text, ```c) is not checked.
"""
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

DIRECTIVE = re.compile(r"^<!--\s*check:(.*?)-->\s*$")
ANY_LINES = "..."
ANY_TEXT = "[...]"


@dataclass
class Command:
    text: str
    stdin: list = field(default_factory=list)
    expected: list = field(default_factory=list)


@dataclass
class Transcript:
    lesson: str
    line: int
    options: dict
    commands: list

    @property
    def name(self):
        return f"{self.lesson}:{self.line}"


def parse_directive(text):
    options = {}
    for token in shlex.split(text):
        key, _, value = token.partition("=")
        options[key] = value
    return options


def read_transcripts(path):
    """Every console block of one lesson file, in order."""
    lines = Path(path).read_text().splitlines()
    transcripts, options, i = [], {}, 0
    while i < len(lines):
        match = DIRECTIVE.match(lines[i])
        if match:
            options = parse_directive(match.group(1))
        elif lines[i].strip() == "```console":
            start, body = i + 1, []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            commands = split_commands(body, options.get("input-prompt"))
            transcripts.append(
                Transcript(Path(path).name, start, options, commands))
            options = {}
        elif lines[i].strip():
            options = {}  # a directive applies only to the very next block
        i += 1
    return transcripts


def split_commands(body, input_prompt):
    commands = []
    for line in body:
        if line.startswith("$ "):
            commands.append(Command(line[2:]))
        elif not commands:
            raise ValueError(f"output before any command: {line!r}")
        elif input_prompt and line.startswith(input_prompt):
            commands[-1].stdin.append(line[len(input_prompt):])
        else:
            commands[-1].expected.append(line)
    return commands


CR_SHOWN = "\u240d"  # ␍, SYMBOL FOR CARRIAGE RETURN


def output_lines(text):
    """Output as lines split at LF only, every CR kept visible as ␍."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.replace("\r", CR_SHOWN) for line in lines]


def line_matches(pattern, actual):
    if ANY_TEXT not in pattern:
        return pattern.rstrip(" \t") == actual.rstrip(" \t")
    parts = [re.escape(p) for p in pattern.rstrip(" \t").split(ANY_TEXT)]
    # `[...]` stands for text, never for a hidden carriage return.
    return re.fullmatch(f"[^{CR_SHOWN}]*".join(parts), actual.rstrip(" \t"),
                        re.S) is not None


def output_matches(expected, actual):
    """Match line patterns against lines; `...` takes any number of lines."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == ANY_LINES:
        return any(output_matches(rest, actual[k:])
                   for k in range(len(actual) + 1))
    return bool(actual) and line_matches(head, actual[0]) and \
        output_matches(rest, actual[1:])


def substitute(text, replacements):
    for shown, real in replacements.items():
        text = text.replace(shown, real)
    return text
