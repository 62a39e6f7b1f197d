#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Run each libFuzzer target given for SECONDS, its corpus seeded from
# tests/fuzz/seeds/NAME/ and kept in BUILD/fuzz/corpus/NAME/ (never in the
# source tree).  A crash or leak fails the run and leaves the input in
# BUILD/fuzz/.
# Inputs go up to FUZZ_MAX_LEN bytes (64 KiB unless set): a Telnet line or
# an SSH packet a peer can really send.
#   scripts/run-fuzzers.sh SECONDS FUZZER...
set -eu
seconds=$1
max_len=${FUZZ_MAX_LEN:-65536}
shift
[ $# -eq 0 ] && { echo "fuzz: no fuzz targets"; exit 0; }
for fuzzer in "$@"; do
    name=$(basename "$fuzzer")
    out=$(dirname "$(dirname "$fuzzer")")
    corpus=$out/corpus/$name
    mkdir -p "$corpus"
    seeds=tests/fuzz/seeds/$name
    [ -d "$seeds" ] || seeds=
    echo "fuzz: $name for ${seconds}s, inputs up to $max_len bytes"
    "$fuzzer" -max_total_time="$seconds" -max_len="$max_len" \
        -rss_limit_mb=2048 -artifact_prefix="$out/" -print_final_stats=1 \
        "$corpus" ${seeds:+"$seeds"} 2>"$out/$name.log" ||
        { tail -40 "$out/$name.log"; echo "fuzz: $name FAILED"; exit 1; }
    grep -E 'stat::number_of_executed_units' "$out/$name.log" |
        sed "s/^/fuzz: $name: /"
done
