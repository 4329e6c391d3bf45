#include "harness.h"
#include "io/metrics_log.h"
#include "io_test_files.h"

#include <stdint.h>
#include <stdlib.h>

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
    CHECK_MSG(strstr(err.message, ":1: header is 'epoch,loss', expected"), "%s", err.message);
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
        snprintf(expected, sizeof expected, "%s:3: ", path);
        CHECK_MSG(strstr(err.message, expected), "%s", err.message);
    }
    mlp_metrics_row *rows;
    size_t n;
    CHECK(mlp_metrics_read("/nonexistent/metrics.csv", &rows, &n, &err) == MLP_ERR_IO);
    test_remove_dir(dir);
}

/* Parsing must fail with `status` and a message containing `needle`. */
static void check_fails(const char *text, mlp_status status, const char *needle) {
    mlp_metrics_row *rows = (mlp_metrics_row *)&rows;
    size_t n = 99;
    mlp_error err;
    mlp_status got = mlp_metrics_parse(text, strlen(text), "run/metrics.csv", &rows, &n, &err);
    CHECK_MSG(got == status, "status %d, message '%s'", got, err.message);
    CHECK_MSG(strstr(err.message, needle) != NULL, "'%s' lacks '%s'", err.message, needle);
    CHECK(rows == NULL && n == 0);
}

#define HEADER MLP_METRICS_HEADER "\n"

static void test_parse_reads_epoch_and_step_rows(void) {
    mlp_metrics_row *rows;
    size_t n;
    mlp_error err;
    const char *text = HEADER "0.5,10,0.01,50,2.1,0.3,,,1.5\n"
                              "1,20,0.01,50,1.5,0.55,1.6,0.5,3\n";
    CHECK(mlp_metrics_parse(text, strlen(text), "m.csv", &rows, &n, &err) == MLP_OK);
    CHECK(n == 2);
    CHECK(rows[0].epoch == 0.5 && rows[0].step == 10 && rows[0].batch_size == 50);
    CHECK(isnan(rows[0].val_loss) && isnan(rows[0].val_accuracy));
    CHECK(rows[1].val_accuracy == 0.5 && rows[1].seconds == 3);
    free(rows);
}

/* CRLF line ends are read; a last line without its newline is a row cut short: skipped, like
 * the half-written row of a killed run. */
static void test_parse_accepts_crlf_and_skips_an_unterminated_row(void) {
    mlp_metrics_row *rows;
    size_t n;
    mlp_error err;
    const char *text = "epoch,step,lr,batch_size,train_loss,train_accuracy,val_loss,val_accuracy,"
                       "seconds\r\n1,20,0.01,50,1.5,0.55,1.6,0.5,3\r\n2,40,0.01,50,1,0.7,1.1,0.6,6";
    CHECK_MSG(mlp_metrics_parse(text, strlen(text), "m.csv", &rows, &n, &err) == MLP_OK, "%s",
              err.message);
    CHECK(n == 1 && rows[0].seconds == 3);
    free(rows);
}

static void test_parse_keeps_a_diverged_loss_as_missing(void) {
    mlp_metrics_row *rows;
    size_t n;
    mlp_error err;
    const char *text = HEADER "1,20,0.01,50,nan,0.1,inf,0.1,3\n";
    CHECK(mlp_metrics_parse(text, strlen(text), "m.csv", &rows, &n, &err) == MLP_OK);
    CHECK(n == 1 && isnan(rows[0].train_loss) && isnan(rows[0].val_loss));
    free(rows);
    CHECK(mlp_metrics_parse(HEADER, strlen(HEADER), "m.csv", &rows, &n, &err) == MLP_OK);
    CHECK(n == 0);
    free(rows);
}

static void test_parse_names_the_place_of_a_fault(void) {
    check_fails("", MLP_ERR_FORMAT, "empty file");
    check_fails("epoch,step,loss\n1,2,3\n", MLP_ERR_FORMAT, "run/metrics.csv:1: header is");
    check_fails(HEADER "1,20,0.01,50,1.5,0.55,1.6,0.5\n", MLP_ERR_FORMAT,
                "run/metrics.csv:2: 8 fields, expected 9");
    check_fails(HEADER "1,20,0.01,50,1.5,0.55,1.6,0.5,3,4\n", MLP_ERR_FORMAT,
                "run/metrics.csv:2: more than 9 fields");
    check_fails(HEADER "1,20,0.01,50,1.5,0.55,1.6,0.5,3\n2,40,0.01,50,abc,0.6,1,0.6,6\n",
                MLP_ERR_FORMAT, "run/metrics.csv:3: field 5 (train_loss): 'abc' is not a number");
    check_fails(HEADER "1,20,0.01,50,1.5,1.2,1.6,0.5,3\n", MLP_ERR_FORMAT,
                "field 6 (train_accuracy): 1.2 is outside [0, 1]");
    check_fails(HEADER ",20,0.01,50,1.5,0.5,1.6,0.5,3\n", MLP_ERR_FORMAT,
                "field 1 (epoch) is empty");
    check_fails(HEADER "1,20,0.01,,1.5,0.5,1.6,0.5,3\n", MLP_ERR_FORMAT,
                "field 4 (batch_size) is empty");
    check_fails(HEADER "1,20,-0.01,50,1.5,0.5,1.6,0.5,3\n", MLP_ERR_FORMAT,
                "field 3 (lr): -0.01 is negative");
    check_fails(HEADER "1,20.5,0.01,50,1.5,0.5,1.6,0.5,3\n", MLP_ERR_FORMAT,
                "field 2 (step): 20.5 is not a whole number");
    check_fails(HEADER "1,20,0.01,50,1.5,nan,1.6,0.5,3\n", MLP_ERR_NUMERIC,
                "field 6 (train_accuracy): 'nan' is not finite");
    check_fails(HEADER "1, 20,0.01,50,1.5,0.5,1.6,0.5,3\n", MLP_ERR_FORMAT,
                "' 20' is not a number");
    check_fails(HEADER "\n1,20,0.01,50,1.5,0.5,1.6,0.5,3\n", MLP_ERR_FORMAT,
                "run/metrics.csv:2: empty line");
}

static void test_parse_refuses_a_nul_byte_and_a_long_line(void) {
    mlp_metrics_row *rows;
    size_t n;
    mlp_error err;
    const char text[] = HEADER "1,20,0.01,50,1.5\0,0.5,1.6,0.5,3\n";
    CHECK(mlp_metrics_parse(text, sizeof text - 1, "m.csv", &rows, &n, &err) == MLP_ERR_FORMAT);
    CHECK(strstr(err.message, "m.csv:2: NUL byte") != NULL);
    size_t len = strlen(HEADER) + 5001;
    char *big = malloc(len + 1);
    CHECK(big != NULL);
    memcpy(big, HEADER, strlen(HEADER));
    memset(big + strlen(HEADER), '1', 5000);
    big[len - 1] = '\n';
    big[len] = '\0';
    mlp_status status = mlp_metrics_parse(big, len, "m.csv", &rows, &n, &err);
    free(big);
    CHECK(status == MLP_ERR_FORMAT);
    CHECK(strstr(err.message, "m.csv:2: line longer than") != NULL);
}

int main(void) {
    RUN_TEST(test_rows_are_written_in_the_contract_format);
    RUN_TEST(test_resume_keeps_rows_through_the_checkpoint_step);
    RUN_TEST(test_resume_without_a_file_starts_one);
    RUN_TEST(test_bad_files_are_refused_with_their_line);
    RUN_TEST(test_parse_reads_epoch_and_step_rows);
    RUN_TEST(test_parse_accepts_crlf_and_skips_an_unterminated_row);
    RUN_TEST(test_parse_keeps_a_diverged_loss_as_missing);
    RUN_TEST(test_parse_names_the_place_of_a_fault);
    RUN_TEST(test_parse_refuses_a_nul_byte_and_a_long_line);
    return harness_finish();
}
