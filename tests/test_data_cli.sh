#!/bin/sh
# End-to-end: `mlp data` describes sources and reports faults as training would (message naming
# the file, place and fault; exit 1), usage errors exit 2.
MLP=${MLP:-build/mlp}
dir=$(mktemp -d /tmp/mlp-data-cli-XXXXXX)
trap 'rm -rf "$dir"' EXIT
passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
skip() { echo "SKIP $1: $2"; skipped=$((skipped + 1)); }

printf 'label,pixel0,pixel1\n3,0,255\n1,10,20\n3,1,2\n' >"$dir/train.csv"
out=$("$MLP" data "$dir/train.csv" 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q 'format:   csv' &&
    printf '%s' "$out" | grep -q 'samples:  3' && printf '%s' "$out" | grep -q 'values:   0 .. 255' &&
    printf '%s' "$out" | grep -Eq '1: 3 +2$'; then
    pass describes_csv
else fail describes_csv "rc=$rc: $out"; fi

printf 'label,a\n1,2\n1\n' >"$dir/ragged.csv"
err=$("$MLP" data "$dir/ragged.csv" 2>&1 >/dev/null); rc=$?
if [ $rc -eq 1 ] && printf '%s' "$err" | grep -q "mlp data: $dir/ragged.csv: line 3: 1 columns, expected 2"; then
    pass ragged_row_exit_1
else fail ragged_row_exit_1 "rc=$rc: $err"; fi

err=$("$MLP" data "$dir/train.csv,nonsense=1" "$dir/train.csv" 2>&1 >/dev/null); rc=$?
if [ $rc -eq 1 ] && printf '%s' "$err" | grep -q "two files"; then
    pass one_bad_source_fails_the_run
else fail one_bad_source_fails_the_run "rc=$rc: $err"; fi

"$MLP" data >/dev/null 2>&1; rc=$?
if [ $rc -eq 2 ]; then pass no_source_is_usage_error; else fail no_source_is_usage_error "rc=$rc"; fi

F=/usr/share/datasets/fashion-mnist
if [ -f $F/t10k-images-idx3-ubyte.gz ]; then
    out=$("$MLP" data "$F/t10k-images-idx3-ubyte.gz,$F/t10k-labels-idx1-ubyte.gz" 2>&1); rc=$?
    if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q 'images 28 x 28' &&
        printf '%s' "$out" | grep -Eq '9: 9 +1000$'; then
        pass describes_fashion_mnist
    else fail describes_fashion_mnist "rc=$rc: $out"; fi
else skip describes_fashion_mnist "Fashion-MNIST not installed (make data)"; fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
