/* Helpers shared by the C programs of the benchmark (bench/): a monotonic clock, the process's
 * peak resident memory, the median of a few timings, the OpenBLAS build and kernels in use, and
 * the one output format every side of the benchmark prints, a line
 *   RESULT key=value key=value ...
 * that bench/report.py turns into the tables of docs/performance.md. */
#ifndef MLP_BENCH_COMMON_H
#define MLP_BENCH_COMMON_H

#include <stddef.h>

/* Seconds on a monotonic clock. */
double bench_now(void);

/* Peak resident set size of this process so far, in MiB (getrusage). */
double bench_peak_rss_mib(void);

/* Median of n values (sorts them in place); n >= 1. */
double bench_median(double *values, size_t n);

/* "OpenBLAS <config>; kernels <corename>; threads <n>", quoted for a RESULT line. */
const char *bench_blas_description(void);

#endif
