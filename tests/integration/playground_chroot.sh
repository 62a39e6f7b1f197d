#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The playground image's steps as root, without Docker: inside private
# mount, pid, network and host-name namespaces, on a throwaway overlay of
# this machine's root, so useradd, chpasswd, sshd and telnetd change and
# start nothing outside it.  Prints "check NAME: RESULT" lines.
#   usage: unshare --mount --pid --net --uts --fork --mount-proc \
#              playground_chroot.sh REPO WORKDIR [MAKE_VARIABLE=VALUE...]
# Exits 77 when this machine cannot make the private root (a skip).
set -eu

# The overlay: every write lands in a tmpfs that vanishes with the
# namespace.  Then the same steps as the Dockerfile, in a chroot.
outside() {
    repo=$1
    work=$2
    shift 2
    # Only in a new pid namespace is this script pid 1.
    [ "$$" -eq 1 ] || skip "not in a private pid namespace"
    mount -t tmpfs tmpfs "$work" || skip "cannot mount a tmpfs"
    mkdir "$work/up" "$work/work" "$work/root"
    mount -t overlay overlay \
        -o "lowerdir=/,upperdir=$work/up,workdir=$work/work" \
        "$work/root" || skip "cannot mount an overlay of /"
    root=$work/root
    # A mark only the overlay has (writes land in its tmpfs): the chroot
    # checks it is there before it changes anything.
    touch "$root/.playground-private-root"
    [ ! -e /.playground-private-root ] || skip "the overlay writes through"
    mkdir -p "$root/src/shellwire"
    { mount --rbind /dev "$root/dev" &&
        mount -t proc proc "$root/proc" &&
        mount -t tmpfs tmpfs "$root/run" &&
        mount -t tmpfs tmpfs "$root/tmp" &&
        mount --bind "$repo" "$root/src/shellwire" &&
        mount -o remount,bind,ro "$root/src/shellwire"; } ||
        skip "cannot mount /dev, /proc, /run, /tmp or the source"
    cp "$0" "$root/tmp/playground_chroot.sh"
    exec chroot "$root" /bin/sh /tmp/playground_chroot.sh --inside "$@"
}

skip() {
    echo "playground_chroot: $*" >&2
    exit 77
}

# As the Dockerfile: install, accounts, no build-time host keys; then the
# three hosts of compose.yaml, each a start.sh, on one loopback.
inside() {
    [ -f /.playground-private-root ] || {
        echo "playground_chroot: / is not the overlay: stopping" >&2
        exit 1
    }
    ip link set lo up
    # One network here, so each host has a loopback address of its own.
    printf '127.0.0.2 ftp.example.com\n127.0.0.3 www.example.com\n' \
        >>/etc/hosts
    cd /src/shellwire
    playground/scripts/build.sh --no-deps / "$@" >/tmp/build.log 2>&1 || {
        cat /tmp/build.log
        exit 1
    }
    lab=/usr/local/share/shellwire/playground
    $lab/accounts.sh / >/dev/null
    rm -f /etc/ssh/ssh_host_*
    # One file system too, so each host has its own run directory.
    LAB_NAME=www.example.com LAB_ADDR=127.0.0.3 LAB_RUN=/run/www \
        $lab/start.sh sshd ssh_server telnet_server >/tmp/www.log 2>&1 &
    LAB_NAME=ftp.example.com LAB_ADDR=127.0.0.2 LAB_RUN=/run/ftp \
        TELNETD_PORT="23 2323" $lab/start.sh telnetd sshd >/tmp/ftp.log 2>&1 &
    LAB_NAME=h1 LAB_SERVERS="ftp.example.com www.example.com" \
        LAB_RUN=/run/h1 $lab/start.sh client >/tmp/h1.log 2>&1 &
    tries=0
    until grep -q "ready" /tmp/h1.log; do
        tries=$((tries + 1))
        [ $tries -lt 300 ] || {
            cat /tmp/*.log
            exit 1
        }
        sleep 0.1
    done
    run_checks
    # Leaving stops everything: the namespace dies with its pid 1.
}

# What a student does on h1, as root and as brandon.
run_checks() {
    cd /root
    echo "check home: $(getent passwd brandon | cut -d: -f6)"
    echo "check lessons:" /home/brandon/lessons/01-*
    echo "check root to brandon@www: $(ssh -o BatchMode=yes \
        brandon@www.example.com echo Success 2>&1)"
    echo "check brandon to root@ftp: $(su brandon -c 'ssh -o BatchMode=yes \
        root@ftp.example.com echo Success' 2>&1)"
    if [ -x /usr/local/bin/telnet_login ]; then
        printf 'check telnet_login: %s\n' "$(echo abc123 |
            telnet_login --password-stdin -c 'exec id -un' \
                ftp.example.com brandon 2>&1 | tail -n 1 | tr -d '\r')"
    fi
    if [ -x /usr/local/bin/ssh_server ]; then
        # The console's echo, not the shell's: it ends lines with CR LF.
        printf 'check ssh_server: %s\n' "$(su brandon -c "ssh -o BatchMode=yes \
            -p 2222 brandon@www.example.com \"echo Suc''cess\"" 2>&1 |
            tr -d '\r')"
    fi
    if [ -x /usr/local/bin/ssh_commands ]; then
        printf 'check ssh_commands: %s\n' "$(su brandon -c 'ssh_commands \
            www.example.com brandon "echo Hello, world!"' 2>&1)"
    fi
    /usr/bin/python3 - <<'END'
import os

import pexpect

ssh = pexpect.spawn("ssh -o PubkeyAuthentication=no brandon@www.example.com"
                    " echo Success", timeout=20, encoding="utf-8")
ssh.expect("password: ")
ssh.sendline("abc123")
ssh.expect(pexpect.EOF)
print("check password to www:", ssh.before.strip())
telnet = pexpect.spawn("telnet ftp.example.com", timeout=20, encoding="utf-8")
telnet.expect("login: ")
telnet.sendline("brandon")
telnet.expect("Password: ")
telnet.sendline("abc123")
telnet.expect(r"\$ ")
telnet.sendline("echo My name is $(id -un)")
telnet.expect("My name is ([a-z]+)")
print("check telnetd login:", telnet.match.group(1))
telnet.close()
# Port 2323 of ftp is the same telnetd, as in lessons 2 and 3.
telnet = pexpect.spawn("telnet ftp.example.com 2323", timeout=20,
                       encoding="utf-8")
telnet.expect("login: ")
telnet.sendline("brandon")
telnet.expect("Password: ")
telnet.sendline("abc123")
telnet.expect(r"\$ ")
telnet.sendline("echo My name is $(id -un)")
telnet.expect("My name is ([a-z]+)")
print("check telnetd on 2323:", telnet.match.group(1))
telnet.close()
if os.path.exists("/usr/local/bin/telnet_server"):
    ours = pexpect.spawn("telnet www.example.com 2323", timeout=20,
                         encoding="utf-8")
    ours.expect("login: ")
    ours.sendline("brandon")
    ours.expect("Password: ")
    ours.sendline("abc123")
    ours.expect(r"\$ ")
    ours.sendline("echo Suc''cess")
    ours.expect("\r\n(Success)\r\n")
    print("check telnet_server login:", ours.match.group(1))
    ours.close()
END
}

if [ "${1:-}" = "--inside" ]; then
    shift
    inside "$@"
else
    [ $# -ge 2 ] || {
        echo "usage: playground_chroot.sh REPO WORKDIR [MAKE_VARIABLE...]" >&2
        exit 2
    }
    outside "$@"
fi
