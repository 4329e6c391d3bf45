/* The scrambled Halton sequence (see halton.h). */
#include "tune/halton.h"

#include "util/error.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

typedef struct {
    uint32_t base;
    size_t digits;  /* digit positions scrambled: base^digits >= 2^53 */
    uint16_t *perm; /* digits x base: perm[k * base + d] = sigma_k(d) */
} dimension;

struct mlp_tune_halton {
    size_t dims;
    dimension *dim;
};

/* The next prime above p (trial division: a space has a few keys). */
static uint32_t next_prime(uint32_t p) {
    for (uint32_t n = p + 1;; n++) {
        bool prime = n >= 2;
        for (uint32_t f = 2; prime && f * f <= n; f++)
            prime = n % f != 0;
        if (prime) return n;
    }
}

void mlp_tune_halton_free(mlp_tune_halton *h) {
    if (!h) return;
    for (size_t j = 0; h->dim && j < h->dims; j++)
        free(h->dim[j].perm);
    free(h->dim);
    free(h);
}

mlp_status mlp_tune_halton_new(mlp_tune_halton **out, size_t dims, mlp_rng *rng, mlp_error *err) {
    *out = NULL;
    if (dims == 0 || dims > MLP_TUNE_HALTON_MAX_DIMS)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "halton: %zu dimensions (1 to %d)", dims,
                        MLP_TUNE_HALTON_MAX_DIMS);
    mlp_tune_halton *h = mlp_calloc(1, sizeof *h, err);
    if (!h) return MLP_ERR_MEMORY;
    h->dims = dims;
    h->dim = mlp_calloc(dims, sizeof *h->dim, err);
    if (!h->dim) {
        free(h);
        return MLP_ERR_MEMORY;
    }
    uint32_t base = 1;
    for (size_t j = 0; j < dims; j++) {
        dimension *d = &h->dim[j];
        d->base = base = next_prime(base);
        /* Digits until base^-digits is below a double's resolution on [0, 1): 2^-53. */
        for (double scale = 1; scale < 0x1p53; scale *= base)
            d->digits++;
        d->perm = mlp_calloc(d->digits * base, sizeof *d->perm, err);
        if (!d->perm) {
            mlp_tune_halton_free(h);
            return MLP_ERR_MEMORY;
        }
        /* Fisher-Yates on each digit position's identity permutation. */
        for (size_t k = 0; k < d->digits; k++) {
            uint16_t *p = d->perm + k * base;
            for (uint32_t i = 0; i < base; i++)
                p[i] = (uint16_t)i;
            for (uint32_t i = base - 1; i > 0; i--) {
                uint32_t r = mlp_rng_below(rng, i + 1);
                uint16_t t = p[i];
                p[i] = p[r];
                p[r] = t;
            }
        }
    }
    *out = h;
    return mlp_ok(err);
}

void mlp_tune_halton_point(const mlp_tune_halton *h, uint64_t index, double *u) {
    for (size_t j = 0; j < h->dims; j++) {
        const dimension *d = &h->dim[j];
        double value = 0, scale = 1.0 / d->base;
        uint64_t rest = index;
        for (size_t k = 0; k < d->digits; k++) {
            uint32_t digit = (uint32_t)(rest % d->base);
            rest /= d->base;
            value += d->perm[k * d->base + digit] * scale;
            scale /= d->base;
        }
        /* The sum of the largest digits approaches 1 and may round to it. */
        u[j] = value < 1.0 ? value : nextafter(1.0, 0.0);
    }
}
