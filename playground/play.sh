#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Open a shell on a playground host, as the book's ./play.sh did with
# `docker exec -it HOST env TERM=$TERM /bin/bash`.
#   usage: play.sh [HOST [COMMAND...]]
# With no HOST, lists the hosts.  Start the lab first:
#   docker compose up -d --build
set -eu
cd "$(dirname "$0")"

if [ $# -eq 0 ]; then
    cat <<'END'
usage: play.sh HOST [COMMAND...]
hosts:
  h1                 the client: shellwire on PATH, lessons in ~/lessons
  ftp.example.com    telnetd (port 23), telnet_server (2323), sshd (22)
  www.example.com    sshd (22), ssh_server (2222)
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
# Compose v2 is a docker plugin; older installs have docker-compose.
if docker compose version >/dev/null 2>&1; then
    exec docker compose exec "$service" env TERM="${TERM:-xterm}" "$@"
elif command -v docker-compose >/dev/null 2>&1; then
    exec docker-compose exec "$service" env TERM="${TERM:-xterm}" "$@"
fi
echo "play.sh: needs docker compose (or docker-compose)" >&2
exit 1
