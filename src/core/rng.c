/* PCG32 (O'Neill 2014, "PCG: A family of simple fast space-efficient statistically good
 * algorithms for random number generation"): XSH-RR output of a 64-bit LCG. */
#include "core/rng.h"

#include <math.h>

#define PCG_MULTIPLIER 6364136223846793005ULL

void mlp_rng_seed(mlp_rng *rng, uint64_t seed, uint64_t stream) {
    /* pcg32_srandom_r: the increment must be odd; two steps mix the seed into the state. */
    rng->state = 0;
    rng->increment = (stream << 1u) | 1u;
    mlp_rng_u32(rng);
    rng->state += seed;
    mlp_rng_u32(rng);
}

uint32_t mlp_rng_u32(mlp_rng *rng) {
    uint64_t old = rng->state;
    rng->state = old * PCG_MULTIPLIER + rng->increment;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

void core_rng_advance(mlp_rng *rng, uint64_t steps) {
    /* state -> m state + c, applied `steps` times, is state -> M state + C with M = m^steps and
     * C = c (m^(steps-1) + ... + 1): both built by squaring, over the bits of steps. */
    uint64_t mult = PCG_MULTIPLIER, plus = rng->increment, acc_mult = 1, acc_plus = 0;
    for (; steps; steps >>= 1) {
        if (steps & 1) {
            acc_mult *= mult;
            acc_plus = acc_plus * mult + plus;
        }
        plus = (mult + 1) * plus;
        mult *= mult;
    }
    rng->state = acc_mult * rng->state + acc_plus;
}

uint32_t mlp_rng_below(mlp_rng *rng, uint32_t n) {
    if (n <= 1) return 0; /* n = 0 is out of contract: answer 0 rather than divide by zero */
    /* Reject the lowest 2^32 mod n values so every residue is equally likely. */
    uint32_t threshold = (uint32_t)(-n) % n;
    for (;;) {
        uint32_t r = mlp_rng_u32(rng);
        if (r >= threshold) return r % n;
    }
}

/* Uniform in [0, n) for n up to 2^64 - 1, by the same rejection on 64-bit draws. */
static uint64_t below64(mlp_rng *rng, uint64_t n) {
    if (n <= UINT32_MAX) return mlp_rng_below(rng, (uint32_t)n);
    uint64_t threshold = (uint64_t)(-n) % n;
    for (;;) {
        uint64_t high = mlp_rng_u32(rng), low = mlp_rng_u32(rng);
        uint64_t r = high << 32 | low;
        if (r >= threshold) return r % n;
    }
}

float mlp_rng_uniform(mlp_rng *rng) {
    /* The top 24 bits: every float k / 2^24 equally likely, never 1. */
    return (float)(mlp_rng_u32(rng) >> 8) * 0x1p-24f;
}

float mlp_rng_normal(mlp_rng *rng) {
    /* Box-Muller on two uniforms in double; u1 in (0, 1] so the logarithm is finite. One draw per
     * call (the second variate is discarded) keeps the generator a plain copyable value. */
    uint64_t low = mlp_rng_u32(rng) >> 11, high = mlp_rng_u32(rng);
    double u1 = ((double)(low | high << 21) + 1.0) * 0x1p-53;
    double u2 = (double)mlp_rng_u32(rng) * 0x1p-32;
    return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

void mlp_rng_shuffle(mlp_rng *rng, uint32_t *indices, size_t n) {
    if (!indices) return;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)below64(rng, i);
        uint32_t t = indices[i - 1];
        indices[i - 1] = indices[j];
        indices[j] = t;
    }
}
