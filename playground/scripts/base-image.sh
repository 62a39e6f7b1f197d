#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The Debian 12 image the lab is built on, even with no Docker registry:
# debian:12 if it is here or can be pulled, otherwise a minimal bookworm
# made by debootstrap from this machine's own Debian mirror and loaded
# with `docker import`.  Prints the image's name on stdout; progress goes
# to stderr.
#   usage: base-image.sh
# The debootstrap tarball is kept in LAB_CACHE (default
# /var/cache/shellwire-lab) and the image as LAB_BASE_TAG, so that only
# the first run downloads anything.  LAB_MIRROR names another mirror;
# LAB_PULL=no skips the pull.
set -eu
LAB_CACHE=${LAB_CACHE:-/var/cache/shellwire-lab}
LAB_BASE_TAG=${LAB_BASE_TAG:-shellwire-base:bookworm}
LAB_PULL=${LAB_PULL:-yes}
LAB_PULL_TIMEOUT=${LAB_PULL_TIMEOUT:-60}
SUITE=bookworm

say() {
    echo "base-image: $*" >&2
}

die() {
    echo "base-image: $*" >&2
    exit 1
}

# True if image $1 is in the engine.
have_image() {
    docker image inspect "$1" >/dev/null 2>&1
}

# The Debian mirror this machine's apt uses: the first URI serving the
# suite, in the deb822 .sources files or the one-line sources.list.
apt_mirror() {
    for file in /etc/apt/sources.list.d/*.sources; do
        [ -f "$file" ] || continue
        awk -v suite="$SUITE" '
            /^URIs:/ { uri = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
            /^$/ { if (ok && uri != "") { print uri; exit } ok = 0; uri = "" }
            END { if (ok && uri != "") print uri }' "$file"
    done
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$file" ] || continue
        # Options in brackets ([signed-by=...]) come before the URI.
        awk -v suite="$SUITE" '
            $1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                if ($(i + 1) == suite) print $i
            }' "$file"
    done
}

# debootstrap a minimal bookworm into the cached tarball $1.
make_tarball() {
    mirror=${LAB_MIRROR:-$(apt_mirror | head -n 1)}
    [ -n "$mirror" ] || die "no $SUITE mirror in /etc/apt: set LAB_MIRROR"
    command -v debootstrap >/dev/null 2>&1 ||
        die "debootstrap is not installed (scripts/install-deps.sh lab)"
    install -d -m 755 "$LAB_CACHE"
    tree=$(mktemp -d "$LAB_CACHE/tree.XXXXXX")
    say "debootstrap --variant=minbase $SUITE from $mirror"
    if ! debootstrap --variant=minbase "$SUITE" "$tree" "$mirror" \
        >"$LAB_CACHE/debootstrap.log" 2>&1; then
        rm -rf "$tree"
        die "debootstrap failed: see $LAB_CACHE/debootstrap.log"
    fi
    # What a container never uses: the package cache, the package lists
    # (the Dockerfile updates them) and debootstrap's own logs.
    rm -rf "$tree/var/cache/apt/archives/"*.deb "$tree/var/lib/apt/lists/"* \
        "$tree/debootstrap"
    tar -C "$tree" --numeric-owner -cf "$1.new" .
    rm -rf "$tree"
    mv "$1.new" "$1"
}

if have_image debian:12; then
    echo debian:12
    exit 0
fi
if have_image "$LAB_BASE_TAG"; then
    echo "$LAB_BASE_TAG"
    exit 0
fi
if [ "$LAB_PULL" = yes ]; then
    say "pulling debian:12"
    if timeout "$LAB_PULL_TIMEOUT" docker pull -q debian:12 >/dev/null 2>&1
    then
        echo debian:12
        exit 0
    fi
    say "cannot pull debian:12: building it from Debian packages"
fi
tarball=$LAB_CACHE/$SUITE-minbase.tar
if [ ! -f "$tarball" ]; then
    make_tarball "$tarball"
fi
say "docker import $tarball as $LAB_BASE_TAG"
docker import -c 'CMD ["/bin/bash"]' "$tarball" "$LAB_BASE_TAG" >/dev/null
echo "$LAB_BASE_TAG"
