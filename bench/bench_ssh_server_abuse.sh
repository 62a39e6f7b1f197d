#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ssh_server under attack (issue 15), against the anchor: the same server as
# it was before the defences (commit c16e389, built here from git in a
# temporary folder), in the same run.  A real login's time under a flood,
# wrong passwords answered per second to one host, and the server's peak
# memory under three clients that never read (bench/ssh_server_abuse.py).
#   bench/bench_ssh_server_abuse.sh BIN_DIR
set -eu
bin=$1
anchor_rev=c16e389
top=$(cd "$(dirname "$0")/.." && pwd)
if ! git -C "$top" cat-file -e "$anchor_rev^{commit}" 2>/dev/null; then
    echo "ssh_server_abuse: skipped: no commit $anchor_rev to build the anchor"
    exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
git -C "$top" archive "$anchor_rev" | tar -x -C "$dir"
make -s -C "$dir" -j2 all >/dev/null
/usr/bin/python3 "$top/bench/ssh_server_abuse.py" "$dir/build/bin" "$bin"
