#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Open a shell on a playground host, as the book's ./play.sh did with
# `docker exec -it HOST env TERM=$TERM /bin/bash`.
#   usage: play.sh [HOST [COMMAND...]]
# With no HOST, lists the hosts.  Start the lab first: playground/lab up.
# At a terminal the command gets one; from a script or a pipe it reads
# the script's input instead, so `echo id | ./play.sh h1 sh` works too.
set -eu
PLAYGROUND=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/scripts/compose.sh
. "$PLAYGROUND/scripts/compose.sh"

if [ $# -eq 0 ]; then
    cat <<'END'
usage: play.sh HOST [COMMAND...]
hosts:
  h1                 the client: shellwire on PATH, lessons in ~/lessons
  ftp.example.com    telnetd (ports 23 and 2323), sshd (22)
  www.example.com    sshd (22), ssh_server (2222), telnet_server (2323)
accounts on every host: root and brandon, password abc123
END
    exit 0
fi

# Compose knows the hosts by service name: h1, ftp, www.
case "$1" in
h1) service=h1 ;;
ftp | ftp.example.com) service=ftp ;;
www | www.example.com) service=www ;;
*)
    echo "play.sh: no such host: $1 (run play.sh for the list)" >&2
    exit 2
    ;;
esac
shift
if [ $# -eq 0 ]; then
    set -- /bin/bash --login
fi
if ! find_compose; then
    echo "play.sh: needs docker compose (v2) or docker-compose (v1)" >&2
    exit 1
fi
# No terminal on both sides: -T, or compose fails with "the input device
# is not a TTY".
tty=""
if [ ! -t 0 ] || [ ! -t 1 ]; then
    tty=-T
fi
# shellcheck disable=SC2086  # $tty is empty or one word
compose exec $tty "$service" env TERM="${TERM:-xterm}" "$@"
