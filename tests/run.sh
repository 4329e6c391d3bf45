#!/bin/sh
# Runs every test program given as an argument and prints the totals as the last line:
# "N passed, N failed, N skipped". A program that crashes or exits non-zero without reporting a
# failure counts as one failed test. Exits non-zero if anything failed.
passed=0 failed=0 skipped=0
for t in "$@"; do
    echo "== $t"
    out=$("$t" 2>&1)
    rc=$?
    printf '%s\n' "$out"
    counts=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' | tail -n 1)
    if [ -z "$counts" ]; then
        echo "FAIL $t: exited with status $rc before reporting"
        failed=$((failed + 1))
        continue
    fi
    read p f s <<EOT
$counts
EOT
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $t: exited with status $rc"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
