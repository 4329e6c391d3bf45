/* Models: a network, its fitted preparation, class names and metadata; saved as safetensors. */
#include "train/model_file.h"

#include "util/error.h"
#include "util/kv.h"
#include "util/text.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mlp_model {
    mlp_net *net;
    mlp_transform *transform;
    char **class_names;
    size_t num_classes;
    char **display_names; /* NULL, or num_classes names for people */
    mlp_kv metadata;
};

static void free_names(char **names, size_t count) {
    for (size_t i = 0; names && i < count; i++)
        free(names[i]);
    free(names);
}

void mlp_model_free(mlp_model *model) {
    if (!model) return;
    mlp_net_free(model->net);
    mlp_transform_free(model->transform);
    free_names(model->class_names, model->num_classes);
    free_names(model->display_names, model->num_classes);
    mlp_kv_clear(&model->metadata);
    free(model);
}

mlp_status mlp_model_new(mlp_model **model, mlp_net *net, mlp_transform *transform,
                         const char *const *class_names, size_t num_classes, mlp_error *err) {
    *model = NULL;
    mlp_model *m = mlp_calloc(1, sizeof *m, err);
    if (!m) {
        mlp_net_free(net);
        mlp_transform_free(transform);
        return MLP_ERR_MEMORY;
    }
    m->net = net;
    m->transform = transform;
    const mlp_net_spec *spec = mlp_net_get_spec(net);
    size_t outputs = spec->widths[spec->num_layers];
    if (!class_names) num_classes = outputs;
    /* A single sigmoid output is a binary classifier with two classes. */
    size_t expected = outputs == 1 ? 2 : outputs;
    if (num_classes != expected && !(outputs == 1 && num_classes == 1)) {
        mlp_model_free(m);
        return mlp_fail(err, MLP_ERR_ARGUMENT, "model: %zu class names for %zu outputs",
                        num_classes, outputs);
    }
    m->class_names = mlp_calloc(num_classes, sizeof *m->class_names, err);
    if (!m->class_names) {
        mlp_model_free(m);
        return MLP_ERR_MEMORY;
    }
    m->num_classes = num_classes;
    for (size_t k = 0; k < num_classes; k++) {
        char number[32];
        snprintf(number, sizeof number, "%zu", k);
        m->class_names[k] = mlp_copy_string(class_names ? class_names[k] : number, err);
        if (!m->class_names[k]) {
            mlp_model_free(m);
            return MLP_ERR_MEMORY;
        }
    }
    *model = m;
    return mlp_ok(err);
}

mlp_net *mlp_model_net(mlp_model *model) {
    return model->net;
}

const mlp_net *mlp_model_net_const(const mlp_model *model) {
    return model->net;
}

const mlp_transform *mlp_model_transform(const mlp_model *model) {
    return model->transform;
}

size_t mlp_model_num_classes(const mlp_model *model) {
    return model->num_classes;
}

const char *const *mlp_model_class_names(const mlp_model *model) {
    return (const char *const *)model->class_names;
}

/* A JSON array of the names (cJSON_free it), or NULL when out of memory. */
static char *names_json(const char *const *names, size_t count) {
    cJSON *array = cJSON_CreateStringArray(names, (int)count);
    char *json = array ? cJSON_PrintUnformatted(array) : NULL;
    cJSON_Delete(array);
    return json;
}

/* Display names go into one-line reports, CSV cells and picture captions: each is non-empty,
 * free of control characters and different from the others. */
static mlp_status check_display_names(const char *const *names, size_t count, size_t classes,
                                      mlp_error *err) {
    if (count != classes)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%zu display names for %zu classes", count, classes);
    for (size_t k = 0; k < count; k++) {
        if (!names[k] || !names[k][0])
            return mlp_fail(err, MLP_ERR_ARGUMENT, "display name %zu is empty", k + 1);
        for (const char *c = names[k]; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                return mlp_fail(err, MLP_ERR_ARGUMENT,
                                "display name %zu holds a control character (0x%02x)", k + 1,
                                (unsigned)(unsigned char)*c);
        for (size_t j = 0; j < k; j++)
            if (strcmp(names[j], names[k]) == 0)
                return mlp_fail(err, MLP_ERR_ARGUMENT,
                                "display name '%s' is given twice (names %zu and %zu)", names[k],
                                j + 1, k + 1);
    }
    return mlp_ok(err);
}

mlp_status mlp_model_set_display_names(mlp_model *model, const char *const *names, size_t count,
                                       mlp_error *err) {
    if (!names) {
        free_names(model->display_names, model->num_classes);
        model->display_names = NULL;
        mlp_kv_remove(&model->metadata, "display_names");
        return mlp_ok(err);
    }
    MLP_TRY(check_display_names(names, count, model->num_classes, err));
    char **copy = mlp_calloc(count, sizeof *copy, err);
    if (!copy) return MLP_ERR_MEMORY;
    bool ok = true;
    for (size_t k = 0; k < count && ok; k++)
        ok = (copy[k] = mlp_copy_string(names[k], err)) != NULL;
    char *json = ok ? names_json(names, count) : NULL;
    mlp_status s = json ? mlp_kv_set(&model->metadata, "display_names", json, err)
                        : mlp_fail(err, MLP_ERR_MEMORY, "model: out of memory for display names");
    cJSON_free(json);
    if (s != MLP_OK) {
        free_names(copy, count);
        return s;
    }
    free_names(model->display_names, model->num_classes);
    model->display_names = copy;
    return mlp_ok(err);
}

const char *const *mlp_model_display_names(const mlp_model *model) {
    return (const char *const *)(model->display_names ? model->display_names : model->class_names);
}

bool mlp_model_has_display_names(const mlp_model *model) {
    return model->display_names != NULL;
}

mlp_status mlp_model_set_metadata(mlp_model *model, const char *key, const char *value,
                                  mlp_error *err) {
    return mlp_kv_set(&model->metadata, key, value, err);
}

const char *mlp_model_metadata(const mlp_model *model, const char *key) {
    return mlp_kv_get(&model->metadata, key);
}

size_t mlp_model_metadata_count(const mlp_model *model) {
    return model->metadata.count;
}

void mlp_model_metadata_at(const mlp_model *model, size_t index, const char **key,
                           const char **value) {
    *key = model->metadata.keys[index];
    *value = model->metadata.values[index];
}

/* ---- Saving ---- */

/* Appends "%zu" or a name to a comma-separated list in buf. */
static void append_item(char *buf, size_t size, const char *item) {
    size_t used = strlen(buf);
    snprintf(buf + used, size - used, "%s%s", used ? "," : "", item);
}

mlp_status mlp_model_add_to(const mlp_model *model, mlp_safetensors *st, mlp_error *err) {
    const mlp_net *net = model->net;
    const mlp_net_spec *spec = mlp_net_get_spec(net);
    const float *params = mlp_net_params_const(net);
    for (size_t i = 0; i < spec->num_layers; i++) {
        char name[64];
        size_t wshape[2] = {spec->widths[i + 1], spec->widths[i]};
        snprintf(name, sizeof name, "dense.%zu.weight", i);
        MLP_TRY(mlp_safetensors_add(st, name, MLP_DTYPE_F32, 2, wshape,
                                    params + mlp_net_weight_offset(net, i), err));
        snprintf(name, sizeof name, "dense.%zu.bias", i);
        MLP_TRY(mlp_safetensors_add(st, name, MLP_DTYPE_F32, 1, &wshape[0],
                                    params + mlp_net_bias_offset(net, i), err));
    }
    if (model->transform)
        for (size_t i = 0; i < mlp_transform_num_tensors(model->transform); i++) {
            const char *name;
            size_t length;
            const float *values = mlp_transform_tensor(model->transform, i, &name, &length);
            MLP_TRY(mlp_safetensors_add(st, name, MLP_DTYPE_F32, 1, &length, values, err));
        }
    for (size_t i = 0; i < model->metadata.count; i++)
        MLP_TRY(mlp_safetensors_set_metadata(st, model->metadata.keys[i], model->metadata.values[i],
                                             err));

    char widths[512] = "", activations[512] = "", dropout[512] = "", number[32];
    for (size_t i = 0; i <= spec->num_layers; i++) {
        snprintf(number, sizeof number, "%zu", spec->widths[i]);
        append_item(widths, sizeof widths, number);
    }
    for (size_t i = 0; i < spec->num_layers; i++) {
        append_item(activations, sizeof activations, mlp_activation_name(spec->activation[i]));
        snprintf(number, sizeof number, "%.9g", (double)spec->dropout[i]);
        append_item(dropout, sizeof dropout, number);
    }
    MLP_TRY(mlp_safetensors_set_metadata(st, "net.widths", widths, err));
    MLP_TRY(mlp_safetensors_set_metadata(st, "net.activations", activations, err));
    MLP_TRY(mlp_safetensors_set_metadata(st, "net.loss", mlp_loss_name(spec->loss), err));
    MLP_TRY(mlp_safetensors_set_metadata_double(st, "net.leaky_relu_slope", spec->leaky_relu_slope,
                                                err));
    MLP_TRY(mlp_safetensors_set_metadata(st, "net.dropout", dropout, err));
    if (model->transform) {
        char text[256];
        mlp_transform_spec_format(mlp_transform_get_spec(model->transform), text, sizeof text);
        MLP_TRY(mlp_safetensors_set_metadata(st, "prep.spec", text, err));
    }
    char *json = names_json((const char *const *)model->class_names, model->num_classes);
    if (!json) return mlp_fail(err, MLP_ERR_MEMORY, "model: out of memory for class names");
    mlp_status st_ = mlp_safetensors_set_metadata(st, "classes", json, err);
    cJSON_free(json);
    return st_;
}

mlp_status mlp_model_save(const mlp_model *model, const char *path, mlp_error *err) {
    mlp_safetensors *st;
    MLP_TRY(mlp_safetensors_new(&st, err));
    mlp_status s = mlp_model_add_to(model, st, err);
    if (s == MLP_OK) s = mlp_safetensors_write(st, path, err);
    mlp_safetensors_free(st);
    return s;
}

/* ---- Loading ---- */

/* Splits a comma-separated metadata list into at most max items (in place in buf). */
static size_t split_list(char *buf, char **items, size_t max) {
    size_t n = 0;
    for (char *p = buf; n < max;) {
        items[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma) break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

static mlp_status spec_from(const mlp_safetensors *st, mlp_net_spec *spec, mlp_error *err) {
    const char *src = mlp_safetensors_source(st);
    const char *widths = mlp_safetensors_metadata(st, "net.widths");
    const char *activations = mlp_safetensors_metadata(st, "net.activations");
    const char *loss = mlp_safetensors_metadata(st, "net.loss");
    const char *dropout = mlp_safetensors_metadata(st, "net.dropout");
    if (!widths || !activations || !loss)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: not an mlp model: metadata net.widths, net.activations or net.loss "
                        "missing",
                        src);
    char buf[1024], *items[MLP_MAX_LAYERS + 2];
    memset(spec, 0, sizeof *spec);
    snprintf(buf, sizeof buf, "%s", widths);
    size_t n = split_list(buf, items, MLP_MAX_LAYERS + 2);
    if (n < 2 || n > MLP_MAX_LAYERS + 1)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: metadata net.widths: '%s': 2 to %d widths", src,
                        widths, MLP_MAX_LAYERS + 1);
    spec->num_layers = n - 1;
    for (size_t i = 0; i < n; i++) {
        char *end;
        unsigned long long w = strtoull(items[i], &end, 10);
        if (*end || end == items[i] || w == 0 || w > 100000000)
            return mlp_fail(err, MLP_ERR_FORMAT, "%s: metadata net.widths: bad width '%s'", src,
                            items[i]);
        spec->widths[i] = (size_t)w;
    }
    snprintf(buf, sizeof buf, "%s", activations);
    if (split_list(buf, items, MLP_MAX_LAYERS + 1) != spec->num_layers)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: metadata net.activations: '%s': expected %zu names", src, activations,
                        spec->num_layers);
    for (size_t i = 0; i < spec->num_layers; i++)
        if (!mlp_activation_from_name(items[i], &spec->activation[i]))
            return mlp_fail(err, MLP_ERR_FORMAT, "%s: metadata net.activations: unknown '%s'", src,
                            items[i]);
    if (!mlp_loss_from_name(loss, &spec->loss))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: metadata net.loss: unknown '%s'", src, loss);
    spec->leaky_relu_slope = 0.01f;
    double slope;
    if (mlp_safetensors_metadata(st, "net.leaky_relu_slope")) {
        MLP_TRY(mlp_safetensors_get_metadata_double(st, "net.leaky_relu_slope", &slope, err));
        spec->leaky_relu_slope = (float)slope;
    }
    if (dropout) {
        snprintf(buf, sizeof buf, "%s", dropout);
        if (split_list(buf, items, MLP_MAX_LAYERS + 1) != spec->num_layers)
            return mlp_fail(err, MLP_ERR_FORMAT, "%s: metadata net.dropout: expected %zu values",
                            src, spec->num_layers);
        for (size_t i = 0; i < spec->num_layers; i++) {
            char *end;
            double p = strtod(items[i], &end);
            if (*end || end == items[i] || !(p >= 0 && p < 1))
                return mlp_fail(err, MLP_ERR_FORMAT, "%s: metadata net.dropout: bad value '%s'",
                                src, items[i]);
            spec->dropout[i] = (float)p;
        }
    }
    spec->max_batch = 1; /* grown by the first batch run (batch_rows) */
    return mlp_ok(err);
}

mlp_status mlp_net_load_weights(mlp_net *net, const mlp_safetensors *st, mlp_error *err) {
    const mlp_net_spec *spec = mlp_net_get_spec(net);
    float *params = mlp_net_params(net);
    for (size_t i = 0; i < spec->num_layers; i++) {
        char name[64];
        size_t shape[2] = {spec->widths[i + 1], spec->widths[i]};
        snprintf(name, sizeof name, "dense.%zu.weight", i);
        MLP_TRY(mlp_safetensors_get_f32(st, name, 2, shape, params + mlp_net_weight_offset(net, i),
                                        err));
        snprintf(name, sizeof name, "dense.%zu.bias", i);
        MLP_TRY(
            mlp_safetensors_get_f32(st, name, 1, shape, params + mlp_net_bias_offset(net, i), err));
    }
    return mlp_ok(err);
}

static mlp_status transform_from(const mlp_safetensors *st, size_t features,
                                 mlp_transform **transform, mlp_error *err) {
    *transform = NULL;
    const char *text = mlp_safetensors_metadata(st, "prep.spec");
    if (!text) return mlp_ok(err);
    mlp_transform_spec spec;
    mlp_error inner;
    if (mlp_transform_spec_parse(&spec, text, &inner) != MLP_OK)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: metadata prep.spec: %s",
                        mlp_safetensors_source(st), inner.message);
    MLP_TRY(mlp_transform_new(transform, &spec, features, err));
    for (size_t i = 0; i < mlp_transform_num_tensors(*transform); i++) {
        const char *name;
        size_t length;
        mlp_transform_tensor(*transform, i, &name, &length);
        float *values = mlp_calloc(length, sizeof *values, err);
        mlp_status s =
            values ? mlp_safetensors_get_f32(st, name, 1, &length, values, err) : MLP_ERR_MEMORY;
        if (s == MLP_OK) s = mlp_transform_set_tensor(*transform, name, values, length, err);
        free(values);
        if (s != MLP_OK) {
            mlp_transform_free(*transform);
            *transform = NULL;
            return s;
        }
    }
    return mlp_ok(err);
}

/* The JSON array of strings in metadata `key` (*names NULL when the key is absent). */
static mlp_status names_from(const mlp_safetensors *st, const char *key, cJSON **names,
                             mlp_error *err) {
    const char *src = mlp_safetensors_source(st);
    const char *text = mlp_safetensors_metadata(st, key);
    *names = NULL;
    if (!text) return mlp_ok(err);
    *names = cJSON_Parse(text);
    bool ok = *names && cJSON_IsArray(*names);
    for (cJSON *item = ok ? (*names)->child : NULL; item; item = item->next)
        ok = ok && cJSON_IsString(item);
    if (!ok) {
        cJSON_Delete(*names);
        *names = NULL;
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: metadata %s: not a JSON array of strings", src,
                        key);
    }
    return mlp_ok(err);
}

/* The display names in metadata display_names, when present, checked as
 * mlp_model_set_display_names checks them. */
static mlp_status display_names_from(const mlp_safetensors *st, mlp_model *model, mlp_error *err) {
    cJSON *names;
    MLP_TRY(names_from(st, "display_names", &names, err));
    if (!names) return mlp_ok(err);
    size_t num = (size_t)cJSON_GetArraySize(names), k = 0;
    const char **list = mlp_calloc(num ? num : 1, sizeof *list, err);
    for (cJSON *item = names->child; list && item; item = item->next)
        list[k++] = item->valuestring;
    mlp_error inner = {0};
    mlp_status s = list ? mlp_model_set_display_names(model, list, num, &inner) : MLP_ERR_MEMORY;
    if (s != MLP_OK && list)
        mlp_fail(err, s == MLP_ERR_MEMORY ? s : MLP_ERR_FORMAT, "%s: metadata display_names: %s",
                 mlp_safetensors_source(st), inner.message);
    free(list);
    cJSON_Delete(names);
    return s == MLP_OK || s == MLP_ERR_MEMORY ? s : MLP_ERR_FORMAT;
}

/* Every dense tensor is present with the shape the metadata implies, so the network allocated
 * next is no larger than the file. */
static mlp_status check_shapes(const mlp_safetensors *st, const mlp_net_spec *spec,
                               mlp_error *err) {
    for (size_t i = 0; i < spec->num_layers; i++) {
        for (int bias = 0; bias < 2; bias++) {
            char name[64];
            snprintf(name, sizeof name, "dense.%zu.%s", i, bias ? "bias" : "weight");
            const mlp_tensor_view *t = mlp_safetensors_find(st, name);
            size_t out = spec->widths[i + 1], in = spec->widths[i];
            bool ok = t && (bias ? t->ndim == 1 && t->shape[0] == out
                                 : t->ndim == 2 && t->shape[0] == out && t->shape[1] == in);
            if (ok) continue;
            char want[64];
            if (bias)
                snprintf(want, sizeof want, "[%zu]", out);
            else
                snprintf(want, sizeof want, "[%zu, %zu]", out, in);
            return mlp_fail(err, MLP_ERR_FORMAT, "%s: tensor %s: %s, net.widths wants %s",
                            mlp_safetensors_source(st), name, t ? "wrong shape" : "missing", want);
        }
    }
    return mlp_ok(err);
}

mlp_status mlp_model_from(mlp_model **model, const mlp_safetensors *st, mlp_error *err) {
    *model = NULL;
    mlp_net_spec spec;
    MLP_TRY(spec_from(st, &spec, err));
    MLP_TRY(check_shapes(st, &spec, err));
    mlp_net *net;
    MLP_TRY(mlp_net_new(&net, &spec, err));
    mlp_status s = mlp_net_load_weights(net, st, err);
    mlp_transform *transform = NULL;
    if (s == MLP_OK) s = transform_from(st, spec.widths[0], &transform, err);
    cJSON *names = NULL;
    if (s == MLP_OK) s = names_from(st, "classes", &names, err);
    if (s != MLP_OK) {
        mlp_net_free(net);
        mlp_transform_free(transform);
        return s;
    }
    size_t num = names ? (size_t)cJSON_GetArraySize(names) : 0;
    size_t outputs = spec.widths[spec.num_layers];
    if (names && num != outputs && !(outputs == 1 && num <= 2))
        s = mlp_fail(err, MLP_ERR_FORMAT, "%s: metadata classes: %zu class names for %zu outputs",
                     mlp_safetensors_source(st), num, outputs);
    const char **list = num ? mlp_calloc(num, sizeof *list, err) : NULL;
    if (num && !list) s = MLP_ERR_MEMORY;
    size_t k = 0;
    for (cJSON *item = names ? names->child : NULL; list && item; item = item->next)
        list[k++] = item->valuestring;
    if (s == MLP_OK)
        s = mlp_model_new(model, net, transform, names ? list : NULL, num, err);
    else {
        mlp_net_free(net);
        mlp_transform_free(transform);
    }
    free(list);
    cJSON_Delete(names);
    for (size_t i = 0; s == MLP_OK && i < mlp_safetensors_metadata_count(st); i++) {
        const char *key, *value;
        mlp_safetensors_metadata_at(st, i, &key, &value);
        s = mlp_model_set_metadata(*model, key, value, err);
    }
    if (s == MLP_OK) s = display_names_from(st, *model, err);
    if (s != MLP_OK) {
        mlp_model_free(*model);
        *model = NULL;
    }
    return s;
}

mlp_status mlp_model_load(mlp_model **model, const char *path, mlp_error *err) {
    *model = NULL;
    mlp_safetensors *st;
    MLP_TRY(mlp_safetensors_read(&st, path, err));
    mlp_status s = mlp_model_from(model, st, err);
    mlp_safetensors_free(st);
    return s;
}

/* ---- Using a model on a data set ---- */

mlp_status mlp_model_accept(const mlp_model *model, mlp_dataset *dataset, mlp_error *err) {
    const mlp_net_spec *spec = mlp_net_get_spec(model->net);
    if (mlp_dataset_features(dataset) != spec->widths[0])
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: %zu features per sample, the model expects %zu",
                        mlp_dataset_source(dataset), mlp_dataset_features(dataset),
                        spec->widths[0]);
    return mlp_dataset_map_classes(dataset, mlp_model_class_names(model), model->num_classes, err);
}

/* Runs fn on consecutive batches of the whole data set, prepared for the model. */
typedef mlp_status (*batch_fn)(void *ctx, mlp_net *net, const float *x, const int32_t *labels,
                               size_t first, size_t n, mlp_error *err);

/* Rows per inference batch: 256, fewer for very wide networks so that the activations stay
 * within about 16M floats. */
static size_t batch_rows(const mlp_net *net) {
    const mlp_net_spec *spec = mlp_net_get_spec(net);
    size_t width = 0;
    for (size_t i = 0; i <= spec->num_layers; i++)
        width += spec->widths[i];
    size_t rows = ((size_t)16 << 20) / width;
    return rows < 1 ? 1 : rows > 256 ? 256 : rows;
}

static mlp_status for_each_batch(mlp_model *model, const mlp_dataset *dataset, bool with_labels,
                                 batch_fn fn, void *ctx, mlp_error *err) {
    const size_t batch = batch_rows(model->net), features = mlp_dataset_features(dataset);
    MLP_TRY(mlp_net_reserve(model->net, batch, err));
    uint32_t *indices = mlp_calloc(batch, sizeof *indices, err);
    float *x = indices ? mlp_calloc_lines(batch * features, sizeof *x, err) : NULL;
    int32_t *labels = x ? mlp_calloc(batch, sizeof *labels, err) : NULL;
    mlp_status s = labels ? MLP_OK : MLP_ERR_MEMORY;
    size_t count = mlp_dataset_count(dataset);
    for (size_t first = 0; s == MLP_OK && first < count; first += batch) {
        size_t n = count - first < batch ? count - first : batch;
        for (size_t i = 0; i < n; i++)
            indices[i] = (uint32_t)(first + i);
        s = mlp_net_gather(model->net, dataset, indices, n, model->transform, NULL, NULL, x,
                           with_labels ? labels : NULL, err);
        if (s == MLP_OK) s = fn(ctx, model->net, x, labels, first, n, err);
    }
    free(indices);
    free(x);
    free(labels);
    return s;
}

typedef struct {
    int32_t *classes;
    float *probabilities;
    size_t outputs;
} predict_ctx;

static int32_t argmax_class(const float *row, size_t outputs) {
    if (outputs == 1) return row[0] >= 0.5f; /* one sigmoid unit: class 1 when p >= 1/2 */
    size_t best = 0;
    for (size_t j = 1; j < outputs; j++)
        if (row[j] > row[best]) best = j;
    return (int32_t)best;
}

static mlp_status predict_batch(void *ctx, mlp_net *net, const float *x, const int32_t *labels,
                                size_t first, size_t n, mlp_error *err) {
    (void)labels;
    predict_ctx *p = ctx;
    const float *out;
    MLP_TRY(mlp_net_forward(net, x, n, &out, err));
    for (size_t i = 0; i < n; i++) {
        if (p->classes) p->classes[first + i] = argmax_class(out + i * p->outputs, p->outputs);
        if (p->probabilities)
            memcpy(p->probabilities + (first + i) * p->outputs, out + i * p->outputs,
                   p->outputs * sizeof *out);
    }
    return mlp_ok(err);
}

mlp_status mlp_model_predict(mlp_model *model, const mlp_dataset *dataset, int32_t *classes,
                             float *probabilities, mlp_error *err) {
    const mlp_net_spec *spec = mlp_net_get_spec(model->net);
    predict_ctx ctx = {classes, probabilities, spec->widths[spec->num_layers]};
    return for_each_batch(model, dataset, false, predict_batch, &ctx, err);
}

typedef struct {
    mlp_evaluation *ev;
    int32_t predicted[256]; /* batch_rows() <= 256 */
    size_t outputs;
} evaluate_ctx;

static mlp_status evaluate_batch(void *ctx, mlp_net *net, const float *x, const int32_t *labels,
                                 size_t first, size_t n, mlp_error *err) {
    (void)first;
    evaluate_ctx *e = ctx;
    const float *out;
    MLP_TRY(mlp_net_forward(net, x, n, &out, err));
    for (size_t i = 0; i < n; i++)
        e->predicted[i] = argmax_class(out + i * e->outputs, e->outputs);
    mlp_batch batch = {.x = x, .labels = labels, .n = n};
    mlp_batch_result result;
    MLP_TRY(mlp_net_evaluate(net, &batch, &result, err));
    mlp_evaluation_add(e->ev, labels, e->predicted, n, result.loss * (double)n);
    return mlp_ok(err);
}

mlp_status mlp_model_evaluate(mlp_model *model, const mlp_dataset *dataset, mlp_evaluation *ev,
                              mlp_error *err) {
    if (!mlp_dataset_labels(dataset))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: no labels to evaluate against",
                        mlp_dataset_source(dataset));
    if (mlp_evaluation_num_classes(ev) != model->num_classes)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "evaluation made for %zu classes, model has %zu",
                        mlp_evaluation_num_classes(ev), model->num_classes);
    const mlp_net_spec *spec = mlp_net_get_spec(model->net);
    evaluate_ctx *ctx = mlp_calloc(1, sizeof *ctx, err);
    if (!ctx) return MLP_ERR_MEMORY;
    ctx->ev = ev;
    ctx->outputs = spec->widths[spec->num_layers];
    mlp_status s = for_each_batch(model, dataset, true, evaluate_batch, ctx, err);
    free(ctx);
    return s;
}
