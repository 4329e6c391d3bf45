#!/bin/sh
# The benchmark, one command (`make bench`): mlp against PyTorch CPU and a NumPy student
# implementation on Fashion-MNIST, float32, same data, network, batch size and cores, in one run;
# plus the machine's SGEMM peak (2048^3 cblas_sgemm, 2 threads) measured at the start and the end,
# the layer products alone (bench/product_rates.c) and the default model trained by `mlp train`.
# Every process prints RESULT lines; all output goes to BUILD/bench/raw.txt, and bench/report.py
# turns it into the tables (BUILD/bench/report.md), printed at the end.
#
# usage: bench/run.sh [--smoke] BUILD_DIR
#   --smoke: a few seconds: 1,000 samples, one timed epoch, two networks, small SGEMM; checks that
#            every side still runs, measures nothing worth reading.
# Environment: OPENBLAS_NUM_THREADS (default 2) is the thread count of every side; EPOCHS (default
# 5) the timed epochs per measurement, after one warm-up epoch.
set -eu
smoke=0
if [ "${1:-}" = --smoke ]; then smoke=1; shift; fi
[ $# -eq 1 ] || { echo "usage: bench/run.sh [--smoke] BUILD_DIR" >&2; exit 2; }
build=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-2}"
python=/usr/bin/python3

# Networks as HIDDEN:BATCH. PyTorch runs with one intra-op thread (OpenBLAS keeps
# OPENBLAS_NUM_THREADS), its fastest setting here; the setting torch.set_num_threads(2) is measured
# too, on 20,000 samples and two timed epochs only, because it is several times slower (the
# OpenMP and OpenBLAS threads compete for the two cores). Smoke mode: tiny and quick.
if [ "$smoke" = 1 ]; then
    configs="200:50 200,100:100" epochs=1 limit=1000 sgemm_n=256 torch2=""
else
    configs="200:50 200:128 200:1000 200,100:100" epochs=${EPOCHS:-5} limit=0 sgemm_n=2048
    torch2="--epochs 2 --warmup 1 --limit 20000 --threads 2"
fi
common="--epochs $epochs --warmup 1 --limit $limit"

# Which peers can run: each needs its Python package (MLP_BENCH_DEPS=1 scripts/install-deps.sh).
have_numpy=0 have_torch=0
$python -c "import numpy" 2>/dev/null && have_numpy=1
$python -c "import torch" 2>/dev/null && have_torch=1

mkdir -p "$build/bench"
raw=$build/bench/raw.txt
{
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    echo "MACHINE $(uname -srm); $cpu; $(nproc) cores; $(cc --version | head -n 1);" \
        "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS;" \
        "$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "LOAD start: $(cut -d' ' -f1-3 /proc/loadavg)"
    [ "$have_numpy" = 1 ] || echo "SKIP side=numpy reason=\"python3-numpy is not installed\""
    [ "$have_torch" = 1 ] || echo "SKIP side=torch reason=\"python3-torch is not installed\""
    "$build/bench/sgemm_peak" "$sgemm_n"
    # The layer products alone, one thread, OpenBLAS against mlp's kernels (not in smoke mode).
    [ "$smoke" = 1 ] || OPENBLAS_NUM_THREADS=1 "$build/bench/product_rates"
    for config in $configs; do
        hidden=${config%%:*} batch=${config##*:}
        args="--hidden $hidden --batch $batch $common"
        # shellcheck disable=SC2086 # args are words on purpose
        "$build/bench/mlp_bench" $args
        if [ "$have_numpy" = 1 ]; then
            # shellcheck disable=SC2086
            $python "$here/numpy_bench.py" $args
        fi
        if [ "$have_torch" = 1 ]; then
            # shellcheck disable=SC2086
            $python "$here/torch_bench.py" $args --threads 1
            if [ -n "$torch2" ]; then
                # shellcheck disable=SC2086
                $python "$here/torch_bench.py" --hidden "$hidden" --batch "$batch" $torch2
            fi
        fi
    done
    "$build/bench/sgemm_peak" "$sgemm_n"
    # The trainer: the default Fashion-MNIST model as `mlp train` trains it (not in smoke mode).
    if [ "$smoke" = 0 ]; then
        run="$build/bench/fashion-mnist-run"
        rm -rf "$run"
        /usr/bin/time -f "%M" -o "$build/bench/train-rss-kb" \
            "$build/mlp" train "$root/examples/fashion-mnist.ini" --out "$run" --quiet
        $python - "$run/summary.json" "$(cat "$build/bench/train-rss-kb")" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"RESULT side=trainer config=examples/fashion-mnist.ini test_accuracy={s['test_accuracy']} "
      f"train_seconds={s['train_seconds']:.2f} samples_per_s={s['samples_per_second']:.0f} "
      f"epochs={s['epochs_run']} threads={s['threads']} peak_rss_mib={int(sys.argv[2]) / 1024:.1f}")
PY
    fi
    echo "LOAD end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "DONE"
} 2>&1 | tee "$raw"
# A side that fails stops the run before DONE (set -e); the report refuses such a run.
$python "$here/report.py" "$raw" >"$build/bench/report.md"
cat "$build/bench/report.md"
