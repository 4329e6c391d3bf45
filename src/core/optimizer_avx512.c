/* AVX-512 element-wise optimizer updates (optimizer_avx512.h). Compiled for AVX-512 through
 * function attributes, as sgemm_avx512.c, so the rest of the library stays portable. Each line
 * below is one float operation of the scalar loop in optimizer.c, in its order; intrinsics are
 * never contracted to FMA, so the results are the scalar loops', bit for bit. The last n % 16
 * entries go through the same code with masked loads and stores. */
#include "core/optimizer_avx512.h"

#if defined(__x86_64__) && !defined(MLP_PORTABLE)

#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw")))

bool optimizer_avx512_supported(void) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
}

static inline __mmask16 lanes(size_t left) {
    return left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
}

TARGET void adam_update_avx512(float *p, float *g, float *m, float *v, const uint8_t *decay_mask,
                               size_t n, const adam_coefficients *c, bool penalise, float l2) {
    const __m512 b1 = _mm512_set1_ps(c->b1), c1 = _mm512_set1_ps(c->c1);
    const __m512 b2 = _mm512_set1_ps(c->b2), c2 = _mm512_set1_ps(c->c2);
    const __m512 bc2 = _mm512_set1_ps(c->bc2_sqrt), eps = _mm512_set1_ps(c->eps);
    const __m512 neg_step = _mm512_set1_ps(-c->step_size), decay = _mm512_set1_ps(c->decay);
    const __m512 penalty = _mm512_set1_ps(l2);
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 k = lanes(n - i);
        __m512 pi = _mm512_maskz_loadu_ps(k, p + i), gi = _mm512_maskz_loadu_ps(k, g + i);
        if (penalise) {
            gi = _mm512_add_ps(gi, _mm512_mul_ps(penalty, pi));
            _mm512_mask_storeu_ps(g + i, k, gi);
        }
        if (c->adamw) {
            __mmask16 d = k;
            if (decay_mask) {
                __m128i bytes = _mm_maskz_loadu_epi8(k, decay_mask + i);
                d = _mm_test_epi8_mask(bytes, bytes);
            }
            pi = _mm512_mask_mul_ps(pi, d, pi, decay);
        }
        __m512 mi = _mm512_maskz_loadu_ps(k, m + i), vi = _mm512_maskz_loadu_ps(k, v + i);
        mi = _mm512_add_ps(_mm512_mul_ps(mi, b1), _mm512_mul_ps(c1, gi));
        vi = _mm512_add_ps(_mm512_mul_ps(vi, b2), _mm512_mul_ps(c2, _mm512_mul_ps(gi, gi)));
        __m512 denom = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(vi), bc2), eps);
        pi = _mm512_add_ps(pi, _mm512_mul_ps(neg_step, _mm512_div_ps(mi, denom)));
        _mm512_mask_storeu_ps(m + i, k, mi);
        _mm512_mask_storeu_ps(v + i, k, vi);
        _mm512_mask_storeu_ps(p + i, k, pi);
    }
}

TARGET void sgd_update_avx512(float *p, float *g, float *b, size_t n, float lr, float mu,
                              float keep, bool first, bool nesterov, bool penalise, float l2) {
    const __m512 rate = _mm512_set1_ps(lr), momentum = _mm512_set1_ps(mu);
    const __m512 kept = _mm512_set1_ps(keep), penalty = _mm512_set1_ps(l2);
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 k = lanes(n - i);
        __m512 pi = _mm512_maskz_loadu_ps(k, p + i), gi = _mm512_maskz_loadu_ps(k, g + i);
        if (penalise) {
            gi = _mm512_add_ps(gi, _mm512_mul_ps(penalty, pi));
            _mm512_mask_storeu_ps(g + i, k, gi);
        }
        __m512 d = gi;
        if (b) {
            __m512 bi =
                first ? gi
                      : _mm512_add_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(k, b + i), momentum),
                                      _mm512_mul_ps(kept, gi));
            _mm512_mask_storeu_ps(b + i, k, bi);
            d = nesterov ? _mm512_add_ps(gi, _mm512_mul_ps(momentum, bi)) : bi;
        }
        pi = _mm512_sub_ps(pi, _mm512_mul_ps(rate, d));
        _mm512_mask_storeu_ps(p + i, k, pi);
    }
}

#else /* not x86-64, or built PORTABLE=1: optimizer.c keeps its scalar loops */

bool optimizer_avx512_supported(void) {
    return false;
}

void adam_update_avx512(float *p, float *g, float *m, float *v, const uint8_t *decay_mask, size_t n,
                        const adam_coefficients *c, bool penalise, float l2) {
    (void)p, (void)g, (void)m, (void)v, (void)decay_mask, (void)n, (void)c, (void)penalise,
        (void)l2;
}

void sgd_update_avx512(float *p, float *g, float *b, size_t n, float lr, float mu, float keep,
                       bool first, bool nesterov, bool penalise, float l2) {
    (void)p, (void)g, (void)b, (void)n, (void)lr, (void)mu, (void)keep, (void)first, (void)nesterov,
        (void)penalise, (void)l2;
}

#endif
