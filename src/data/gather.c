/* Batch assembly into the caller's buffers: gather rows (bytes -> float fused), augment, then
 * transform, with no allocation. Byte rows that are not augmented go through the transform's
 * 256-entry table in the same pass. mlp_net_gather spreads the rows over a network's threads. */
#include "core/network.h"
#include "core/parallel.h"
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

/* The checks of mlp_dataset_gather, for all n rows before any is written. */
static mlp_status gather_check(const mlp_dataset *d, const uint32_t *indices, size_t n,
                               const mlp_transform *transform, const mlp_augment_spec *augment,
                               mlp_rng *rng, const float *x_out, const int32_t *labels_out,
                               mlp_error *err) {
    if (!d) return mlp_fail(err, MLP_ERR_ARGUMENT, "gather: the data set is NULL");
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
    return mlp_ok(err);
}

/* Rows [i0, i1) of a checked gather. Each row depends on its index alone, except for the
 * augmentation's random numbers, drawn row after row. */
static void gather_rows(const mlp_dataset *d, const uint32_t *indices, size_t i0, size_t i1,
                        const mlp_transform *transform, const mlp_augment_spec *augment,
                        mlp_rng *rng, float *x_out, int32_t *labels_out) {
    for (size_t i = i0; i < i1; i++) {
        if (d->bytes && i + PREFETCH_AHEAD < i1)
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
}

mlp_status mlp_dataset_gather(const mlp_dataset *d, const uint32_t *indices, size_t n,
                              const mlp_transform *transform, const mlp_augment_spec *augment,
                              mlp_rng *rng, float *x_out, int32_t *labels_out, mlp_error *err) {
    MLP_TRY(gather_check(d, indices, n, transform, augment, rng, x_out, labels_out, err));
    gather_rows(d, indices, 0, n, transform, augment, rng, x_out, labels_out);
    return MLP_OK;
}

typedef struct {
    const mlp_dataset *d;
    const uint32_t *indices;
    size_t n;
    const mlp_transform *transform;
    float *x_out;
    int32_t *labels_out;
} gather_task;

static void gather_part(void *arg, size_t part, size_t parts) {
    const gather_task *g = arg;
    gather_rows(g->d, g->indices, g->n * part / parts, g->n * (part + 1) / parts, g->transform,
                NULL, NULL, g->x_out, g->labels_out);
}

mlp_status mlp_net_gather(mlp_net *net, const mlp_dataset *d, const uint32_t *indices, size_t n,
                          const mlp_transform *transform, const mlp_augment_spec *augment,
                          mlp_rng *rng, float *x_out, int32_t *labels_out, mlp_error *err) {
    if (!net) return mlp_fail(err, MLP_ERR_ARGUMENT, "gather: net is NULL");
    MLP_TRY(gather_check(d, indices, n, transform, augment, rng, x_out, labels_out, err));
    parallel_pool *pool = augment || n * d->features < PARALLEL_MIN_ELEMENTS ? NULL : net_pool(net);
    size_t chunks = PARALLEL_CHUNKS_PER_THREAD * parallel_pool_threads(pool);
    if (!pool || chunks > n) {
        gather_rows(d, indices, 0, n, transform, augment, rng, x_out, labels_out);
        return MLP_OK;
    }
    gather_task g = {d, indices, n, transform, x_out, labels_out};
    parallel_run(pool, gather_part, &g, chunks);
    return MLP_OK;
}
