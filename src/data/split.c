/* Validation splits: which samples are held out, drawn from a seeded generator, optionally the
 * same share of every class (stratified, quotas by largest remainder). */
#include "data/dataset.h"
#include "util/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Marks `take` of the n candidates at random (partial Fisher-Yates over the candidate list). */
static void pick(uint32_t *candidates, size_t n, size_t take, mlp_rng *rng, bool *held_out) {
    for (size_t i = 0; i < take; i++) {
        size_t j = i + mlp_rng_below(rng, (uint32_t)(n - i));
        uint32_t tmp = candidates[i];
        candidates[i] = candidates[j];
        candidates[j] = tmp;
        held_out[candidates[i]] = true;
    }
}

/* Per-class quotas summing to total: floor(total * n_k / n), the remainder one each to the
 * classes with the largest fractional parts (ties: lower class first). */
static void class_quotas(const size_t *class_count, size_t k, size_t n, size_t total, size_t *quota,
                         double *fraction) {
    size_t given = 0;
    for (size_t c = 0; c < k; c++) {
        double exact = (double)total * (double)class_count[c] / (double)n;
        quota[c] = (size_t)floor(exact);
        fraction[c] = exact - (double)quota[c];
        given += quota[c];
    }
    for (; given < total; given++) {
        size_t best = k;
        for (size_t c = 0; c < k; c++)
            if (quota[c] < class_count[c] && (best == k || fraction[c] > fraction[best])) best = c;
        quota[best]++;
        fraction[best] = -1;
    }
}

static mlp_status pick_stratified(const mlp_dataset *d, size_t total, mlp_rng *rng,
                                  uint32_t *scratch, bool *held_out, mlp_error *err) {
    size_t k = d->num_classes, n = d->count;
    size_t *count = mlp_calloc(3 * k + 1, sizeof *count, err);
    double *fraction = mlp_calloc(k + 1, sizeof *fraction, err);
    if (!count || !fraction) {
        free(count);
        free(fraction);
        return MLP_ERR_MEMORY;
    }
    size_t *quota = count + k, *start = count + 2 * k;
    for (size_t i = 0; i < n; i++)
        count[d->labels[i]]++;
    class_quotas(count, k, n, total, quota, fraction);
    /* Group the indices by class (counting sort), then pick within each group. */
    for (size_t c = 1; c < k; c++)
        start[c] = start[c - 1] + count[c - 1];
    for (size_t i = 0; i < n; i++)
        scratch[start[d->labels[i]]++] = (uint32_t)i;
    for (size_t c = 0, begin = 0; c < k; begin += count[c], c++)
        pick(scratch + begin, count[c], quota[c], rng, held_out);
    free(count);
    free(fraction);
    return MLP_OK;
}

mlp_status mlp_dataset_split(const mlp_dataset *d, const mlp_split_spec *spec, mlp_rng *rng,
                             uint32_t *indices, size_t *num_train, mlp_error *err) {
    size_t n = d->count;
    if (!(spec->fraction >= 0 && spec->fraction < 1))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "validation fraction %g is not in [0, 1)",
                        spec->fraction);
    size_t total = spec->count ? spec->count : (size_t)llround(spec->fraction * (double)n);
    if (total >= n)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "%s: holding out %zu of %zu samples leaves none for training", d->source,
                        total, n);
    if (spec->stratified && !d->labels)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: a stratified split needs labels", d->source);
    bool *held_out = mlp_calloc(n, sizeof *held_out, err);
    if (!held_out) return MLP_ERR_MEMORY;
    for (size_t i = 0; i < n; i++)
        indices[i] = (uint32_t)i;
    mlp_status s = MLP_OK;
    if (spec->stratified)
        s = pick_stratified(d, total, rng, indices, held_out, err);
    else
        pick(indices, n, total, rng, held_out);
    size_t t = 0, v = n - total;
    for (size_t i = 0; s == MLP_OK && i < n; i++)
        indices[held_out[i] ? v++ : t++] = (uint32_t)i;
    *num_train = n - total;
    free(held_out);
    return s;
}
