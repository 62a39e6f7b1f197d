#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Create the book's lab accounts (root and brandon, password abc123) and
# the users file that our telnet_server and ssh_server read.
#   usage: accounts.sh [ROOT]
# With ROOT "/" (in an image, as root) the accounts are real: useradd and
# chpasswd.  With any other ROOT nothing outside it is touched: the home
# directories and the users file are only written under ROOT.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
LAB_ROOT=${1:-/}
# shellcheck source=SCRIPTDIR/lab.sh
. "$here/lab.sh"

# A crypt(3) SHA-512 hash of $LAB_PASSWORD with a random salt.  Perl is
# part of every Debian system and its crypt() is libcrypt's, the same one
# our servers verify with.
hash_password() {
    LAB_PASSWORD=$LAB_PASSWORD perl -e '
        my @abc = ("a".."z", "A".."Z", "0".."9", ".", "/");
        open(my $rnd, "<", "/dev/urandom") or die "/dev/urandom: $!\n";
        read($rnd, my $bytes, 16) == 16 or die "/dev/urandom: short read\n";
        my $salt = join("", map { $abc[ord($_) % 64] } split(//, $bytes));
        print crypt($ENV{LAB_PASSWORD}, "\$6\$$salt\$"), "\n";'
}

# The account $1 with its home directory, .ssh and a copy of the lessons.
make_account() {
    if lab_is_system; then
        if ! getent passwd "$1" >/dev/null; then
            useradd --create-home --shell /bin/bash "$1"
        fi
        echo "$1:$LAB_PASSWORD" | chpasswd
    fi
    home=$(lab_home "$1")
    install -d -m 700 "$home" "$home/.ssh"
    if [ -d "$LAB_SHARE/lessons" ]; then
        rm -rf "$home/lessons"
        cp -R "$LAB_SHARE/lessons" "$home/lessons"
    fi
    # Only what is made here: root's home may hold much else.
    lab_own "$1" "$home/.ssh"
    lab_own "$1" "$home/lessons"
}

if lab_is_system && [ "$(id -u)" -ne 0 ]; then
    lab_die "accounts.sh /: only root creates system accounts"
fi
install -d -m 755 "$LAB_ETC"
users=$LAB_ETC/users
: >"$users.new"
chmod 600 "$users.new"
for user in $LAB_USERS; do
    make_account "$user"
    echo "$user:$(hash_password)" >>"$users.new"
    lab_say "account $user, home $(lab_home "$user")"
done
mv "$users.new" "$users"
lab_say "users file $users"
