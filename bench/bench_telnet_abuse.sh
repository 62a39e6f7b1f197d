#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# telnet_server under attack (issue 15): a real login's time while one host
# holds 1,000 connections that never log in, and the wrong passwords
# answered per second to one guessing host.  The users file holds a real
# yescrypt hash (the server's own --hash-password), as in production.
#   bench/bench_telnet_abuse.sh BIN_DIR
set -eu
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
password=$(od -An -tx1 -N9 /dev/urandom | tr -d ' \n')
echo "bench:$(echo "$password" | "$bin/telnet_server" --hash-password)" \
    >"$dir/users"
/usr/bin/python3 "$(dirname "$0")/telnet_abuse.py" "$bin" "$dir/users" \
    "$password"
