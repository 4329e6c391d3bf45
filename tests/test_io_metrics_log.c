#include "harness.h"
#include "io/metrics_log.h"
#include "io_test_files.h"

#include <stdint.h>

static char dir[512], path[600];

static void setup(void) {
    CHECK(test_make_dir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
}

static mlp_metrics_row row_at(double epoch, uint64_t step) {
    return (mlp_metrics_row){epoch, step, 0.01, 50, 0.5 / epoch, 0.9, 0.25, 0.875, 1.5 * epoch};
}

static void test_rows_are_written_in_the_contract_format(void) {
    setup();
    mlp_error err;
    mlp_metrics_log *log;
    CHECK(mlp_metrics_log_create(&log, path, &err) == MLP_OK);
    mlp_metrics_row r = row_at(1, 1200);
    CHECK(mlp_metrics_log_append(log, &r, &err) == MLP_OK);
    /* An every-N-steps row: fractional epoch, no validation figures. */
    mlp_metrics_row partial = {1.5, 1800, 0.00125, 100, 0.123456789, NAN, NAN, NAN, 2.25};
    CHECK(mlp_metrics_log_append(log, &partial, &err) == MLP_OK);
    /* Flushed at once: the file holds both rows while the log is still open. */
    char *text = test_read_file(path, NULL);
    CHECK(text);
    CHECK_MSG(strcmp(text, "epoch,step,lr,batch_size,train_loss,train_accuracy,val_loss,"
                           "val_accuracy,seconds\n"
                           "1,1200,0.01,50,0.5,0.9,0.25,0.875,1.5\n"
                           "1.5,1800,0.00125,100,0.123457,,,,2.25\n") == 0,
              "%s", text);
    free(text);
    mlp_metrics_log_free(log);
    mlp_metrics_row *rows;
    size_t n;
    CHECK(mlp_metrics_read(path, &rows, &n, &err) == MLP_OK);
    CHECK(n == 2 && rows[0].step == 1200 && rows[1].batch_size == 100);
    CHECK(rows[1].epoch == 1.5 && isnan(rows[1].val_accuracy) && rows[1].seconds == 2.25);
    CHECK(rows[0].val_accuracy == 0.875);
    free(rows);
    test_remove_dir(dir);
}

/* Resuming from the checkpoint at step 200 drops the rows logged after it and the line a kill
 * cut short, so the resumed run's rows are not duplicated. */
static void test_resume_keeps_rows_through_the_checkpoint_step(void) {
    setup();
    mlp_error err;
    mlp_metrics_log *log;
    CHECK(mlp_metrics_log_create(&log, path, &err) == MLP_OK);
    for (uint64_t e = 1; e <= 4; e++) {
        mlp_metrics_row r = row_at((double)e, 100 * e);
        CHECK(mlp_metrics_log_append(log, &r, &err) == MLP_OK);
    }
    mlp_metrics_log_free(log);
    FILE *f = fopen(path, "ab");
    CHECK(f);
    fputs("5,500,0.01,5", f); /* killed mid-row */
    fclose(f);
    CHECK(mlp_metrics_log_resume(&log, path, 200, &err) == MLP_OK);
    for (uint64_t e = 3; e <= 5; e++) {
        mlp_metrics_row r = row_at((double)e, 100 * e);
        CHECK(mlp_metrics_log_append(log, &r, &err) == MLP_OK);
    }
    mlp_metrics_log_free(log);
    mlp_metrics_row *rows;
    size_t n;
    CHECK_MSG(mlp_metrics_read(path, &rows, &n, &err) == MLP_OK, "%s", err.message);
    CHECK(n == 5);
    for (size_t i = 0; i < n; i++)
        CHECK(rows[i].step == 100 * (i + 1));
    free(rows);
    test_remove_dir(dir);
}

static void test_resume_without_a_file_starts_one(void) {
    setup();
    mlp_error err;
    mlp_metrics_log *log;
    CHECK(mlp_metrics_log_resume(&log, path, 10, &err) == MLP_OK);
    mlp_metrics_row r = row_at(1, 5);
    CHECK(mlp_metrics_log_append(log, &r, &err) == MLP_OK);
    mlp_metrics_log_free(log);
    mlp_metrics_row *rows;
    size_t n;
    CHECK(mlp_metrics_read(path, &rows, &n, &err) == MLP_OK && n == 1);
    free(rows);
    test_remove_dir(dir);
}

static void test_bad_files_are_refused_with_their_line(void) {
    setup();
    mlp_error err;
    mlp_metrics_log *log;
    const char *wrong_header = "epoch,loss\n1,2\n";
    CHECK(test_write_file(path, wrong_header, strlen(wrong_header)));
    CHECK(mlp_metrics_log_resume(&log, path, 10, &err) == MLP_ERR_FORMAT);
    CHECK_MSG(strstr(err.message, ":1: not a metrics.csv header"), "%s", err.message);
    /* The refused file is left as it was. */
    char *text = test_read_file(path, NULL);
    CHECK(text && strcmp(text, wrong_header) == 0);
    free(text);
    const char *cases[] = {
        MLP_METRICS_HEADER "\n1,10,0.1,5,1,1,1,1,1\n1,x,0.1,5,1,1,1,1,1\n",
        MLP_METRICS_HEADER "\n1,10,0.1,5,1,1,1,1,1\n1,10,0.1,5,1,1,1,1\n",
        MLP_METRICS_HEADER "\n1,10,0.1,5,1,1,1,1,1\n1,10,0.1,5,1,1,1,1,1,\n",
        MLP_METRICS_HEADER "\n1,10,0.1,5,1,1,1,1,1\n1,-3,0.1,5,1,1,1,1,1\n",
        MLP_METRICS_HEADER "\n1,10,0.1,5,1,1,1,1,1\n1,10,0.1,2.5,1,1,1,1,1\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(test_write_file(path, cases[i], strlen(cases[i])));
        mlp_metrics_row *rows;
        size_t n;
        CHECK_MSG(mlp_metrics_read(path, &rows, &n, &err) == MLP_ERR_FORMAT, "case %zu", i);
        char expected[700];
        snprintf(expected, sizeof expected, "%s:3: malformed row", path);
        CHECK_MSG(strstr(err.message, expected), "%s", err.message);
    }
    mlp_metrics_row *rows;
    size_t n;
    CHECK(mlp_metrics_read("/nonexistent/metrics.csv", &rows, &n, &err) == MLP_ERR_IO);
    test_remove_dir(dir);
}

int main(void) {
    RUN_TEST(test_rows_are_written_in_the_contract_format);
    RUN_TEST(test_resume_keeps_rows_through_the_checkpoint_step);
    RUN_TEST(test_resume_without_a_file_starts_one);
    RUN_TEST(test_bad_files_are_refused_with_their_line);
    return harness_finish();
}
