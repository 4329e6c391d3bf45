#!/bin/sh
# E2: the learning rates 0.005, 0.01 and 0.02 compared on 784-200-100-10 (SGD, Nesterov 0.9,
# rate halved at epochs 20 and 40), 5 runs each with seeds 1..5: mean ± std per rate.
# `mlp plot OUT` draws one curve per rate with its mean ± std band.
#   examples/sweeps/e2-learning-rates.sh [OUT] [more mlp sweep options, e.g. -j 2]
# from the repository root (the configs name data/ relative to it; `make data` fetches it).
# OUT defaults to runs/e2-learning-rates; the table is OUT/results.md (also printed), OUT/results.csv.
# Running it again skips finished runs and resumes interrupted ones.
set -eu
MLP=${MLP:-build/mlp}
out=${1:-runs/e2-learning-rates}
[ $# -gt 0 ] && shift
exec "$MLP" sweep examples/e2-digits-784-200-100-10.ini --out "$out" \
    --grid schedule.lr=0.005,0.01,0.02 \
    --repeat 5 \
    "$@"
