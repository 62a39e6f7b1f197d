#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Run each libFuzzer target given for SECONDS, its corpus seeded from
# tests/fuzz/seeds/NAME/ and kept in build/fuzz/corpus/NAME/ (never in the
# source tree).  A crash or leak fails the run and leaves the input in
# build/fuzz/.
#   scripts/run-fuzzers.sh SECONDS FUZZER...
set -eu
seconds=$1
shift
[ $# -eq 0 ] && { echo "fuzz: no fuzz targets"; exit 0; }
for fuzzer in "$@"; do
    name=$(basename "$fuzzer")
    corpus=build/fuzz/corpus/$name
    mkdir -p "$corpus"
    seeds=tests/fuzz/seeds/$name
    [ -d "$seeds" ] || seeds=
    echo "fuzz: $name for ${seconds}s"
    "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 \
        -artifact_prefix=build/fuzz/ -print_final_stats=1 \
        "$corpus" $seeds 2>build/fuzz/$name.log ||
        { tail -40 build/fuzz/$name.log; echo "fuzz: $name FAILED"; exit 1; }
    grep -E 'stat::number_of_executed_units' build/fuzz/$name.log |
        sed "s/^/fuzz: $name: /"
done
