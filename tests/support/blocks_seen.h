/* What a product that hands its blocks of C on (core_gemm_then, core_gemm_train_forward) did with
 * them: how many times each element was handed to the `then` callback, and how many were handed on
 * before they held their final value. For the product tests only. */
#ifndef MLP_TEST_BLOCKS_SEEN_H
#define MLP_TEST_BLOCKS_SEEN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const float *c, *want; /* the product's output [m, n] and the values it must hold */
    size_t m, n;
    atomic_int *counts; /* per element of C */
    atomic_int early;   /* elements handed on before they held their value */
    atomic_int outside; /* blocks reaching past C */
    /* blocks of whole rows only, of whole columns only, and of neither */
    atomic_int rows_only, columns_only, neither;
} blocks_seen;

/* Zero counts for c against want (both [m, n]); false when out of memory. */
bool blocks_seen_init(blocks_seen *seen, const float *c, const float *want, size_t m, size_t n);
void blocks_seen_free(blocks_seen *seen);

/* A core_block_done callback (arg: the blocks_seen): counts block [i0, i1) x [j0, j1) and checks
 * its values. */
void blocks_seen_note(void *arg, size_t i0, size_t i1, size_t j0, size_t j1);

/* Whether every element of C was handed on exactly once, none early and no block outside C, the
 * blocks all whole rows or all whole columns. */
bool blocks_seen_each_once(const blocks_seen *seen);

#endif
