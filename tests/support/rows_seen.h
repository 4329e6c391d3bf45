/* What a product that hands its rows on (core_gemm_tn_rows, core_sgemm_tn_rows) did with them: how
 * many times each row was handed to the `done` callback, and how many were handed on before they
 * held the expected values. For the product tests only. */
#ifndef MLP_TEST_ROWS_SEEN_H
#define MLP_TEST_ROWS_SEEN_H

#include <stdatomic.h>
#include <stddef.h>

/* The most rows a product under test may have: the counts are a fixed array. */
#define ROWS_SEEN_MAX 200

typedef struct {
    const float *c, *want; /* the product's output and the values its rows must hold */
    size_t n;              /* columns */
    atomic_int rows[ROWS_SEEN_MAX];
    atomic_int early; /* rows handed on before they held their value */
} rows_seen;

/* Clears the counts; rows of c (n columns each) are checked against those of want. */
void rows_seen_reset(rows_seen *seen, const float *c, const float *want, size_t n);

/* A core_rows_done callback (arg: the rows_seen): counts rows [begin, end) and checks them;
 * end <= ROWS_SEEN_MAX. */
void rows_seen_note(void *arg, size_t begin, size_t end);

#endif
