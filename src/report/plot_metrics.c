#include "report/plot_metrics.h"

#include "util/error.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char METRICS_HEADER[] =
    "epoch,step,lr,batch_size,train_loss,train_accuracy,val_loss,val_accuracy,seconds";

/* Longer lines cannot come from the writer (nine %.6g numbers) and are refused as malformed. */
#define METRICS_MAX_LINE 1024
/* A metrics file logged every step of a very long run stays far below this. */
#define METRICS_MAX_BYTES ((size_t)512 << 20)

static const char *column_name(size_t column) {
    static const char *const names[METRICS_COLUMNS] = {
        "epoch",          "step",     "lr",           "batch_size", "train_loss",
        "train_accuracy", "val_loss", "val_accuracy", "seconds"};
    return names[column];
}

static bool is_loss(size_t column) {
    return column == METRICS_TRAIN_LOSS || column == METRICS_VAL_LOSS;
}

static bool is_accuracy(size_t column) {
    return column == METRICS_TRAIN_ACCURACY || column == METRICS_VAL_ACCURACY;
}

/* Parses one field [begin, end) of row `line` into *value (NAN when empty). */
static mlp_status parse_field(const char *begin, const char *end, size_t column, const char *name,
                              size_t line, double *value, mlp_error *err) {
    size_t len = (size_t)(end - begin);
    if (len == 0) {
        if (column == METRICS_EPOCH || column == METRICS_STEP)
            return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: field %zu (%s) is empty", name, line,
                            column + 1, column_name(column));
        *value = NAN;
        return MLP_OK;
    }
    char buf[64];
    char *stop = NULL;
    if (len < sizeof buf && !(begin[0] == ' ' || begin[0] == '\t')) {
        memcpy(buf, begin, len);
        buf[len] = '\0';
        errno = 0;
        *value = strtod(buf, &stop);
    }
    if (!stop || *stop != '\0' || stop == buf)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: field %zu (%s): '%.*s' is not a number", name,
                        line, column + 1, column_name(column), len > 40 ? 40 : (int)len, begin);
    if (!isfinite(*value)) {
        /* A diverged run logs its last loss as nan or inf: kept as "not drawn". */
        if (is_loss(column)) {
            *value = NAN;
            return MLP_OK;
        }
        return mlp_fail(err, MLP_ERR_NUMERIC, "%s:%zu: field %zu (%s): '%s' is not finite", name,
                        line, column + 1, column_name(column), buf);
    }
    if (is_accuracy(column) && (*value < 0 || *value > 1))
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s:%zu: field %zu (%s): %s is outside [0, 1] (accuracy is a fraction)",
                        name, line, column + 1, column_name(column), buf);
    if (!is_loss(column) && *value < 0)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: field %zu (%s): %s is negative", name, line,
                        column + 1, column_name(column), buf);
    return MLP_OK;
}

static mlp_status parse_row(const char *begin, const char *end, const char *name, size_t line,
                            metrics_row *row, mlp_error *err) {
    size_t column = 0;
    const char *field = begin;
    for (const char *p = begin;; p++) {
        if (p < end && *p != ',') continue;
        if (column == METRICS_COLUMNS)
            return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: more than %d fields", name, line,
                            METRICS_COLUMNS);
        MLP_TRY(parse_field(field, p, column, name, line, &row->value[column], err));
        column++;
        field = p + 1;
        if (p == end) break;
    }
    if (column != METRICS_COLUMNS)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: %zu fields, expected %d (%s)", name, line,
                        column, METRICS_COLUMNS, METRICS_HEADER);
    return MLP_OK;
}

static mlp_status parse_lines(metrics_table *table, const char *text, size_t len, const char *name,
                              mlp_error *err) {
    size_t capacity = 0;
    size_t line = 0;
    for (size_t pos = 0; pos < len;) {
        line++;
        const char *begin = text + pos;
        const char *newline = memchr(begin, '\n', len - pos);
        const char *end = newline ? newline : text + len;
        pos = (size_t)(end - text) + (newline ? 1 : 0);
        if (end > begin && end[-1] == '\r') end--;
        size_t length = (size_t)(end - begin);
        if (memchr(begin, '\0', length))
            return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: NUL byte (not a text file)", name, line);
        if (length > METRICS_MAX_LINE)
            return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: line longer than %d bytes", name, line,
                            METRICS_MAX_LINE);
        if (line == 1) {
            if (length != strlen(METRICS_HEADER) || memcmp(begin, METRICS_HEADER, length) != 0)
                return mlp_fail(err, MLP_ERR_FORMAT, "%s:1: header is '%.*s', expected '%s'", name,
                                length > 120 ? 120 : (int)length, begin, METRICS_HEADER);
            continue;
        }
        if (length == 0) {
            if (pos >= len) break; /* a final empty line */
            return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: empty line", name, line);
        }
        if (table->num_rows == capacity) {
            size_t grown = capacity ? 2 * capacity : 64;
            metrics_row *rows = realloc(table->rows, grown * sizeof *rows);
            if (!rows) return mlp_fail(err, MLP_ERR_MEMORY, "%s:%zu: out of memory", name, line);
            table->rows = rows;
            capacity = grown;
        }
        MLP_TRY(parse_row(begin, end, name, line, &table->rows[table->num_rows], err));
        table->num_rows++;
    }
    if (line == 0) return mlp_fail(err, MLP_ERR_FORMAT, "%s: empty file (no header)", name);
    return mlp_ok(err);
}

mlp_status metrics_parse(metrics_table *table, const char *text, size_t len, const char *name,
                         mlp_error *err) {
    table->rows = NULL;
    table->num_rows = 0;
    mlp_status status = parse_lines(table, text, len, name, err);
    if (status != MLP_OK) metrics_free(table);
    return status;
}

mlp_status metrics_read(metrics_table *table, const char *path, mlp_error *err) {
    table->rows = NULL;
    table->num_rows = 0;
    FILE *file = fopen(path, "rb");
    if (!file) return mlp_fail(err, MLP_ERR_IO, "%s: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, capacity = 0;
    mlp_status status = MLP_OK;
    for (;;) {
        if (len == capacity) {
            if (capacity >= METRICS_MAX_BYTES) {
                status = mlp_fail(err, MLP_ERR_FORMAT, "%s: larger than %zu bytes", path,
                                  METRICS_MAX_BYTES);
                break;
            }
            size_t grown = capacity ? 2 * capacity : 1 << 16;
            char *bigger = realloc(text, grown);
            if (!bigger) {
                status = mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory", path);
                break;
            }
            text = bigger;
            capacity = grown;
        }
        size_t got = fread(text + len, 1, capacity - len, file);
        len += got;
        if (got == 0) {
            if (ferror(file)) status = mlp_fail(err, MLP_ERR_IO, "%s: read error", path);
            break;
        }
    }
    fclose(file);
    if (status == MLP_OK) status = metrics_parse(table, text, len, path, err);
    free(text);
    return status;
}

void metrics_free(metrics_table *table) {
    if (!table) return;
    free(table->rows);
    table->rows = NULL;
    table->num_rows = 0;
}
