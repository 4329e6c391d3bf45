/* Batch assembly into the caller's buffers: gather rows (bytes -> float fused), augment, then
 * transform, with no allocation. Byte rows that are not augmented go through the transform's
 * 256-entry table in the same pass. */
#include "data/augment.h"
#include "data/dataset.h"
#include "data/transform.h"
#include "util/error.h"

/* Rows are read in shuffled order, so each one starts with cache misses the hardware prefetcher
 * cannot foresee; they cost more than the conversion. Fetching the lines of the row a few ahead
 * hides them. */
#define PREFETCH_AHEAD 4
#define CACHE_LINE 64

static void prefetch_row(const uint8_t *row, size_t size) {
    for (size_t offset = 0; offset < size; offset += CACHE_LINE)
        __builtin_prefetch(row + offset);
}

mlp_status mlp_dataset_gather(const mlp_dataset *d, const uint32_t *indices, size_t n,
                              const mlp_transform *transform, const mlp_augment_spec *augment,
                              mlp_rng *rng, float *x_out, int32_t *labels_out, mlp_error *err) {
    if (n && (!indices || !x_out))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "gather: NULL indices or output buffer");
    if (labels_out && !d->labels)
        return mlp_fail(err, MLP_ERR_STATE, "%s: labels asked of an unlabelled data set",
                        d->source);
    if (augment && (!d->rows || !rng))
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "%s: augmentation needs images of known shape (shape=RxC) and a generator",
                        d->source);
    if (transform && transform_features(transform) != d->features)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: %zu features, the transform expects %zu",
                        d->source, d->features, transform_features(transform));
    if (transform && !transform_is_fitted(transform))
        return mlp_fail(err, MLP_ERR_STATE, "%s: the transform is not fitted", d->source);
    for (size_t i = 0; i < n; i++)
        if (indices[i] >= d->count)
            return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: sample index %u out of range (%zu samples)",
                            d->source, indices[i], d->count);
    for (size_t i = 0; i < n; i++) {
        if (d->bytes && i + PREFETCH_AHEAD < n)
            prefetch_row(d->bytes + (size_t)indices[i + PREFETCH_AHEAD] * d->features, d->features);
        float *row = x_out + i * d->features;
        if (labels_out) labels_out[i] = d->labels[indices[i]];
        if (transform && d->bytes && !augment) {
            transform_apply_bytes(transform, d->bytes + (size_t)indices[i] * d->features, row);
            continue;
        }
        if (augment)
            augment_sample(d, indices[i], augment, rng, row);
        else
            dataset_row_to_float(d, indices[i], row);
        if (transform) mlp_transform_apply(transform, row, 1);
    }
    return MLP_OK;
}
