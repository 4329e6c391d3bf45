#!/bin/sh
# The benchmark's smoke mode (bench/run.sh --smoke): every side still builds, runs, trains and
# reports, in seconds. It checks the output, never the timings. The PyTorch and NumPy sides are
# skipped, visibly, when their Debian packages are absent (MLP_BENCH_DEPS=1 installs them).
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(dirname "${MLP:?set MLP to the built mlp command}")
passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
skip() { echo "SKIP $1: $2"; skipped=$((skipped + 1)); }
finish() {
    echo "$passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
    exit
}

if [ ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    skip bench_smoke "Fashion-MNIST is not installed (Debian package dataset-fashion-mnist)"
    finish
fi
out=$("$root/bench/run.sh" --smoke "$build" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -q '^DONE$'; then
    pass bench_smoke_runs
else
    fail bench_smoke_runs "bench/run.sh --smoke exited with $rc"
    printf '%s\n' "$out" | tail -n 20
fi

# Each side: one RESULT line per network, every one with a test accuracy well above chance
# (0.1 for ten classes), so a side that stopped training would show.
check_side() { # side, expected number of RESULT lines
    lines=$(printf '%s\n' "$out" | grep -c "^RESULT side=$1 ")
    learned=$(printf '%s\n' "$out" | sed -n "s/^RESULT side=$1 .* test_accuracy=\([0-9.]*\) .*/\1/p" |
        awk '$1 > 0.3' | wc -l)
    if [ "$lines" -eq "$2" ] && [ "$learned" -eq "$2" ]; then
        pass "bench_smoke_$1"
    else
        fail "bench_smoke_$1" "$lines RESULT lines (want $2), $learned with test accuracy > 0.3"
    fi
}
check_side mlp 2
for peer in numpy torch; do
    if printf '%s\n' "$out" | grep -q "^SKIP side=$peer "; then
        skip "bench_smoke_$peer" "python3-$peer is not installed (MLP_BENCH_DEPS=1 scripts/install-deps.sh)"
    else
        check_side "$([ $peer = torch ] && echo torch-t1 || echo $peer)" 2
    fi
done

if printf '%s\n' "$out" | grep -q '^RESULT side=sgemm .*best_gflops=[0-9]'; then
    pass bench_smoke_sgemm
else
    fail bench_smoke_sgemm "no SGEMM peak in the output"
fi
# The report: the throughput table with a row (and a ratio, when a peer ran) for each network, and
# the targets table.
ratio='.*×'
[ "$skipped" -ge 2 ] && ratio=''
if printf '%s\n' "$out" | grep -q "^| 784-200-10 | 50 | $ratio" &&
    printf '%s\n' "$out" | grep -q "^| 784-200-100-10 | 100 | $ratio" &&
    printf '%s\n' "$out" | grep -q '^### Targets'; then
    pass bench_smoke_report
else
    fail bench_smoke_report "the report lacks the throughput rows or the targets"
fi
finish
