/* metrics.csv of a run folder: the header line
 *   epoch,step,lr,batch_size,train_loss,train_accuracy,val_loss,val_accuracy,seconds
 * then one row per log event, each written and flushed at once. Numbers use %.6g; a value that
 * was not computed (NAN in mlp_metrics_row) is an empty field. On resume the log is reopened
 * keeping only the rows up to the checkpoint's step, so no row is ever duplicated. */
#ifndef MLP_IO_METRICS_LOG_H
#define MLP_IO_METRICS_LOG_H

#include "mlp.h"

#include <stddef.h>
#include <stdint.h>

#define MLP_METRICS_HEADER                                                                         \
    "epoch,step,lr,batch_size,train_loss,train_accuracy,val_loss,val_accuracy,seconds"

typedef struct {
    double epoch; /* 1-based epoch just finished, or fractional for every-N-steps rows */
    uint64_t step;
    double lr;
    uint64_t batch_size;
    double train_loss, train_accuracy; /* NAN: not computed, empty field */
    double val_loss, val_accuracy;     /* NAN: not computed, empty field */
    double seconds;                    /* training seconds so far */
} mlp_metrics_row;

typedef struct mlp_metrics_log mlp_metrics_log;

/* Starts a new log at path (replacing any file there atomically) holding just the header. */
mlp_status mlp_metrics_log_create(mlp_metrics_log **log, const char *path, mlp_error *err);

/* Reopens the log of a run being resumed: keeps the header and the rows whose step is at most
 * keep_through_step, drops later rows and any incomplete last line (rewritten atomically), and
 * appends after them. A missing file is started anew; a file with another header is an error. */
mlp_status mlp_metrics_log_resume(mlp_metrics_log **log, const char *path,
                                  uint64_t keep_through_step, mlp_error *err);

/* Appends one row and flushes it to the file. */
mlp_status mlp_metrics_log_append(mlp_metrics_log *log, const mlp_metrics_row *row, mlp_error *err);

/* Closes the log (NULL is fine). */
void mlp_metrics_log_free(mlp_metrics_log *log);

/* metrics.csv files are refused beyond this size (a row is under 150 bytes; a long run logs a
 * few hundred thousand rows at most). */
#define MLP_METRICS_MAX_BYTES ((size_t)1 << 30)

/* Parses len bytes of metrics.csv text into *rows (malloc'ed, caller frees; NULL and 0 on
 * failure); name is used in messages ("name:line: ..."). Checks the header (a CRLF line end is
 * accepted), nine fields per row, numbers, epoch, step and batch_size present, step and
 * batch_size whole, accuracies in [0, 1], and no negative number but a loss. An empty field
 * comes back as NAN, and so does a loss logged as nan or inf (a diverged run). A last line
 * without its newline is a write cut short and is skipped. A fault is an MLP_ERR_FORMAT (a
 * non-finite value other than a loss: MLP_ERR_NUMERIC) naming name:line and the field. */
mlp_status mlp_metrics_parse(const char *text, size_t len, const char *name, mlp_metrics_row **rows,
                             size_t *count, mlp_error *err);

/* Reads the metrics.csv at path with mlp_metrics_parse. */
mlp_status mlp_metrics_read(const char *path, mlp_metrics_row **rows, size_t *count,
                            mlp_error *err);

#endif
