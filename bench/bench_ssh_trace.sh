#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What ssh_server --trace costs: two servers in echo mode, one with
# --trace FILE --diagram FILE.svg and one without, on 127.0.0.1 with keys
# made here, both stopped by pid.  COUNT logins one after another (key
# exchange, public key login, session channel, disconnect: about 20
# messages each, every one decoded, printed and drawn), best of ROUNDS,
# the two alternating.  The untraced server is the anchor; with the
# options off no capture is set up and no message is looked at.
#   bench/bench_ssh_trace.sh BIN_DIR [COUNT] [ROUNDS]
set -eu
bin=$1
count=${2:-100}
rounds=${3:-3}
load="$bin/../bench/ssh_load"
dir=$(mktemp -d)
plain_pid=""
traced_pid=""
cleanup() {
    [ -n "$plain_pid" ] && kill "$plain_pid" 2>/dev/null
    [ -n "$traced_pid" ] && kill "$traced_pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ssh-keygen -q -t ed25519 -N '' -f "$dir/id_ed25519"
cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
user=$(id -un)

# start NAME [OPTION...]: a server; sets started_pid and started_port.
start() {
    name=$1
    shift
    mkfifo "$dir/$name.out"
    "$bin/ssh_server" -p 0 --mode echo --host-key "$dir/${name}_key" \
        --authorized-keys "$dir/authorized_keys" --max-clients 1000 "$@" \
        >"$dir/$name.out" 2>"$dir/$name.log" &
    started_pid=$!
    started_port=""
    while read -r line; do
        case "$line" in
        "listening on "*)
            started_port=$(echo "$line" | sed 's/.* port \([0-9]*\),.*/\1/')
            break
            ;;
        esac
    done <"$dir/$name.out"
    [ -n "$started_port" ] || { cat "$dir/$name.log" >&2; exit 1; }
    # Keep the pipe drained so the server never blocks on stdout.
    cat "$dir/$name.out" >/dev/null &
}
start plain
plain_pid=$started_pid
port_plain=$started_port
start traced --trace "$dir/trace.txt" --diagram "$dir/trace.svg"
traced_pid=$started_pid
port_traced=$started_port

rate() {
    "$load" rate 127.0.0.1 "$1" "$user" "$dir/id_ed25519" "$count"
}
best_plain="" best_traced=""
r=0
while [ "$r" -lt "$rounds" ]; do
    t=$(rate "$port_plain")
    best_plain=$(echo "$t $best_plain" |
        awk '{print ($2 == "" || $1 < $2) ? $1 : $2}')
    t=$(rate "$port_traced")
    best_traced=$(echo "$t $best_traced" |
        awk '{print ($2 == "" || $1 < $2) ? $1 : $2}')
    r=$((r + 1))
done
lines=$(wc -l <"$dir/trace.txt")

awk -v t="$best_traced" -v p="$best_plain" -v n="$count" -v l="$lines" \
    'BEGIN {
    printf "ssh_server_traced_logins_per_s: %.0f logins/s (%.2fx untraced, %d trace lines)\n", \
        n / t, p / t, l
    printf "ssh_server_untraced_logins_per_s: %.0f logins/s (anchor)\n", n / p
}'
