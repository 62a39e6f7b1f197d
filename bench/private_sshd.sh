# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=sh disable=SC2034,SC2154 # $dir from the caller; the variables set are for it
# Sourced by the SSH benchmarks (not a bench_*.sh, so run.sh does not run
# it): a private OpenSSH sshd as this user on 127.0.0.1, made as the test
# fixture makes it, never the system service.  The caller owns $dir (a
# temporary directory) and stops $sshd_pid.
#   start_private_sshd [EXTRA_SSHD_CONFIG_LINE...]
# sets user, sshd_port and sshd_pid, and leaves in $dir a client key
# id_ed25519 that sshd accepts and a known_hosts that knows sshd's key.

free_port() {
    /usr/bin/python3 -c 'import socket; s = socket.socket();
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_private_sshd() {
    ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$dir/id_ed25519"
    cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
    user=$(id -un)
    sshd_port=$(free_port)
    {
        cat <<END
Port $sshd_port
ListenAddress 127.0.0.1
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PrintMotd no
PrintLastLog no
Subsystem sftp internal-sftp
# Bash started by sshd at level 1 reads ~/.bashrc even for "bash -c true";
# at level 2 it does not: measure SSH, not the account's start-up files.
SetEnv SHLVL=1
END
        printf '%s\n' "$@"
    } >"$dir/sshd_config"
    if [ "$(id -u)" -eq 0 ]; then
        mkdir -p /run/sshd # privilege separation, as root only
    fi
    /usr/sbin/sshd -D -e -f "$dir/sshd_config" 2>"$dir/sshd.log" &
    sshd_pid=$!
    echo "[127.0.0.1]:$sshd_port $(cut -d' ' -f1,2 "$dir/host_key.pub")" \
        >"$dir/known_hosts"
    # Wait (at most 10 s) until sshd answers.
    tries=0
    until ssh-keyscan -p "$sshd_port" 127.0.0.1 >/dev/null 2>&1; do
        tries=$((tries + 1))
        if [ "$tries" -ge 100 ]; then
            echo "private sshd did not start:" >&2
            cat "$dir/sshd.log" >&2
            return 1
        fi
        sleep 0.1
    done
}
