# SPDX-License-Identifier: GPL-3.0-or-later
"""The house checks (scripts/check-house.py): the real tree passes, and a
small tree with each fault fails with the exact finding."""
import subprocess
import sys

from conftest import REPO

CHECK = REPO / "scripts" / "check-house.py"


def run_check(repo):
    return subprocess.run([sys.executable, str(CHECK), "--repo", str(repo)],
                          capture_output=True, text=True, timeout=120)


def test_the_repository_keeps_the_house_rules():
    result = run_check(REPO)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].endswith("; 0 findings")


def write(root, path, text):
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text)


def test_each_fault_is_named(tmp_path):
    write(tmp_path, "Makefile", "PROGRAMS := \\\n\tssh_tools/srv\n")
    write(tmp_path, "common/a.c", "int a(void)\n{\n    return b();\n}\n")
    write(tmp_path, "common/b.c", '#include "ssh_tools/srv/srv.h"\n'
          "int b(void)\n{\n    return a();\n}\n")
    write(tmp_path, "ssh_tools/srv/main.c",
          "int main(void)\n{\n" + "    ;\n" * 300 + "}\n")
    write(tmp_path, "ssh_tools/srv/srv.h", "int a(void);\n")
    write(tmp_path, "lessons/01-x.md",
          "Read `main()`, then `no_such_function()`; see DESIGN" + ".md.\n")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "."], check=True)
    result = run_check(tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "house: circle of 2 files: common/a.c -> common/b.c: b; "
        "common/b.c -> common/a.c: a",
        "house: common/b.c: common/ includes ssh_tools/srv/srv.h",
        "house: common/b.c: includes program ssh_tools/srv's "
        "ssh_tools/srv/srv.h",
        "house: lessons/01-x.md: names `no_such_function()`, which no "
        "source defines",
        "house: ssh_tools/srv/main.c: 303 lines (at most 300)",
        "house: points outside the repository: lessons/01-x.md:1:Read "
        "`main()`, then `no_such_function()`; see DESIGN" + ".md.",
        "house: 4 product C files, 313 lines, common/ 9 (3%); 6 findings",
    ]
