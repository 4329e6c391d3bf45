#!/bin/sh
# `mlp tune` against the shipped grid sweeps, counted in training epochs (docs/tuning.md,
# "Measured"): the experiment's two grids (examples/sweeps/), then a tune over the same space
# (examples/tune/EXP-space.ini), then the grid's epochs and best cell against the tune's.
#   examples/tune/vs-grid.sh e2|e5 [OUT]
# from the repository root (`make data` first). OUT defaults to runs/tune-vs-grid-EXP.
# Environment: SPACE (default examples/tune/EXP-space.ini), TRIALS (new trials; defaults below),
# TUNE_ARGS (more options for `mlp tune`, e.g. "--sampler halton").
# Running it again with another SPACE or TRIALS and the same OUT reuses the grids' runs. The grids
# run 2 at a time with 1 thread each (their scripts' default -j); the tune runs -j 1 with 1
# thread per trial, so every run computes as the grid's runs do and the tune is repeatable.
# Epochs, not seconds, are compared: the figures do not depend on the machine's load.
set -eu
MLP=${MLP:-build/mlp}
exp=${1:?usage: examples/tune/vs-grid.sh e2|e5 [OUT]}
out=${2:-runs/tune-vs-grid-$exp}
case $exp in
e2)
    config=examples/e2-digits-784-200-100-10.ini
    grids="e2-learning-rates e2-optimizers"
    # rungs at 2, 10 and 50 epochs (the grid's 50)
    trials=${TRIALS:-75}
    tune_args="--min-epochs 2 --eta 5 --set optimizer.nesterov=false"
    ;;
e5)
    config=examples/e5-sigmoid-784-30-10.ini
    grids="e5-dropout e5-l1-l2"
    # rungs at 1, 3, 9 and 27 epochs (the grid's runs have 30)
    trials=${TRIALS:-60}
    tune_args="--min-epochs 1 --eta 3"
    ;;
*)
    echo "usage: examples/tune/vs-grid.sh e2|e5 [OUT]" >&2
    exit 2
    ;;
esac
mkdir -p "$out"

# The final validation accuracy (last row of metrics.csv) and the epochs of a run folder.
last_val() { awk -F, 'NR > 1 && $1 != "" { e = $1; v = $8 } END { printf "%s %s\n", e, v }' "$1/metrics.csv"; }

for g in $grids; do
    "examples/sweeps/$g.sh" "$out/$g" --quiet > "$out/$g.out"
done
rm -rf "$out/tune" "$out/best-seeds"
# shellcheck disable=SC2086 # tune_args and TUNE_ARGS are lists of words
"$MLP" tune "$config" --space "${SPACE:-examples/tune/$exp-space.ini}" --out "$out/tune" \
    --budget "$trials" -j 1 --set threads=1 $tune_args ${TUNE_ARGS:-} > "$out/tune.out" \
    2> "$out/tune.err"

{
    echo "grid runs (combination, repeat: epochs, final val accuracy):"
    for g in $grids; do
        for run in "$out/$g"/*/repeat-*/; do
            run=${run%/}
            echo "$g ${run#"$out/$g/"} $(last_val "$run")"
        done
    done
} > "$out/grid-runs.txt"
# Per combination: runs, epochs, mean final val accuracy and that of repeat 1 (seed 1, the
# tune's seed). A combination that is in both grids (E2's SGD 0.01) counts once per grid run.
awk 'NR > 1 {
        key = $1 " " $2; sub(/\/repeat-[0-9]+$/, "", key)
        n[key]++; epochs += $3; sum[key] += $4; runs++
        if ($2 ~ /repeat-1$/) first[key] = $4
    }
    END {
        for (k in n) {
            m = sum[k] / n[k]
            if (m > best) { best = m; bk = k }
        }
        printf "grid: %d runs, %d epochs; best combination %s: mean final val accuracy %.4f over %d runs, %.4f with seed 1\n", runs, epochs, bk, best, n[bk], first[bk]
    }' "$out/grid-runs.txt" | tee "$out/compare.txt"
grep 'epochs in total' "$out/tune.out" | sed 's/^/tune: /' | tee -a "$out/compare.txt"
# The tune's best picked the highest of many seed-1 runs; the grid's cell is a mean over seeds 1 to
# 5. The best configuration on the grid's seeds (extra runs, not counted in the tune's epochs):
"$MLP" sweep "$out/tune/best.ini" --repeat 5 --out "$out/best-seeds" --quiet > "$out/best-seeds.out"
for run in "$out/best-seeds"/*/repeat-*/; do last_val "${run%/}"; done |
    awk '{ s += $2; q += $2 * $2; n++ } END { m = s / n
        printf "tune best on seeds 1-%d: mean final val accuracy %.4f (std %.4f)\n", n, m, sqrt((q - n * m * m) / (n - 1)) }' |
    tee -a "$out/compare.txt"
