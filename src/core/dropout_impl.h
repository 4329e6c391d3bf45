/* Inverted dropout for one real type (template, see activation_impl.h): in training each unit is
 * kept with probability 1 - p and scaled by 1/(1 - p), so the expected activation is unchanged
 * and inference uses the network as is. */

/* mask[i] = 1/(1-p) if a uniform draw u >= p (probability 1-p), else 0. */
static void K(dropout_draw)(REAL *restrict mask, size_t count, REAL p, mlp_rng *rng) {
    REAL scale = (REAL)1 / ((REAL)1 - p);
    for (size_t i = 0; i < count; i++)
        mask[i] = (REAL)mlp_rng_uniform(rng) >= p ? scale : 0;
}

/* out = a * mask. */
static void K(dropout_apply)(REAL *restrict out, const REAL *restrict a, const REAL *restrict mask,
                             size_t count) {
    for (size_t i = 0; i < count; i++)
        out[i] = a[i] * mask[i];
}
