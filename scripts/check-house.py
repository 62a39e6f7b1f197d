#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The house checks that `make check` runs (ARCHITECTURE.md says why).

1. No circle between C files: file A calls a function defined in file B and
   B, directly or through others, calls back into A.
2. Includes point down: common/ includes only common/; a family's code
   (telnet_tools/*.c or ssh_tools/*.c that is no program) includes only its
   family and common/; no family includes the other; no program includes
   another program's files.
3. Every function a lesson names in backquotes, `like_this()`, exists: in
   our source, in a library header, or in the book's Python API.
4. No product C file (shell/, telnet_tools/, ssh_tools/, common/) over 300
   lines, and common/ under a quarter of the product C.
5. Nothing in the repository points at files it does not hold.

usage: scripts/check-house.py [--repo DIR]   (exits 1 on a finding)
"""
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if sys.argv[1:2] == ["--repo"] and len(sys.argv) == 3:
    REPO = Path(sys.argv[2]).resolve()
PRODUCT = ("shell/", "telnet_tools/", "ssh_tools/", "common/")
FAMILIES = ("telnet_tools/", "ssh_tools/")
MAX_LINES = 300
MAX_COMMON_SHARE = 0.25
# Names lessons quote from the book's Python (telnetlib, paramiko, getpass)
# and from Twisted Conch: they exist in the book, not in C headers.
BOOK_PYTHON = {
    "expect", "read_until", "read_all", "invoke_shell", "exec_command",
    "recv", "recv_stderr", "open_session", "getpass", "open_shell",
    "get_transport", "set_missing_host_key_policy", "load_system_host_keys",
    "process_option",
}
DEFINITION = re.compile(
    r"^(?!static\b)[A-Za-z_][\w \*]*?\b([A-Za-z_]\w*)\s*\([^;]*$")
ANY_DEFINITION = re.compile(
    r"^(?:static\s+)?[A-Za-z_][\w \*]*?\b([A-Za-z_]\w*)\s*\([^;]*$")
# libssh2 declares its callbacks through macros: FUNC_MACRO(name).
MACRO_DEFINITION = re.compile(r"^(?:static\s+)?[A-Z][A-Z0-9_]*\((\w+)\)\s*$")
CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
LESSON_NAME = re.compile(r"`([A-Za-z_]\w*)\(\)`")


def tracked(*patterns):
    out = subprocess.run(["git", "ls-files", *patterns], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    return [p for p in out.splitlines() if (REPO / p).exists()]


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"),
                  text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def program_files():
    """The .c files of each program: PROG.c or PROG/*.c, from the Makefile."""
    make = (REPO / "Makefile").read_text()
    block = re.search(r"^PROGRAMS :=((?:.*\\\n)*.*)$", make, re.M).group(1)
    progs = block.replace("\\", " ").split()
    return {p: [f for f in tracked(f"{p}.c", f"{p}/*.c", f"{p}/*.h")]
            for p in progs}


def find_circles(sources):
    """Strongly connected sets of files over cross-file calls."""
    texts = {f: strip_comments((REPO / f).read_text()) for f in sources}
    defined_in = {}
    for f, text in texts.items():
        if f.endswith(".c"):
            for line in text.splitlines():
                m = DEFINITION.match(line)
                if m and not line.rstrip().endswith(";"):
                    defined_in.setdefault(m.group(1), f)
    edges = {f: {} for f in texts if f.endswith(".c")}
    for f in edges:
        for name in set(CALL.findall(texts[f])):
            g = defined_in.get(name)
            if g and g != f:
                edges[f].setdefault(g, []).append(name)
    return strongly_connected(edges), edges


def strongly_connected(edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def include_findings(sources, programs):
    owner = {f: p for p, files in programs.items() for f in files}
    findings = []
    for f in sources:
        for inc in INCLUDE.findall((REPO / f).read_text()):
            if f.startswith("common/") and not inc.startswith("common/"):
                findings.append(f"{f}: common/ includes {inc}")
            family = next((fam for fam in FAMILIES if f.startswith(fam)), None)
            other = [fam for fam in FAMILIES if fam != family]
            if family and any(inc.startswith(o) for o in other):
                findings.append(f"{f}: one family includes the other: {inc}")
            mine, theirs = owner.get(f), owner.get(inc)
            if theirs and theirs != mine:
                findings.append(f"{f}: includes program {theirs}'s {inc}")
    return findings


def library_names():
    """Every identifier followed by ( in the system's C headers."""
    names = set()
    for h in Path("/usr/include").rglob("*.h"):
        try:
            names.update(CALL.findall(h.read_text(errors="replace")))
        except OSError:
            continue
    return names


def lesson_findings(sources):
    ours = set()
    for f in sources + tracked("tests/*.c", "bench/*.c"):
        for line in strip_comments((REPO / f).read_text()).splitlines():
            m = MACRO_DEFINITION.match(line) or ANY_DEFINITION.match(line)
            if m:
                ours.add(m.group(1))
    wanted = {}
    for lesson in sorted(tracked("lessons/*.md")):
        for name in LESSON_NAME.findall((REPO / lesson).read_text()):
            wanted.setdefault(name, lesson)
    missing = {n: l for n, l in wanted.items()
               if n not in ours and n not in BOOK_PYTHON}
    if missing:
        system = library_names()
        missing = {n: l for n, l in missing.items() if n not in system}
    return [f"{lesson}: names `{name}()`, which no source defines"
            for name, lesson in sorted(missing.items())]


def size_findings(sources):
    findings, total, common = [], 0, 0
    for f in sources:
        n = len((REPO / f).read_text().splitlines())
        total += n
        common += n if f.startswith("common/") else 0
        if f.endswith(".c") and n > MAX_LINES:
            findings.append(f"{f}: {n} lines (at most {MAX_LINES})")
    share = common / total if total else 0
    if share >= MAX_COMMON_SHARE:
        findings.append(f"common/ is {share:.0%} of the product C "
                        f"({common} of {total} lines; under 25%)")
    return findings, share, common, total


def outside_findings():
    pattern = "|".join(["shared/(DESIGN|STYLE|reference|seeds)",
                        "STYLE" + r"\.md", "DESIGN" + r"\.md"])
    out = subprocess.run(["git", "grep", "-n", "-E", pattern, "--", "."],
                         cwd=REPO, capture_output=True, text=True).stdout
    return [f"points outside the repository: {line}"
            for line in out.splitlines()]


def main():
    sources = [f for f in tracked("*.c", "*.h") if f.startswith(PRODUCT)]
    programs = program_files()
    circles, edges = find_circles(sources)
    findings = []
    for group in circles:
        ties = "; ".join(f"{a} -> {b}: {', '.join(sorted(set(edges[a][b])))}"
                         for a in group for b in edges[a] if b in group)
        findings.append(f"circle of {len(group)} files: {ties}")
    findings += include_findings(sources, programs)
    findings += lesson_findings(sources)
    sizes, share, common, total = size_findings(sources)
    findings += sizes
    findings += outside_findings()
    for line in findings:
        print(f"house: {line}")
    print(f"house: {len(sources)} product C files, {total} lines, common/ "
          f"{common} ({share:.0%}); {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
