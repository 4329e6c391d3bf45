#!/bin/sh
# The benchmark, one command (`make bench`): mlp against PyTorch CPU and a NumPy student
# implementation on Fashion-MNIST, float32, same data, network, batch size and cores, in one run;
# plus the machine's SGEMM peak (2048^3 cblas_sgemm) measured at the start and the end, the layer
# products alone (bench/product_rates.c) and the default model trained by `mlp train`.
#
# Every measurement runs in two OpenBLAS settings and at 1 and 2 threads:
#   env:  OpenBLAS as the environment sets it (these machines set OPENBLAS_CORETYPE=Haswell and
#         OPENBLAS_L2_SIZE, which force its AVX2 kernels);
#   auto: the same command under `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE`, so OpenBLAS picks
#         its kernels for the CPU as on a user's machine;
#   avx512: OPENBLAS_CORETYPE=SkylakeX, OpenBLAS's AVX-512 kernels forced, on CPUs with AVX-512:
#         the peers at their best where OpenBLAS's detection falls back to old kernels.
# mlp is judged in auto against the best peer of any setting (bench/report.py).
# The variables are unset for the benchmark's commands alone (never in tests or CI).
# Each peer's training figure is cross-checked by a stand-alone run of the same script
# (--standalone: a plain loop of steps, a fresh process with nothing but the OpenBLAS variables of
# its setting in its environment); bench/report.py says when the figure is far below it.
# Every process prints RESULT lines, to which this script appends setting= and threads=; all output
# goes to BUILD/bench/raw.txt, and bench/report.py turns it into the tables
# (BUILD/bench/report.md), printed at the end.
#
# usage: bench/run.sh [--smoke] BUILD_DIR
#   --smoke: a few seconds: 1,000 samples, one timed epoch, two networks, small SGEMM, the env
#            setting at 2 threads only; checks that every side still runs, measures nothing.
# Rounds: every network's training sides (mlp, mlp-bf16, numpy, torch-t1) run ROUNDS times (default
# 3), each round through every setting and thread count in turn, so that the sides a ratio compares
# are measured minutes apart at most and the machine's drift (other tenants) falls on each round
# alike; RESULT lines carry round=R, and bench/report.py reports medians over the rounds, and each
# ratio as the median of its per-round ratios. Stand-alone runs and torch-t2 run in round 1 only.
# Environment: ROUNDS (default 3); EPOCHS (default 2) the timed epochs per measurement, after one
# warm-up epoch;
# LIMIT (default 0: all 60,000) the training samples of every row, the wide network's 30,000
# included when smaller; T2_LIMIT and T2_EPOCHS (20,000 and 2) those of torch-t2; SETTINGS
# (default: auto, env where the environment sets an OpenBLAS variable, avx512 where the CPU has
# AVX-512), THREADS (default "1 2") and CONFIGS (networks as above) to run a part.
set -eu
smoke=0
if [ "${1:-}" = --smoke ]; then smoke=1; shift; fi
[ $# -eq 1 ] || { echo "usage: bench/run.sh [--smoke] BUILD_DIR" >&2; exit 2; }
build=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
python=/usr/bin/python3

# Networks as HIDDEN:BATCH[:LIMIT:EPOCHS]. PyTorch runs with one intra-op thread
# (OMP_NUM_THREADS=1 before the import, torch.set_num_threads(1)) while OpenBLAS has the row's
# threads, its fastest setting here; at 2 threads torch.set_num_threads(2) (torch-t2) is measured
# too, on 20,000 samples and two timed epochs only, because it is several times slower (its
# OpenMP threads and OpenBLAS's compete for the two cores). The wide network trains on 30,000
# samples, 3 timed epochs, to keep the run short. Smoke mode: tiny and quick.
if [ "$smoke" = 1 ]; then
    configs="200:50 200,100:100" epochs=1 limit=1000 sgemm_n=256 settings=env threads_list=2
    rounds=1
else
    configs=${CONFIGS:-200:50 200:128 200:1000 200,100:100 1024,1024:256:30000:3} epochs=${EPOCHS:-2}
    rounds=${ROUNDS:-3}
    limit=${LIMIT:-0} sgemm_n=2048 threads_list=${THREADS:-1 2}
    # env is auto itself when the environment sets neither variable; avx512 only where the CPU has
    # AVX-512 (F): OpenBLAS's own detection does not know every such CPU (0.3.21 takes an Intel
    # model 207 for a Prescott, SSE3), and a user who knows sets OPENBLAS_CORETYPE.
    default_settings=auto
    [ -z "${OPENBLAS_CORETYPE:-}${OPENBLAS_L2_SIZE:-}" ] || default_settings="env auto"
    grep -qw avx512f /proc/cpuinfo 2>/dev/null && default_settings="$default_settings avx512"
    settings=${SETTINGS:-$default_settings}
fi
# The kernels of the avx512 setting: OpenBLAS's AVX-512 SGEMM (Cooperlake adds only bf16 routines).
avx512_core=SkylakeX

# Which peers can run: each needs its Python package (MLP_BENCH_DEPS=1 scripts/install-deps.sh).
have_numpy=0 have_torch=0
$python -c "import numpy" 2>/dev/null && have_numpy=1
$python -c "import torch" 2>/dev/null && have_torch=1

# side SETTING THREADS COMMAND...: runs COMMAND in the setting with OPENBLAS_NUM_THREADS=THREADS
# and appends " setting=S threads=T" (and " round=R" inside a round) to its RESULT lines. A failing
# command stops the run.
round=
side() {
    s=$1 t=$2
    shift 2
    if [ "$s" = auto ]; then
        out=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$t" "$@")
    elif [ "$s" = avx512 ]; then
        out=$(env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=$avx512_core OPENBLAS_NUM_THREADS="$t" "$@")
    else
        out=$(env OPENBLAS_NUM_THREADS="$t" "$@")
    fi
    printf '%s\n' "$out" | sed "/^RESULT /s/\$/ setting=$s threads=$t${round:+ round=$round}/"
}
# standalone SETTING THREADS COMMAND...: the same, in an environment holding only PATH, HOME and
# the OpenBLAS variables of the setting.
standalone() {
    s=$1 t=$2
    shift 2
    vars="OPENBLAS_NUM_THREADS=$t"
    if [ "$s" = env ]; then
        [ -z "${OPENBLAS_CORETYPE:-}" ] || vars="$vars OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE"
        [ -z "${OPENBLAS_L2_SIZE:-}" ] || vars="$vars OPENBLAS_L2_SIZE=$OPENBLAS_L2_SIZE"
    elif [ "$s" = avx512 ]; then
        vars="$vars OPENBLAS_CORETYPE=$avx512_core"
    fi
    # shellcheck disable=SC2086 # vars are words on purpose
    out=$(env -i PATH="$PATH" HOME="${HOME:-/}" $vars "$@")
    printf '%s\n' "$out" | sed "/^RESULT /s/\$/ setting=$s threads=$t/"
}

mkdir -p "$build/bench"
raw=$build/bench/raw.txt
{
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    echo "MACHINE $(uname -srm); $cpu; $(nproc) cores; $(cc --version | head -n 1);" \
        "environment: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}" \
        "OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}; $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "LOAD start: $(cut -d' ' -f1-3 /proc/loadavg)"
    [ "$have_numpy" = 1 ] || echo "SKIP side=numpy reason=\"python3-numpy is not installed\""
    [ "$have_torch" = 1 ] || echo "SKIP side=torch reason=\"python3-torch is not installed\""
    for setting in $settings; do
        for t in $threads_list; do
            side "$setting" "$t" "$build/bench/sgemm_peak" "$sgemm_n"
        done
        # The layer products alone, one thread, OpenBLAS against mlp's kernels (not in smoke mode).
        [ "$smoke" = 1 ] || side "$setting" 1 "$build/bench/product_rates"
    done
    for config in $configs; do
        hidden=${config%%:*} rest=${config#*:}
        batch=${rest%%:*} n=$limit e=$epochs
        case $rest in *:*:*)
            n=${rest#*:} n=${n%%:*} e=${rest##*:}
            [ "$limit" = 0 ] || [ "$limit" -ge "$n" ] || n=$limit
            [ "$epochs" -ge "$e" ] || e=$epochs
            ;;
        esac
        [ "$smoke" = 0 ] || { n=$limit e=$epochs; }
        args="--hidden $hidden --batch $batch --epochs $e --warmup 1 --limit $n"
        for round in $(seq "$rounds"); do
            for setting in $settings; do
                for t in $threads_list; do
                    # shellcheck disable=SC2086 # args are words on purpose
                    side "$setting" "$t" "$build/bench/mlp_bench" $args
                    # shellcheck disable=SC2086
                    side "$setting" "$t" "$build/bench/mlp_bench" $args --precision bf16
                    if [ "$have_numpy" = 1 ]; then
                        # shellcheck disable=SC2086
                        side "$setting" "$t" $python "$here/numpy_bench.py" $args
                        [ "$smoke" = 1 ] || [ "$round" != 1 ] ||
                            standalone "$setting" "$t" $python "$here/numpy_bench.py" $args --standalone
                    fi
                    if [ "$have_torch" = 1 ]; then
                        # shellcheck disable=SC2086
                        side "$setting" "$t" $python "$here/torch_bench.py" $args --threads 1
                        [ "$smoke" = 1 ] || [ "$round" != 1 ] ||
                            standalone "$setting" "$t" $python "$here/torch_bench.py" $args --threads 1 --standalone
                        if [ "$smoke" = 0 ] && [ "$t" = 2 ] && [ "$round" = 1 ]; then
                            # shellcheck disable=SC2086
                            side "$setting" "$t" $python "$here/torch_bench.py" --hidden "$hidden" \
                                --batch "$batch" --epochs "${T2_EPOCHS:-2}" --warmup 1 \
                                --limit "${T2_LIMIT:-20000}" --threads 2
                        fi
                    fi
                done
            done
        done
        round=
    done
    for setting in $settings; do
        for t in $threads_list; do
            side "$setting" "$t" "$build/bench/sgemm_peak" "$sgemm_n"
        done
    done
    # The trainer: the default Fashion-MNIST model as `mlp train` trains it (not in smoke mode),
    # at its configured 2 threads.
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
