/* CSV reader: Kaggle layout, unlabelled files, label by name or index, string labels, header
 * detection, bytes vs floats, bad cells and rows, and memory on a large streamed file. */
#include "test_data_util.h"

static void test_csv_kaggle_layout(void) {
    write_text(scratch_path("train.csv"), "label,pixel0,pixel1,pixel2\n"
                                          "1,0,255,3\n"
                                          "0,10,20,30\r\n"
                                          "\n"
                                          "7,1,2,3\n");
    mlp_dataset *d = load_ok(scratch_path("train.csv"));
    CHECK(d);
    CHECK(strcmp(mlp_dataset_format(d), "csv") == 0);
    CHECK(mlp_dataset_count(d) == 3 && mlp_dataset_features(d) == 3);
    CHECK(mlp_dataset_bytes(d) != NULL); /* every cell is 0..255: kept as bytes */
    const uint8_t expect[9] = {0, 255, 3, 10, 20, 30, 1, 2, 3};
    CHECK(memcmp(mlp_dataset_bytes(d), expect, 9) == 0);
    CHECK(mlp_dataset_num_classes(d) == 3);
    CHECK(strcmp(mlp_dataset_class_name(d, 2), "7") == 0);
    CHECK(mlp_dataset_labels(d)[0] == 1 && mlp_dataset_labels(d)[1] == 0 &&
          mlp_dataset_labels(d)[2] == 2);
    mlp_dataset_free(d);
}

static void test_csv_unlabelled_test_file(void) {
    write_text(scratch_path("test.csv"), "pixel0,pixel1\n5,6\n7,8\n");
    mlp_dataset *d = load_ok(scratch_path("test.csv"));
    CHECK(d && !mlp_dataset_labels(d) && mlp_dataset_count(d) == 2);
    mlp_dataset_free(d);
    char source[600];
    snprintf(source, sizeof source, "%s,label=none", scratch_path("train.csv"));
    write_text(scratch_path("train.csv"), "label,a\n1,2\n");
    d = load_ok(source);
    CHECK(d && !mlp_dataset_labels(d) && mlp_dataset_features(d) == 2);
    mlp_dataset_free(d);
}

static void test_csv_string_labels_by_index_without_header(void) {
    write_text(scratch_path("iris.csv"), "5.1,3.5,setosa\n"
                                         "6.2,2.9,\"versi,color\"\n"
                                         "5.0,3.0,setosa\n");
    char source[600];
    snprintf(source, sizeof source, "%s,label=2", scratch_path("iris.csv"));
    mlp_dataset *d = load_ok(source);
    CHECK(d && mlp_dataset_count(d) == 3 && mlp_dataset_features(d) == 2);
    CHECK(mlp_dataset_floats(d) != NULL);
    CHECK(mlp_dataset_floats(d)[0] == 5.1f && mlp_dataset_floats(d)[3] == 2.9f);
    CHECK(mlp_dataset_num_classes(d) == 2);
    CHECK(strcmp(mlp_dataset_class_name(d, 0), "setosa") == 0);
    CHECK(strcmp(mlp_dataset_class_name(d, 1), "versi,color") == 0);
    CHECK(mlp_dataset_labels(d)[1] == 1);
    mlp_dataset_free(d);
}

static void test_csv_label_by_name_and_float_switch(void) {
    write_text(scratch_path("t.csv"), "x0,y,x1\n1,b,2\n3,a,4.5\n");
    char source[600];
    snprintf(source, sizeof source, "%s,label=y", scratch_path("t.csv"));
    mlp_dataset *d = load_ok(source);
    CHECK(d && mlp_dataset_floats(d) && !mlp_dataset_bytes(d));
    const float expect[4] = {1, 2, 3, 4.5f};
    CHECK(memcmp(mlp_dataset_floats(d), expect, sizeof expect) == 0);
    CHECK(mlp_dataset_labels(d)[0] == 1 && mlp_dataset_labels(d)[1] == 0);
    mlp_dataset_free(d);
}

static void test_csv_integer_labels_sorted_numerically(void) {
    write_text(scratch_path("n.csv"), "label,a\n10,1\n9,1\n2.0,1\n");
    mlp_dataset *d = load_ok(scratch_path("n.csv"));
    CHECK(d && mlp_dataset_num_classes(d) == 3);
    CHECK(strcmp(mlp_dataset_class_name(d, 0), "2") == 0);
    CHECK(strcmp(mlp_dataset_class_name(d, 1), "9") == 0);
    CHECK(strcmp(mlp_dataset_class_name(d, 2), "10") == 0);
    mlp_dataset_free(d);
}

static void test_csv_gzip_and_limit(void) {
    const char *text = "label,a,b\n1,1,2\n2,3,4\n3,5,6\n";
    write_file(scratch_path("g.csv.gz"), text, strlen(text), 1);
    char source[600];
    snprintf(source, sizeof source, "%s,limit=2", scratch_path("g.csv.gz"));
    mlp_dataset *d = load_ok(source);
    CHECK(d && mlp_dataset_count(d) == 2 && mlp_dataset_num_classes(d) == 2);
    mlp_dataset_free(d);
}

static void test_csv_bad_cells(void) {
    write_text(scratch_path("bad.csv"), "label,a,b\n1,2,3\n1,x7,3\n");
    CHECK_LOAD_FAILS(scratch_path("bad.csv"), MLP_ERR_FORMAT, scratch_path("bad.csv"),
                     "line 3, column 2 a", "'x7' is not a number");
    write_text(scratch_path("nan.csv"), "label,a,b\n1,2,3\n1,2,nan\n");
    CHECK_LOAD_FAILS(scratch_path("nan.csv"), MLP_ERR_NUMERIC, "line 3, column 3 b",
                     "not a finite number");
    write_text(scratch_path("inf.csv"), "1,2\n3,-inf\n");
    CHECK_LOAD_FAILS(scratch_path("inf.csv"), MLP_ERR_NUMERIC, "line 2, column 2", "'-inf'");
    write_text(scratch_path("empty_cell.csv"), "a,b\n1,\n");
    CHECK_LOAD_FAILS(scratch_path("empty_cell.csv"), MLP_ERR_FORMAT, "line 2, column 2");
    write_text(scratch_path("big.csv"), "a,b\n1,1e39\n");
    CHECK_LOAD_FAILS(scratch_path("big.csv"), MLP_ERR_NUMERIC, "line 2, column 2");
    write_text(scratch_path("quote.csv"), "a,b\n1,\"2\n");
    CHECK_LOAD_FAILS(scratch_path("quote.csv"), MLP_ERR_FORMAT, "line 2, column 2", "unclosed");
    write_file(scratch_path("nul.csv"), "a,b\n1,2\n1,\0x\n", 12, 0); /* a NUL byte (fuzz find) */
    CHECK_LOAD_FAILS(scratch_path("nul.csv"), MLP_ERR_FORMAT, "byte 0", "unknown binary format");
    char forced[600];
    snprintf(forced, sizeof forced, "%s,format=csv", scratch_path("nul.csv"));
    CHECK_LOAD_FAILS(forced, MLP_ERR_FORMAT, "line 3, column 2", "not a number");
    write_text(scratch_path("nolabel.csv"), "5.1,setosa\n4.9,setosa\n");
    CHECK_LOAD_FAILS(scratch_path("nolabel.csv"), MLP_ERR_FORMAT, "line 1, column 2",
                     "'setosa' is not a number");
}

/* Many distinct labels grow the label table; past 65,536 the column is refused as a label. */
static void test_csv_many_distinct_labels(void) {
    const char *path = scratch_path("ids.csv");
    FILE *f = fopen(path, "w");
    CHECK(f);
    fputs("label,x\n", f);
    for (int i = 0; i < 70000; i++)
        fprintf(f, "id%d,%d\n", i, i % 7);
    fclose(f);
    char source[600];
    snprintf(source, sizeof source, "%s,limit=60000", path);
    mlp_dataset *d = load_ok(source);
    CHECK(d && mlp_dataset_num_classes(d) == 60000);
    CHECK(strcmp(mlp_dataset_class_name(d, mlp_dataset_labels(d)[12345]), "id12345") == 0);
    mlp_dataset_free(d);
    CHECK_LOAD_FAILS(path, MLP_ERR_FORMAT, path, "line 65538", "more than 65536 distinct labels");
}

static void test_csv_ragged_rows(void) {
    write_text(scratch_path("ragged.csv"), "label,a,b\n1,2,3\n1,2\n");
    CHECK_LOAD_FAILS(scratch_path("ragged.csv"), MLP_ERR_FORMAT, scratch_path("ragged.csv"),
                     "line 3", "2 columns, expected 3");
    write_text(scratch_path("ragged2.csv"), "1,2,3\n1,2,3,4\n");
    CHECK_LOAD_FAILS(scratch_path("ragged2.csv"), MLP_ERR_FORMAT, "line 2",
                     "4 columns, expected 3");
}

static void test_csv_empty_and_header_only(void) {
    write_text(scratch_path("empty.csv"), "");
    CHECK_LOAD_FAILS(scratch_path("empty.csv"), MLP_ERR_FORMAT, scratch_path("empty.csv"), "empty");
    write_text(scratch_path("blank.csv"), "\n\n  \n");
    CHECK_LOAD_FAILS(scratch_path("blank.csv"), MLP_ERR_FORMAT, "empty file");
    write_text(scratch_path("header.csv"), "label,a,b\n");
    CHECK_LOAD_FAILS(scratch_path("header.csv"), MLP_ERR_FORMAT, "no data rows");
}

static void test_csv_bad_label_option(void) {
    write_text(scratch_path("t.csv"), "label,a\n1,2\n");
    char source[600];
    snprintf(source, sizeof source, "%s,label=nosuch", scratch_path("t.csv"));
    CHECK_LOAD_FAILS(source, MLP_ERR_ARGUMENT, "label=nosuch", "no column");
    snprintf(source, sizeof source, "%s,label=5", scratch_path("t.csv"));
    CHECK_LOAD_FAILS(source, MLP_ERR_ARGUMENT, "label=5", "only 2 columns");
    snprintf(source, sizeof source, "%s,colour=red", scratch_path("t.csv"));
    CHECK_LOAD_FAILS(source, MLP_ERR_ARGUMENT, "two files"); /* colour=red is taken as a file */
    snprintf(source, sizeof source, "%s,header=maybe", scratch_path("t.csv"));
    CHECK_LOAD_FAILS(source, MLP_ERR_ARGUMENT, "bad value 'maybe'", "header");
}

/* A 20 MB Kaggle-style CSV: streamed, kept as bytes, so the peak memory is a fraction of the
 * file size (the file is never held whole). */
static void test_csv_large_file_streamed(void) {
    const char *path = scratch_path("large.csv");
    FILE *f = fopen(path, "w");
    CHECK(f);
    fputs("label", f);
    for (int j = 0; j < 784; j++)
        fprintf(f, ",pixel%d", j);
    fputc('\n', f);
    unsigned seed = 1;
    size_t rows = 7000;
    for (size_t i = 0; i < rows; i++) {
        fprintf(f, "%zu", i % 10);
        for (int j = 0; j < 784; j++) {
            seed = seed * 1103515245u + 12345u;
            fprintf(f, ",%u", (seed >> 16) % 256);
        }
        fputc('\n', f);
    }
    long size = ftell(f);
    fclose(f);
    long before = status_kib("VmHWM:");
    mlp_dataset *d = load_ok(path);
    long after = status_kib("VmHWM:");
    CHECK(d && mlp_dataset_count(d) == rows && mlp_dataset_bytes(d));
    fprintf(stderr, "  %ld-byte CSV: %zu bytes held, peak RSS grew by %ld KiB\n", size,
            mlp_dataset_memory(d), after - before);
#ifndef UNDER_ASAN
    CHECK((after - before) * 1024L < size / 2);
#endif
    mlp_dataset_free(d);
    remove(path);
}

int main(void) {
    scratch_init("csv");
    RUN_TEST(test_csv_kaggle_layout);
    RUN_TEST(test_csv_unlabelled_test_file);
    RUN_TEST(test_csv_string_labels_by_index_without_header);
    RUN_TEST(test_csv_label_by_name_and_float_switch);
    RUN_TEST(test_csv_integer_labels_sorted_numerically);
    RUN_TEST(test_csv_gzip_and_limit);
    RUN_TEST(test_csv_bad_cells);
    RUN_TEST(test_csv_many_distinct_labels);
    RUN_TEST(test_csv_ragged_rows);
    RUN_TEST(test_csv_empty_and_header_only);
    RUN_TEST(test_csv_bad_label_option);
    RUN_TEST(test_csv_large_file_streamed);
    scratch_cleanup();
    return harness_finish();
}
