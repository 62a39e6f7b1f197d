# SPDX-License-Identifier: GPL-3.0-or-later
"""Run every transcript in lessons/ against the built programs.

The format is described in lessons.py.  A lesson can never go stale: if the
program's output changes, this test fails and names the lesson and line.
"""
import difflib
import subprocess

import pytest

from conftest import REPO, program_env
from lessons import output_lines, output_matches, read_transcripts, substitute

LESSONS = sorted((REPO / "lessons").glob("*.md"))
TRANSCRIPTS = [t for path in LESSONS for t in read_transcripts(path)]


@pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=lambda t: t.name)
def test_transcript(transcript, request, tmp_path):
    if "skip" in transcript.options:
        pytest.skip(transcript.options["skip"] or "marked skip in the lesson")
    env, replacements = program_env(HOME=str(tmp_path)), {}
    for name in transcript.options.get("fixtures", "").split():
        fixture_env, fixture_text = request.getfixturevalue(name).lesson_env()
        env.update(fixture_env)
        replacements.update(fixture_text)
    timeout = float(transcript.options.get("timeout", 30))

    status = 0
    for command in transcript.commands:
        text = substitute(command.text, replacements)
        stdin = "".join(substitute(line, replacements) + "\n"
                        for line in command.stdin)
        result = subprocess.run(
            ["bash", "-c", f"(exit {status}); {text}"], input=stdin.encode(),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
            cwd=tmp_path, timeout=timeout)
        status = result.returncode
        actual = output_lines(result.stdout.decode("utf-8", "replace"))
        expected = [substitute(line, replacements)
                    for line in command.expected]
        if not output_matches(expected, actual):
            diff = "\n".join(difflib.unified_diff(
                expected, actual, "lesson", "actual", lineterm=""))
            pytest.fail(f"{transcript.name}: `$ {command.text}` "
                        f"printed something else:\n{diff}")


def test_every_lesson_has_a_checked_transcript():
    """Each numbered lesson shows at least one transcript the suite runs."""
    for path in LESSONS:
        if path.name[:2].isdigit():
            assert read_transcripts(path), f"{path.name} has no transcript"


def test_checker_catches_a_wrong_transcript(tmp_path):
    """The checker itself must be able to fail."""
    lesson = tmp_path / "99-wrong.md"
    lesson.write_text("```console\n$ echo real\nimagined\n```\n")
    [transcript] = read_transcripts(lesson)
    assert transcript.commands[0].expected == ["imagined"]
    assert not output_matches(["imagined"], ["real"])
    assert output_matches(["up [...] users", "..."], ["up 5 days, 2 users"])
    assert output_matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert not output_matches(["a", "...", "z"], ["a", "b"])
    assert not output_matches([], ["unexpected"])


def test_checker_keeps_a_carriage_return_visible():
    """CR LF and LF are different outputs; trailing spaces are not compared."""
    assert output_lines("Hello\r\nbye\n") == ["Hello\u240d", "bye"]
    assert output_lines("a\rb\n") == ["a\u240db"]
    assert not output_matches(["Hello"], output_lines("Hello\r\n"))
    assert output_matches(["Hello\u240d"], output_lines("Hello\r\n"))
    assert not output_matches(["up [...]"], output_lines("up 3 days\r\n"))
    assert output_matches(["up [...]\u240d"], output_lines("up 3 days\r\n"))
    assert output_matches(["x"], output_lines("x  \n"))
