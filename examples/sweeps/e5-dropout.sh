#!/bin/sh
# E5: dropout on the classic 784-30-10 sigmoid net over p(keep) in {1.0, 0.9, 0.8, 0.6, 0.5,
# 0.4, 0.2}. The config key is the probability of dropping a unit, network.dropout = 1 - p(keep),
# so the table column network.dropout reads 0, 0.1, 0.2, 0.4, 0.5, 0.6, 0.8.
#   examples/sweeps/e5-dropout.sh [OUT] [more mlp sweep options, e.g. -j 2]
# from the repository root (the configs name data/ relative to it; `make data` fetches it).
# OUT defaults to runs/e5-dropout; the table is OUT/results.md (also printed), OUT/results.csv.
# Running it again skips finished runs and resumes interrupted ones.
set -eu
MLP=${MLP:-build/mlp}
out=${1:-runs/e5-dropout}
[ $# -gt 0 ] && shift
exec "$MLP" sweep examples/e5-sigmoid-784-30-10.ini --out "$out" \
    --grid network.dropout=0,0.1,0.2,0.4,0.5,0.6,0.8 \
    "$@"
