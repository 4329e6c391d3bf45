/* metrics.csv parsing: the contract's header and rows, and clear errors for malformed files. */
#include "harness.h"
#include "report/plot_metrics.h"

#include <stdlib.h>
#include <unistd.h>

#define HEADER "epoch,step,lr,batch_size,train_loss,train_accuracy,val_loss,val_accuracy,seconds\n"

static mlp_status parse(const char *text, metrics_table *table, mlp_error *err) {
    return metrics_parse(table, text, strlen(text), "run/metrics.csv", err);
}

/* Parsing must fail with `status` and a message containing `needle`. */
static void check_fails(const char *text, mlp_status status, const char *needle) {
    metrics_table table;
    mlp_error err;
    mlp_status got = parse(text, &table, &err);
    CHECK_MSG(got == status, "status %d, message '%s'", got, err.message);
    CHECK_MSG(strstr(err.message, needle) != NULL, "'%s' lacks '%s'", err.message, needle);
    CHECK(table.rows == NULL && table.num_rows == 0);
}

static void test_reads_epoch_and_step_rows(void) {
    metrics_table table;
    mlp_error err;
    CHECK(parse(HEADER "0.5,10,0.01,50,2.1,0.3,,,1.5\n"
                       "1,20,0.01,50,1.5,0.55,1.6,0.5,3\n",
                &table, &err) == MLP_OK);
    CHECK(table.num_rows == 2);
    CHECK_CLOSE(table.rows[0].value[METRICS_EPOCH], 0.5, 1e-12);
    CHECK_CLOSE(table.rows[0].value[METRICS_STEP], 10, 1e-12);
    CHECK(isnan(table.rows[0].value[METRICS_VAL_LOSS]));
    CHECK(isnan(table.rows[0].value[METRICS_VAL_ACCURACY]));
    CHECK_CLOSE(table.rows[1].value[METRICS_VAL_ACCURACY], 0.5, 1e-12);
    CHECK_CLOSE(table.rows[1].value[METRICS_SECONDS], 3, 1e-12);
    metrics_free(&table);
}

static void test_accepts_crlf_and_no_final_newline(void) {
    metrics_table table;
    mlp_error err;
    const char *text = "epoch,step,lr,batch_size,train_loss,train_accuracy,val_loss,val_accuracy,"
                       "seconds\r\n1,20,0.01,50,1.5,0.55,1.6,0.5,3\r\n2,40,0.01,50,1,0.7,1.1,0.6,6";
    CHECK_MSG(parse(text, &table, &err) == MLP_OK, "%s", err.message);
    CHECK(table.num_rows == 2);
    CHECK_CLOSE(table.rows[1].value[METRICS_SECONDS], 6, 1e-12);
    metrics_free(&table);
}

static void test_diverged_loss_is_kept_as_missing(void) {
    metrics_table table;
    mlp_error err;
    CHECK(parse(HEADER "1,20,0.01,50,nan,0.1,inf,0.1,3\n", &table, &err) == MLP_OK);
    CHECK(isnan(table.rows[0].value[METRICS_TRAIN_LOSS]));
    CHECK(isnan(table.rows[0].value[METRICS_VAL_LOSS]));
    metrics_free(&table);
}

static void test_header_only_gives_no_rows(void) {
    metrics_table table;
    mlp_error err;
    CHECK(parse(HEADER, &table, &err) == MLP_OK);
    CHECK(table.num_rows == 0);
    metrics_free(&table);
}

static void test_bad_files_name_the_place(void) {
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
    check_fails(HEADER "1,20,-0.01,50,1.5,0.5,1.6,0.5,3\n", MLP_ERR_FORMAT,
                "field 3 (lr): -0.01 is negative");
    check_fails(HEADER "1,20,0.01,50,1.5,nan,1.6,0.5,3\n", MLP_ERR_NUMERIC,
                "field 6 (train_accuracy): 'nan' is not finite");
    check_fails(HEADER "1, 20,0.01,50,1.5,0.5,1.6,0.5,3\n", MLP_ERR_FORMAT,
                "' 20' is not a number");
    check_fails(HEADER "\n1,20,0.01,50,1.5,0.5,1.6,0.5,3\n", MLP_ERR_FORMAT,
                "run/metrics.csv:2: empty line");
}

static void test_nul_byte_and_long_line_are_refused(void) {
    metrics_table table;
    mlp_error err;
    const char text[] = HEADER "1,20,0.01,50,1.5\0,0.5,1.6,0.5,3\n";
    CHECK(metrics_parse(&table, text, sizeof text - 1, "m.csv", &err) == MLP_ERR_FORMAT);
    CHECK(strstr(err.message, "m.csv:2: NUL byte") != NULL);
    size_t len = strlen(HEADER) + 5000;
    char *big = malloc(len + 1);
    CHECK(big != NULL);
    memcpy(big, HEADER, strlen(HEADER));
    memset(big + strlen(HEADER), '1', 5000);
    big[len] = '\0';
    mlp_status status = metrics_parse(&table, big, len, "m.csv", &err);
    free(big);
    CHECK(status == MLP_ERR_FORMAT);
    CHECK(strstr(err.message, "m.csv:2: line longer than") != NULL);
}

static void test_read_reports_missing_file(void) {
    metrics_table table;
    mlp_error err;
    CHECK(metrics_read(&table, "/nonexistent/run/metrics.csv", &err) == MLP_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/run/metrics.csv: No such file") != NULL);
}

static void test_read_parses_a_written_file(void) {
    char path[] = "/tmp/mlp-test-metrics-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    const char text[] = HEADER "1,20,0.01,50,1.5,0.55,1.6,0.5,3\n";
    CHECK(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
    close(fd);
    metrics_table table;
    mlp_error err;
    mlp_status status = metrics_read(&table, path, &err);
    unlink(path);
    CHECK_MSG(status == MLP_OK, "%s", err.message);
    CHECK(table.num_rows == 1);
    CHECK_CLOSE(table.rows[0].value[METRICS_VAL_LOSS], 1.6, 1e-12);
    metrics_free(&table);
}

int main(void) {
    RUN_TEST(test_reads_epoch_and_step_rows);
    RUN_TEST(test_accepts_crlf_and_no_final_newline);
    RUN_TEST(test_diverged_loss_is_kept_as_missing);
    RUN_TEST(test_header_only_gives_no_rows);
    RUN_TEST(test_bad_files_name_the_place);
    RUN_TEST(test_nul_byte_and_long_line_are_refused);
    RUN_TEST(test_read_reports_missing_file);
    RUN_TEST(test_read_parses_a_written_file);
    return harness_finish();
}
