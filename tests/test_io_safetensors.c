#include "harness.h"
#include "io/safetensors.h"
#include "io_test_files.h"

#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[512], path[600];

static void setup(void) {
    CHECK(test_make_dir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
}

static const float weight[6] = {0.5f, -1.25f, 2.0f, 3.5f, -0.125f, 1e-3f};
static const int32_t counts[3] = {7, -8, 2147483647};
static const uint8_t mask[5] = {0, 1, 2, 254, 255};
static const int64_t labels[2] = {-1, (int64_t)1 << 40};
static const double scalar = 0.30000000000000004;

/* A checkpoint-like file with every dtype the trainer writes, an empty tensor and metadata. */
static void write_sample(const char *file) {
    mlp_error err;
    mlp_safetensors *st;
    CHECK(mlp_safetensors_new(&st, &err) == MLP_OK);
    CHECK(mlp_safetensors_add(st, "dense.0.weight", MLP_DTYPE_F32, 2, (size_t[]){2, 3}, weight,
                              &err) == MLP_OK);
    CHECK(mlp_safetensors_add(st, "counts", MLP_DTYPE_I32, 1, (size_t[]){3}, counts, &err) ==
          MLP_OK);
    CHECK(mlp_safetensors_add(st, "mask", MLP_DTYPE_U8, 1, (size_t[]){5}, mask, &err) == MLP_OK);
    CHECK(mlp_safetensors_add(st, "labels", MLP_DTYPE_I64, 1, (size_t[]){2}, labels, &err) ==
          MLP_OK);
    CHECK(mlp_safetensors_add(st, "scalar", MLP_DTYPE_F64, 0, NULL, &scalar, &err) == MLP_OK);
    CHECK(mlp_safetensors_add(st, "empty", MLP_DTYPE_F32, 2, (size_t[]){0, 5}, NULL, &err) ==
          MLP_OK);
    CHECK(mlp_safetensors_set_metadata(st, "config", "[net]\nhidden = 200\n\"quoted\"", &err) ==
          MLP_OK);
    CHECK(mlp_safetensors_set_metadata_u64(st, "step", UINT64_MAX, &err) == MLP_OK);
    CHECK(mlp_safetensors_set_metadata_double(st, "lr", 0.1, &err) == MLP_OK);
    CHECK(mlp_safetensors_set_metadata(st, "epoch", "1", &err) == MLP_OK);
    CHECK(mlp_safetensors_set_metadata(st, "epoch", "2", &err) == MLP_OK); /* replaces */
    CHECK(mlp_safetensors_write(st, file, &err) == MLP_OK);
    mlp_safetensors_free(st);
}

static void test_round_trip_keeps_tensors_and_metadata(void) {
    setup();
    write_sample(path);
    mlp_error err;
    mlp_safetensors *st;
    CHECK_MSG(mlp_safetensors_read(&st, path, &err) == MLP_OK, "%s", err.message);
    CHECK(mlp_safetensors_count(st) == 6);
    CHECK(strcmp(mlp_safetensors_tensor(st, 0)->name, "dense.0.weight") == 0);
    CHECK(strcmp(mlp_safetensors_tensor(st, 5)->name, "empty") == 0);
    float w[6];
    CHECK(mlp_safetensors_get(st, "dense.0.weight", MLP_DTYPE_F32, 2, (size_t[]){2, 3}, w, &err) ==
          MLP_OK);
    CHECK(memcmp(w, weight, sizeof w) == 0);
    int32_t c[3];
    CHECK(mlp_safetensors_get(st, "counts", MLP_DTYPE_I32, 1, (size_t[]){3}, c, &err) == MLP_OK);
    CHECK(memcmp(c, counts, sizeof c) == 0);
    uint8_t m[5];
    CHECK(mlp_safetensors_get(st, "mask", MLP_DTYPE_U8, 1, (size_t[]){5}, m, &err) == MLP_OK);
    CHECK(memcmp(m, mask, sizeof m) == 0);
    int64_t l[2];
    CHECK(mlp_safetensors_get(st, "labels", MLP_DTYPE_I64, 1, (size_t[]){2}, l, &err) == MLP_OK);
    CHECK(memcmp(l, labels, sizeof l) == 0);
    double s;
    CHECK(mlp_safetensors_get(st, "scalar", MLP_DTYPE_F64, 0, NULL, &s, &err) == MLP_OK);
    CHECK(s == scalar);
    const mlp_tensor_view *empty = mlp_safetensors_find(st, "empty");
    CHECK(empty && empty->count == 0 && empty->ndim == 2 && empty->shape[1] == 5);
    CHECK(strcmp(mlp_safetensors_metadata(st, "config"), "[net]\nhidden = 200\n\"quoted\"") == 0);
    CHECK(strcmp(mlp_safetensors_metadata(st, "epoch"), "2") == 0);
    CHECK(mlp_safetensors_metadata_count(st) == 4);
    uint64_t step;
    CHECK(mlp_safetensors_get_metadata_u64(st, "step", &step, &err) == MLP_OK);
    CHECK(step == UINT64_MAX);
    double lr;
    CHECK(mlp_safetensors_get_metadata_double(st, "lr", &lr, &err) == MLP_OK);
    CHECK(lr == 0.1);
    CHECK(strcmp(mlp_safetensors_source(st), path) == 0);
    mlp_safetensors_free(st);
    test_remove_dir(dir);
}

/* The header starts with '{', is padded with spaces, and the data section is 8-byte aligned. */
static void test_written_layout_is_aligned_and_space_padded(void) {
    setup();
    write_sample(path);
    size_t size;
    unsigned char *bytes = (unsigned char *)test_read_file(path, &size);
    CHECK(bytes && size > 8);
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--)
        n = n << 8 | bytes[i];
    CHECK(n % 8 == 0 && 8 + n <= size);
    CHECK(bytes[8] == '{');
    size_t last = 8 + n - 1;
    while (bytes[last] == ' ')
        last--;
    CHECK(bytes[last] == '}');
    CHECK(size - 8 - n == sizeof weight + sizeof counts + sizeof mask + sizeof labels + 8);
    free(bytes);
    test_remove_dir(dir);
}

/* Written by scripts/make_safetensors_fixture.py with Python's struct and json. */
static void test_python_written_file_loads(void) {
    mlp_error err;
    mlp_safetensors *st;
    CHECK_MSG(mlp_safetensors_read(&st, "tests/data/python_written.safetensors", &err) == MLP_OK,
              "%s", err.message);
    CHECK(mlp_safetensors_count(st) == 7);
    float w[6];
    CHECK(mlp_safetensors_get(st, "dense.0.weight", MLP_DTYPE_F32, 2, (size_t[]){2, 3}, w, &err) ==
          MLP_OK);
    CHECK(memcmp(w, weight, sizeof w) == 0);
    double mean[3]; /* at an offset that is not a multiple of 8 in the file */
    CHECK(mlp_safetensors_get(st, "prep.mean", MLP_DTYPE_F64, 1, (size_t[]){3}, mean, &err) ==
          MLP_OK);
    CHECK(mean[0] == 0.1 && mean[1] == 0.2 && mean[2] == 0.30000000000000004);
    float mean_f[3];
    CHECK(mlp_safetensors_get_f32(st, "prep.mean", 1, (size_t[]){3}, mean_f, &err) == MLP_OK);
    CHECK(mean_f[1] == 0.2f);
    int64_t l[2];
    CHECK(mlp_safetensors_get(st, "labels", MLP_DTYPE_I64, 1, (size_t[]){2}, l, &err) == MLP_OK);
    CHECK(l[0] == -1 && l[1] == (int64_t)1 << 40);
    float s;
    CHECK(mlp_safetensors_get(st, "scalar", MLP_DTYPE_F32, 0, NULL, &s, &err) == MLP_OK);
    CHECK(s == 42.0f);
    CHECK(strcmp(mlp_safetensors_metadata(st, "format"), "pt") == 0);
    CHECK(strcmp(mlp_safetensors_metadata(st, "note"),
                 "written by Python: \xc3\xa9\xc3\xa8 \"q\"") == 0);
    mlp_safetensors_free(st);
}

/* scripts/safetensors_check.py reads our file the Python way. */
static void test_python_checker_reads_written_file(void) {
    if (access("/usr/bin/python3", X_OK) != 0) SKIP("no /usr/bin/python3");
    setup();
    write_sample(path);
    char command[2048], output[600];
    snprintf(output, sizeof output, "%s/check.txt", dir);
    snprintf(command, sizeof command,
             "/usr/bin/python3 scripts/safetensors_check.py '%s' > '%s' 2>&1", path, output);
    int status = system(command);
    char *text = test_read_file(output, NULL);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", text ? text : "");
    CHECK(text && strstr(text, "dense.0.weight F32 [2, 3] sum=4.626\n"));
    CHECK(strstr(text, "labels I64 [2] sum=1.09951163e+12\n"));
    CHECK(strstr(text, "empty F32 [0, 5] sum=0\n"));
    CHECK(strstr(text, "metadata config"));
    free(text);
    test_remove_dir(dir);
}

/* Builds a file: 8-byte length of `header` (or `declared` when not 0), the header text, then
 * data_size zero bytes; parses it and expects a format error naming the file and `needle`. */
static void expect_bad(const char *header, uint64_t declared, size_t data_size,
                       const char *needle) {
    size_t header_len = strlen(header);
    size_t size = 8 + header_len + data_size;
    unsigned char *bytes = calloc(size, 1);
    CHECK(bytes);
    uint64_t n = declared ? declared : header_len;
    for (int i = 0; i < 8; i++)
        bytes[i] = (unsigned char)(n >> (8 * i));
    memcpy(bytes + 8, header, header_len);
    mlp_error err;
    mlp_safetensors *st = (mlp_safetensors *)1;
    mlp_status s = mlp_safetensors_parse(&st, bytes, size, "bad.safetensors", &err);
    free(bytes);
    CHECK_MSG(s == MLP_ERR_FORMAT, "header %s: status %d", header, (int)s);
    CHECK(st == NULL);
    CHECK_MSG(strncmp(err.message, "bad.safetensors: ", 17) == 0, "%s", err.message);
    CHECK_MSG(strstr(err.message, needle) != NULL, "'%s' not in: %s", needle, err.message);
}

#define T(name, rest) "\"" name "\":{" rest "}"
#define F32(shape, b, e) "\"dtype\":\"F32\",\"shape\":" shape ",\"data_offsets\":[" b "," e "]"

static void test_bad_header_framing_is_refused(void) {
    mlp_error err;
    mlp_safetensors *st;
    CHECK(mlp_safetensors_parse(&st, "abc", 3, "bad.safetensors", &err) == MLP_ERR_FORMAT);
    CHECK(strstr(err.message, "too short"));
    expect_bad("{}", 1000, 0, "exceeds the 2 bytes after it");
    expect_bad("{}", (uint64_t)1 << 40, 0, "exceeds the limit");
    expect_bad("{}", UINT64_MAX, 0, "exceeds the limit");
    expect_bad(" {}", 0, 0, "does not start with '{'");
    expect_bad("[1]", 0, 0, "does not start with '{'");
    expect_bad("{\"a\": ", 0, 0, "not valid JSON");
    expect_bad("{} x", 0, 0, "not valid JSON");
    expect_bad("{}\n", 0, 0, "not valid JSON");
    expect_bad("{}\t ", 0, 0, "not valid JSON");
    unsigned char bytes[12] = {4, 0, 0, 0, 0, 0, 0, 0, '{', '}', 0, 0};
    CHECK(mlp_safetensors_parse(&st, bytes, sizeof bytes, "bad.safetensors", &err) ==
          MLP_ERR_FORMAT);
    CHECK_MSG(strstr(err.message, "not valid JSON"), "%s", err.message);
    expect_bad("{}", 0, 4, "no tensors, but 4 bytes follow");
}

static void test_bad_tensor_entries_are_named(void) {
    expect_bad("{" T("w", "\"dtype\":\"F8\",\"shape\":[1],\"data_offsets\":[0,1]") "}", 0, 1,
               "tensor 'w': unknown dtype 'F8'");
    expect_bad("{" T("w", "\"shape\":[1],\"data_offsets\":[0,4]") "}", 0, 4,
               "tensor 'w': missing \"dtype\"");
    expect_bad("{\"w\":[1]}", 0, 0, "tensor 'w': entry is not a JSON object");
    expect_bad("{" T("w", F32("3", "0", "4")) "}", 0, 4, "tensor 'w': missing \"shape\"");
    expect_bad("{" T("w", F32("[-1]", "0", "4")) "}", 0, 4, "tensor 'w': shape entry 0");
    expect_bad("{" T("w", F32("[1.5]", "0", "4")) "}", 0, 4, "tensor 'w': shape entry 0");
    expect_bad("{" T("w", F32("[\"1\"]", "0", "4")) "}", 0, 4, "tensor 'w': shape entry 0");
    expect_bad("{" T("w", F32("[1,1,1,1,1,1,1,1,1]", "0", "4")) "}", 0, 4,
               "tensor 'w': 9 dimensions");
    expect_bad("{" T("w", "\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]") "}", 0, 4,
               "tensor 'w': \"data_offsets\" is not two");
    expect_bad("{" T("w", F32("[1]", "-4", "0")) "}", 0, 4, "tensor 'w': \"data_offsets\"");
    expect_bad("{" T("w", F32("[2,3]", "0", "20")) "}", 0, 20,
               "tensor 'w': 6 elements of F32 need 24 bytes, data_offsets span 20");
    expect_bad("{" T("w", F32("[1]", "0", "8")) "}", 0, 4, "tensor 'w': data_offsets [0, 8]");
    expect_bad("{" T("w", F32("[1]", "8", "4")) "}", 0, 8, "tensor 'w': data_offsets [8, 4]");
    /* 2^32 * 2^32 * 2^20 elements overflow 64 bits. */
    expect_bad("{" T("w", F32("[4294967296,4294967296,1048576]", "0", "4")) "}", 0, 4,
               "tensor 'w': shape size overflows");
    expect_bad("{" T("w", F32("[1e300]", "0", "4")) "}", 0, 4, "tensor 'w': shape entry 0");
}

static void test_bad_layouts_are_refused(void) {
    expect_bad("{" T("a", F32("[2]", "0", "8")) "," T("b", F32("[2]", "4", "12")) "}", 0, 12,
               "tensor 'b': bytes [4, 12) overlap tensor 'a'");
    expect_bad("{" T("a", F32("[1]", "0", "4")) "," T("b", F32("[1]", "8", "12")) "}", 0, 12,
               "tensor 'b': starts at byte 8");
    expect_bad("{" T("a", F32("[1]", "4", "8")) "}", 0, 8, "tensor 'a': starts at byte 4");
    expect_bad("{" T("a", F32("[1]", "0", "4")) "}", 0, 8,
               "tensors end at byte 4 of the data section, but it has 8");
    expect_bad("{" T("a", F32("[1]", "0", "4")) "," T("a", F32("[1]", "4", "8")) "}", 0, 8,
               "tensor 'a' appears twice");
    expect_bad("{\"__metadata__\":{\"k\":1}}", 0, 0, "__metadata__ entry 'k' is not a string");
    expect_bad("{\"__metadata__\":[]}", 0, 0, "__metadata__ is not a JSON object");
    expect_bad("{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}", 0, 0, "entry 'k' appears twice");
    expect_bad("{\"__metadata__\":{},\"__metadata__\":{}}", 0, 0, "__metadata__ appears twice");
}

/* Every proper prefix of a valid file is refused with a message, never a crash. */
static void test_every_truncation_is_refused(void) {
    setup();
    write_sample(path);
    size_t size;
    char *bytes = test_read_file(path, &size);
    CHECK(bytes);
    for (size_t cut = 0; cut < size; cut++) {
        mlp_error err;
        mlp_safetensors *st;
        mlp_status s = mlp_safetensors_parse(&st, bytes, cut, "cut.safetensors", &err);
        CHECK_MSG(s == MLP_ERR_FORMAT, "prefix of %zu bytes accepted", cut);
        CHECK(strstr(err.message, "cut.safetensors: ") == err.message);
    }
    free(bytes);
    test_remove_dir(dir);
}

static void test_typed_access_checks_name_dtype_and_shape(void) {
    setup();
    write_sample(path);
    mlp_error err;
    mlp_safetensors *st;
    CHECK(mlp_safetensors_read(&st, path, &err) == MLP_OK);
    float w[6];
    CHECK(mlp_safetensors_get(st, "dense.9.weight", MLP_DTYPE_F32, 2, (size_t[]){2, 3}, w, &err) ==
          MLP_ERR_FORMAT);
    CHECK(strstr(err.message, path) && strstr(err.message, "tensor 'dense.9.weight' is missing"));
    CHECK(mlp_safetensors_get(st, "dense.0.weight", MLP_DTYPE_F32, 2, (size_t[]){3, 2}, w, &err) ==
          MLP_ERR_FORMAT);
    CHECK_MSG(strstr(err.message, "has shape [2, 3], expected [3, 2]"), "%s", err.message);
    CHECK(mlp_safetensors_get(st, "dense.0.weight", MLP_DTYPE_F64, 2, (size_t[]){2, 3}, w, &err) ==
          MLP_ERR_FORMAT);
    CHECK(strstr(err.message, "has dtype F32, expected F64"));
    CHECK(mlp_safetensors_get_f32(st, "counts", 1, (size_t[]){3}, w, &err) == MLP_ERR_FORMAT);
    CHECK(strstr(err.message, "expected a floating-point type"));
    float s;
    CHECK(mlp_safetensors_get_f32(st, "scalar", 0, NULL, &s, &err) == MLP_OK);
    CHECK(s == (float)scalar);
    uint64_t u;
    CHECK(mlp_safetensors_get_metadata_u64(st, "missing", &u, &err) == MLP_ERR_FORMAT);
    CHECK(strstr(err.message, "metadata 'missing' is missing"));
    CHECK(mlp_safetensors_get_metadata_u64(st, "lr", &u, &err) == MLP_ERR_FORMAT);
    CHECK(strstr(err.message, "metadata 'lr' = '0.10000000000000001' is not an unsigned"));
    double d;
    CHECK(mlp_safetensors_get_metadata_double(st, "config", &d, &err) == MLP_ERR_FORMAT);
    mlp_safetensors_free(st);
    test_remove_dir(dir);
}

/* F16 and BF16 weights from other tools convert to float. */
static void test_half_precision_converts_to_float(void) {
    mlp_error err;
    mlp_safetensors *st;
    /* F16: 1.0 = 0x3c00, -2.5 = 0xc100, 2^-24 (smallest subnormal) = 0x0001, inf = 0x7c00.
     * BF16: 1.0 = 0x3f80, -0.5 = 0xbf00. */
    const uint16_t half[4] = {0x3c00, 0xc100, 0x0001, 0x7c00};
    const uint16_t bf16[2] = {0x3f80, 0xbf00};
    CHECK(mlp_safetensors_new(&st, &err) == MLP_OK);
    CHECK(mlp_safetensors_add(st, "h", MLP_DTYPE_F16, 1, (size_t[]){4}, half, &err) == MLP_OK);
    CHECK(mlp_safetensors_add(st, "b", MLP_DTYPE_BF16, 1, (size_t[]){2}, bf16, &err) == MLP_OK);
    setup();
    CHECK(mlp_safetensors_write(st, path, &err) == MLP_OK);
    mlp_safetensors_free(st);
    CHECK(mlp_safetensors_read(&st, path, &err) == MLP_OK);
    float h[4], b[2];
    CHECK(mlp_safetensors_get_f32(st, "h", 1, (size_t[]){4}, h, &err) == MLP_OK);
    CHECK(h[0] == 1.0f && h[1] == -2.5f && h[2] == 5.9604644775390625e-8f && isinf(h[3]));
    CHECK(mlp_safetensors_get_f32(st, "b", 1, (size_t[]){2}, b, &err) == MLP_OK);
    CHECK(b[0] == 1.0f && b[1] == -0.5f);
    mlp_safetensors_free(st);
    test_remove_dir(dir);
}

static void test_writer_refuses_bad_tensors(void) {
    mlp_error err;
    mlp_safetensors *st;
    CHECK(mlp_safetensors_new(&st, &err) == MLP_OK);
    CHECK(mlp_safetensors_add(st, "w", MLP_DTYPE_F32, 1, (size_t[]){6}, weight, &err) == MLP_OK);
    CHECK(mlp_safetensors_add(st, "w", MLP_DTYPE_F32, 1, (size_t[]){6}, weight, &err) ==
          MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "'w' added twice"));
    CHECK(mlp_safetensors_add(st, "__metadata__", MLP_DTYPE_F32, 1, (size_t[]){6}, weight, &err) ==
          MLP_ERR_ARGUMENT);
    CHECK(mlp_safetensors_add(st, "", MLP_DTYPE_F32, 1, (size_t[]){6}, weight, &err) ==
          MLP_ERR_ARGUMENT);
    CHECK(mlp_safetensors_add(st, "big", MLP_DTYPE_F32, 2, (size_t[]){SIZE_MAX / 2, 4}, weight,
                              &err) == MLP_ERR_MEMORY);
    CHECK(mlp_safetensors_add(st, "x", MLP_DTYPE_F32, 1, (size_t[]){6}, NULL, &err) ==
          MLP_ERR_ARGUMENT);
    CHECK(mlp_safetensors_count(st) == 1);
    mlp_safetensors_free(st);
    mlp_safetensors_free(NULL);
}

static void test_missing_file_is_an_io_error(void) {
    mlp_error err;
    mlp_safetensors *st;
    CHECK(mlp_safetensors_read(&st, "/nonexistent/x.safetensors", &err) == MLP_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/x.safetensors: cannot open"));
}

/* Files of another kind are refused from their first bytes; a directory is an I/O error. */
static void test_read_refuses_other_files(void) {
    setup();
    size_t size = 1 << 20;
    char *junk = malloc(size);
    CHECK(junk);
    memset(junk, 'x', size);
    CHECK(test_write_file(path, junk, size));
    free(junk);
    mlp_error err;
    mlp_safetensors *st;
    CHECK(mlp_safetensors_read(&st, path, &err) == MLP_ERR_FORMAT);
    CHECK_MSG(strstr(err.message, "header length 8680820740569200760 exceeds the limit"), "%s",
              err.message);
    CHECK(test_write_file(path, "\x02\0\0\0\0\0\0\0[]", 10));
    CHECK(mlp_safetensors_read(&st, path, &err) == MLP_ERR_FORMAT);
    CHECK(strstr(err.message, "byte 8: header does not start with '{'"));
    CHECK(mlp_safetensors_read(&st, dir, &err) != MLP_OK);
    CHECK_MSG(strstr(err.message, dir) == err.message, "%s", err.message);
    test_remove_dir(dir);
}

/* kill -9 while checkpoints are being written leaves a whole, loadable checkpoint: a child
 * rewrites a 32 MB checkpoint again and again (version k holds the value k everywhere); it is
 * killed as soon as the first version is complete, while it writes the next. */
static void test_kill_during_checkpoint_write_leaves_previous_loadable(void) {
    setup();
    enum { COUNT = 8 << 20 };
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(pipe_fds[0]);
        float *values = malloc(COUNT * sizeof *values);
        if (!values) _exit(1);
        for (int version = 1; version < 1000; version++) {
            for (size_t i = 0; i < COUNT; i++)
                values[i] = (float)version;
            mlp_safetensors *st;
            if (mlp_safetensors_new(&st, NULL) != MLP_OK ||
                mlp_safetensors_add(st, "dense.0.weight", MLP_DTYPE_F32, 1, (size_t[]){COUNT},
                                    values, NULL) != MLP_OK ||
                mlp_safetensors_set_metadata_u64(st, "version", (uint64_t)version, NULL) !=
                    MLP_OK ||
                mlp_safetensors_write(st, path, NULL) != MLP_OK)
                _exit(1);
            mlp_safetensors_free(st);
            if (version == 1 && write(pipe_fds[1], "1", 1) != 1) _exit(1);
        }
        _exit(2);
    }
    close(pipe_fds[1]);
    char byte;
    CHECK(read(pipe_fds[0], &byte, 1) == 1);
    kill(pid, SIGKILL);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    close(pipe_fds[0]);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    mlp_error err;
    mlp_safetensors *st;
    CHECK_MSG(mlp_safetensors_read(&st, path, &err) == MLP_OK, "%s", err.message);
    uint64_t version;
    CHECK(mlp_safetensors_get_metadata_u64(st, "version", &version, &err) == MLP_OK);
    float *values = malloc(COUNT * sizeof *values);
    CHECK(values);
    CHECK(mlp_safetensors_get(st, "dense.0.weight", MLP_DTYPE_F32, 1, (size_t[]){COUNT}, values,
                              &err) == MLP_OK);
    size_t mismatches = 0;
    for (size_t i = 0; i < COUNT; i++)
        mismatches += values[i] != (float)version;
    free(values);
    mlp_safetensors_free(st);
    CHECK(version >= 1 && mismatches == 0);
    test_remove_dir(dir); /* also removes the killed writer's temporary */
}

int main(void) {
    RUN_TEST(test_round_trip_keeps_tensors_and_metadata);
    RUN_TEST(test_written_layout_is_aligned_and_space_padded);
    RUN_TEST(test_python_written_file_loads);
    RUN_TEST(test_python_checker_reads_written_file);
    RUN_TEST(test_bad_header_framing_is_refused);
    RUN_TEST(test_bad_tensor_entries_are_named);
    RUN_TEST(test_bad_layouts_are_refused);
    RUN_TEST(test_every_truncation_is_refused);
    RUN_TEST(test_typed_access_checks_name_dtype_and_shape);
    RUN_TEST(test_half_precision_converts_to_float);
    RUN_TEST(test_writer_refuses_bad_tensors);
    RUN_TEST(test_missing_file_is_an_io_error);
    RUN_TEST(test_read_refuses_other_files);
    RUN_TEST(test_kill_during_checkpoint_write_leaves_previous_loadable);
    return harness_finish();
}
