/* AVX-512 forms of the element-wise updates of optimizer.c (Adam/AdamW and SGD), 16 parameters a
 * step. They perform each element's float operations of the scalar loops, in the same order and
 * without contraction to FMA (vsqrtps and vdivps are correctly rounded, as sqrtf and /), so they
 * give the scalar loops' results bit for bit; they exist because gcc, with no -march, vectorises
 * those loops for SSE only, where Adam's two divisions and square root per parameter made the
 * update a sixth of a 784-256-10 training step. Callable only when optimizer_avx512_supported().
 *
 * l2 is the L2 penalty's coefficient, folded in as the first operation: g += l2 p (g stored
 * back), what add_penalty_gradient_range gives without L1; penalise false leaves g alone. */
#ifndef MLP_CORE_OPTIMIZER_AVX512_H
#define MLP_CORE_OPTIMIZER_AVX512_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool optimizer_avx512_supported(void);

/* The coefficients of one Adam/AdamW step (optimizer.c's adam_update). */
typedef struct {
    float b1, c1, b2, c2; /* m = m b1 + c1 g;  v = v b2 + c2 g^2 */
    float bc2_sqrt, eps;  /* denom = sqrt(v) / bc2_sqrt + eps */
    float step_size;      /* p += -step_size (m / denom) */
    bool adamw;           /* first p *= decay where decay_mask (NULL: everywhere) is non-zero */
    float decay;
} adam_coefficients;

void adam_update_avx512(float *p, float *g, float *m, float *v, const uint8_t *decay_mask, size_t n,
                        const adam_coefficients *c, bool penalise, float l2);

/* SGD: with b NULL (no momentum) p -= lr g; else b = first ? g : b mu + keep g, then
 * p -= lr (nesterov ? g + mu b : b). */
void sgd_update_avx512(float *p, float *g, float *b, size_t n, float lr, float mu, float keep,
                       bool first, bool nesterov, bool penalise, float l2);

#endif
