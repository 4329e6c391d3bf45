/* Models: save/load round trip, and every kind of bad model file refused with a message naming
 * the file and the fault. */
#include "harness.h"
#include "io/safetensors.h"
#include "io_test_files.h"
#include "mlp.h"
#include "train/model_file.h"

static char dir[512];

static mlp_model *small_model(void) {
    mlp_net_spec spec;
    size_t hidden[] = {3};
    CHECK(mlp_net_spec_default(&spec, 4, hidden, 1, 2, MLP_ACT_TANH, NULL) == MLP_OK);
    spec.dropout[0] = 0.25f;
    mlp_net *net;
    CHECK(mlp_net_new(&net, &spec, NULL) == MLP_OK);
    mlp_rng rng;
    mlp_rng_seed(&rng, 3, 1);
    mlp_init_spec init = {.kind = MLP_INIT_GLOROT_UNIFORM, .bias = 0.1f};
    CHECK(mlp_net_init(net, &init, &rng, NULL) == MLP_OK);
    const char *names[] = {"no, really", "yes"};
    mlp_model *model;
    CHECK(mlp_model_new(&model, net, NULL, names, 2, NULL) == MLP_OK);
    CHECK(mlp_model_set_metadata(model, "note", "hello", NULL) == MLP_OK);
    return model;
}

static void path_of(char *out, size_t size, const char *name) {
    if (!dir[0]) test_make_dir(dir, sizeof dir);
    snprintf(out, size, "%s/%s", dir, name);
}

static void test_round_trip(void) {
    mlp_model *a = small_model(), *b;
    char path[600];
    path_of(path, sizeof path, "model.safetensors");
    mlp_error err;
    CHECK_MSG(mlp_model_save(a, path, &err) == MLP_OK, "%s", err.message);
    CHECK_MSG(mlp_model_load(&b, path, &err) == MLP_OK, "%s", err.message);
    const mlp_net *na = mlp_model_net_const(a), *nb = mlp_model_net_const(b);
    CHECK(mlp_net_num_params(na) == mlp_net_num_params(nb));
    CHECK(memcmp(mlp_net_params_const(na), mlp_net_params_const(nb),
                 mlp_net_num_params(na) * sizeof(float)) == 0);
    const mlp_net_spec *sb = mlp_net_get_spec(nb);
    CHECK(sb->num_layers == 2 && sb->widths[0] == 4 && sb->widths[1] == 3 && sb->widths[2] == 2);
    CHECK(sb->activation[0] == MLP_ACT_TANH && sb->activation[1] == MLP_ACT_SOFTMAX);
    CHECK(sb->dropout[0] == 0.25f && sb->loss == MLP_LOSS_SOFTMAX_CROSS_ENTROPY);
    CHECK(mlp_model_num_classes(b) == 2);
    CHECK(strcmp(mlp_model_class_names(b)[0], "no, really") == 0);
    CHECK(strcmp(mlp_model_metadata(b, "note"), "hello") == 0);
    CHECK(mlp_model_transform(b) == NULL);
    mlp_model_free(a);
    mlp_model_free(b);
}

static void test_display_names_round_trip(void) {
    mlp_model *a = small_model(), *b;
    CHECK(!mlp_model_has_display_names(a));
    CHECK(mlp_model_display_names(a) == mlp_model_class_names(a)); /* no names: the labels */
    const char *names[] = {"T-shirt/top", "Ankle boot"};
    mlp_error err;
    CHECK_MSG(mlp_model_set_display_names(a, names, 2, &err) == MLP_OK, "%s", err.message);
    CHECK(mlp_model_has_display_names(a));
    char path[600];
    path_of(path, sizeof path, "named.safetensors");
    CHECK_MSG(mlp_model_save(a, path, &err) == MLP_OK, "%s", err.message);
    CHECK_MSG(mlp_model_load(&b, path, &err) == MLP_OK, "%s", err.message);
    CHECK(mlp_model_has_display_names(b));
    CHECK(strcmp(mlp_model_display_names(b)[0], "T-shirt/top") == 0);
    CHECK(strcmp(mlp_model_display_names(b)[1], "Ankle boot") == 0);
    /* The labels stay what the data gave. */
    CHECK(strcmp(mlp_model_class_names(b)[1], "yes") == 0);
    CHECK(strcmp(mlp_model_metadata(b, "display_names"), "[\"T-shirt/top\",\"Ankle boot\"]") == 0);
    /* Removed, they are gone from the next file too. */
    CHECK(mlp_model_set_display_names(b, NULL, 0, &err) == MLP_OK);
    CHECK(!mlp_model_has_display_names(b) && !mlp_model_metadata(b, "display_names"));
    CHECK(mlp_model_display_names(b) == mlp_model_class_names(b));
    CHECK_MSG(mlp_model_save(b, path, &err) == MLP_OK, "%s", err.message);
    mlp_model_free(b);
    CHECK_MSG(mlp_model_load(&b, path, &err) == MLP_OK, "%s", err.message);
    CHECK(!mlp_model_has_display_names(b));
    mlp_model_free(a);
    mlp_model_free(b);
}

static void test_display_names_refused(void) {
    mlp_model *m = small_model();
    const struct {
        const char *names[3];
        size_t count;
        const char *expect;
    } cases[] = {
        {{"a"}, 1, "1 display names for 2 classes"},
        {{"a", "b", "c"}, 3, "3 display names for 2 classes"},
        {{"a", ""}, 2, "display name 2 is empty"},
        {{"a", NULL}, 2, "display name 2 is empty"},
        {{"Bag", "Bag"}, 2, "display name 'Bag' is given twice (names 1 and 2)"},
        {{"a\tb", "c"}, 2, "display name 1 holds a control character (0x09)"},
        {{"a", "b\n"}, 2, "display name 2 holds a control character (0x0a)"},
    };
    const char *before[] = {"x", "y"};
    CHECK(mlp_model_set_display_names(m, before, 2, NULL) == MLP_OK);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        mlp_error err = {0};
        CHECK_MSG(mlp_model_set_display_names(m, cases[i].names, cases[i].count, &err) ==
                      MLP_ERR_ARGUMENT,
                  "case %zu accepted", i);
        CHECK_MSG(strstr(err.message, cases[i].expect), "case %zu: '%s' lacks '%s'", i, err.message,
                  cases[i].expect);
        /* A refused set leaves the names as they were. */
        CHECK(strcmp(mlp_model_display_names(m)[0], "x") == 0);
    }
    mlp_model_free(m);
}

/* Writes the small model with one metadata entry replaced or added (value NULL: the tensor `drop`
 * is left out instead) and returns the load status, with the message in err. */
static mlp_status load_altered(const char *key, const char *value, const char *drop,
                               mlp_error *err) {
    mlp_model *m = small_model();
    mlp_safetensors *full, *st;
    CHECK(mlp_safetensors_new(&full, NULL) == MLP_OK);
    CHECK(mlp_model_add_to(m, full, NULL) == MLP_OK);
    CHECK(mlp_safetensors_new(&st, NULL) == MLP_OK);
    for (size_t i = 0; i < mlp_safetensors_count(full); i++) {
        const mlp_tensor_view *t = mlp_safetensors_tensor(full, i);
        if (drop && strcmp(t->name, drop) == 0) continue;
        CHECK(mlp_safetensors_add(st, t->name, t->dtype, t->ndim, t->shape, t->data, NULL) ==
              MLP_OK);
    }
    for (size_t i = 0; i < mlp_safetensors_metadata_count(full); i++) {
        const char *k, *v;
        mlp_safetensors_metadata_at(full, i, &k, &v);
        CHECK(mlp_safetensors_set_metadata(st, k, key && strcmp(k, key) == 0 ? value : v, NULL) ==
              MLP_OK);
    }
    if (key && value && !mlp_safetensors_metadata(full, key)) /* an entry the model lacks */
        CHECK(mlp_safetensors_set_metadata(st, key, value, NULL) == MLP_OK);
    char path[600];
    path_of(path, sizeof path, "bad.safetensors");
    CHECK(mlp_safetensors_write(st, path, NULL) == MLP_OK);
    mlp_safetensors_free(st);
    mlp_safetensors_free(full);
    mlp_model_free(m);
    mlp_model *loaded = NULL;
    mlp_status s = mlp_model_load(&loaded, path, err);
    CHECK((s == MLP_OK) == (loaded != NULL));
    mlp_model_free(loaded);
    return s;
}

static void test_bad_files(void) {
    const struct {
        const char *key, *value, *drop, *expect;
    } cases[] = {
        {"net.widths", "4,3", NULL, "expected 1 names"},
        {"net.widths", "4,0,2", NULL, "bad width '0'"},
        {"net.widths", "4,x,2", NULL, "bad width 'x'"},
        {"net.widths", "4,5,2", NULL, "dense.0.weight: wrong shape"},
        {"net.widths", "4,3,2,7", NULL, "net.activations"},
        {"net.activations", "tanh,swish", NULL, "unknown 'swish'"},
        {"net.loss", "hinge", NULL, "net.loss: unknown 'hinge'"},
        {"net.dropout", "0.1,2", NULL, "bad value '2'"},
        {"classes", "[\"a\", 3]", NULL, "classes: not a JSON array of strings"},
        {"classes", "[\"a\", \"b\", \"c\"]", NULL, "3 class names for 2 outputs"},
        {"classes", "{", NULL, "classes"},
        {"display_names", "[\"a\"]", NULL, "display_names: 1 display names for 2 classes"},
        {"display_names", "[\"a\", \"a\"]", NULL, "display_names: display name 'a' is given twice"},
        {"display_names", "\"a,b\"", NULL, "display_names: not a JSON array of strings"},
        {NULL, NULL, "dense.1.bias", "dense.1.bias: missing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        mlp_error err = {0};
        mlp_status s = load_altered(cases[i].key, cases[i].value, cases[i].drop, &err);
        CHECK_MSG(s != MLP_OK, "case %zu accepted", i);
        CHECK_MSG(strstr(err.message, cases[i].expect) && strstr(err.message, "bad.safetensors"),
                  "case %zu: '%s' lacks '%s'", i, err.message, cases[i].expect);
    }
    /* Not an mlp file at all. */
    char path[600];
    path_of(path, sizeof path, "other.safetensors");
    mlp_safetensors *st;
    CHECK(mlp_safetensors_new(&st, NULL) == MLP_OK);
    float x[2] = {1, 2};
    size_t n = 2;
    CHECK(mlp_safetensors_add(st, "x", MLP_DTYPE_F32, 1, &n, x, NULL) == MLP_OK);
    CHECK(mlp_safetensors_write(st, path, NULL) == MLP_OK);
    mlp_safetensors_free(st);
    mlp_model *m;
    mlp_error err;
    CHECK(mlp_model_load(&m, path, &err) == MLP_ERR_FORMAT);
    CHECK(strstr(err.message, "not an mlp model") != NULL);
    path_of(path, sizeof path, "missing.safetensors");
    CHECK(mlp_model_load(&m, path, &err) != MLP_OK);
    CHECK(strstr(err.message, "missing.safetensors") != NULL);
}

int main(void) {
    RUN_TEST(test_round_trip);
    RUN_TEST(test_display_names_round_trip);
    RUN_TEST(test_display_names_refused);
    RUN_TEST(test_bad_files);
    if (dir[0]) test_remove_dir(dir);
    return harness_finish();
}
