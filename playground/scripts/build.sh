#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Build and install shellwire for the playground: the Debian packages,
# `make install`, the lessons and these lab scripts.
#   usage: build.sh [--no-deps] [ROOT [MAKE_VARIABLE=VALUE...]]
# ROOT is "/" in an image; the tests give a temporary directory, which is
# then the DESTDIR, so nothing outside it is written.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
deps=yes
if [ "${1:-}" = "--no-deps" ]; then
    deps=no
    shift
fi
LAB_ROOT=${1:-/}
[ $# -gt 0 ] && shift
# shellcheck source=SCRIPTDIR/lab.sh
. "$here/lab.sh"
cd "$here/../.."

if [ "$deps" = yes ]; then
    scripts/install-deps.sh
fi
lab_say "make install into ${LAB_TOP:-/}$LAB_PREFIX"
make --no-print-directory -j"$(nproc)" install \
    PREFIX="$LAB_PREFIX" DESTDIR="$LAB_TOP" "$@"

# The lessons, for the home directories, and the lab scripts themselves,
# so that a host needs nothing from the source tree to start.
install -d "$LAB_SHARE/lessons" "$LAB_SHARE/playground"
install -m 644 lessons/*.md "$LAB_SHARE/lessons/"
install -m 644 "$here/lab.sh" "$LAB_SHARE/playground/"
for script in accounts.sh start.sh lab-login.sh; do
    install -m 755 "$here/$script" "$LAB_SHARE/playground/"
done
lab_say "programs in $LAB_BIN, lessons and lab scripts in $LAB_SHARE"
