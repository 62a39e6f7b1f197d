#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Install the Debian packages shellwire needs, only those that are missing.
# apt-get as root, through sudo otherwise; says what it installs.
#   scripts/install-deps.sh          install what is missing
#   scripts/install-deps.sh --list   print the package list
set -eu

PACKAGES="make gcc clang pkg-config libtelnet-dev libreadline-dev
libssh2-1-dev libssh-dev libcrypt-dev openssh-server openssh-client
inetutils-telnet inetutils-telnetd inetutils-inetd libcmocka-dev
python3 python3-pytest python3-pexpect python3-yaml dash libclang-rt-14-dev"

if [ "${1:-}" = "--list" ]; then
    # shellcheck disable=SC2086  # one line, words split on purpose
    echo $PACKAGES
    exit 0
fi

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
    *" installed") ;;
    *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: not root and no sudo: install these yourself:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Package lists may be missing or stale on a fresh machine.
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
