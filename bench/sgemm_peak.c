/* The machine's single-precision GEMM peak as the benchmark measures it: C = A B with square
 * float32 matrices of order n (2048 unless given), through OpenBLAS's cblas_sgemm with the
 * threads OPENBLAS_NUM_THREADS asks for. One untimed call warms up, then `repeats` timed calls;
 * prints the best and the median rate in GFLOP/s (2 n^3 floating-point operations per call).
 *
 * usage: sgemm_peak [n [repeats]] */
#include "bench_common.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_REPEATS 100

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2048;
    int repeats = argc > 2 ? atoi(argv[2]) : 10;
    if (n < 1 || repeats < 1 || repeats > MAX_REPEATS) {
        fprintf(stderr, "usage: sgemm_peak [n >= 1 [repeats 1..%d]]\n", MAX_REPEATS);
        return 2;
    }
    size_t count = (size_t)n * (size_t)n;
    float *a = malloc(count * sizeof *a), *b = malloc(count * sizeof *b);
    float *c = malloc(count * sizeof *c);
    if (!a || !b || !c) {
        fprintf(stderr, "sgemm_peak: out of memory for n = %d\n", n);
        return 1;
    }
    for (size_t i = 0; i < count; i++) {
        a[i] = (float)(i % 17) * 0.01f;
        b[i] = (float)(i % 13) * 0.02f;
    }
    double rates[MAX_REPEATS], best = 0.0, flops = 2.0 * n * (double)n * n;
    for (int r = -1; r < repeats; r++) {
        double start = bench_now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c,
                    n);
        double rate = flops / (bench_now() - start) * 1e-9;
        if (r < 0) continue; /* warm-up: thread start, page faults */
        rates[r] = rate;
        if (rate > best) best = rate;
    }
    printf("RESULT side=sgemm n=%d repeats=%d best_gflops=%.2f median_gflops=%.2f "
           "checksum=%.6g peak_rss_mib=%.1f blas=%s\n",
           n, repeats, best, bench_median(rates, (size_t)repeats), (double)c[count - 1],
           bench_peak_rss_mib(), bench_blas_description());
    free(a);
    free(b);
    free(c);
    return 0;
}
