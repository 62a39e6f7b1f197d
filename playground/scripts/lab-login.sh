#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The login program telnetd runs when the playground lives in a prefix
# (the tests), where /bin/login cannot be used: it would check this
# machine's real accounts.  Asks for a name and a password, checks them
# against the lab users file with crypt(3), as login does against
# /etc/shadow, and starts a shell as the current user; three tries.
#   usage: lab-login.sh ROOT
set -u
here=$(cd "$(dirname "$0")" && pwd)
LAB_ROOT=${1:?usage: lab-login.sh ROOT}
# shellcheck source=SCRIPTDIR/lab.sh
. "$here/lab.sh"
cr=$(printf '\r')

# True if password $2 is user $1's in the users file.
check_password() {
    hash=$(awk -F: -v name="$1" '$1 == name { print $2 }' "$LAB_ETC/users")
    [ -n "$hash" ] || return 1
    HASH=$hash PASSWORD=$2 perl -e \
        'exit(crypt($ENV{PASSWORD}, $ENV{HASH}) eq $ENV{HASH} ? 0 : 1)'
}

for try in 1 2 3; do
    printf 'login: '
    IFS= read -r name || exit 1
    printf 'Password: '
    stty -echo
    IFS= read -r password || exit 1
    stty echo
    echo
    if check_password "${name%"$cr"}" "${password%"$cr"}"; then
        name=${name%"$cr"}
        home=$(lab_home "$name")
        cd "$home" || exit 1
        exec env HOME="$home" USER="$name" PS1='$ ' /bin/sh -i
    fi
    [ "$try" -lt 3 ] && sleep 1
    echo "Login incorrect"
done
exit 1
