#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# make bench: every bench/bench_*.sh in order, each given the bin directory.
# Each prints lines of the form `name: value unit (ratio vs anchor)`.
set -eu
bin=$1
cd "$(dirname "$0")/.."
status=0
for script in bench/bench_*.sh; do
    [ -e "$script" ] || continue
    echo "== $script"
    "$script" "$bin" || { echo "bench: $script failed"; status=1; }
done
exit $status
