#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A program's man page, generated from its --help and --version by
# Debian's help2man, so the page never says other than the program.
#   usage: scripts/man-page.sh PROGRAM OUT.1
# The NAME line is the first sentence of the --help text after the usage
# lines.
set -eu
if [ $# -ne 2 ]; then
    echo "usage: man-page.sh PROGRAM OUT.1" >&2
    exit 2
fi
program=$1
out=$2
if ! command -v help2man >/dev/null 2>&1; then
    echo "man-page.sh: help2man is not installed" \
        "(scripts/install-deps.sh tools)" >&2
    exit 1
fi
# The first paragraph that is not a usage line, up to its first full stop.
name=$("$program" --help | awk '
    /^$/ { if (text != "") exit; next }
    /^[[:space:]]*usage:/ || /^[[:space:]]/ { if (text == "") next }
    { text = text (text == "" ? "" : " ") $0 }
    END { sub(/\. .*/, "", text); sub(/\.$/, "", text); print text }')
help2man --no-info --no-discard-stderr --section=1 \
    --source=shellwire --name="$name" --output="$out.new" "$program"
mv "$out.new" "$out"
