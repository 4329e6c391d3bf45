#!/bin/sh
# E2: SGD with Nesterov momentum 0.9 (rate 0.01), Adam and RMSprop (rate 0.001, their usual
# default; no momentum) compared on 784-200-100-10, 5 runs each with seeds 1..5: mean ± std.
# One grid axis changes the four keys together. `mlp plot OUT` draws one curve per optimizer.
#   examples/sweeps/e2-optimizers.sh [OUT] [more mlp sweep options, e.g. -j 2]
# from the repository root (the configs name data/ relative to it; `make data` fetches it).
# OUT defaults to runs/e2-optimizers; the table is OUT/results.md (also printed), OUT/results.csv.
# Running it again skips finished runs and resumes interrupted ones.
set -eu
MLP=${MLP:-build/mlp}
out=${1:-runs/e2-optimizers}
[ $# -gt 0 ] && shift
exec "$MLP" sweep examples/e2-digits-784-200-100-10.ini --out "$out" \
    --grid optimizer.kind+optimizer.momentum+optimizer.nesterov+schedule.lr=sgd+0.9+true+0.01,adam+0+false+0.001,rmsprop+0+false+0.001 \
    --repeat 5 \
    "$@"
