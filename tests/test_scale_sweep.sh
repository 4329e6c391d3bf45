#!/bin/sh
# End-to-end sweeps on a small generated data set: the grid and its folders, repeats with their
# own seeds, threads divided among parallel runs, the results table, skipping finished runs,
# resuming an interrupted one, failed runs, and bad grids. Uses $MLP (the built command).
set -u
MLP=${MLP:-build/mlp}
T=$(mktemp -d /tmp/mlp-test-sweep-XXXXXX)
trap 'rm -rf "$T"' EXIT
passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }

# 3 classes from 4 uniform features: class = [a + b > 1] + [c > 0.5]
awk 'BEGIN { srand(7); print "label,a,b,c,d";
             for (i = 0; i < 400; i++) { a = rand(); b = rand(); c = rand(); d = rand();
                                          printf "%d,%.4f,%.4f,%.4f,%.4f\n", (a + b > 1) + (c > 0.5), a, b, c, d } }' \
    > "$T/train.csv"
head -n 101 "$T/train.csv" > "$T/test.csv"
cat > "$T/base.ini" <<INI
seed = 5
[data]
train = $T/train.csv
test = $T/test.csv
validation = 0.25
transform = none
[network]
hidden = 8
[training]
epochs = 3
batch_size = 20
[schedule]
lr = 0.1
INI

# 1. A 2 x 2 grid (one axis ties two keys) with 2 repeats, 2 at a time.
"$MLP" sweep "$T/base.ini" --grid schedule.lr=0.05,0.2 \
    --grid optimizer.kind+optimizer.momentum=sgd+0.9,adam+0 --repeat 2 -j 2 \
    --out "$T/s" > "$T/out1" 2> "$T/err1"
rc=$?
if [ $rc -eq 0 ]; then pass sweep_exit_status; else fail sweep_exit_status "rc=$rc: $(cat "$T/err1")"; fi

n=$(ls -d "$T"/s/*/repeat-[12] 2>/dev/null | wc -l)
summaries=$(ls "$T"/s/*/repeat-*/summary.json 2>/dev/null | wc -l)
if [ "$n" -eq 8 ] && [ "$summaries" -eq 8 ] &&
   [ -d "$T/s/schedule.lr=0.2,optimizer.kind=adam,optimizer.momentum=0/repeat-2" ]; then
    pass sweep_run_folders
else
    fail sweep_run_folders "$n folders, $summaries summaries: $(ls "$T/s")"
fi

cfg="$T/s/schedule.lr=0.05,optimizer.kind=sgd,optimizer.momentum=0.9"
if grep -q '^seed *= *5' "$cfg/repeat-1/config.ini" && grep -q '^seed *= *6' "$cfg/repeat-2/config.ini" &&
   grep -q '^momentum *= *0.9' "$cfg/repeat-1/config.ini" &&
   grep -q '^lr *= *0.05' "$cfg/repeat-1/config.ini"; then
    pass sweep_seeds_and_settings
else
    fail sweep_seeds_and_settings "$(grep -E '^(seed|lr|momentum)' "$cfg/repeat-2/config.ini")"
fi

# Two cores shared by two parallel runs: one thread each (on one core: still one).
if grep -q '^threads *= *1' "$cfg/repeat-1/config.ini"; then pass sweep_threads_divided
else fail sweep_threads_divided "$(grep '^threads' "$cfg/repeat-1/config.ini")"; fi

rows=$(grep -c '^| 0\.' "$T/s/results.md")
csv_rows=$(tail -n +2 "$T/s/results.csv" | wc -l)
header='schedule.lr,optimizer.kind,optimizer.momentum,runs_done,runs,final_val_accuracy_mean'
if [ "$rows" -eq 4 ] && [ "$csv_rows" -eq 4 ] && [ "$(grep -c '| 2/2 |' "$T/s/results.md")" -eq 4 ] &&
   head -n 1 "$T/s/results.csv" | grep -q "^$header" &&
   head -n -1 "$T/out1" | cmp -s - "$T/s/results.md"; then
    pass sweep_results_table
else
    fail sweep_results_table "$(cat "$T/s/results.md")"
fi

# The table's mean over the 2 repeats equals the mean of the two summaries' best_val_accuracy.
best() { sed -n 's/.*"best_val_accuracy":[[:space:]]*\([0-9.e-]*\).*/\1/p' "$1/summary.json"; }
expected=$(awk -v a="$(best "$cfg/repeat-1")" -v b="$(best "$cfg/repeat-2")" 'BEGIN { printf "%.4f", (a + b) / 2 }')
if grep '^| 0.05 | sgd | 0.9 |' "$T/s/results.md" | grep -q "| $expected"; then
    pass sweep_table_mean_matches_runs
else
    fail sweep_table_mean_matches_runs "expected $expected in $(grep '^| 0.05 | sgd' "$T/s/results.md")"
fi

# 2. The same command again: nothing is trained again.
stamp=$(stat -c %Y:%s "$cfg/repeat-1/metrics.csv")
"$MLP" sweep "$T/base.ini" --grid schedule.lr=0.05,0.2 \
    --grid optimizer.kind+optimizer.momentum=sgd+0.9,adam+0 --repeat 2 -j 2 \
    --out "$T/s" > "$T/out2" 2> "$T/err2"
rc=$?
if [ $rc -eq 0 ] && grep -q '8 finished before, 0 to resume, 0 new' "$T/err2" &&
   [ "$(stat -c %Y:%s "$cfg/repeat-1/metrics.csv")" = "$stamp" ] && cmp -s "$T/out1" "$T/out2"; then
    pass sweep_skips_finished_runs
else
    fail sweep_skips_finished_runs "rc=$rc: $(cat "$T/err2")"
fi

# 3. Ctrl-C (SIGINT to the process group, as a terminal sends it) stops every run cleanly; the
# same command again resumes the interrupted runs and finishes them.
# setsid: the sweep and its runs in their own process group, as a terminal would have them.
MLP="$MLP" T="$T" setsid sh -c 'echo $$ > "$T/pgid"; exec "$MLP" sweep "$T/base.ini" \
    --set training.epochs=400 --grid schedule.lr=0.05,0.1 --repeat 2 -j 2 --out "$T/r" \
    > "$T/out3a" 2> "$T/err3a"' &
pid=$!
i=0  # wait (at most ~30 s) for a first checkpoint, then interrupt
while [ $i -lt 600 ] && ! ls "$T"/r/*/repeat-1/last.safetensors > /dev/null 2>&1; do
    sleep 0.05; i=$((i + 1))
done
kill -INT "-$(cat "$T/pgid")"
wait "$pid"
"$MLP" sweep "$T/base.ini" --set training.epochs=400 --grid schedule.lr=0.05,0.1 --repeat 2 \
    -j 2 --out "$T/r" > "$T/out3" 2> "$T/err3"
rc=$?
resumed=$(sed -n 's/.* \([0-9]\) to resume.*/\1/p' "$T/err3")
if [ $rc -eq 0 ] && [ "${resumed:-0}" -ge 1 ] && grep -q 'stopped .*/repeat-1' "$T/err3a" &&
   [ "$(grep -l '"stop_reason":[[:space:]]*"max_epochs"' "$T"/r/*/repeat-*/summary.json | wc -l)" -eq 4 ]; then
    pass sweep_resumes_interrupted_runs
else
    fail sweep_resumes_interrupted_runs "rc=$rc: $(cat "$T/err3a" "$T/err3")"
fi

# 4. A run that fails (its test data is missing) fails the sweep with a pointer to its log.
"$MLP" sweep "$T/base.ini" --grid data.test="$T/test.csv","$T/missing.csv" --out "$T/f" \
    > "$T/out4" 2> "$T/err4"
rc=$?
log="$T/f/data.test=$(echo "$T" | sed 's|/|%2F|g')%2Fmissing.csv/repeat-1.log"
if [ $rc -eq 1 ] && grep -q "FAILED data.test=.*missing.csv/repeat-1 (exit status 1): see" "$T/err4" &&
   grep -q 'missing.csv' "$log" && grep -q '| 1/1 |' "$T/f/results.md" && grep -q '| 0/1 |' "$T/f/results.md"; then
    pass sweep_failed_run_reported
else
    fail sweep_failed_run_reported "rc=$rc: $(cat "$T/err4")"
fi

# 5. Bad grids and configs stop the sweep before anything runs (usage error, exit 2).
check_usage() { # name, expected message fragment, arguments...
    name=$1 fragment=$2
    shift 2
    "$MLP" sweep "$T/base.ini" --out "$T/bad" "$@" > /dev/null 2> "$T/err5"
    rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$fragment" "$T/err5" && [ ! -d "$T/bad" ]; then pass "$name"
    else fail "$name" "rc=$rc: $(cat "$T/err5")"; fi
}
check_usage sweep_grid_without_values "no '='" --grid schedule.lr
check_usage sweep_grid_misspelt_key "schedule.lrr" --grid schedule.lrr=0.1,0.2
check_usage sweep_grid_bad_value "combination schedule.lr=fast" --grid schedule.lr=0.1,fast
check_usage sweep_seed_grid_with_repeats "identical" --grid seed=1,2 --repeat 3
check_usage sweep_bad_repeat "--repeat '0'" --repeat 0
check_usage sweep_out_without_value "--out needs a value" --out
check_usage sweep_jobs_alias_checked "--jobs 'x': expected a whole number" -j x
check_usage sweep_unknown_option "unknown option '--grids'" --grids schedule.lr=0.1
check_usage sweep_second_config "unexpected argument 'other.ini'" other.ini

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
