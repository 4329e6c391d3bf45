#!/bin/sh
# mlp gradcheck on every shipped example config (examples/*.ini): each must pass with the
# command's defaults (4 samples, tolerance 1e-5, 500 entries per tensor). An example whose
# training data is absent (make data fetches data/mnist/) is skipped, visibly.
MLP=${MLP:-build/mlp}
case $MLP in /*) ;; *) MLP=$(pwd)/$MLP ;; esac
passed=0 failed=0 skipped=0
dir=$(mktemp -d "${TMPDIR:-/tmp}/mlp-gradcheck-examples-XXXXXX")
trap 'rm -rf "$dir"' EXIT

# The files named by a config's [data] train = value (the comma-separated items without '=').
train_files() {
    sed -n '/^\[data\]/,/^\[/s/^train *= *//p' "$1" | tr ',' '\n' | grep -v '=' | sed 's/ *$//'
}

for config in examples/*.ini; do
    name=$(basename "$config" .ini)
    missing=
    for f in $(train_files "$config"); do
        [ -f "$f" ] || missing="$missing $f"
    done
    if [ -n "$missing" ]; then
        echo "SKIP gradcheck_$name: missing$missing (run make data)"
        skipped=$((skipped + 1))
        continue
    fi
    "$MLP" gradcheck "$config" > "$dir/out" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && [ "$(tail -n 1 "$dir/out")" = ok ]; then
        echo "PASS gradcheck_$name"
        passed=$((passed + 1))
    else
        echo "FAIL gradcheck_$name: exit $rc"
        cat "$dir/out"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
