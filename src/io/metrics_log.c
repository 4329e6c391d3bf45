#include "io/metrics_log.h"

#include "io/atomic_file.h"
#include "io/folders.h"
#include "util/error.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NUM_COLUMNS 9
/* Longer lines cannot come from the writer (nine %.6g numbers) and are refused as malformed. */
#define MAX_LINE 1024

struct mlp_metrics_log {
    FILE *file;
    char *path;
};

static const char *const column_names[NUM_COLUMNS] = {
    "epoch",          "step",     "lr",           "batch_size", "train_loss",
    "train_accuracy", "val_loss", "val_accuracy", "seconds"};

enum { EPOCH, STEP, LR, BATCH_SIZE, TRAIN_LOSS, TRAIN_ACCURACY, VAL_LOSS, VAL_ACCURACY, SECONDS };

/* Parses field [begin, end) of column c at `line` into *value (NAN when empty). */
static mlp_status parse_field(const char *begin, const char *end, int c, const char *name,
                              size_t line, double *value, mlp_error *err) {
    size_t len = (size_t)(end - begin);
    if (len == 0) {
        if (c == EPOCH || c == STEP || c == BATCH_SIZE)
            return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: field %d (%s) is empty", name, line,
                            c + 1, column_names[c]);
        *value = NAN;
        return MLP_OK;
    }
    char buf[64];
    char *stop = NULL;
    if (len < sizeof buf && !(begin[0] == ' ' || begin[0] == '\t')) {
        memcpy(buf, begin, len);
        buf[len] = '\0';
        *value = strtod(buf, &stop);
    }
    if (!stop || *stop != '\0' || stop == buf)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: field %d (%s): '%.*s' is not a number", name,
                        line, c + 1, column_names[c], len > 40 ? 40 : (int)len, begin);
    bool loss = c == TRAIN_LOSS || c == VAL_LOSS;
    if (!isfinite(*value)) {
        /* A diverged run logs its last loss as nan or inf: kept as a value not computed. */
        if (loss) {
            *value = NAN;
            return MLP_OK;
        }
        return mlp_fail(err, MLP_ERR_NUMERIC, "%s:%zu: field %d (%s): '%s' is not finite", name,
                        line, c + 1, column_names[c], buf);
    }
    if ((c == TRAIN_ACCURACY || c == VAL_ACCURACY) && (*value < 0 || *value > 1))
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s:%zu: field %d (%s): %s is outside [0, 1] (accuracy is a fraction)",
                        name, line, c + 1, column_names[c], buf);
    if (!loss && *value < 0)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: field %d (%s): %s is negative", name, line,
                        c + 1, column_names[c], buf);
    if ((c == STEP || c == BATCH_SIZE) && (*value != floor(*value) || *value >= 1.8e19))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: field %d (%s): %s is not a whole number",
                        name, line, c + 1, column_names[c], buf);
    return MLP_OK;
}

/* Parses one row [begin, end) (without its line end) of the nine columns. */
static mlp_status parse_row(const char *begin, const char *end, const char *name, size_t line,
                            mlp_metrics_row *row, mlp_error *err) {
    double v[NUM_COLUMNS];
    int c = 0;
    const char *field = begin;
    for (const char *p = begin;; p++) {
        if (p < end && *p != ',') continue;
        if (c == NUM_COLUMNS)
            return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: more than %d fields", name, line,
                            NUM_COLUMNS);
        MLP_TRY(parse_field(field, p, c, name, line, &v[c], err));
        c++;
        field = p + 1;
        if (p == end) break;
    }
    if (c != NUM_COLUMNS)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: %d fields, expected %d (%s)", name, line, c,
                        NUM_COLUMNS, MLP_METRICS_HEADER);
    *row = (mlp_metrics_row){v[EPOCH],      (uint64_t)v[STEP], v[LR],       (uint64_t)v[BATCH_SIZE],
                             v[TRAIN_LOSS], v[TRAIN_ACCURACY], v[VAL_LOSS], v[VAL_ACCURACY],
                             v[SECONDS]};
    return MLP_OK;
}

/* Calls visit (with the offset just past the row's newline) for every complete row, one ending
 * in a newline, in order, after checking the header; stops at the first fault (reported with
 * name and line number) or when visit returns false. */
static mlp_status for_each_row(const char *text, size_t len, const char *name,
                               bool (*visit)(const mlp_metrics_row *, size_t next, void *),
                               void *context, mlp_error *err) {
    size_t line = 0;
    for (size_t pos = 0; pos < len;) {
        line++;
        const char *begin = text + pos;
        const char *newline = memchr(begin, '\n', len - pos);
        if (!newline && line > 1) break; /* an incomplete last row: a write that was cut short */
        const char *end = newline ? newline : text + len;
        pos = (size_t)(end - text) + 1;
        if (end > begin && end[-1] == '\r') end--;
        size_t length = (size_t)(end - begin);
        if (memchr(begin, '\0', length))
            return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: NUL byte (not a text file)", name, line);
        if (length > MAX_LINE)
            return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: line longer than %d bytes", name, line,
                            MAX_LINE);
        if (line == 1) {
            if (length != strlen(MLP_METRICS_HEADER) ||
                memcmp(begin, MLP_METRICS_HEADER, length) != 0)
                return mlp_fail(err, MLP_ERR_FORMAT, "%s:1: header is '%.*s', expected '%s'", name,
                                length > 120 ? 120 : (int)length, begin, MLP_METRICS_HEADER);
            continue;
        }
        if (length == 0) return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: empty line", name, line);
        mlp_metrics_row row;
        MLP_TRY(parse_row(begin, end, name, line, &row, err));
        if (!visit(&row, pos, context)) break;
    }
    if (line == 0) return mlp_fail(err, MLP_ERR_FORMAT, "%s: empty file (no header)", name);
    return MLP_OK;
}

static mlp_status open_for_append(mlp_metrics_log **log, const char *path, mlp_error *err) {
    mlp_metrics_log *l = mlp_calloc(1, sizeof *l, err);
    if (!l) return MLP_ERR_MEMORY;
    l->path = strdup(path);
    l->file = l->path ? fopen(path, "ab") : NULL;
    if (!l->file) {
        mlp_status s = mlp_fail(err, l->path ? MLP_ERR_IO : MLP_ERR_MEMORY,
                                "%s: cannot open for appending: %s", path, strerror(errno));
        mlp_metrics_log_free(l);
        return s;
    }
    *log = l;
    return mlp_ok(err);
}

mlp_status mlp_metrics_log_create(mlp_metrics_log **log, const char *path, mlp_error *err) {
    *log = NULL;
    MLP_TRY(mlp_atomic_write_text(path, MLP_METRICS_HEADER "\n", err));
    return open_for_append(log, path, err);
}

typedef struct {
    uint64_t keep_through_step;
    size_t end_of_kept;
} keep_context;

static bool keep_row(const mlp_metrics_row *row, size_t next, void *context) {
    keep_context *k = context;
    if (row->step > k->keep_through_step) return false;
    k->end_of_kept = next;
    return true;
}

mlp_status mlp_metrics_log_resume(mlp_metrics_log **log, const char *path,
                                  uint64_t keep_through_step, mlp_error *err) {
    *log = NULL;
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) return mlp_metrics_log_create(log, path, err);
    char *text;
    size_t size;
    MLP_TRY(mlp_read_file(path, MLP_METRICS_MAX_BYTES, &text, &size, err));
    const char *newline = memchr(text, '\n', size);
    keep_context k = {keep_through_step, newline ? (size_t)(newline - text) + 1 : size};
    mlp_status status = for_each_row(text, size, path, keep_row, &k, err);
    if (status == MLP_OK && !newline) { /* just the header, cut short: start anew */
        free(text);
        return mlp_metrics_log_create(log, path, err);
    }
    /* Rewrite only when something is dropped, atomically, so a crash keeps one version. */
    if (status == MLP_OK && k.end_of_kept != size)
        status = mlp_atomic_write(path, text, k.end_of_kept, err);
    free(text);
    return status == MLP_OK ? open_for_append(log, path, err) : status;
}

/* A value in %.6g, or nothing when it was not computed. */
static void put_value(FILE *f, double value) {
    if (!isnan(value)) fprintf(f, "%.6g", value);
}

mlp_status mlp_metrics_log_append(mlp_metrics_log *log, const mlp_metrics_row *row,
                                  mlp_error *err) {
    FILE *f = log->file;
    fprintf(f, "%.6g,%" PRIu64 ",", row->epoch, row->step);
    put_value(f, row->lr);
    fprintf(f, ",%" PRIu64 ",", row->batch_size);
    put_value(f, row->train_loss);
    fputc(',', f);
    put_value(f, row->train_accuracy);
    fputc(',', f);
    put_value(f, row->val_loss);
    fputc(',', f);
    put_value(f, row->val_accuracy);
    fprintf(f, ",%.6g\n", row->seconds);
    if (fflush(f) != 0 || ferror(f))
        return mlp_fail(err, MLP_ERR_IO, "%s: cannot append a row: %s", log->path, strerror(errno));
    return mlp_ok(err);
}

void mlp_metrics_log_free(mlp_metrics_log *log) {
    if (!log) return;
    if (log->file) fclose(log->file);
    free(log->path);
    free(log);
}

typedef struct {
    mlp_metrics_row *rows;
    size_t count, capacity;
    bool out_of_memory;
} row_list;

static bool collect_row(const mlp_metrics_row *row, size_t next, void *context) {
    row_list *list = context;
    (void)next;
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? 2 * list->capacity : 64;
        mlp_metrics_row *bigger = realloc(list->rows, capacity * sizeof *bigger);
        if (!bigger) return !(list->out_of_memory = true);
        list->rows = bigger;
        list->capacity = capacity;
    }
    list->rows[list->count++] = *row;
    return true;
}

mlp_status mlp_metrics_parse(const char *text, size_t len, const char *name, mlp_metrics_row **rows,
                             size_t *count, mlp_error *err) {
    *rows = NULL;
    *count = 0;
    row_list list = {0};
    mlp_status status = for_each_row(text, len, name, collect_row, &list, err);
    if (status == MLP_OK && list.out_of_memory)
        status = mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory reading rows", name);
    if (status != MLP_OK) {
        free(list.rows);
        return status;
    }
    *rows = list.rows;
    *count = list.count;
    return mlp_ok(err);
}

mlp_status mlp_metrics_read(const char *path, mlp_metrics_row **rows, size_t *count,
                            mlp_error *err) {
    *rows = NULL;
    *count = 0;
    char *text;
    size_t size;
    MLP_TRY(mlp_read_file(path, MLP_METRICS_MAX_BYTES, &text, &size, err));
    mlp_status status = mlp_metrics_parse(text, size, path, rows, count, err);
    free(text);
    return status;
}
