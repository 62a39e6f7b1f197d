#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# telnet_login's login + `exec uptime` round trip against inetutils telnetd
# on loopback, median of N runs, as a ratio to inetutils telnet driven by
# pexpect (bench/telnet_round_trip.py has the details).
#   bench/bench_telnet_login.sh BIN_DIR [N]
set -eu
exec /usr/bin/python3 "$(dirname "$0")/telnet_round_trip.py" "$1" "${2:-50}"
