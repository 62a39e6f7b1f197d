#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The shell's cost per command against dash: N `/bin/true` commands fed on
# stdin to each, wall time per command, as a ratio.  Nearly all of it is
# the kernel's fork and exec of /bin/true; the target is at most 1.05x dash.
# Rounds alternate between the two shells and the best round of each
# counts, so that load from elsewhere on the machine hurts both alike.
#   bench/bench_shell.sh BIN_DIR [N] [ROUNDS]
set -eu
bin=$1
n=${2:-2000}
rounds=${3:-7}
script=$(mktemp)
trap 'rm -f "$script"' EXIT
i=0
while [ "$i" -lt "$n" ]; do
    echo /bin/true
    i=$((i + 1))
done >"$script"

# Wall time of one run, in nanoseconds.
time_ns() {
    start=$(date +%s%N)
    "$@" <"$script" >/dev/null
    end=$(date +%s%N)
    echo $((end - start))
}

dash_best=""
shell_best=""
r=0
while [ "$r" -lt "$rounds" ]; do
    t=$(time_ns dash)
    if [ -z "$dash_best" ] || [ "$t" -lt "$dash_best" ]; then dash_best=$t; fi
    t=$(time_ns "$bin/shell")
    if [ -z "$shell_best" ] || [ "$t" -lt "$shell_best" ]; then shell_best=$t; fi
    r=$((r + 1))
done
awk -v d="$dash_best" -v s="$shell_best" -v n="$n" 'BEGIN {
    printf "shell_per_command: %.3f ms (%.2fx dash)\n", s / n / 1e6, s / d
    printf "dash_per_command: %.3f ms (anchor)\n", d / n / 1e6
}'
