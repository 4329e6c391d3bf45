#include "harness.h"
#include "io/atomic_file.h"
#include "io_test_files.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[512], target[600];

static void setup(void) {
    CHECK(test_make_dir(dir, sizeof dir));
    snprintf(target, sizeof target, "%s/out.bin", dir);
}

static void test_write_creates_and_replaces_leaving_no_temporary(void) {
    setup();
    mlp_error err;
    CHECK(mlp_atomic_write_text(target, "first\n", &err) == MLP_OK);
    char *text = test_read_file(target, NULL);
    CHECK(text && strcmp(text, "first\n") == 0);
    free(text);
    CHECK(mlp_atomic_write_text(target, "second version\n", &err) == MLP_OK);
    text = test_read_file(target, NULL);
    CHECK(text && strcmp(text, "second version\n") == 0);
    free(text);
    CHECK(test_count_entries(dir) == 1);
    test_remove_dir(dir);
}

static void test_stream_writes_through_commit(void) {
    setup();
    mlp_error err;
    mlp_atomic_file *file;
    CHECK(mlp_atomic_file_open(&file, target, &err) == MLP_OK);
    CHECK(strcmp(mlp_atomic_file_path(file), target) == 0);
    fprintf(mlp_atomic_file_stream(file), "a,b\n%d,%d\n", 1, 2);
    CHECK(test_count_entries(dir) == 1); /* only the temporary so far */
    CHECK(access(target, F_OK) != 0);
    CHECK(mlp_atomic_file_commit(file, &err) == MLP_OK);
    char *text = test_read_file(target, NULL);
    CHECK(text && strcmp(text, "a,b\n1,2\n") == 0);
    free(text);
    CHECK(test_count_entries(dir) == 1);
    test_remove_dir(dir);
}

static void test_abort_leaves_target_and_removes_temporary(void) {
    setup();
    mlp_error err;
    CHECK(mlp_atomic_write_text(target, "keep me", &err) == MLP_OK);
    mlp_atomic_file *file;
    CHECK(mlp_atomic_file_open(&file, target, &err) == MLP_OK);
    fputs("half-written", mlp_atomic_file_stream(file));
    mlp_atomic_file_abort(file);
    char *text = test_read_file(target, NULL);
    CHECK(text && strcmp(text, "keep me") == 0);
    free(text);
    CHECK(test_count_entries(dir) == 1);
    mlp_atomic_file_abort(NULL);
    test_remove_dir(dir);
}

/* A write that fails part-way (the file size limit makes write() fail with EFBIG) must report
 * the error, keep the old content and remove the temporary. Run in a child so the limit does
 * not touch this process. */
static void test_failed_write_keeps_old_file(void) {
    setup();
    mlp_error err;
    CHECK(mlp_atomic_write_text(target, "old content", &err) == MLP_OK);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit limit = {65536, 65536};
        setrlimit(RLIMIT_FSIZE, &limit);
        size_t size = 1 << 20;
        char *big = calloc(size, 1);
        mlp_error child_err;
        mlp_status s = mlp_atomic_write(target, big, size, &child_err);
        free(big);
        int named = strstr(child_err.message, target) != NULL;
        _exit(s == MLP_ERR_IO && named ? 0 : 1);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char *text = test_read_file(target, NULL);
    CHECK(text && strcmp(text, "old content") == 0);
    free(text);
    CHECK(test_count_entries(dir) == 1);
    test_remove_dir(dir);
}

static void test_failed_rename_reports_and_removes_temporary(void) {
    setup();
    mlp_error err;
    CHECK(mkdir(target, 0700) == 0); /* a directory where the file should go */
    CHECK(mlp_atomic_write_text(target, "x", &err) == MLP_ERR_IO);
    CHECK(strstr(err.message, target) != NULL);
    CHECK(strstr(err.message, "renaming") != NULL);
    CHECK(test_count_entries(dir) == 1);
    rmdir(target);
    test_remove_dir(dir);
}

static void test_missing_directory_is_an_io_error(void) {
    mlp_error err;
    CHECK(mlp_atomic_write_text("/nonexistent-mlp-dir/x.txt", "x", &err) == MLP_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent-mlp-dir/x.txt") != NULL);
}

/* kill -9 of a process in the middle of writing a large file leaves the previous file whole.
 * The child tells the parent through a pipe when megabytes are already in the temporary and then
 * keeps writing; the parent kills it at that point. */
static void test_killed_writer_leaves_previous_file(void) {
    setup();
    mlp_error err;
    CHECK(mlp_atomic_write_text(target, "previous checkpoint", &err) == MLP_OK);
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(pipe_fds[0]);
        mlp_atomic_file *file;
        if (mlp_atomic_file_open(&file, target, NULL) != MLP_OK) _exit(1);
        static char chunk[1 << 20];
        memset(chunk, 0x5a, sizeof chunk);
        FILE *out = mlp_atomic_file_stream(file);
        for (int i = 0; i < 256; i++) {
            fwrite(chunk, 1, sizeof chunk, out);
            if (i == 4) {
                fflush(out);
                if (write(pipe_fds[1], "w", 1) != 1) _exit(1);
            }
        }
        _exit(2); /* not reached in the test: killed before */
    }
    close(pipe_fds[1]);
    char signal_byte;
    CHECK(read(pipe_fds[0], &signal_byte, 1) == 1);
    kill(pid, SIGKILL);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    close(pipe_fds[0]);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    char *text = test_read_file(target, NULL);
    CHECK(text && strcmp(text, "previous checkpoint") == 0);
    free(text);
    /* The killed writer's temporary stays behind (nothing can remove it); the target is whole. */
    CHECK(test_count_entries(dir) == 2);
    test_remove_dir(dir);
}

int main(void) {
    RUN_TEST(test_write_creates_and_replaces_leaving_no_temporary);
    RUN_TEST(test_stream_writes_through_commit);
    RUN_TEST(test_abort_leaves_target_and_removes_temporary);
    RUN_TEST(test_failed_write_keeps_old_file);
    RUN_TEST(test_failed_rename_reports_and_removes_temporary);
    RUN_TEST(test_missing_directory_is_an_io_error);
    RUN_TEST(test_killed_writer_leaves_previous_file);
    return harness_finish();
}
