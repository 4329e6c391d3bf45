/* The benchmark's own reader of uint8 IDX files (plain or gzip, through zlib): just enough to put
 * Fashion-MNIST in memory as bytes for bench/mlp_bench.c. */
#ifndef MLP_BENCH_IDX_GZ_H
#define MLP_BENCH_IDX_GZ_H

#include <stddef.h>
#include <stdint.h>

/* Reads PATH (an IDX file of unsigned bytes: magic 0x00000800 + rank, big-endian sizes). Returns
 * the values (free() them) and sets *count to the first size and *row to the product of the
 * others; NULL after printing the reason on stderr. */
uint8_t *idx_gz_read(const char *path, size_t *count, size_t *row);

#endif
