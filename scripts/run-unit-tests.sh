#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Run every cmocka unit-test binary given; print each runner's summary and
# a total; exit non-zero if any failed.
failed=0
for t in "$@"; do
    "$t" || failed=$((failed + 1))
done
echo "unit: $# test programs, $failed failed"
[ "$failed" -eq 0 ]
