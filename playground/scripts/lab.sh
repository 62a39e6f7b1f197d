# SPDX-License-Identifier: GPL-3.0-or-later
# Settings and helpers shared by the playground scripts (sourced, not run).
#
# Every path is under LAB_ROOT: "/" inside a playground container, a
# temporary directory when the tests run the same scripts on one machine.
# Every setting can be overridden from the environment.
# The scripts that source this file use every variable set here.
# shellcheck shell=sh disable=SC2034

LAB_ROOT=${LAB_ROOT:-/}
# The prefix a path takes under LAB_ROOT: "" for "/", the directory otherwise.
LAB_TOP=${LAB_ROOT%/}
LAB_PREFIX=${LAB_PREFIX:-/usr/local}
LAB_BIN=$LAB_TOP$LAB_PREFIX/bin
LAB_SHARE=$LAB_TOP$LAB_PREFIX/share/shellwire
# The users file; then what start.sh makes each start: configurations,
# logs, pid files.
LAB_ETC=$LAB_TOP/etc/shellwire
LAB_RUN=${LAB_RUN:-$LAB_TOP/run/shellwire}
# The book's lab accounts and their documented lab password (never a
# real one: anyone who has read the book knows it).
LAB_USERS=${LAB_USERS:-root brandon}
LAB_PASSWORD=${LAB_PASSWORD:-abc123}
# The volume every host mounts: the shared client key and the host keys.
LAB_KEYS=${LAB_KEYS:-$LAB_TOP/lab-keys}
# This host's name as clients type it, the servers h1 waits for, and
# the address the servers listen on.
LAB_NAME=${LAB_NAME:-$(uname -n)}
LAB_SERVERS=${LAB_SERVERS:-}
LAB_ADDR=${LAB_ADDR:-0.0.0.0}
# TELNETD_PORT may list several ports ("23 2323"): one telnetd on each.
TELNETD_PORT=${TELNETD_PORT:-23}
TELNET_SERVER_PORT=${TELNET_SERVER_PORT:-2323}
SSHD_PORT=${SSHD_PORT:-22}
SSH_SERVER_PORT=${SSH_SERVER_PORT:-2222}

# True inside a container: the accounts are real system accounts.
lab_is_system() {
    [ -z "$LAB_TOP" ]
}

# Print a progress line, as every playground script does.
lab_say() {
    echo "playground: $*"
}

# Print an error line and exit 1.
lab_die() {
    echo "playground: $*" >&2
    exit 1
}

# The home directory of lab user $1.
lab_home() {
    if lab_is_system; then
        getent passwd "$1" | cut -d: -f6
    elif [ "$1" = root ]; then
        echo "$LAB_TOP/root"
    else
        echo "$LAB_TOP/home/$1"
    fi
}

# Give file or directory $2, and all in it, to lab user $1 (only real
# accounts have owners).
lab_own() {
    if lab_is_system && [ -e "$2" ]; then
        chown -R "$1:" "$2"
    fi
}
