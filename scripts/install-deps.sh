#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Install the Debian packages shellwire needs, only those that are missing.
# apt-get as root, through sudo otherwise; says what it installs.
#   scripts/install-deps.sh            build + test + peers (make check, make demo)
#   scripts/install-deps.sh GROUP...   only those groups: build test peers tools
#                                      lab runtime
#   scripts/install-deps.sh --list [GROUP...]   print the package list
set -eu

# To build the programs.
BUILD="make gcc pkg-config libtelnet-dev libreadline-dev libssh2-1-dev
libssh-dev libcrypt-dev"
# To run the tests and the lessons: the servers and clients they meet.
TEST="clang libclang-rt-14-dev libcmocka-dev python3 python3-pytest
python3-pexpect python3-yaml dash openssh-server openssh-client
inetutils-telnet inetutils-telnetd inetutils-inetd"
# Other people's SSH and Telnet software, for the interop suite.
PEERS="dropbear-bin putty-tools python3-paramiko busybox-static"
# Pictures, plots and man pages: make bench, the trace lesson, make install.
TOOLS="librsvg2-bin libxml2-utils gnuplot-nox help2man"
# The Docker lab (make lab, and its test in make check where Docker can run).
LAB="docker.io docker-compose debootstrap"
# To run what `make install` installed, with no compiler: the libraries the
# programs link, the servers and clients of the lessons, man for the man
# pages, what the lessons' runner (scripts/demo.py) imports, and lesson 12's
# other clients (PuTTY's plink, Paramiko).  The Docker
# lab's image is made of this group.
RUNTIME="libtelnet2 libreadline8 libssh2-1 libssh-4 libcrypt1
openssh-server openssh-client inetutils-telnet inetutils-telnetd
inetutils-inetd man-db python3-pexpect python3-pytest putty-tools
python3-paramiko"

groups="$*"
list=0
if [ "${1:-}" = "--list" ]; then
    list=1
    shift
    groups="$*"
fi
[ -n "$groups" ] || groups="build test peers tools"
PACKAGES=""
for group in $groups; do
    case "$group" in
    build) PACKAGES="$PACKAGES $BUILD" ;;
    test) PACKAGES="$PACKAGES $TEST" ;;
    peers) PACKAGES="$PACKAGES $PEERS" ;;
    tools) PACKAGES="$PACKAGES $TOOLS" ;;
    lab) PACKAGES="$PACKAGES $LAB" ;;
    runtime) PACKAGES="$PACKAGES $RUNTIME" ;;
    *)
        echo "install-deps: no such group: $group (build test peers tools lab runtime)" >&2
        exit 2
        ;;
    esac
done

if [ "$list" -eq 1 ]; then
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
