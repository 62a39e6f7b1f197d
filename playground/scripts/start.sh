#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Start a playground host's services and keep them running until SIGTERM
# or SIGINT, which stops each of them by its pid.
#   usage: start.sh [--root ROOT] SERVICE...
# Services: client telnetd telnet_server sshd ssh_server.  Ports, address
# and names come from lab.sh.  With ROOT "/" (a container, as root) the
# accounts are real; with any other ROOT everything is written under it,
# sshd and telnetd run as the current user and let nobody but the lab key
# or the users file in.  Prints "playground: ready" once all are started.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
LAB_ROOT=/
if [ "${1:-}" = "--root" ]; then
    LAB_ROOT=$2
    shift 2
fi
[ $# -gt 0 ] || {
    echo "usage: start.sh [--root ROOT] SERVICE..." >&2
    exit 2
}
# shellcheck source=SCRIPTDIR/lab.sh
. "$here/lab.sh"
HOST_KEYS=$LAB_KEYS/hosts/$LAB_NAME
pids=""

# Stop every service this script started, by pid, then exit with status
# $1 (default 0).
stop_services() {
    trap - INT TERM EXIT
    rm -f "$LAB_RUN/ready"
    for pid in $pids; do
        kill "$pid" 2>/dev/null || true
    done
    wait
    lab_say "stopped"
    exit "${1:-0}"
}

# Remember service $1, just started in the background: its pid, also in a
# file.  Then wait until it accepts connections on each port $2..., if any.
started() {
    pid=$!
    pids="$pids $pid"
    service=$1
    shift
    echo "$pid" >"$LAB_RUN/pids/$service"
    for port in "$@"; do
        if ! wait_for_port "$pid" "$port"; then
            lab_say "$service is not listening on port $port:" \
                "see $LAB_RUN/$service.log" >&2
            stop_services 1
        fi
    done
    lab_say "$service started, pid $pid"
}

# Wait up to 10 s for port $2 to accept, while process $1 lives.  Perl's
# sockets, since perl is on every Debian system and nc is not.
wait_for_port() {
    addr=$LAB_ADDR
    [ "$addr" = 0.0.0.0 ] && addr=127.0.0.1
    tries=0
    while kill -0 "$1" 2>/dev/null && [ $tries -lt 100 ]; do
        ADDR=$addr PORT=$2 perl -MIO::Socket::INET -e \
            'IO::Socket::INET->new(PeerAddr => $ENV{ADDR},
                 PeerPort => $ENV{PORT}) or exit 1' 2>/dev/null && return 0
        sleep 0.1
        tries=$((tries + 1))
    done
    return 1
}

# The client key all hosts share.  The first host to start makes it; the
# rename of a whole directory is atomic, so two hosts never mix halves.
# Each host works in a folder of its own (mktemp): every container's shell
# may have the same pid, so a name made of $$ is shared between hosts.
make_client_key() {
    install -d -m 755 "$LAB_KEYS" "$LAB_KEYS/known_hosts.d" \
        "$LAB_KEYS/ready"
    [ -f "$LAB_KEYS/client/id_ed25519.pub" ] && return 0
    new=$(mktemp -d "$LAB_KEYS/client.new.XXXXXX")
    chmod 755 "$new"
    ssh-keygen -q -t ed25519 -N "" -C "shellwire playground" \
        -f "$new/id_ed25519" </dev/null
    mv -T "$new" "$LAB_KEYS/client" 2>/dev/null || rm -rf "$new"
}

# A host key, made once and kept in the shared volume, so that known_hosts
# stays true when the containers are made again.
make_host_key() {
    install -d -m 700 "$HOST_KEYS"
    if [ ! -f "$HOST_KEYS/$1" ]; then
        ssh-keygen -q -t "$2" -N "" -C "$LAB_NAME" -f "$HOST_KEYS/$1"
    fi
}

# Publish the public halves of host keys $3... of service $2 on port $1
# as known_hosts lines, for h1 to collect.
publish_host_keys() {
    port=$1
    service=$2
    shift 2
    name=$LAB_NAME
    [ "$port" = 22 ] || name="[$LAB_NAME]:$port"
    out=$LAB_KEYS/known_hosts.d/$LAB_NAME-$service
    for key in "$@"; do
        printf '%s %s\n' "$name" "$(cut -d' ' -f1,2 "$HOST_KEYS/$key.pub")"
    done >"$out.new"
    mv "$out.new" "$out"
}

# Let the shared client key in to every lab account, and to ssh_server.
authorize_client_key() {
    pub=$(cat "$LAB_KEYS/client/id_ed25519.pub")
    for user in $LAB_USERS; do
        keys=$(lab_home "$user")/.ssh/authorized_keys
        touch "$keys"
        grep -qxF "$pub" "$keys" || echo "$pub" >>"$keys"
        chmod 600 "$keys"
        lab_own "$user" "$keys"
    done
    echo "$pub" >"$LAB_RUN/authorized_keys"
}

# The real telnetd under inetutils-inetd, which listens and starts one
# telnetd per connection, on each port of TELNETD_PORT (a list).  In a
# prefix, telnetd runs the lab's login.
start_telnetd() {
    conf=$LAB_RUN/inetd.conf
    if lab_is_system; then
        user=root
        login=""
    else
        user=$(id -un)
        printf '#!/bin/sh\nexec %s %s\n' "$LAB_SHARE/playground/lab-login.sh" \
            "$LAB_ROOT" >"$LAB_RUN/login"
        chmod 755 "$LAB_RUN/login"
        login="-E $LAB_RUN/login"
    fi
    for port in $TELNETD_PORT; do
        echo "$LAB_ADDR:$port stream tcp nowait $user" \
            "/usr/sbin/telnetd telnetd $login"
    done >"$conf"
    /usr/sbin/inetutils-inetd -d -p"$LAB_RUN/inetd.pid" "$conf" \
        >"$LAB_RUN/telnetd.log" 2>&1 &
    # shellcheck disable=SC2086  # a list of ports, split on purpose
    started telnetd $TELNETD_PORT
}

# OpenSSH's sshd with a configuration of our own.
start_sshd() {
    make_host_key ssh_host_ed25519_key ed25519
    make_host_key ssh_host_ecdsa_key ecdsa
    if [ "$(id -u)" -eq 0 ]; then
        install -d -m 755 /run/sshd # sshd's privilege separation dir
    fi
    write_sshd_config >"$LAB_RUN/sshd_config"
    /usr/sbin/sshd -D -e -f "$LAB_RUN/sshd_config" \
        2>"$LAB_RUN/sshd.log" &
    started sshd "$SSHD_PORT"
    publish_host_keys "$SSHD_PORT" sshd ssh_host_ed25519_key \
        ssh_host_ecdsa_key
}

# sshd_config: passwords and keys for real accounts in a container; in a
# prefix, the current user with brandon's authorized_keys and no password.
write_sshd_config() {
    cat <<END
Port $SSHD_PORT
ListenAddress $LAB_ADDR
HostKey $HOST_KEYS/ssh_host_ed25519_key
HostKey $HOST_KEYS/ssh_host_ecdsa_key
PidFile $LAB_RUN/sshd.pid
KbdInteractiveAuthentication no
Subsystem sftp internal-sftp
END
    if lab_is_system; then
        printf '%s\n' "UsePAM yes" "PasswordAuthentication yes" \
            "PermitRootLogin prohibit-password" "PrintMotd no"
    else
        printf '%s\n' "UsePAM no" "PasswordAuthentication no" \
            "AllowUsers $(id -un)" "StrictModes no" \
            "AuthorizedKeysFile $(lab_home brandon)/.ssh/authorized_keys"
    fi
}

# Our telnet_server, with the lab accounts.
start_telnet_server() {
    if [ ! -x "$LAB_BIN/telnet_server" ]; then
        lab_say "telnet_server is not installed: not started"
        return 0
    fi
    "$LAB_BIN/telnet_server" -b "$LAB_ADDR" -p "$TELNET_SERVER_PORT" \
        --users "$LAB_ETC/users" >"$LAB_RUN/telnet_server.log" 2>&1 &
    started telnet_server "$TELNET_SERVER_PORT"
}

# Our ssh_server, with the lab accounts and the shared client key.
start_ssh_server() {
    if [ ! -x "$LAB_BIN/ssh_server" ]; then
        lab_say "ssh_server is not installed: not started"
        return 0
    fi
    make_host_key ssh_server_ed25519_key ed25519
    "$LAB_BIN/ssh_server" -b "$LAB_ADDR" -p "$SSH_SERVER_PORT" \
        --host-key "$HOST_KEYS/ssh_server_ed25519_key" \
        --users "$LAB_ETC/users" \
        --authorized-keys "$LAB_RUN/authorized_keys" \
        >"$LAB_RUN/ssh_server.log" 2>&1 &
    started ssh_server "$SSH_SERVER_PORT"
    publish_host_keys "$SSH_SERVER_PORT" ssh_server ssh_server_ed25519_key
}

# h1: wait for the servers to publish their host keys, then give every lab
# account the client key and a known_hosts naming every server.
set_up_client() {
    for server in $LAB_SERVERS; do
        tries=0
        while [ ! -f "$LAB_KEYS/ready/$server" ] && [ $tries -lt 120 ]; do
            sleep 0.5
            tries=$((tries + 1))
        done
        [ -f "$LAB_KEYS/ready/$server" ] ||
            lab_say "$server has not published its host keys"
    done
    for user in $LAB_USERS; do
        ssh=$(lab_home "$user")/.ssh
        install -m 600 "$LAB_KEYS/client/id_ed25519" "$ssh/id_ed25519"
        install -m 644 "$LAB_KEYS/client/id_ed25519.pub" "$ssh/"
        cat "$LAB_KEYS/known_hosts.d/"* >"$ssh/known_hosts" 2>/dev/null ||
            true
        lab_own "$user" "$ssh"
    done
    sleep infinity &
    started client
}

trap stop_services INT TERM
# A failed step stops what was started before it.
trap 'stop_services 1' EXIT
install -d -m 755 "$LAB_RUN" "$LAB_RUN/pids"
rm -f "$LAB_RUN/pids/"* "$LAB_RUN/ready"
make_client_key
server=no
for service in "$@"; do
    case "$service" in
    telnetd | telnet_server | sshd | ssh_server) server=yes ;;
    client) ;;
    *) lab_die "unknown service: $service" ;;
    esac
done
if [ "$server" = yes ]; then
    authorize_client_key
fi
for service in "$@"; do
    case "$service" in
    client) ;;
    *) "start_$service" ;;
    esac
done
if [ "$server" = yes ]; then
    touch "$LAB_KEYS/ready/$LAB_NAME"
fi
case " $* " in
*" client "*) set_up_client ;;
esac
# compose.yaml's health check looks for this file.
touch "$LAB_RUN/ready"
lab_say "ready: $*"
wait
