#!/bin/sh
# A tune within a wall-clock budget (docs/tuning.md, "Measured"): examples/tune/EXP.ini with the
# space examples/tune/EXP-space.ini, then the best configuration trained again from scratch.
#   examples/tune/timed.sh fashion|digits [OUT]
# from the repository root (`make data` first for the digits). OUT defaults to runs/tune-EXP.
# Environment: BUDGET (default 15m), JOBS (trials at a time, default 2), RETRAIN (default 1;
# 0 skips the retrain). The machine's load (uptime) is recorded before and after the tune in
# OUT/load.txt: a duration budget measures the machine as much as the method, so run it alone.
set -eu
MLP=${MLP:-build/mlp}
exp=${1:?usage: examples/tune/timed.sh fashion|digits [OUT]}
out=${2:-runs/tune-$exp}
case $exp in
fashion) rungs="--min-epochs 1 --eta 3" ;; # 1, 3, 9, 27 epochs
digits) rungs="--min-epochs 3 --eta 3" ;;  # 3, 9, 27, 81 epochs
*)
    echo "usage: examples/tune/timed.sh fashion|digits [OUT]" >&2
    exit 2
    ;;
esac
mkdir -p "$out"
{ date -u; uptime; } > "$out/load.txt"
# shellcheck disable=SC2086 # rungs is a list of words
"$MLP" tune "examples/tune/$exp.ini" --space "examples/tune/$exp-space.ini" \
    --budget "${BUDGET:-15m}" -j "${JOBS:-2}" $rungs --out "$out/tune" \
    > "$out/tune.out" 2> "$out/tune.err"
{ date -u; uptime; } >> "$out/load.txt"
cat "$out/load.txt"
tail -n 2 "$out/tune.out"
[ "${RETRAIN:-1}" = 0 ] && exit 0
# best.ini is the best trial's effective config; the base config fixes the cosine period and
# the threads, so a run straight through computes what the trial computed rung by rung.
"$MLP" train "$out/tune/best.ini" --out "$out/retrain" --quiet > "$out/retrain.out"
grep -i 'test' "$out/retrain.out" || true
