/* A scrambled Halton sequence: the low-discrepancy draws of `mlp tune --sampler halton`.
 *
 * Point i (i = 0, 1, ...) has coordinate j = sum_k sigma_{j,k}(d_k(i)) b_j^-(k+1), where b_j is
 * the (j+1)-th prime, d_k(i) the k-th base-b_j digit of i (least significant first) and
 * sigma_{j,k} a random permutation of {0, ..., b_j - 1} drawn once per dimension and digit
 * position (random digit scrambling, Matousek 1998, "On the L2-discrepancy for anchored boxes").
 * Every digit position is permuted, leading zeros included, up to the digits a double resolves,
 * so no point sits on 0 and a point is uniform in [0, 1)^d over the scrambling while each
 * dimension keeps the stratification of the plain sequence: the first b^m points put exactly one
 * point in every interval [k b^-m, (k + 1) b^-m). */
#ifndef MLP_TUNE_HALTON_H
#define MLP_TUNE_HALTON_H

#include "mlp.h"

#include <stddef.h>
#include <stdint.h>

typedef struct mlp_tune_halton mlp_tune_halton;

/* The 256th prime is 1619: 256 dimensions keep the permutations under 3 MB. */
#define MLP_TUNE_HALTON_MAX_DIMS 256

/* 1 <= dims <= MLP_TUNE_HALTON_MAX_DIMS dimensions, the permutations drawn from rng. */
mlp_status mlp_tune_halton_new(mlp_tune_halton **halton, size_t dims, mlp_rng *rng, mlp_error *err);
void mlp_tune_halton_free(mlp_tune_halton *halton);

/* Point `index`: dims coordinates in [0, 1) written to u. */
void mlp_tune_halton_point(const mlp_tune_halton *halton, uint64_t index, double *u);

#endif
