#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""make figures: redraw the lessons' committed figures with the built
programs (lesson 12: one OpenSSH exec session, by ssh_server --diagram).

    scripts/lesson_figures.py build/bin
"""
import sys

from lab import load_test_fixtures


def main(argv):
    if len(argv) != 2:
        print("usage: lesson_figures.py BIN_DIR", file=sys.stderr)
        return 2
    load_test_fixtures(argv[1])
    import fixtures_ssh_trace
    fixtures_ssh_trace.draw_exec_figure(fixtures_ssh_trace.FIGURE)
    print(f"wrote {fixtures_ssh_trace.FIGURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
