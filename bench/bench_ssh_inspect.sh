#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ssh_inspect's wall time per run against a private OpenSSH sshd on
# loopback (identification, KEXINIT, a full libssh2 handshake and the "none"
# authentication request), with OpenSSH's ssh-keyscan as the anchor (one
# connection, key exchange, host key).  The server offers one key exchange,
# curve25519-sha256, so that both do the same work (ssh-keyscan would pick
# the costlier sntrup761x25519); ssh_inspect connects twice, so about 2x is
# expected.  The issue's target is "well under a second".  Rounds alternate
# between the two and the best round of each counts.
#   bench/bench_ssh_inspect.sh BIN_DIR [N] [ROUNDS]
set -eu
bin=$1
n=${2:-20}
rounds=${3:-5}
dir=$(mktemp -d)
sshd_pid=""
cleanup() {
    if [ -n "$sshd_pid" ]; then
        kill "$sshd_pid" 2>/dev/null || true
        wait "$sshd_pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT

# A private sshd as this user, on a free port.
# shellcheck source=SCRIPTDIR/private_sshd.sh
. "$(dirname "$0")/private_sshd.sh"
start_private_sshd "KexAlgorithms curve25519-sha256"
port=$sshd_port

inspect() {
    "$bin/ssh_inspect" -p "$port" --known-hosts "$dir/known_hosts" \
        127.0.0.1 "$user" >/dev/null
}
keyscan() {
    ssh-keyscan -p "$port" -t ed25519 127.0.0.1 >/dev/null 2>&1
}

# One run first: a broken ssh_inspect stops here, not inside the timing.
inspect

# Wall time of N runs of one function, in nanoseconds.
time_ns() {
    start=$(date +%s%N)
    i=0
    while [ "$i" -lt "$n" ]; do
        "$1"
        i=$((i + 1))
    done
    end=$(date +%s%N)
    echo $((end - start))
}

inspect_best=""
keyscan_best=""
r=0
while [ "$r" -lt "$rounds" ]; do
    t=$(time_ns keyscan)
    if [ -z "$keyscan_best" ] || [ "$t" -lt "$keyscan_best" ]; then
        keyscan_best=$t
    fi
    t=$(time_ns inspect)
    if [ -z "$inspect_best" ] || [ "$t" -lt "$inspect_best" ]; then
        inspect_best=$t
    fi
    r=$((r + 1))
done
awk -v i="$inspect_best" -v k="$keyscan_best" -v n="$n" 'BEGIN {
    printf "ssh_inspect_run: %.1f ms (%.2fx ssh-keyscan)\n", i / n / 1e6, i / k
    printf "ssh_keyscan_run: %.1f ms (anchor)\n", k / n / 1e6
}'
