#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The shell's cost per command against dash: N `/bin/true` commands fed on
# stdin, wall time per command, as a ratio.  Besides the shell (fork,
# execvp, waitpid) and dash, bench/command_loop.c runs the same lines with
# readline linked and nothing else: with fork + execvp (the shell's way,
# without the shell) and with posix_spawnp (lesson 01's exercise).  The
# shell may cost up to 1.2x dash; posix_spawnp, which copies no page
# tables, comes near 1.0x.  Rounds run each contender in turn and the best
# round of each counts, so that load from elsewhere hurts all alike.
#   bench/bench_shell.sh BIN_DIR [N] [ROUNDS]
set -eu
bin=$1
n=${2:-2000}
rounds=${3:-7}
loop=$bin/../bench/command_loop
[ -x "$loop" ] || { echo "bench_shell: $loop not built (make bench-bins)"; exit 1; }
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

# The smaller of a best-so-far (maybe empty) and a new time.
best() {
    if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi
}

dash_best=""
shell_best=""
fork_best=""
spawn_best=""
r=0
while [ "$r" -lt "$rounds" ]; do
    dash_best=$(best "$dash_best" "$(time_ns dash)")
    shell_best=$(best "$shell_best" "$(time_ns "$bin/shell")")
    fork_best=$(best "$fork_best" "$(time_ns "$loop" fork)")
    spawn_best=$(best "$spawn_best" "$(time_ns "$loop" spawn)")
    r=$((r + 1))
done
awk -v d="$dash_best" -v s="$shell_best" -v f="$fork_best" \
    -v p="$spawn_best" -v n="$n" 'BEGIN {
    line = "%s_per_command: %.3f ms (%.2fx dash)\n"
    printf line, "shell", s / n / 1e6, s / d
    printf line, "fork_loop", f / n / 1e6, f / d
    printf line, "spawn_loop", p / n / 1e6, p / d
    printf "dash_per_command: %.3f ms (anchor)\n", d / n / 1e6
}'
