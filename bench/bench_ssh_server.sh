#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ssh_server against OpenSSH's sshd on the same machine, in the same run,
# both on 127.0.0.1 with keys made here, both stopped by pid:
#   - logins per second: COUNT logins one after another (key exchange,
#     public key login, session channel, disconnect), best of ROUNDS,
#     the two servers alternating;
#   - sessions held: HOLD logged-in sessions with a channel open at once,
#     the memory they cost the server (resident set of every server
#     process, after minus before, per session).
# The load comes from bench/ssh_load (libssh2), the same for both.
#   bench/bench_ssh_server.sh BIN_DIR [COUNT] [ROUNDS] [HOLD]
set -eu
bin=$1
count=${2:-100}
rounds=${3:-3}
hold=${4:-100}
load="$bin/../bench/ssh_load"
dir=$(mktemp -d)
sshd_pid=""
ours_pid=""
cleanup() {
    [ -n "$ours_pid" ] && kill "$ours_pid" 2>/dev/null
    [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# shellcheck source=SCRIPTDIR/private_sshd.sh
. "$(dirname "$0")/private_sshd.sh"

# -- The two servers --
start_private_sshd "MaxStartups 1000"

mkfifo "$dir/ours.out"
"$bin/ssh_server" -p 0 --mode echo --host-key "$dir/ours_key" \
    --authorized-keys "$dir/authorized_keys" --max-clients 1000 \
    >"$dir/ours.out" 2>"$dir/ours.log" &
ours_pid=$!
ours_port=""
while read -r line; do
    case "$line" in
    "listening on "*)
        ours_port=$(echo "$line" | sed 's/.* port \([0-9]*\),.*/\1/')
        break
        ;;
    esac
done <"$dir/ours.out"
# Keep the pipe drained so the server never blocks on stdout.
cat "$dir/ours.out" >/dev/null &

# -- Logins per second, best round of each --
rate() {
    "$load" rate 127.0.0.1 "$1" "$user" "$dir/id_ed25519" "$count"
}
best_ours="" best_sshd=""
r=0
while [ "$r" -lt "$rounds" ]; do
    t=$(rate "$sshd_port")
    best_sshd=$(echo "$t $best_sshd" | awk '{print ($2 == "" || $1 < $2) ? $1 : $2}')
    t=$(rate "$ours_port")
    best_ours=$(echo "$t $best_ours" | awk '{print ($2 == "" || $1 < $2) ? $1 : $2}')
    r=$((r + 1))
done

# -- Memory per held session --
# Resident KiB of PID and all its descendants.
rss_tree() {
    ps -e -o pid=,ppid=,rss= | awk -v root="$1" '
        { parent[$1] = $2; rss[$1] = $3 }
        END {
            for (p in rss) {
                q = p
                while (q != root && (q in parent)) q = parent[q]
                if (q == root) s += rss[p]
            }
            print s
        }'
}
# held PID PORT: KiB per session and seconds to open HOLD sessions.
held() {
    before=$(rss_tree "$1")
    rm -f "$dir/hold.in"
    mkfifo "$dir/hold.in"
    "$load" hold 127.0.0.1 "$2" "$user" "$dir/id_ed25519" "$hold" \
        <"$dir/hold.in" >"$dir/hold.out" &
    load_pid=$!
    exec 3>"$dir/hold.in"
    until [ -s "$dir/hold.out" ]; do
        kill -0 "$load_pid" 2>/dev/null || { echo "hold failed" >&2; exit 1; }
        sleep 0.1
    done
    sleep 0.5
    after=$(rss_tree "$1")
    exec 3>&-
    wait "$load_pid"
    echo "$before $after $(cat "$dir/hold.out")" |
        awk -v n="$hold" '{printf "%.1f %.3f\n", ($2 - $1) / n, $3}'
}
sshd_held=$(held "$sshd_pid" "$sshd_port")
ours_held=$(held "$ours_pid" "$ours_port")

awk -v o="$best_ours" -v s="$best_sshd" -v n="$count" \
    -v oh="$ours_held" -v sh="$sshd_held" -v h="$hold" 'BEGIN {
    printf "ssh_server_logins_per_s: %.0f logins/s (%.2fx sshd)\n", n / o, s / o
    printf "sshd_logins_per_s: %.0f logins/s (anchor)\n", n / s
    split(oh, a, " "); split(sh, b, " ")
    printf "ssh_server_kib_per_session: %.0f KiB (%.3fx sshd, %d held)\n", \
        a[1], a[1] / b[1], h
    printf "sshd_kib_per_session: %.0f KiB (anchor)\n", b[1]
    printf "ssh_server_open_%d_sessions: %.2f s (%.2fx sshd)\n", h, a[2], \
        a[2] / b[2]
    printf "sshd_open_%d_sessions: %.2f s (anchor)\n", h, b[2]
}'
