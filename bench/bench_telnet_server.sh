#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# telnet_server under load (issue 4's targets): one session's echo round
# trip, 100 busy sessions in a closed loop, then N logged-in sessions held
# and the server's resident memory per session.  The users file uses a
# cheap SHA-512 crypt (1000 rounds) so that 10,000 logins take seconds;
# the server's own --hash-password makes yescrypt.
#   bench/bench_telnet_server.sh BIN_DIR [SESSIONS] [BUSY] [SECONDS]
set -eu
bin=$1
sessions=${2:-10000}
busy=${3:-100}
seconds=${4:-5}
load=$bin/../bench/telnet_load
dir=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
TELNET_LOAD_PASSWORD=$(od -An -tx1 -N9 /dev/urandom | tr -d ' \n')
export TELNET_LOAD_PASSWORD
echo "bench:$("$load" --hash "$TELNET_LOAD_PASSWORD")" >"$dir/users"
# Every session comes from 127.0.0.1 and logs in: the gate's limits on
# connections not logged in yet (per address and in all) are lifted.
"$bin/telnet_server" -p 0 --users "$dir/users" \
    --max-clients $((sessions + 10)) --per-source-max $((sessions + 10)) \
    --max-startups $((sessions + 10)):100:$((sessions + 10)) \
    >"$dir/out" 2>"$dir/err" &
pid=$!
i=0
while ! grep -q listening "$dir/out" && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
port=$(awk '/listening/ {print $NF}' "$dir/out")
"$load" -p "$port" -u bench -n "$sessions" -b "$busy" -d "$seconds" \
    --server-pid "$pid" || { grep -v " login " "$dir/err" | tail -5; exit 1; }
