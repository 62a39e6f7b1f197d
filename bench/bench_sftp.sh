#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# sftp_get against OpenSSH's sftp(1), side by side, one private sshd on
# 127.0.0.1 (keys made here, stopped by pid), random data written to real
# files and checked with sha256 after every run:
#   - loopback, a MIB-MiB file            (target: sftp_get >= 1.2x sftp)
#   - a 10 ms round trip, MIB/4 MiB       (target >= 2x)
#   - a 50 ms round trip, MIB/2 MiB       (target >= 5x)
# through bench/delay_proxy, for sftp_get alone and with --streams 4;
# then sftp_get's peak memory (target <= 64 MiB), and a plot of throughput
# against the round trip (build/bench/sftp_throughput.svg, gnuplot).
# Each figure is the best of ROUNDS runs, the tools alternating, so that
# load from elsewhere on the machine hurts both alike.  Times include the
# login, as a user sees them; each line also gives the transfer alone: the
# time less the best time each tool took for a 1000-byte file (the login,
# OPEN and CLOSE), which is what the READs in flight decide.
#   bench/bench_sftp.sh BIN_DIR [MIB] [ROUNDS]
set -eu
bin=$(cd "$1" && pwd) # the downloads run in another directory
mib=${2:-512}
rounds=${3:-2}
streams=4
out_dir="$bin/../bench"
dir=$(mktemp -d)
sshd_pid=""
proxy_pids=""
cleanup() {
    for pid in $proxy_pids; do kill "$pid" 2>/dev/null; done
    [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# shellcheck source=SCRIPTDIR/private_sshd.sh
. "$(dirname "$0")/private_sshd.sh"
# shellcheck disable=SC2119 # no extra sshd_config lines
start_private_sshd
mkdir "$dir/down"
tiny="$dir/tiny"
head -c 1000 /dev/urandom >"$tiny"
sha256sum <"$tiny" >"$tiny.sha256"

# A delay_proxy for a round trip of RTT ms; sets proxy_port.
start_proxy() { # RTT
    "$out_dir/delay_proxy" "$sshd_port" $(($1 / 2)) >"$dir/proxy_$1" &
    proxy_pids="$proxy_pids $!"
    i=0
    until [ -s "$dir/proxy_$1" ]; do
        i=$((i + 1))
        [ "$i" -lt 100 ] || exit 1
        sleep 0.05
    done
    proxy_port=$(cat "$dir/proxy_$1")
    echo "[127.0.0.1]:$proxy_port $(cut -d' ' -f1,2 "$dir/host_key.pub")" \
        >"$dir/known_hosts_$proxy_port"
}

ours() { # PORT FILE [OPTION...]
    port=$1 file=$2
    shift 2
    (cd "$dir/down" && "$bin/sftp_get" "$@" -p "$port" \
        -i "$dir/id_ed25519" --known-hosts "$dir/known_hosts_$port" \
        127.0.0.1 "$user" "$file" >/dev/null)
}
theirs() { # PORT FILE
    echo "get $2 $dir/down/$(basename "$2")" |
        sftp -q -F /dev/null -i "$dir/id_ed25519" -o IdentitiesOnly=yes \
            -o BatchMode=yes -o "UserKnownHostsFile=$dir/known_hosts_$1" \
            -P "$1" -b - "$user@127.0.0.1" >/dev/null
}

# Run a download, check its bytes, print its wall time in ns.
timed() { # FILE COMMAND...
    file=$1
    shift
    rm -f "$dir/down/"* "$dir/down/".??* 2>/dev/null || true
    start=$(date +%s%N)
    if ! "$@" </dev/null; then
        echo "bench_sftp: $* failed" >&2
        exit 1
    fi
    end=$(date +%s%N)
    got=$(sha256sum <"$dir/down/$(basename "$file")")
    want=$(cat "$file.sha256")
    if [ "$got" != "$want" ]; then
        echo "bench_sftp: $* did not fetch the same bytes" >&2
        exit 1
    fi
    echo $((end - start))
}

best() { # OLD NEW: the smaller
    if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi
}
mbs() { # BYTES NS
    awk -v b="$1" -v t="$2" 'BEGIN { printf "%.0f", b / (t / 1e9) / 1e6 }'
}

# One round trip: the three downloads, ROUNDS times; one line of figures.
measure() { # RTT MIB
    rtt=$1 size=$2 file="$dir/file_$1"
    head -c "${size}M" /dev/urandom >"$file"
    sha256sum <"$file" >"$file.sha256"
    if [ "$rtt" -eq 0 ]; then
        port=$sshd_port
        cp "$dir/known_hosts" "$dir/known_hosts_$port"
    else
        start_proxy "$rtt"
        port=$proxy_port
    fi
    one="" many="" sftp="" one_login="" sftp_login=""
    r=0
    while [ "$r" -lt "$rounds" ]; do
        one=$(best "$one" "$(timed "$file" ours "$port" "$file")")
        sftp=$(best "$sftp" "$(timed "$file" theirs "$port" "$file")")
        many=$(best "$many" "$(timed "$file" ours "$port" "$file" \
            --streams "$streams")")
        one_login=$(best "$one_login" "$(timed "$tiny" ours "$port" "$tiny")")
        sftp_login=$(best "$sftp_login" \
            "$(timed "$tiny" theirs "$port" "$tiny")")
        r=$((r + 1))
    done
    bytes=$((size * 1048576))
    a=$(mbs "$bytes" "$one") b=$(mbs "$bytes" "$many")
    c=$(mbs "$bytes" "$sftp")
    a_alone=$(mbs "$bytes" $((one - one_login)))
    c_alone=$(mbs "$bytes" $((sftp - sftp_login)))
    echo "$rtt $a $b $c" >>"$dir/plot.dat"
    awk -v rtt="$rtt" -v size="$size" -v a="$a" -v b="$b" -v c="$c" \
        -v n="$streams" -v aa="$a_alone" -v ca="$c_alone" \
        -v la="$one_login" -v lc="$sftp_login" 'BEGIN {
        name = rtt == 0 ? "loopback" : rtt "ms_rtt"
        printf "sftp_get_%s_%dMiB: %d MB/s (%.2fx sftp at %d MB/s); " \
            "--streams %d: %d MB/s (%.2fx); transfer alone: %d MB/s " \
            "(%.2fx sftp at %d MB/s; logins %.2f s and %.2f s)\n", name,
            size, a, a / c, c, n, b, b / c, aa, aa / ca, ca, la / 1e9,
            lc / 1e9
    }'
}

measure 0 "$mib"
measure 10 $((mib / 4))
measure 50 $((mib / 2))

# Peak memory, one stream and several, on the loopback file.
for option in "" "--streams $streams"; do
    # shellcheck disable=SC2086 # OPTION is one word or two
    kb=$( (cd "$dir/down" && /usr/bin/time -f %M "$bin/sftp_get" $option \
        -p "$sshd_port" -i "$dir/id_ed25519" \
        --known-hosts "$dir/known_hosts" 127.0.0.1 "$user" "$dir/file_0" \
        >/dev/null) 2>&1 | tail -1)
    echo "sftp_get_peak_memory${option:+_streams_$streams}: $((kb / 1024))" \
        "MiB (for a $mib MiB file; target <= 64 MiB)"
    rm -f "$dir/down/"*
done

# The plot: throughput against the round trip.
if command -v gnuplot >/dev/null 2>&1; then
    mkdir -p "$out_dir"
    quarter=$((mib / 4)) half=$((mib / 2))
    gnuplot <<END
set terminal svg size 640,400 dynamic noenhanced
set output "$out_dir/sftp_throughput.svg"
set title "Throughput, $mib/$quarter/$half MiB at 0/10/50 ms round trip"
set xlabel "round trip (ms)"
set ylabel "MB/s"
set key top right
set yrange [0:*]
plot "$dir/plot.dat" using 1:2 with linespoints title "sftp_get", \
     "" using 1:3 with linespoints title "sftp_get --streams $streams", \
     "" using 1:4 with linespoints title "OpenSSH sftp"
END
    echo "sftp_plot: $(cd "$out_dir" && pwd)/sftp_throughput.svg"
fi
