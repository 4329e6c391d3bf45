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
    scratch_cleanup();
    return harness_finish();
}
