#!/bin/sh
# End-to-end: `mlp plot` on run folders and a sweep folder written by this script (synthetic
# metrics.csv), picture sizes read from the PNG header, exit codes and messages for bad input.
MLP=${MLP:-build/mlp}
dir=$(mktemp -d /tmp/mlp-test-plot-XXXXXX)
trap 'rm -rf "$dir"' EXIT
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# make_run DIR LR SEED: 10 epochs, 3 step rows (no validation) and one epoch row per epoch.
make_run() {
    mkdir -p "$1"
    awk -v lr="$2" -v seed="$3" 'BEGIN {
        srand(seed)
        print "epoch,step,lr,batch_size,train_loss,train_accuracy,val_loss,val_accuracy,seconds"
        for (e = 1; e <= 10; e++) {
            for (s = 1; s <= 3; s++) {
                st = (e - 1) * 40 + s * 10; l = 2.3 * exp(-lr * st) + 0.2 * rand()
                printf "%.6g,%d,%g,50,%.6g,%.6g,,,%.6g\n", e - 1 + s / 4, st, lr, l, 1 / (1 + l), st / 10
            }
            l = 2.3 * exp(-lr * e * 40) + 0.1 * rand(); v = l + 0.1
            printf "%d,%d,%g,50,%.6g,%.6g,%.6g,%.6g,%d\n", e, e * 40, lr, l, 1 / (1 + l), v, 1 / (1 + v), e
        }
    }' > "$1/metrics.csv"
}

# png_size FILE: "WIDTHxHEIGHT" from the IHDR chunk (bytes 16..23, big-endian).
png_size() {
    od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d", (($1*256+$2)*256+$3)*256+$4, (($5*256+$6)*256+$7)*256+$8 }'
}

# expect NAME CODE NEEDLE -- ARGS...: mlp exits with CODE and its stderr contains NEEDLE.
expect() {
    name=$1 code=$2 needle=$3
    shift 4
    "$MLP" "$@" </dev/null >"$dir/out.txt" 2>"$dir/err.txt"
    rc=$?
    if [ "$rc" -ne "$code" ]; then fail "$name" "exit $rc, expected $code: $(cat "$dir/err.txt")"
    elif ! grep -qF -- "$needle" "$dir/err.txt"; then fail "$name" "stderr lacks '$needle': $(cat "$dir/err.txt")"
    else pass "$name"; fi
}

make_run "$dir/runs/lr-0.005" 0.005 1
make_run "$dir/runs/lr-0.01" 0.01 2
make_run "$dir/runs/lr-0.02" 0.02 3
for r in 1 2 3; do
    make_run "$dir/sweep/optimizer.kind=adam,schedule.lr=0.01/repeat-$r" 0.02 "1$r"
    make_run "$dir/sweep/optimizer.kind=sgd,schedule.lr=0.01/repeat-$r" 0.008 "2$r"
done

if "$MLP" plot "$dir/runs/lr-0.005" "$dir/runs/lr-0.01" "$dir/runs/lr-0.02" --out "$dir/three.png" </dev/null >/dev/null &&
    [ "$(png_size "$dir/three.png")" = 1200x800 ]; then pass plot_three_runs_png
else fail plot_three_runs_png "$(png_size "$dir/three.png" 2>&1)"; fi

if "$MLP" plot "$dir/runs/lr-0.01" </dev/null >/dev/null && [ "$(png_size "$dir/runs/lr-0.01/curves.png")" = 1200x800 ]; then
    pass plot_default_out_is_run_folder
else fail plot_default_out_is_run_folder "no $dir/runs/lr-0.01/curves.png"; fi

if "$MLP" plot "$dir/sweep" --x epochs --size 900x600 --title "adam vs sgd" </dev/null >/dev/null &&
    [ "$(png_size "$dir/sweep/curves.png")" = 900x600 ]; then pass plot_sweep_with_options
else fail plot_sweep_with_options "$(png_size "$dir/sweep/curves.png" 2>&1)"; fi

if "$MLP" plot "$dir/runs/lr-0.01" --out "$dir/c.svg" </dev/null >/dev/null && grep -q '<svg' "$dir/c.svg"; then
    pass plot_svg
else fail plot_svg "no svg"; fi

if "$MLP" plot --help </dev/null | grep -q "usage: mlp plot RUNDIR"; then pass plot_help; else fail plot_help "no usage"; fi
expect plot_no_folder 2 "usage: mlp plot" -- plot
expect plot_unknown_option 2 "unknown option '--colour'" -- plot "$dir/runs/lr-0.01" --colour red
expect plot_missing_value 2 "--out needs a value" -- plot "$dir/runs/lr-0.01" --out
expect plot_bad_axis 2 "--x minutes: expected steps or epochs" -- plot "$dir/runs/lr-0.01" --x minutes
expect plot_bad_size 2 "--size big: expected WIDTHxHEIGHT" -- plot "$dir/runs/lr-0.01" --size big
expect plot_title_needs_value 2 "--title needs a value" -- plot "$dir/runs/lr-0.01" --title
expect plot_missing_folder 1 "nope: No such file or directory" -- plot "$dir/nope"
expect plot_unknown_extension 1 "x.jpg: unknown picture format" -- plot "$dir/runs/lr-0.01" --out "$dir/x.jpg"
mkdir -p "$dir/broken"
printf 'epoch,step,lr,batch_size,train_loss,train_accuracy,val_loss,val_accuracy,seconds\n1,2,3\n' >"$dir/broken/metrics.csv"
expect plot_malformed_row 1 "broken/metrics.csv:2: 3 fields, expected 9" -- plot "$dir/broken"
[ ! -e "$dir/broken/curves.png" ] && pass plot_failure_leaves_no_file || fail plot_failure_leaves_no_file "curves.png exists"

echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
