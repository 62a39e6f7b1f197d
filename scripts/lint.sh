#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# make lint: format check, clang-tidy, shellcheck, and a grep for the calls
# the house bans.  Prints what it finds; exits non-zero if anything was found.
set -u
cd "$(dirname "$0")/.." || exit 2
status=0
sources=$(git ls-files '*.c' '*.h')
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -I. $(pkg-config --cflags \
    readline libtelnet libssh2 libssh libcrypt 2>/dev/null)"

echo "lint: clang-format"
# shellcheck disable=SC2086
clang-format --dry-run --Werror $sources || status=1

echo "lint: banned calls"
banned='gets|sprintf|vsprintf|strcpy|strcat|strncpy|strtok|atoi|atol'
banned="$banned|inet_addr|inet_ntoa|gethostbyname|system|popen|select"
# shellcheck disable=SC2086
if grep -nE "(^|[^_[:alnum:]])($banned)[[:space:]]*\(" $sources |
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*)'; then
    status=1
fi

if command -v clang-tidy >/dev/null 2>&1; then
    echo "lint: clang-tidy"
    for f in $(git ls-files '*.c'); do
        # shellcheck disable=SC2086
        clang-tidy --quiet "$f" -- $flags 2>/dev/null | grep -E 'warning|error' &&
            status=1
    done
fi

if command -v shellcheck >/dev/null 2>&1; then
    echo "lint: shellcheck"
    # shellcheck disable=SC2046
    shellcheck -x $(git ls-files '*.sh') .ci/run || status=1
fi
[ "$status" -eq 0 ] && echo "lint: clean"
exit "$status"
