#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The libssh2 clients against OpenSSH's own, side by side, one private sshd
# on 127.0.0.1 (keys made here, stopped by pid):
#   - sftp_get against sftp(1) on one big file: throughput (target >= 1.2x),
#     then through delay_proxy's 10 ms round trip (target >= 1.3x), and
#     sftp_get's peak memory;
#   - ssh_commands running 20 commands on one session against 20 runs of
#     `ssh HOST true` (target <= 1/20 of the time);
#   - one connect + login + exec against one `ssh HOST true` (target <= 0.5x).
# Each figure is the best of ROUNDS runs, the two tools alternating, so that
# load from elsewhere on the machine hurts both alike.
#   bench/bench_ssh_clients.sh BIN_DIR [MIB] [ROUNDS]
set -eu
bin=$1
mib=${2:-512}
rounds=${3:-3}
proxy_bin="$bin/../bench/delay_proxy"
dir=$(mktemp -d)
sshd_pid=""
proxy_pid=""
cleanup() {
    [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
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
best_ours_sftp="" best_theirs_sftp="" best_ours_slow="" best_theirs_slow=""
best_ours_20="" best_theirs_20="" best_ours_1="" best_theirs_1=""
best() {
    eval "old=\${best_$1:-}"
    if [ -z "$old" ] || [ "$2" -lt "$old" ]; then
        eval "best_$1=$2"
    fi
}

ours_get() { # PORT FILE
    # shellcheck disable=SC2086
    (cd "$dir/down" && "$bin/sftp_get" -p "$1" -i "$dir/id_ed25519" \
        --known-hosts "$dir/known_hosts_$1" 127.0.0.1 "$user" "$2")
}
theirs_get() { # PORT FILE
    # shellcheck disable=SC2086
    echo "get $2 $dir/down/theirs" |
        sftp -q $theirs -o "UserKnownHostsFile=$dir/known_hosts_$1" \
            -P "$1" -b - "$user@127.0.0.1"
}
rate() { # BYTES NS -> MB/s
    awk -v b="$1" -v t="$2" 'BEGIN { printf "%.0f", b / (t / 1e9) / 1e6 }'
}

# -- sftp: one big file, straight and through a 10 ms round trip --
mkdir "$dir/down"
truncate -s "${mib}M" "$dir/big"
slow_mib=$((mib / 4))
truncate -s "${slow_mib}M" "$dir/slow"
cp "$dir/known_hosts" "$dir/known_hosts_$port"
"$proxy_bin" "$port" 5 >"$dir/proxy_port" &
proxy_pid=$!
i=0
until [ -s "$dir/proxy_port" ]; do
    i=$((i + 1))
    [ "$i" -lt 100 ] || exit 1
    sleep 0.05
done
slow_port=$(cat "$dir/proxy_port")
echo "[127.0.0.1]:$slow_port $(cut -d' ' -f1,2 "$dir/host_key.pub")" \
    >"$dir/known_hosts_$slow_port"
r=0
while [ "$r" -lt "$rounds" ]; do
    best ours_sftp "$(time_ns ours_get "$port" "$dir/big")"
    rm -f "$dir/down/"*
    best theirs_sftp "$(time_ns theirs_get "$port" "$dir/big")"
    rm -f "$dir/down/"*
    best ours_slow "$(time_ns ours_get "$slow_port" "$dir/slow")"
    rm -f "$dir/down/"*
    best theirs_slow "$(time_ns theirs_get "$slow_port" "$dir/slow")"
    rm -f "$dir/down/"*
    r=$((r + 1))
done
# shellcheck disable=SC2086
kb=$( (cd "$dir/down" && /usr/bin/time -f %M "$bin/sftp_get" $ours \
    127.0.0.1 "$user" "$dir/big" >/dev/null) 2>&1 | tail -1)
rm -f "$dir/down/"*
bytes=$((mib * 1048576))
slow_bytes=$((slow_mib * 1048576))
echo "sftp_get_${mib}MiB: $(rate "$bytes" "$best_ours_sftp") MB/s" \
    "($(awk -v a="$best_theirs_sftp" -v b="$best_ours_sftp" \
        'BEGIN { printf "%.2f", a / b }')x sftp at" \
    "$(rate "$bytes" "$best_theirs_sftp") MB/s)"
echo "sftp_get_${slow_mib}MiB_10ms_rtt: $(rate "$slow_bytes" "$best_ours_slow")" \
    "MB/s ($(awk -v a="$best_theirs_slow" -v b="$best_ours_slow" \
        'BEGIN { printf "%.2f", a / b }')x sftp at" \
    "$(rate "$slow_bytes" "$best_theirs_slow") MB/s)"
echo "sftp_get_peak_memory: $((kb / 1024)) MiB (for a $mib MiB file)"

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
