/* Preparation and batches: transforms fitted on a split and restored from their tensors, seeded
 * (stratified) splits, class mapping, augmentation and batch assembly. */
#include "test_data_util.h"

#include <math.h>

/* A labelled CSV data set of n rows: x0 = i, x1 = 2 i + 1 (floats when `floats`), label i % k. */
static mlp_dataset *make_table(size_t n, size_t k, int floats) {
    const char *path = scratch_path("table.csv");
    FILE *f = fopen(path, "w");
    fputs("label,x0,x1\n", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "c%zu,%zu,%zu%s\n", i % k, i % 200, (2 * i + 1) % 250, floats ? ".5" : "");
    fclose(f);
    return load_ok(path);
}

static void test_transform_scale_log_standardize(void) {
    /* bytes 0..199 and 1..249: scale uses the fixed byte range 0..255 */
    mlp_dataset *d = make_table(100, 3, 0);
    CHECK(d && mlp_dataset_bytes(d));
    mlp_transform_spec spec;
    mlp_error e;
    CHECK(mlp_transform_spec_parse(&spec, "standardize, log=0.1,scale", &e) == MLP_OK);
    CHECK(spec.scale && spec.log && spec.standardize && spec.log_offset == 0.1f);
    char text[64];
    mlp_transform_spec_format(&spec, text, sizeof text);
    CHECK_MSG(strcmp(text, "scale,log=0.100000001,standardize") == 0, "%s", text);
    mlp_transform *t;
    CHECK(mlp_transform_new(&t, &spec, 2, &e) == MLP_OK);
    uint32_t train[50];
    for (uint32_t i = 0; i < 50; i++)
        train[i] = i; /* fitted on the first half only */
    CHECK(mlp_transform_fit(t, d, train, 50, &e) == MLP_OK);
    /* Reference: mean/std of log(x/255 + 0.1) over samples 0..49, in double. */
    double mean[2] = {0}, var[2] = {0};
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 50; i++)
            for (int j = 0; j < 2; j++) {
                double x = log((j == 0 ? i : 2 * i + 1) / 255.0 + 0.1);
                if (pass == 0)
                    mean[j] += x / 50;
                else
                    var[j] += (x - mean[j]) * (x - mean[j]) / 50;
            }
    float x[4 * 2];
    uint32_t pick[4] = {0, 7, 60, 99};
    CHECK(mlp_dataset_gather(d, pick, 4, t, NULL, NULL, x, NULL, &e) == MLP_OK);
    for (int r = 0; r < 4; r++)
        for (int j = 0; j < 2; j++) {
            double raw = j == 0 ? pick[r] : 2 * pick[r] + 1;
            double expect = (log(raw / 255.0 + 0.1) - mean[j]) / sqrt(var[j]);
            CHECK_CLOSE(x[r * 2 + j], expect, 1e-5);
        }
    /* The byte table path equals converting first and transforming after, bit for bit. */
    float raw[4 * 2];
    CHECK(mlp_dataset_gather(d, pick, 4, NULL, NULL, NULL, raw, NULL, &e) == MLP_OK);
    mlp_transform_apply(t, raw, 4);
    CHECK(memcmp(raw, x, sizeof x) == 0);
    /* Its tensors restore an identical transform. */
    CHECK(mlp_transform_num_tensors(t) == 4);
    mlp_transform *u;
    CHECK(mlp_transform_new(&u, &spec, 2, &e) == MLP_OK);
    float y[4 * 2];
    CHECK(mlp_dataset_gather(d, pick, 4, u, NULL, NULL, y, NULL, &e) == MLP_ERR_STATE);
    for (size_t i = 0; i < mlp_transform_num_tensors(t); i++) {
        const char *name;
        size_t length;
        const float *values = mlp_transform_tensor(t, i, &name, &length);
        CHECK(strncmp(name, "prep.", 5) == 0);
        CHECK(mlp_transform_set_tensor(u, name, values, length, &e) == MLP_OK);
    }
    CHECK(mlp_transform_set_tensor(u, "prep.mean", x, 3, &e) == MLP_ERR_FORMAT);
    CHECK(mlp_dataset_gather(d, pick, 4, u, NULL, NULL, y, NULL, &e) == MLP_OK);
    CHECK(memcmp(x, y, sizeof x) == 0);
    mlp_transform_free(t);
    mlp_transform_free(u);
    mlp_dataset_free(d);
}

/* Every preparation of byte rows gives, bit for bit, what converting the bytes to floats first and
 * transforming after gives: the vectorized affine path (no log) and the table (log) alike, over all
 * 256 byte values and a row length that leaves a vector tail. */
static void test_transform_byte_paths_equal_float_path(void) {
    enum { ROWS = 300, FEATURES = 37 };
    const char *path = scratch_path("bytes.csv");
    FILE *f = fopen(path, "w");
    fputs("label", f);
    for (int j = 0; j < FEATURES; j++)
        fprintf(f, ",x%d", j);
    for (int i = 0; i < ROWS; i++) {
        fprintf(f, "\nc%d", i % 2);
        for (int j = 0; j < FEATURES; j++)
            fprintf(f, ",%d", (i * 7 + j * 13 + (i * j) % 5) % 256);
    }
    fputc('\n', f);
    fclose(f);
    mlp_dataset *d = load_ok(path);
    CHECK(d && mlp_dataset_bytes(d));
    uint32_t all[ROWS];
    for (uint32_t i = 0; i < ROWS; i++)
        all[i] = i;
    static float x[ROWS * FEATURES], raw[ROWS * FEATURES];
    const char *specs[] = {"none",        "scale",
                           "standardize", "scale,standardize",
                           "scale,log",   "scale,log=0.5,standardize"};
    for (size_t s = 0; s < sizeof specs / sizeof *specs; s++) {
        mlp_transform_spec spec;
        mlp_transform *t;
        mlp_error e;
        CHECK(mlp_transform_spec_parse(&spec, specs[s], &e) == MLP_OK);
        CHECK(mlp_transform_new(&t, &spec, FEATURES, &e) == MLP_OK);
        CHECK(mlp_transform_fit(t, d, all, ROWS, &e) == MLP_OK);
        CHECK(mlp_dataset_gather(d, all, ROWS, t, NULL, NULL, x, NULL, &e) == MLP_OK);
        CHECK(mlp_dataset_gather(d, all, ROWS, NULL, NULL, NULL, raw, NULL, &e) == MLP_OK);
        mlp_transform_apply(t, raw, ROWS);
        CHECK_MSG(memcmp(raw, x, sizeof x) == 0, "preparation %s", specs[s]);
        mlp_transform_free(t);
    }
    mlp_dataset_free(d);
}

static void test_transform_scale_fits_float_range(void) {
    mlp_dataset *d = make_table(10, 2, 1); /* x0 = 0..9, x1 = 1.5, 3.5, ... 19.5 */
    CHECK(d && mlp_dataset_floats(d));
    mlp_transform_spec spec;
    mlp_error e;
    CHECK(mlp_transform_spec_parse(&spec, "scale", &e) == MLP_OK);
    mlp_transform *t;
    CHECK(mlp_transform_new(&t, &spec, 2, &e) == MLP_OK);
    uint32_t all[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    CHECK(mlp_transform_fit(t, d, all, 10, &e) == MLP_OK);
    const char *name;
    size_t length;
    const float *lohi = mlp_transform_tensor(t, 0, &name, &length);
    CHECK(strcmp(name, "prep.scale") == 0 && length == 2 && lohi[0] == 0 && lohi[1] == 19.5f);
    float x[2];
    uint32_t last = 9;
    CHECK(mlp_dataset_gather(d, &last, 1, t, NULL, NULL, x, NULL, &e) == MLP_OK);
    CHECK_CLOSE(x[0], 9 / 19.5, 1e-6);
    CHECK_CLOSE(x[1], 1.0, 1e-6);
    CHECK(mlp_transform_spec_parse(&spec, "scale,sqrt", &e) == MLP_ERR_ARGUMENT);
    CHECK(strstr(e.message, "sqrt"));
    mlp_transform_free(t);
    mlp_dataset_free(d);
}

static void test_split_seeded_and_stratified(void) {
    mlp_dataset *d = make_table(1000, 4, 0);
    CHECK(d);
    uint32_t a[1000], b[1000];
    size_t train_a, train_b;
    mlp_split_spec spec = {.fraction = 0.1, .stratified = true};
    mlp_rng rng;
    mlp_error e;
    mlp_rng_seed(&rng, 42, 1);
    CHECK(mlp_dataset_split(d, &spec, &rng, a, &train_a, &e) == MLP_OK);
    mlp_rng_seed(&rng, 42, 1);
    CHECK(mlp_dataset_split(d, &spec, &rng, b, &train_b, &e) == MLP_OK);
    CHECK(train_a == 900 && train_b == 900 && memcmp(a, b, sizeof a) == 0);
    /* A partition: each index once; each part increasing; 25 of each class held out. */
    int seen[1000] = {0}, per_class[4] = {0};
    for (size_t i = 0; i < 1000; i++)
        seen[a[i]]++;
    for (size_t i = 0; i < 1000; i++)
        CHECK(seen[i] == 1);
    for (size_t i = 1; i < 1000; i++)
        if (i != train_a) CHECK(a[i] > a[i - 1]);
    for (size_t i = train_a; i < 1000; i++)
        per_class[mlp_dataset_labels(d)[a[i]]]++;
    for (int k = 0; k < 4; k++)
        CHECK(per_class[k] == 25);
    /* Another seed holds out other samples; a count takes precedence over the fraction. */
    mlp_rng_seed(&rng, 43, 1);
    CHECK(mlp_dataset_split(d, &spec, &rng, b, &train_b, &e) == MLP_OK);
    CHECK(memcmp(a + 900, b + 900, 100 * sizeof *a) != 0);
    spec = (mlp_split_spec){.fraction = 0.5, .count = 7};
    CHECK(mlp_dataset_split(d, &spec, &rng, b, &train_b, &e) == MLP_OK && train_b == 993);
    spec = (mlp_split_spec){.count = 1000};
    CHECK(mlp_dataset_split(d, &spec, &rng, b, &train_b, &e) == MLP_ERR_ARGUMENT);
    mlp_dataset_free(d);
}

static void test_map_classes_by_name(void) {
    write_text(scratch_path("train.csv"), "label,a\ncat,1\ndog,2\nemu,3\n");
    write_text(scratch_path("test.csv"), "label,a\ndog,1\ndog,2\nemu,3\n");
    write_text(scratch_path("odd.csv"), "label,a\ndog,1\nyak,2\n");
    mlp_dataset *train = load_ok(scratch_path("train.csv"));
    mlp_dataset *test = load_ok(scratch_path("test.csv"));
    mlp_dataset *odd = load_ok(scratch_path("odd.csv"));
    CHECK(train && test && odd);
    CHECK(mlp_dataset_num_classes(test) == 2 && mlp_dataset_labels(test)[0] == 0);
    mlp_error e;
    CHECK(mlp_dataset_map_classes(test, mlp_dataset_class_names(train), 3, &e) == MLP_OK);
    CHECK(mlp_dataset_num_classes(test) == 3);
    CHECK(mlp_dataset_labels(test)[0] == 1 && mlp_dataset_labels(test)[2] == 2);
    CHECK(strcmp(mlp_dataset_class_name(test, 0), "cat") == 0);
    CHECK(mlp_dataset_map_classes(odd, mlp_dataset_class_names(train), 3, &e) == MLP_ERR_FORMAT);
    CHECK_MSG(strstr(e.message, "odd.csv") && strstr(e.message, "sample 1") &&
                  strstr(e.message, "'yak'"),
              "%s", e.message);
    CHECK(mlp_dataset_labels(odd)[0] == 0); /* unchanged after the error */
    mlp_dataset_free(train);
    mlp_dataset_free(test);
    mlp_dataset_free(odd);
}

static void test_classes_option_keeps_two_digits(void) {
    mlp_dataset *d = make_table(30, 5, 0); /* labels c0..c4 */
    CHECK(d);
    mlp_dataset_free(d);
    char source[600];
    snprintf(source, sizeof source, "%s,classes=c3+c1", scratch_path("table.csv"));
    d = load_ok(source);
    CHECK(d && mlp_dataset_count(d) == 12 && mlp_dataset_num_classes(d) == 2);
    CHECK(strcmp(mlp_dataset_class_name(d, 0), "c1") == 0);
    for (size_t i = 0; i < 12; i++) {
        CHECK(mlp_dataset_labels(d)[i] == (int32_t)(i % 2));
        CHECK(mlp_dataset_bytes(d)[2 * i] == (i % 2 ? 3 : 1) + 5 * (i / 2)); /* x0 = i */
    }
    mlp_dataset_free(d);
    snprintf(source, sizeof source, "%s,classes=c9", scratch_path("table.csv"));
    CHECK_LOAD_FAILS(source, MLP_ERR_ARGUMENT, "classes=c9", "'c9'");
}

/* A 5 x 5 image data set with a single bright pixel at (2, 2). */
static mlp_dataset *make_dot(void) {
    char text[4096] = "label";
    for (int j = 0; j < 25; j++)
        sprintf(text + strlen(text), ",p%d", j);
    strcat(text, "\n");
    for (int i = 0; i < 2; i++) {
        strcat(text, "1");
        for (int j = 0; j < 25; j++)
            strcat(text, j == 12 ? ",200" : ",0");
        strcat(text, "\n");
    }
    write_text(scratch_path("dot.csv"), text);
    char source[600];
    snprintf(source, sizeof source, "%s,shape=5x5", scratch_path("dot.csv"));
    return load_ok(source);
}

static void test_augment_shift_is_exact_and_seeded(void) {
    mlp_dataset *d = make_dot();
    CHECK(d);
    mlp_augment_spec shift = {.max_shift = 2};
    mlp_rng rng, again;
    mlp_rng_seed(&rng, 7, 3);
    again = rng;
    uint32_t idx[2] = {0, 1};
    float x[50], y[50];
    int32_t labels[2];
    mlp_error e;
    CHECK(mlp_dataset_gather(d, idx, 2, NULL, &shift, &rng, x, labels, &e) == MLP_OK);
    CHECK(mlp_dataset_gather(d, idx, 2, NULL, &shift, &again, y, NULL, &e) == MLP_OK);
    CHECK(memcmp(x, y, sizeof x) == 0 && labels[1] == 0);
    for (int s = 0; s < 2; s++) { /* the dot moved by at most 2 pixels, intact */
        int bright = 0;
        for (int p = 0; p < 25; p++) {
            CHECK(x[s * 25 + p] == 0 || x[s * 25 + p] == 200);
            if (x[s * 25 + p] != 200) continue;
            bright++;
            CHECK(abs(p / 5 - 2) <= 2 && abs(p % 5 - 2) <= 2);
        }
        CHECK(bright == 1);
    }
    /* Many draws cover several positions: the shift is random, not fixed. */
    int positions[25] = {0}, distinct = 0;
    for (int r = 0; r < 200; r++) {
        CHECK(mlp_dataset_gather(d, idx, 1, NULL, &shift, &rng, x, NULL, &e) == MLP_OK);
        for (int p = 0; p < 25; p++)
            if (x[p] == 200) positions[p]++;
    }
    for (int p = 0; p < 25; p++)
        distinct += positions[p] > 0;
    CHECK(distinct == 25);
    mlp_dataset_free(d);
}

static void test_augment_rotation_bilinear(void) {
    /* 3 x 3 ramp x(r, c) = c: rotating by +-90 degrees about the centre gives rows instead. */
    write_text(scratch_path("ramp.csv"), "0,1,2,0,1,2,0,1,2\n");
    char source[600];
    snprintf(source, sizeof source, "%s,shape=3x3,label=none", scratch_path("ramp.csv"));
    mlp_dataset *d = load_ok(source);
    CHECK(d);
    mlp_augment_spec rotate = {.max_rotation = 90};
    mlp_rng rng;
    mlp_rng_seed(&rng, 1, 1);
    uint32_t idx = 0;
    float x[9];
    mlp_error e;
    float centre_min = 9, centre_max = -9;
    for (int r = 0; r < 50; r++) {
        CHECK(mlp_dataset_gather(d, &idx, 1, NULL, &rotate, &rng, x, NULL, &e) == MLP_OK);
        /* The centre never moves; values stay within the bilinear hull [0, 2]. */
        CHECK_CLOSE(x[4], 1.0, 1e-5);
        for (int p = 0; p < 9; p++)
            CHECK(x[p] >= -1e-5 && x[p] <= 2 + 1e-5);
        centre_min = fminf(centre_min, x[1]);
        centre_max = fmaxf(centre_max, x[1]);
    }
    CHECK(centre_max - centre_min > 0.5f); /* the top-middle pixel changes with the angle */
    mlp_dataset_free(d);
    d = make_table(4, 2, 0); /* no image shape: augmentation refused */
    CHECK(mlp_dataset_gather(d, &idx, 1, NULL, &rotate, &rng, x, NULL, &e) == MLP_ERR_ARGUMENT);
    uint32_t bad = 4;
    CHECK(mlp_dataset_gather(d, &bad, 1, NULL, NULL, NULL, x, NULL, &e) == MLP_ERR_ARGUMENT);
    CHECK(strstr(e.message, "index 4"));
    mlp_dataset_free(d);
}

/* mlp_net_gather gives mlp_dataset_gather's values bit for bit at every thread count, on byte and
 * float data, through each transform path (affine bytes, the log table, floats), with labels, on
 * batches large enough to be split between threads; and refuses what mlp_dataset_gather refuses. */
static void test_net_gather_equals_dataset_gather(void) {
    enum { ROWS = 40000, PICK = 36000 };
    const char *specs[] = {NULL, "standardize", "scale,log=0.1,standardize"};
    uint32_t *pick = malloc(PICK * sizeof *pick);
    float *want = malloc(PICK * 2 * sizeof *want), *got = malloc(PICK * 2 * sizeof *got);
    int32_t *want_labels = malloc(PICK * sizeof *want_labels);
    int32_t *got_labels = malloc(PICK * sizeof *got_labels);
    CHECK(pick && want && got && want_labels && got_labels);
    mlp_rng rng;
    mlp_rng_seed(&rng, 7, 0);
    uint32_t *order = malloc(ROWS * sizeof *order);
    for (uint32_t i = 0; i < ROWS; i++)
        order[i] = i;
    mlp_rng_shuffle(&rng, order, ROWS);
    memcpy(pick, order, PICK * sizeof *pick);
    free(order);
    mlp_error e;
    for (int floats = 0; floats < 2; floats++) {
        mlp_dataset *d = make_table(ROWS, 7, floats);
        CHECK(d);
        for (size_t s = 0; s < sizeof specs / sizeof *specs; s++) {
            mlp_transform *t = NULL;
            if (specs[s]) {
                mlp_transform_spec spec;
                CHECK(mlp_transform_spec_parse(&spec, specs[s], &e) == MLP_OK);
                CHECK(mlp_transform_new(&t, &spec, 2, &e) == MLP_OK);
                CHECK(mlp_transform_fit(t, d, pick, 1000, &e) == MLP_OK);
            }
            CHECK(mlp_dataset_gather(d, pick, PICK, t, NULL, NULL, want, want_labels, &e) ==
                  MLP_OK);
            for (size_t threads = 1; threads <= 3; threads++) {
                size_t hidden[1] = {4};
                mlp_net_spec ns;
                CHECK(mlp_net_spec_default(&ns, 2, hidden, 1, 7, MLP_ACT_RELU, &e) == MLP_OK);
                ns.threads = threads;
                mlp_net *net;
                CHECK(mlp_net_new(&net, &ns, &e) == MLP_OK);
                memset(got, 0xff, PICK * 2 * sizeof *got);
                CHECK(mlp_net_gather(net, d, pick, PICK, t, NULL, NULL, got, got_labels, &e) ==
                      MLP_OK);
                CHECK_MSG(memcmp(got, want, PICK * 2 * sizeof *got) == 0,
                          "floats %d, transform %s, %zu threads", floats,
                          specs[s] ? specs[s] : "none", threads);
                CHECK(memcmp(got_labels, want_labels, PICK * sizeof *got_labels) == 0);
                /* the same refusals: an index out of range, augmentation without an image shape */
                uint32_t bad[2] = {0, ROWS};
                CHECK(mlp_net_gather(net, d, bad, 2, t, NULL, NULL, got, NULL, &e) ==
                      MLP_ERR_ARGUMENT);
                CHECK_MSG(strstr(e.message, "out of range") != NULL, "%s", e.message);
                mlp_augment_spec shift = {.max_shift = 1};
                CHECK(mlp_net_gather(net, d, pick, 2, t, &shift, &rng, got, NULL, &e) ==
                      MLP_ERR_ARGUMENT);
                mlp_net_free(net);
            }
            mlp_transform_free(t);
        }
        mlp_dataset_free(d);
    }
    CHECK(mlp_net_gather(NULL, NULL, pick, 1, NULL, NULL, NULL, got, NULL, &e) == MLP_ERR_ARGUMENT);
    CHECK(mlp_dataset_gather(NULL, pick, 1, NULL, NULL, NULL, got, NULL, &e) == MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(e.message, "NULL") != NULL, "%s", e.message);
    free(pick), free(want), free(got), free(want_labels), free(got_labels);
}

int main(void) {
    scratch_init("prep");
    RUN_TEST(test_transform_scale_log_standardize);
    RUN_TEST(test_transform_byte_paths_equal_float_path);
    RUN_TEST(test_transform_scale_fits_float_range);
    RUN_TEST(test_split_seeded_and_stratified);
    RUN_TEST(test_map_classes_by_name);
    RUN_TEST(test_classes_option_keeps_two_digits);
    RUN_TEST(test_augment_shift_is_exact_and_seeded);
    RUN_TEST(test_augment_rotation_bilinear);
    RUN_TEST(test_net_gather_equals_dataset_gather);
    scratch_cleanup();
    return harness_finish();
}
