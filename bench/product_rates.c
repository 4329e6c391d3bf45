/* The three products of a dense layer (784-200 at batch 50, 128 and 1000; 1024-1024 at batch 256)
 * on one thread: OpenBLAS's cblas_sgemm against mlp's own AVX-512 kernels (core/sgemm_avx512.h) and
 * its bf16 products (core_gemm with bf16 buffers: packing, rounding and vdpbf16ps, all counted), in
 * GFLOP/s of the calling thread's CPU time (so other processes on a shared machine matter less),
 * best of 3 rounds. One RESULT line per product (bench/bench_common.h); nothing from mlp when the
 * CPU lacks AVX-512, no bf16 figure without AVX512_BF16. Run with OPENBLAS_NUM_THREADS=1. */
#include "bench_common.h"
#include "core/sgemm.h"
#include "core/sgemm_avx512.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double thread_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static float *random_matrix(size_t count) {
    float *m = malloc(count * sizeof *m);
    if (!m) {
        fprintf(stderr, "product_rates: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < count; i++)
        m[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    return m;
}

typedef enum { FORWARD, WEIGHT_GRADIENT, INPUT_GRADIENT } product_kind;
static const char *const product_names[] = {"forward", "weight_gradient", "input_gradient"};

typedef struct {
    size_t batch, in, out;
    float *x, *w, *delta, *z, *grad_w, *delta_in;
    core_bf16_buffers bf16;
} layer;

typedef enum { OPENBLAS, OWN, OWN_BF16 } engine;

static void run_product(const layer *l, product_kind kind, engine e) {
    size_t n = l->batch, in = l->in, out = l->out;
    bool own = e == OWN;
    if (e == OWN_BF16) {
        if (kind == FORWARD)
            core_gemm(NULL, &l->bf16, false, true, n, out, in, l->x, in, l->w, in, l->z, out);
        else if (kind == WEIGHT_GRADIENT)
            core_gemm(NULL, &l->bf16, true, false, out, in, n, l->delta, out, l->x, in, l->grad_w,
                      in);
        else
            core_gemm(NULL, &l->bf16, false, false, n, in, out, l->delta, out, l->w, in,
                      l->delta_in, in);
        return;
    }
    switch (kind) {
    case FORWARD: /* z = x W^T */
        if (own)
            sgemm_avx512_nt(n, in, l->x, in, l->w, in, l->z, out, 0, out);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)out, (int)in, 1.0f,
                        l->x, (int)in, l->w, (int)in, 0.0f, l->z, (int)out);
        break;
    case WEIGHT_GRADIENT: /* dW = delta^T x */
        if (own)
            sgemm_avx512_bc(out, n, l->delta, 1, out, l->x, in, l->grad_w, in, 0, in);
        else
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)n, 1.0f,
                        l->delta, (int)out, l->x, (int)in, 0.0f, l->grad_w, (int)in);
        break;
    case INPUT_GRADIENT: /* dx = delta W */
        if (own)
            sgemm_avx512_bc(n, out, l->delta, out, 1, l->w, in, l->delta_in, in, 0, in);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)in, (int)out, 1.0f,
                        l->delta, (int)out, l->w, (int)in, 0.0f, l->delta_in, (int)in);
        break;
    }
}

/* Best rate of 3 rounds, each about 0.05 s of work at 100 GFLOP/s. */
static double rate(const layer *l, product_kind kind, engine own) {
    double flops = 2.0 * (double)(l->batch * l->in * l->out), best = 0;
    int calls = (int)(5e9 / flops) + 1;
    for (int round = 0; round < 3; round++) {
        double start = thread_seconds();
        for (int c = 0; c < calls; c++)
            run_product(l, kind, own);
        double r = flops * calls / (thread_seconds() - start) * 1e-9;
        if (r > best) best = r;
    }
    return best;
}

int main(void) {
    static const size_t shapes[][3] = {
        {50, 784, 200}, {128, 784, 200}, {1000, 784, 200}, {256, 1024, 1024}};
    bool own = sgemm_avx512_supported(), bf16 = core_bf16_supported(NULL);
    for (size_t b = 0; b < sizeof shapes / sizeof *shapes; b++) {
        layer l = {shapes[b][0], shapes[b][1], shapes[b][2], NULL, NULL,
                   NULL,         NULL,         NULL,         NULL, {NULL, NULL}};
        size_t words = 2 * (l.batch + l.in) * (l.in + l.out) + 64;
        l.bf16 = (core_bf16_buffers){calloc(words, 4), calloc(words, 4)};
        l.x = random_matrix(l.batch * l.in);
        l.w = random_matrix(l.out * l.in);
        l.delta = random_matrix(l.batch * l.out);
        l.z = random_matrix(l.batch * l.out);
        l.grad_w = random_matrix(l.out * l.in);
        l.delta_in = random_matrix(l.batch * l.in);
        for (product_kind kind = FORWARD; kind <= INPUT_GRADIENT; kind++) {
            printf("RESULT side=product batch=%zu in=%zu out=%zu product=%s openblas_gflops=%.1f",
                   l.batch, l.in, l.out, product_names[kind], rate(&l, kind, OPENBLAS));
            if (own) printf(" mlp_gflops=%.1f", rate(&l, kind, OWN));
            if (bf16) printf(" mlp_bf16_gflops=%.1f", rate(&l, kind, OWN_BF16));
            printf(" blas=%s\n", bench_blas_description());
        }
        free(l.x);
        free(l.w);
        free(l.delta);
        free(l.z);
        free(l.grad_w);
        free(l.delta_in);
        free(l.bf16.a);
        free(l.bf16.b);
    }
    return 0;
}
