/* .mat reader: v5 (plain and compressed) and v7.3 round trips through libmatio, orientation,
 * default variable names, and missing or malformed variables. */
#include "test_data_util.h"

#include <math.h>
#include <matio.h>

/* Adds a 2-D variable rows x cols (data column-major, as MATLAB) to an open file. */
static void put(mat_t *mat, const char *name, enum matio_classes cls, enum matio_types type,
                size_t rows, size_t cols, void *data, int compress) {
    size_t dims[2] = {rows, cols};
    matvar_t *v = Mat_VarCreate(name, cls, type, 2, dims, data, 0);
    if (!v || Mat_VarWrite(mat, v, compress ? MAT_COMPRESSION_ZLIB : MAT_COMPRESSION_NONE)) {
        fprintf(stderr, "cannot write variable %s\n", name);
        exit(1);
    }
    Mat_VarFree(v);
}

#define N 5
#define D 6

/* train_x: N x D uint8 with x(i, j) = 10 i + j; train_y: N x 1 double, 1..3; test_x: D x 2. */
static int write_letters(const char *path, enum mat_ft version, int compress) {
    mat_t *mat = Mat_CreateVer(path, NULL, version);
    if (!mat) return 0;
    uint8_t x[N * D];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < D; j++)
            x[i + j * N] = (uint8_t)(10 * i + j);
    double y[N] = {1, 2, 3, 1, 2};
    double test[D * 2];
    for (int k = 0; k < D * 2; k++)
        test[k] = k * 0.5;
    put(mat, "train_x", MAT_C_UINT8, MAT_T_UINT8, N, D, x, compress);
    put(mat, "train_y", MAT_C_DOUBLE, MAT_T_DOUBLE, N, 1, y, compress);
    put(mat, "test_x", MAT_C_DOUBLE, MAT_T_DOUBLE, D, 2, test, compress);
    Mat_Close(mat);
    return 1;
}

static void check_letters(const char *path, const char *format) {
    char source[600];
    snprintf(source, sizeof source, "%s,shape=2x3", path);
    mlp_dataset *d = load_ok(source);
    CHECK(d);
    CHECK_MSG(strcmp(mlp_dataset_format(d), format) == 0, "%s", mlp_dataset_format(d));
    CHECK(mlp_dataset_count(d) == N && mlp_dataset_features(d) == D);
    CHECK(mlp_dataset_bytes(d));
    for (int i = 0; i < N; i++)
        for (int j = 0; j < D; j++)
            CHECK(mlp_dataset_bytes(d)[i * D + j] == 10 * i + j);
    size_t rows, cols;
    CHECK(mlp_dataset_image_shape(d, &rows, &cols) && rows == 2 && cols == 3);
    CHECK(mlp_dataset_num_classes(d) == 3 && strcmp(mlp_dataset_class_name(d, 0), "1") == 0);
    const int32_t expect[N] = {0, 1, 2, 0, 1};
    CHECK(memcmp(mlp_dataset_labels(d), expect, sizeof expect) == 0);
    mlp_dataset_free(d);
    /* test_x is D x 2 while no labels tell the orientation: samples=cols says it. */
    snprintf(source, sizeof source, "%s,x=test_x,samples=cols", path);
    d = load_ok(source);
    CHECK(d && mlp_dataset_count(d) == 2 && mlp_dataset_features(d) == D);
    CHECK(!mlp_dataset_labels(d) && mlp_dataset_floats(d));
    CHECK(mlp_dataset_floats(d)[D + 1] == (D + 1) * 0.5f); /* sample 1, feature 1 */
    mlp_dataset_free(d);
}

static void test_mat_v5_round_trip(void) {
    CHECK(write_letters(scratch_path("v5.mat"), MAT_FT_MAT5, 0));
    check_letters(scratch_path("v5.mat"), "mat v5");
}

static void test_mat_v5_compressed_round_trip(void) {
    CHECK(write_letters(scratch_path("v5z.mat"), MAT_FT_MAT5, 1));
    check_letters(scratch_path("v5z.mat"), "mat v5");
}

static void test_mat_v73_round_trip(void) {
    if (!write_letters(scratch_path("v73.mat"), MAT_FT_MAT73, 0))
        SKIP("this libmatio cannot write v7.3 (built without HDF5)");
    check_letters(scratch_path("v73.mat"), "mat v7.3");
}

static void test_mat_samples_in_columns_follow_labels(void) {
    mat_t *mat = Mat_CreateVer(scratch_path("cols.mat"), NULL, MAT_FT_MAT5);
    CHECK(mat);
    float x[3 * 4]; /* 3 features x 4 samples: sample i, feature j = x(j, i) = i + 0.25 j */
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            x[j + i * 3] = (float)i + 0.25f * (float)j;
    int32_t y[4] = {0, 1, 0, 1};
    put(mat, "a", MAT_C_SINGLE, MAT_T_SINGLE, 3, 4, x, 0);
    put(mat, "b", MAT_C_INT32, MAT_T_INT32, 1, 4, y, 0);
    Mat_Close(mat);
    char source[600];
    snprintf(source, sizeof source, "%s,x=a,y=b", scratch_path("cols.mat"));
    mlp_dataset *d = load_ok(source);
    CHECK(d && mlp_dataset_count(d) == 4 && mlp_dataset_features(d) == 3);
    CHECK(mlp_dataset_floats(d)[2 * 3 + 1] == 2.25f);
    CHECK(mlp_dataset_labels(d)[3] == 1 && strcmp(mlp_dataset_class_name(d, 0), "0") == 0);
    mlp_dataset_free(d);
}

static void test_mat_missing_variable(void) {
    CHECK(write_letters(scratch_path("v5.mat"), MAT_FT_MAT5, 0));
    char source[600];
    snprintf(source, sizeof source, "%s,x=images", scratch_path("v5.mat"));
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, scratch_path("v5.mat"), "variable 'images' not found",
                     "train_x, train_y, test_x");
    snprintf(source, sizeof source, "%s,y=labels", scratch_path("v5.mat"));
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, "variable 'labels' not found");
}

static void test_mat_wrong_shapes_and_values(void) {
    mat_t *mat = Mat_CreateVer(scratch_path("bad.mat"), NULL, MAT_FT_MAT5);
    CHECK(mat);
    double x[4 * 3] = {0}, y2[2 * 2] = {1, 2, 1, 2}, y3[3] = {1, 2, 3}, frac[4] = {1, 2, 1.5, 1};
    double nan_x[4 * 3] = {0, 0, 0, NAN};
    put(mat, "x", MAT_C_DOUBLE, MAT_T_DOUBLE, 4, 3, x, 0);
    put(mat, "y_matrix", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, 2, y2, 0);
    double y5[5] = {1, 2, 3, 4, 5};
    put(mat, "y_five", MAT_C_DOUBLE, MAT_T_DOUBLE, 5, 1, y5, 0);
    put(mat, "y_short", MAT_C_DOUBLE, MAT_T_DOUBLE, 3, 1, y3, 0);
    put(mat, "y_frac", MAT_C_DOUBLE, MAT_T_DOUBLE, 4, 1, frac, 0);
    put(mat, "x_nan", MAT_C_DOUBLE, MAT_T_DOUBLE, 4, 3, nan_x, 0);
    size_t dims3[3] = {2, 2, 2};
    double cube[8] = {0};
    matvar_t *v = Mat_VarCreate("cube", MAT_C_DOUBLE, MAT_T_DOUBLE, 3, dims3, cube, 0);
    Mat_VarWrite(mat, v, MAT_COMPRESSION_NONE);
    Mat_VarFree(v);
    Mat_Close(mat);
    const char *path = scratch_path("bad.mat");
    char source[600];
    snprintf(source, sizeof source, "%s,x=x,y=y_five", path);
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, path, "y_five", "neither its rows nor its columns");
    snprintf(source, sizeof source, "%s,x=x,y=y_matrix", path);
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, path, "y_matrix", "2 x 2 is not a vector");
    snprintf(source, sizeof source, "%s,x=x,y=y_short,samples=rows", path);
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, "y_short", "3 labels for 4 samples");
    snprintf(source, sizeof source, "%s,x=x,y=y_frac", path);
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, "y_frac", "element 3", "not an integer label");
    snprintf(source, sizeof source, "%s,x=x_nan,y=none", path);
    CHECK_LOAD_FAILS(source, MLP_ERR_NUMERIC, "x_nan", "element (4, 1)", "not a finite");
    snprintf(source, sizeof source, "%s,x=cube", path);
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, "cube", "3 dimensions");
}

static void test_mat_not_a_mat_file(void) {
    write_text(scratch_path("fake.mat"), "MATLAB 5.0 MAT-file, but then nothing sensible\n");
    CHECK_LOAD_FAILS(scratch_path("fake.mat"), MLP_ERR_FORMAT, scratch_path("fake.mat"));
    write_text(scratch_path("text.txt"), "1,2\n");
    char source[600];
    snprintf(source, sizeof source, "%s,format=mat", scratch_path("text.txt"));
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, scratch_path("text.txt"), "byte 124",
                     "not a MATLAB v5 or v7.3 file");
}

/* Sizes libmatio would trust are checked first (fuzz finds: a dimensions tag of 128 MB). */
static void test_mat_bad_headers_refused_before_matio(void) {
    const char *path = scratch_path("patched.mat");
    CHECK(write_letters(path, MAT_FT_MAT5, 0));
    FILE *f = fopen(path, "r+b");
    CHECK(f);
    const unsigned char huge[4] = {8, 0, 0, 8}; /* dims tag of train_x: 0x08000008 bytes */
    fseek(f, 128 + 8 + 16 + 4, SEEK_SET);
    fwrite(huge, 1, 4, f);
    fclose(f);
    CHECK_LOAD_FAILS(path, MLP_ERR_FORMAT, path, "byte 128", "bad dimensions tag");
    CHECK(write_letters(path, MAT_FT_MAT5, 0));
    f = fopen(path, "r+b");
    const unsigned char long_element[4] = {0, 0, 0, 1}; /* train_x claims 16 MB */
    fseek(f, 128 + 4, SEEK_SET);
    fwrite(long_element, 1, 4, f);
    fclose(f);
    CHECK_LOAD_FAILS(path, MLP_ERR_FORMAT, "byte 128", "past the end of the file");
}

/* The fuzz finding of issue 11 (386 bytes): test_x, a cell array of 0xf7000002 x 1, made
 * Mat_VarReadInfo calloc 33 GB (a pointer per cell) while looking for train_y. */
static const char oom_cell_b64[] =
    "TUFUTEFCIDUuMCBNQVQtZmlsZSwgUGxhdGZvcm06IHg4Nl82NC1wYy1saW51eC1nbnUsIENyZWF0ZWQgYnk6IGxpYm1h"
    "dGlvIHYxLjUuMjMgb24gTW9uIE5vdiAyMyAwOTo1MDowNyAyMDI2CgAgICAgICAgICAgICAgIAABSU0OAAAAQAAAAAYA"
    "AAAIAAAACQAAAAAAAAAFAAAACAAAAAMAAAACAAAAAQAAAAcAAAB0cmFpbl94AAIAAAAGAAAAAQIDBAUGAAAOAAAAUAAA"
    "AAYAAAAIAAAADAAAAAAAAAAFAAAACAAAAAMAAAABAAAAAQAAAAcAAAB0cmFpbl95AAkAAAAYAAAAAAAAAAAA8D8AAAAA"
    "AAAAWAAAAAIAAPA/DgAAAFgAAAAGAAAACAAAAAEAAAAAAAAABQAAAAgAAAACAAD3AQAAAAEAAAAGAAAAdGVzdF94AAAJ"
    "AAAAIFhrD0L8fwAAAAAAAAAAAAAA4D8AAAAAAADwPwAAAAAAAABABT8=";

static size_t base64_decode(const char *in, unsigned char *out) {
    size_t n = 0;
    uint32_t bits = 0;
    int have = 0;
    for (; *in && *in != '='; in++) {
        const char *digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        bits = bits << 6 | (uint32_t)(strchr(digits, *in) - digits);
        if ((have += 6) >= 8) out[n++] = (unsigned char)(bits >> (have -= 8));
    }
    return n;
}

/* Replaces the first occurrence of `find` (n bytes) after `from` in the file's bytes. */
static void patch(unsigned char *bytes, size_t size, size_t from, const void *find,
                  const void *replace, size_t n) {
    for (size_t i = from; i + n <= size; i++)
        if (memcmp(bytes + i, find, n) == 0) {
            memcpy(bytes + i, replace, n);
            return;
        }
    CHECK_MSG(0, "pattern not found");
}

static unsigned char *read_all(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char *bytes = malloc(1 << 16);
    *size = bytes ? fread(bytes, 1, 1 << 16, f) : 0;
    fclose(f);
    return bytes;
}

/* train_x and train_y as write_letters, then a cell `c` {1x1: a cell {3x1 of 1x1 doubles}} and a
 * struct `s` 1x2 with fields a, b (1x1 doubles). */
static void write_containers(const char *path) {
    mat_t *mat = Mat_CreateVer(path, NULL, MAT_FT_MAT5);
    CHECK(mat);
    size_t one[2] = {1, 1}, three[2] = {3, 1}, two[2] = {1, 2};
    double value = 1;
    matvar_t *inner_cells[3];
    for (int k = 0; k < 3; k++)
        inner_cells[k] = Mat_VarCreate(NULL, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, one, &value, 0);
    matvar_t *inner = Mat_VarCreate(NULL, MAT_C_CELL, MAT_T_CELL, 2, three, inner_cells, 0);
    matvar_t *outer_cells[1] = {inner};
    matvar_t *outer = Mat_VarCreate("c", MAT_C_CELL, MAT_T_CELL, 2, one, outer_cells, 0);
    CHECK(outer && Mat_VarWrite(mat, outer, MAT_COMPRESSION_NONE) == 0);
    const char *fields[2] = {"a", "b"};
    matvar_t *st = Mat_VarCreateStruct("s", 2, two, fields, 2);
    for (size_t e = 0; e < 2; e++)
        for (int k = 0; k < 2; k++)
            Mat_VarSetStructFieldByName(
                st, fields[k], e,
                Mat_VarCreate(NULL, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, one, &value, 0));
    CHECK(st && Mat_VarWrite(mat, st, MAT_COMPRESSION_NONE) == 0);
    uint8_t x[N * D] = {0};
    double y[N] = {1, 2, 3, 1, 2};
    put(mat, "train_x", MAT_C_UINT8, MAT_T_UINT8, N, D, x, 0);
    put(mat, "train_y", MAT_C_DOUBLE, MAT_T_DOUBLE, N, 1, y, 0);
    /* Mat_VarCreate borrows data: the double cells point at `value` on the stack. */
    Mat_VarFree(outer);
    Mat_VarFree(st);
    Mat_Close(mat);
}

/* A container's dimensions promise a pointer per cell (or per field of each element), which
 * libmatio allocates before reading them: more cells than the bytes that follow can hold is
 * refused before libmatio sees the file, at any depth and inside compressed variables. */
static void test_mat_containers_cannot_promise_more_than_the_file_holds(void) {
    const char *path = scratch_path("cells.mat");
    unsigned char bytes[512];
    size_t size = base64_decode(oom_cell_b64, bytes);
    CHECK(size == 386);
    write_file(path, bytes, size, 0);
    char source[600];
    snprintf(source, sizeof source, "%s,format=mat,x=test_x", path);
    CHECK_LOAD_FAILS(source, MLP_ERR_FORMAT, path, "byte 288",
                     "promises 4143972354 cells or fields in 40 bytes");
    CHECK_LOAD_FAILS(path, MLP_ERR_FORMAT, "byte 288", "promises");

    /* Well-formed containers load; the variables after them too. */
    write_containers(path);
    mlp_dataset *d = load_ok(path);
    CHECK(d && mlp_dataset_count(d) == N && mlp_dataset_features(d) == D);
    mlp_dataset_free(d);

    size_t n;
    unsigned char *file = read_all(path, &n);
    CHECK(file && n > 200);
    /* The inner cell's dimensions tag (miINT32, 8 bytes: 3, 1) made 3 << 28. */
    const unsigned char dims31[16] = {5, 0, 0, 0, 8, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0};
    unsigned char huge[16];
    memcpy(huge, dims31, 16);
    huge[11] = 0x30;
    unsigned char *nested = malloc(n);
    memcpy(nested, file, n);
    patch(nested, n, 128, dims31, huge, 16);
    write_file(path, nested, n, 0);
    CHECK_LOAD_FAILS(path, MLP_ERR_FORMAT, "byte 128", "promises 805306371 cells");
    /* The same variable inside an miCOMPRESSED element. */
    uint32_t first = 8 + ((uint32_t)nested[132] | (uint32_t)nested[133] << 8 |
                          (uint32_t)nested[134] << 16 | (uint32_t)nested[135] << 24);
    uLongf packed_size = compressBound(first);
    unsigned char *packed = malloc(128 + 8 + packed_size);
    memcpy(packed, nested, 128);
    CHECK(compress2(packed + 136, &packed_size, nested + 128, first, 6) == Z_OK);
    uint32_t tag_words[2] = {15, (uint32_t)packed_size};
    memcpy(packed + 128, tag_words, 8); /* little-endian host, as the file's "IM" says */
    write_file(path, packed, 136 + packed_size, 0);
    CHECK_LOAD_FAILS(path, MLP_ERR_FORMAT, "byte 128", "promises 805306371 cells");
    free(packed);
    free(nested);

    /* A struct 1 x 2 of two fields made 1 x 2^30: 2^31 fields in a few hundred bytes. */
    const unsigned char dims12[16] = {5, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0};
    memcpy(huge, dims12, 16);
    huge[12] = 0;
    huge[15] = 0x40;
    patch(file, n, 128, dims12, huge, 16);
    write_file(path, file, n, 0);
    CHECK_LOAD_FAILS(path, MLP_ERR_FORMAT, "promises 2147483648 cells or fields");
    free(file);
}

int main(void) {
    scratch_init("mat");
    RUN_TEST(test_mat_v5_round_trip);
    RUN_TEST(test_mat_v5_compressed_round_trip);
    RUN_TEST(test_mat_v73_round_trip);
    RUN_TEST(test_mat_samples_in_columns_follow_labels);
    RUN_TEST(test_mat_missing_variable);
    RUN_TEST(test_mat_wrong_shapes_and_values);
    RUN_TEST(test_mat_not_a_mat_file);
    RUN_TEST(test_mat_bad_headers_refused_before_matio);
    RUN_TEST(test_mat_containers_cannot_promise_more_than_the_file_holds);
    scratch_cleanup();
    return harness_finish();
}
