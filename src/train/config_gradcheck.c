/* Gradient check of a configured network on real samples (mlp gradcheck). */
#include "train/train_config.h"

#include "util/error.h"

#include <stdlib.h>

/* Stream of the initialisation, as in the trainer, so the checked weights are a run's start. */
enum { STREAM_INIT = 1, STREAM_DROPOUT = 3 };

typedef struct {
    mlp_dataset *data;
    mlp_transform *transform;
    mlp_net *net;
    uint32_t *indices;
    float *x;
    int32_t *labels;
} resources;

static mlp_status run(resources *r, const mlp_train_config *c, size_t samples,
                      size_t max_per_tensor, mlp_gradcheck_tensor *report, size_t *num_tensors,
                      size_t *samples_used, size_t *num_params, mlp_error *err) {
    MLP_TRY(mlp_dataset_load(&r->data, c->train_source, err));
    if (!mlp_dataset_labels(r->data))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: training data has no labels", c->train_source);
    size_t count = mlp_dataset_count(r->data), features = mlp_dataset_features(r->data);
    if (samples > count) samples = count;
    r->indices = mlp_calloc(count, sizeof *r->indices, err);
    r->x = r->indices ? mlp_calloc(samples * features, sizeof *r->x, err) : NULL;
    r->labels = r->x ? mlp_calloc(samples, sizeof *r->labels, err) : NULL;
    if (!r->labels) return MLP_ERR_MEMORY;
    for (size_t i = 0; i < count; i++)
        r->indices[i] = (uint32_t)i;
    MLP_TRY(mlp_transform_new(&r->transform, &c->transform, features, err));
    MLP_TRY(mlp_transform_fit(r->transform, r->data, r->indices, count, err));
    MLP_TRY(mlp_dataset_gather(r->data, r->indices, samples, r->transform, NULL, NULL, r->x,
                               r->labels, err));
    mlp_net_spec spec;
    MLP_TRY(mlp_train_config_net_spec(c, features, mlp_dataset_num_classes(r->data), &spec, err));
    spec.max_batch = samples;
    MLP_TRY(mlp_net_new(&r->net, &spec, err));
    mlp_rng rng, dropout;
    mlp_rng_seed(&rng, c->seed, STREAM_INIT);
    mlp_rng_seed(&dropout, c->seed, STREAM_DROPOUT);
    MLP_TRY(mlp_net_init(r->net, &c->init, &rng, err));
    mlp_batch batch = {.x = r->x, .labels = r->labels, .n = samples};
    MLP_TRY(mlp_gradcheck_sample(r->net, &batch, &c->regularization, &dropout, max_per_tensor,
                                 report, err));
    *num_tensors = 2 * spec.num_layers;
    *samples_used = samples;
    *num_params = mlp_net_num_params(r->net);
    return mlp_ok(err);
}

mlp_status mlp_train_gradcheck(const mlp_train_config *config, size_t samples,
                               size_t max_per_tensor, mlp_gradcheck_tensor *report,
                               size_t *num_tensors, size_t *samples_used, size_t *num_params,
                               mlp_error *err) {
    resources r = {0};
    mlp_status s = run(&r, config, samples, max_per_tensor, report, num_tensors, samples_used,
                       num_params, err);
    mlp_dataset_free(r.data);
    mlp_transform_free(r.transform);
    mlp_net_free(r.net);
    free(r.indices);
    free(r.x);
    free(r.labels);
    return s;
}
