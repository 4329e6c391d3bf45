/* Inverted dropout for one real type (template, see activation_impl.h): in training each unit is
 * kept with probability 1 - p and scaled by 1/(1 - p), so the expected activation is unchanged
 * and inference uses the network as is. */

/* mask[i] = 1/(1-p) if a uniform draw u >= p (probability 1-p), else 0. */
static void K(dropout_draw)(REAL *restrict mask, size_t count, REAL p, mlp_rng *rng) {
    REAL scale = (REAL)1 / ((REAL)1 - p);
    for (size_t i = 0; i < count; i++)
        mask[i] = (REAL)mlp_rng_uniform(rng) >= p ? scale : 0;
}

typedef struct {
    REAL *mask;
    size_t count;
    REAL p;
    mlp_rng start; /* the generator before the first draw */
} K(dropout_task);

/* Draws [count part / parts, count (part + 1) / parts): the generator moved on to the first. */
static void K(dropout_part)(void *arg, size_t part, size_t parts) {
    const K(dropout_task) *t = arg;
    size_t begin = t->count * part / parts, end = t->count * (part + 1) / parts;
    mlp_rng rng = t->start;
    core_rng_advance(&rng, begin);
    K(dropout_draw)(t->mask + begin, end - begin, t->p, &rng);
}

/* dropout_draw with the draws cut into pieces on the pool's threads, each piece's generator moved
 * on to its first draw (one mlp_rng_u32 per draw): the same mask and the same generator after as
 * the single loop. */
static void K(dropout_draw_parallel)(parallel_pool *pool, REAL *mask, size_t count, REAL p,
                                     mlp_rng *rng) {
    size_t parts = parallel_pool_threads(pool);
    if (parts < 2 || count < PARALLEL_MIN_ELEMENTS) {
        K(dropout_draw)(mask, count, p, rng);
        return;
    }
    K(dropout_task) t = {mask, count, p, *rng};
    parallel_run(pool, K(dropout_part), &t, parts);
    core_rng_advance(rng, count);
}

/* out = a * mask. */
static void K(dropout_apply)(REAL *restrict out, const REAL *restrict a, const REAL *restrict mask,
                             size_t count) {
    for (size_t i = 0; i < count; i++)
        out[i] = a[i] * mask[i];
}
