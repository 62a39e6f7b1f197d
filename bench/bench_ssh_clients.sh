#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The libssh2 clients against OpenSSH's own, side by side, one private sshd
# on 127.0.0.1 (keys made here, stopped by pid); sftp_get is measured in
# bench_sftp.sh:
#   - ssh_commands running 20 commands on one session against 20 runs of
#     `ssh HOST true` (target <= 1/20 of the time);
#   - one connect + login + exec against one `ssh HOST true` (target <= 0.5x).
# Each figure is the best of ROUNDS runs, the two tools alternating, so that
# load from elsewhere on the machine hurts both alike.
#   bench/bench_ssh_clients.sh BIN_DIR [ROUNDS]
set -eu
bin=$1
rounds=${2:-3}
dir=$(mktemp -d)
sshd_pid=""
cleanup() {
    [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# -- A private sshd, as the test fixture makes it --
# shellcheck source=SCRIPTDIR/private_sshd.sh
. "$(dirname "$0")/private_sshd.sh"
# shellcheck disable=SC2119 # no extra sshd_config lines
start_private_sshd
port=$sshd_port

ours="-p $port -i $dir/id_ed25519 --known-hosts $dir/known_hosts"
# ssh takes the first value of an option: known_hosts is given per run.
theirs="-F /dev/null -i $dir/id_ed25519 -o IdentitiesOnly=yes -o BatchMode=yes"

# Wall time of a command, in nanoseconds; its output is thrown away.
time_ns() {
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 </dev/null
    end=$(date +%s%N)
    echo $((end - start))
}

# best NAME VALUE: keep the smallest value seen under best_NAME.
best_ours_20="" best_theirs_20="" best_ours_1="" best_theirs_1=""
best() {
    eval "old=\${best_$1:-}"
    if [ -z "$old" ] || [ "$2" -lt "$old" ]; then
        eval "best_$1=$2"
    fi
}

# -- Many commands on one session, and one command alone --
twenty=""
i=0
while [ "$i" -lt 20 ]; do
    twenty="$twenty true"
    i=$((i + 1))
done
ssh_twenty() {
    for _ in $twenty; do
        # shellcheck disable=SC2086
        ssh $theirs -o "UserKnownHostsFile=$dir/known_hosts" -p "$port" \
            "$user@127.0.0.1" true || return 1
    done
}
r=0
while [ "$r" -lt $((rounds + 2)) ]; do
    # shellcheck disable=SC2086
    best ours_20 "$(time_ns "$bin/ssh_commands" $ours 127.0.0.1 "$user" \
        $twenty)"
    best theirs_20 "$(time_ns ssh_twenty)"
    # shellcheck disable=SC2086
    best ours_1 "$(time_ns "$bin/ssh_commands" $ours 127.0.0.1 "$user" true)"
    # shellcheck disable=SC2086
    best theirs_1 "$(time_ns ssh $theirs \
        -o "UserKnownHostsFile=$dir/known_hosts" -p "$port" \
        "$user@127.0.0.1" true)"
    r=$((r + 1))
done
awk -v o="$best_ours_20" -v t="$best_theirs_20" -v o1="$best_ours_1" \
    -v t1="$best_theirs_1" 'BEGIN {
    printf "ssh_commands_20_commands: %.0f ms (%.3fx 20 ssh runs at %.0f ms; " \
        "%.1f ms per extra command)\n", o / 1e6, o / t, t / 1e6,
        (o - o1) / 19 / 1e6
    printf "ssh_commands_connect_login_exec: %.0f ms (%.2fx ssh true at " \
        "%.0f ms)\n", o1 / 1e6, o1 / t1, t1 / 1e6
}'
