/* A data source string parsed: "FILE[,FILE2][,key=value...]" (see docs/data.md). */
#ifndef MLP_DATA_SOURCE_H
#define MLP_DATA_SOURCE_H

#include "mlp.h"

typedef enum { FORMAT_AUTO, FORMAT_IDX, FORMAT_CSV, FORMAT_MAT } data_format;

typedef struct {
    char *text; /* a private copy, cut into the strings below */
    const char *files[2];
    size_t num_files;
    data_format format;
    const char *label;   /* CSV label column: NULL = auto, "none", a name or a 0-based index */
    int header;          /* CSV header row: -1 auto, 0 no, 1 yes */
    const char *x, *y;   /* .mat variables; y NULL = "<x without _x>_y" if present */
    int samples_in_cols; /* .mat orientation: -1 auto, 0 rows are samples, 1 columns are */
    size_t shape_rows, shape_cols;
    size_t limit;        /* 0 = all */
    const char *classes; /* NULL = all */
    bool transpose;      /* images stored column by column (EMNIST) */
} data_source;

mlp_status data_source_parse(data_source *source, const char *text, mlp_error *err);
void data_source_free(data_source *source);

/* The format a file's first bytes show (gzip already undone): IDX magic, "MATLAB " or an HDF5
 * signature, else text taken as CSV; FORMAT_AUTO for binary content none of these claim. */
data_format data_detect_format(const unsigned char *head, size_t length);

/* The readers: fill dataset (values, shape, labels through label_table_finish) from source. */
mlp_status idx_load(mlp_dataset *dataset, const data_source *source, mlp_error *err);
mlp_status csv_load(mlp_dataset *dataset, const data_source *source, mlp_error *err);
mlp_status mat_load(mlp_dataset *dataset, const data_source *source, mlp_error *err);

#endif
