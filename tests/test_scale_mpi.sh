#!/bin/sh
# MPI on this machine (`mpirun --allow-run-as-root -np 2`, shared memory only): data-parallel
# training equals single-process training with the same global batch (to float tolerance), and an
# interrupted and resumed 2-rank run equals an uninterrupted one; a sweep spreads its runs over
# the ranks and rank 0 tabulates them all; a tune's steps go to both ranks in rounds, rank 0 alone
# writing the results, and the same tune again gives the same results, also when interrupted
# (SIGINT to the ranks) and resumed under mpirun. Skips visibly when $MLP was built without MPI
# (make MPI=0) or mpirun is missing.
set -u
MLP=${MLP:-build/mlp}
passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
names="mpi_train_equals_one_process mpi_train_resumed_equals_uninterrupted mpi_sweep_spread_over_ranks mpi_tune_spread_over_ranks mpi_tune_repeatable mpi_tune_resumed_equals_uninterrupted"
if ! command -v mpirun > /dev/null 2>&1 || ! ldd "$MLP" 2>/dev/null | grep -q libmpi; then
    for n in $names; do echo "SKIP $n (mlp built without MPI, or no mpirun: make MPI=1)"; done
    echo "0 passed, 0 failed, 6 skipped"
    exit 0
fi
T=$(mktemp -d /tmp/mlp-test-mpi-XXXXXX)
trap 'rm -rf "$T"' EXIT
# yield_when_idle: a rank waiting in a sum gives its core to the other (2 cores, shared).
MPIRUN="mpirun --allow-run-as-root -np 2 --mca btl self,vader --mca mpi_yield_when_idle 1"

awk 'BEGIN { srand(11); print "label,a,b,c,d";
             for (i = 0; i < 400; i++) { a = rand(); b = rand(); c = rand(); d = rand();
                                          printf "%d,%.4f,%.4f,%.4f,%.4f\n", (a + b > 1) + (c > 0.5), a, b, c, d } }' \
    > "$T/train.csv"
# Two hidden layers, Adam, shuffled every epoch, a batch size that does not split evenly and a
# last batch of another size (300 training samples / 32): every rank takes its contiguous share.
cat > "$T/dp.ini" <<INI
seed = 3
threads = 1
[data]
train = $T/train.csv
validation = 0.25
transform = none
[network]
hidden = 16, 8
[optimizer]
kind = adam
[schedule]
lr = 0.01
[training]
epochs = 6
batch_size = 32
INI

# Columns 5 and 7 of metrics.csv (train and validation loss) and the class probabilities agree
# within 1e-4 (float sums in another order), the predicted classes exactly.
same_run() { # folder 1, folder 2
    paste -d, "$1/metrics.csv" "$2/metrics.csv" | awk -F, 'NR > 1 {
        for (c = 5; c <= 7; c += 2) { d = $c - $(c + 9); if (d < 0) d = -d; if (d > 1e-4) bad = 1 } }
        END { exit bad }' || return 1
    [ "$(wc -l < "$1/metrics.csv")" -eq "$(wc -l < "$2/metrics.csv")" ] || return 1
    "$MLP" predict "$1" "$T/train.csv" --proba > "$T/p1" && "$MLP" predict "$2" "$T/train.csv" --proba > "$T/p2" || return 1
    paste -d, "$T/p1" "$T/p2" | awk -F, 'NR > 1 { if ($2 != $7) bad = 1
        for (c = 3; c <= 5; c++) { d = $c - $(c + 5); if (d < 0) d = -d; if (d > 1e-4) bad = 1 } }
        END { exit bad }'
}

"$MLP" train "$T/dp.ini" --out "$T/one" --quiet > /dev/null 2>&1
$MPIRUN "$MLP" train "$T/dp.ini" --out "$T/two" > "$T/out2" 2> "$T/err2"
rc=$?
if [ $rc -eq 0 ] && same_run "$T/one" "$T/two" && [ "$(grep -c 'run folder' "$T/out2")" -eq 1 ]; then
    pass mpi_train_equals_one_process
else
    fail mpi_train_equals_one_process "rc=$rc: $(cat "$T/err2"; paste -d'|' "$T/one/metrics.csv" "$T/two/metrics.csv")"
fi

# Interrupted (SIGINT to every rank; they agree on the step) and resumed on 2 ranks,
# against the same 2-rank run uninterrupted (over 1000 epochs float rounding differences between
# 1 and 2 processes grow past any tolerance, so the 1-process comparison is the short run above).
$MPIRUN "$MLP" train "$T/dp.ini" --set training.epochs=1000 --out "$T/long1" --quiet > /dev/null 2>&1
$MPIRUN "$MLP" train "$T/dp.ini" --set training.epochs=1000 --out "$T/long2" --quiet > "$T/out3" 2>&1 &
pid=$!
i=0  # wait (at most ~60 s) for a first checkpoint, then interrupt
while [ $i -lt 6000 ] && [ ! -f "$T/long2/last.safetensors" ]; do sleep 0.01; i=$((i + 1)); done
# To the ranks themselves, as below: SIGINT to a background mpirun reached them too late, after
# the run had ended, in about half the runs.
for rank in $(ps -o pid= --ppid "$pid"); do kill -INT "$rank"; done
wait "$pid"
interrupted=$(grep -c '"interrupted"' "$T/long2/summary.json" 2>/dev/null)
if [ "$interrupted" != 1 ] && grep -q '"max_epochs"' "$T/long2/summary.json" 2>/dev/null; then
    echo "SKIP mpi_train_resumed_equals_uninterrupted (the run finished before the interrupt arrived)"
    skipped=$((skipped + 1))
else
    $MPIRUN "$MLP" train --resume "$T/long2" --quiet > "$T/out4" 2>&1
    rc=$?
    if [ "$interrupted" = 1 ] && [ $rc -eq 0 ] && same_run "$T/long1" "$T/long2"; then
        pass mpi_train_resumed_equals_uninterrupted
    else
        fail mpi_train_resumed_equals_uninterrupted "interrupted=$interrupted rc=$rc: $(cat "$T/out3" "$T/out4")"
    fi
fi

# A sweep of 4 runs over 2 ranks: 2 runs each, one table on rank 0.
$MPIRUN "$MLP" sweep "$T/dp.ini" --grid schedule.lr=0.005,0.01,0.02,0.05 --out "$T/s" \
    > "$T/out5" 2> "$T/err5"
rc=$?
if [ $rc -eq 0 ] && [ "$(grep -c '| 1/1 |' "$T/s/results.md")" -eq 4 ] &&
   grep -q '^\[rank 1\] 2 runs: 0 finished before' "$T/err5" && grep -q '^\[rank 0\] 2 runs: 0 finished before' "$T/err5" &&
   [ "$(grep -c '^results:' "$T/out5")" -eq 1 ] && [ "$(ls "$T"/s/*/repeat-1/summary.json | wc -l)" -eq 4 ]; then
    pass mpi_sweep_spread_over_ranks
else
    fail mpi_sweep_spread_over_ranks "rc=$rc: $(cat "$T/err5" "$T/out5")"
fi

# A tune of 4 trials over 2 ranks (rungs at 1 and 3 epochs): rounds of 2 steps, step i on rank
# i mod 2; one table, on rank 0.
echo 'schedule.lr = log_uniform(0.001, 0.1)' > "$T/space.ini"
$MPIRUN "$MLP" tune "$T/dp.ini" --space "$T/space.ini" --budget 4 --out "$T/tune" \
    > "$T/out6" 2> "$T/err6"
rc=$?
if [ $rc -eq 0 ] && [ "$(tail -n +2 "$T/tune/results.csv" | wc -l)" -eq 4 ] &&
   grep -q '^\[rank 0\] start trial-001' "$T/err6" && grep -q '^\[rank 1\] start trial-002' "$T/err6" &&
   [ "$(grep -c '^results:' "$T/out6")" -eq 1 ] && grep -q '"event":"done","reason":"complete"' "$T/tune/journal.jsonl"; then
    pass mpi_tune_spread_over_ranks
else
    fail mpi_tune_spread_over_ranks "rc=$rc: $(cat "$T/err6" "$T/out6")"
fi
$MPIRUN "$MLP" tune "$T/dp.ini" --space "$T/space.ini" --budget 4 --out "$T/tune2" --quiet \
    > /dev/null 2>&1
sed 's/,[^,]*$//' "$T/tune/results.csv" > "$T/r1"; sed 's/,[^,]*$//' "$T/tune2/results.csv" > "$T/r2" 2>/dev/null
if cmp -s "$T/r1" "$T/r2"; then
    pass mpi_tune_repeatable
else
    fail mpi_tune_repeatable "$(cat "$T/r1" "$T/r2")"
fi

# 8 trials, interrupted after 5 journal lines (the ranks agree to stop after the round) and
# resumed, against the same tune uninterrupted.
$MPIRUN "$MLP" tune "$T/dp.ini" --space "$T/space.ini" --budget 8 --out "$T/tune3" --quiet \
    > /dev/null 2>&1
$MPIRUN "$MLP" tune "$T/dp.ini" --space "$T/space.ini" --budget 8 --out "$T/tune4" > "$T/out7" 2>&1 &
pid=$!
i=0
while [ "$(cat "$T/tune4/journal.jsonl" 2> /dev/null | wc -l)" -lt 5 ] && [ $i -lt 1200 ]; do
    sleep 0.05; i=$((i + 1)); done
# SIGINT to the ranks themselves (mpirun started in the background may ignore it).
for rank in $(ps -o pid= --ppid "$pid"); do kill -INT "$rank"; done
wait "$pid"
$MPIRUN "$MLP" tune --resume "$T/tune4" > "$T/out8" 2>&1
rc=$?
sed 's/,[^,]*$//' "$T/tune3/results.csv" > "$T/r3"; sed 's/,[^,]*$//' "$T/tune4/results.csv" > "$T/r4" 2>/dev/null
if [ $rc -eq 0 ] && grep -q 'interrupted: mlp tune --resume' "$T/out7" && cmp -s "$T/r3" "$T/r4"; then
    pass mpi_tune_resumed_equals_uninterrupted
else
    fail mpi_tune_resumed_equals_uninterrupted "rc=$rc: $(cat "$T/out7" "$T/out8" "$T/r3" "$T/r4")"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
