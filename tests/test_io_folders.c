/* Run folders, paths and whole-file reads (src/io/folders.c). */
#include "harness.h"
#include "io/folders.h"
#include "io_test_files.h"

#include <sys/stat.h>
#include <unistd.h>

static void test_make_folders_creates_parents_and_refuses_a_file(void) {
    char dir[512], path[PATH_MAX], file[PATH_MAX];
    mlp_error err;
    CHECK(test_make_dir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/a/b", dir);
    CHECK(mlp_make_folders(path, &err) == MLP_OK);
    CHECK(mlp_make_folders(path, &err) == MLP_OK); /* an existing folder is fine */
    struct stat st;
    CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    snprintf(file, sizeof file, "%s/f", dir);
    CHECK(test_write_file(file, "x", 1));
    CHECK(mlp_make_folders(file, &err) == MLP_ERR_IO);
    CHECK(strstr(err.message, "is not a folder"));
    CHECK(mlp_make_folders("", &err) == MLP_ERR_ARGUMENT);
    rmdir(path);
    snprintf(path, sizeof path, "%s/a", dir);
    rmdir(path);
    test_remove_dir(dir);
}

static void test_path_join_fails_on_a_path_too_long(void) {
    char out[PATH_MAX];
    mlp_error err;
    CHECK(mlp_path_join(out, "runs/x", "metrics.csv", &err) == MLP_OK);
    CHECK(strcmp(out, "runs/x/metrics.csv") == 0);
    /* dir + '/' + name is exactly PATH_MAX - 1 bytes: fits; one more byte does not. */
    char dir[PATH_MAX];
    memset(dir, 'd', PATH_MAX - 3);
    dir[PATH_MAX - 3] = '\0';
    CHECK(mlp_path_join(out, dir, "n", &err) == MLP_OK && strlen(out) == PATH_MAX - 1);
    CHECK(mlp_path_join(out, dir, "nn", &err) == MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(err.message, "the path is longer than"), "%s", err.message);
    CHECK(out[0] == '\0');
}

static void test_read_file_reads_whole_and_refuses_beyond_the_limit(void) {
    char dir[512], path[PATH_MAX];
    mlp_error err;
    CHECK(test_make_dir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/t", dir);
    /* Larger than the first 64 KiB buffer, so it is grown. */
    size_t n = 200000;
    char *data = malloc(n);
    CHECK(data);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)('a' + i % 26);
    CHECK(test_write_file(path, data, n));
    char *text;
    size_t size;
    CHECK(mlp_read_file(path, n, &text, &size, &err) == MLP_OK);
    CHECK(size == n && memcmp(text, data, n) == 0 && text[n] == '\0');
    free(text);
    CHECK(mlp_read_file(path, n - 1, &text, &size, &err) == MLP_ERR_FORMAT);
    CHECK(text == NULL && strstr(err.message, "larger than"));
    CHECK(test_write_file(path, "", 0));
    CHECK(mlp_read_file(path, 10, &text, NULL, &err) == MLP_OK && text[0] == '\0');
    free(text);
    CHECK(mlp_read_file("/nonexistent/t", 10, &text, &size, &err) == MLP_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/t: cannot open"));
    free(data);
    test_remove_dir(dir);
}

int main(void) {
    RUN_TEST(test_make_folders_creates_parents_and_refuses_a_file);
    RUN_TEST(test_path_join_fails_on_a_path_too_long);
    RUN_TEST(test_read_file_reads_whole_and_refuses_beyond_the_limit);
    return harness_finish();
}
