#!/bin/sh
# E5: L1 against L2 over lambda in {0, 1e-4, 5e-4, 1e-3, 5e-3, 1e-2, 1e-1} on the classic
# 784-30-10 sigmoid net: 13 runs (lambda = 0 once), one row each with columns regularization.l1
# and regularization.l2. lambda multiplies the penalty added to the mean loss over a batch
# (docs/formulas.md): the original, per training set of n, is lambda * n.
#   examples/sweeps/e5-l1-l2.sh [OUT] [more mlp sweep options, e.g. -j 2]
# from the repository root (the configs name data/ relative to it; `make data` fetches it).
# OUT defaults to runs/e5-l1-l2; the table is OUT/results.md (also printed), OUT/results.csv.
# Running it again skips finished runs and resumes interrupted ones.
set -eu
MLP=${MLP:-build/mlp}
out=${1:-runs/e5-l1-l2}
[ $# -gt 0 ] && shift
exec "$MLP" sweep examples/e5-sigmoid-784-30-10.ini --out "$out" \
    --grid regularization.l1+regularization.l2=0+0,1e-4+0,5e-4+0,1e-3+0,5e-3+0,1e-2+0,1e-1+0,0+1e-4,0+5e-4,0+1e-3,0+5e-3,0+1e-2,0+1e-1 \
    "$@"
