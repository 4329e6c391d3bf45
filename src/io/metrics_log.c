#include "io/metrics_log.h"

#include "io/atomic_file.h"
#include "util/error.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM_COLUMNS 9
/* A metrics file larger than this is refused (a row is under 150 bytes; a long run logs a few
 * hundred thousand rows at most). */
#define MAX_METRICS_BYTES ((size_t)1 << 30)

struct mlp_metrics_log {
    FILE *file;
    char *path;
};

/* Reads the whole file into a NUL-terminated buffer; *missing is set when it does not exist. */
static mlp_status read_text(const char *path, char **text, size_t *size, bool *missing,
                            mlp_error *err) {
    *text = NULL;
    *missing = false;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *missing = errno == ENOENT;
        return mlp_fail(err, MLP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    size_t capacity = 1 << 16, n = 0, got;
    char *buffer = malloc(capacity + 1);
    while (buffer && (got = fread(buffer + n, 1, capacity - n, f)) > 0) {
        n += got;
        if (n == capacity) {
            char *bigger = capacity < MAX_METRICS_BYTES ? realloc(buffer, 2 * capacity + 1) : NULL;
            if (!bigger) break;
            buffer = bigger;
            capacity *= 2;
        }
    }
    bool failed = !buffer || ferror(f) || n == capacity;
    fclose(f);
    if (failed) {
        free(buffer);
        return mlp_fail(err, MLP_ERR_IO, "%s: cannot read (too large or read error)", path);
    }
    buffer[n] = '\0';
    *text = buffer;
    *size = n;
    return MLP_OK;
}

/* A field: empty means NAN; otherwise a number that uses the whole field. */
static bool parse_field(const char *begin, const char *end, double *value) {
    if (begin == end) {
        *value = NAN;
        return true;
    }
    char field[64];
    size_t n = (size_t)(end - begin);
    if (n >= sizeof field) return false;
    memcpy(field, begin, n);
    field[n] = '\0';
    char *stop;
    *value = strtod(field, &stop);
    return *stop == '\0' && stop != field;
}

/* Parses one row (without its newline) of the nine columns. step and batch_size must be
 * non-negative integers. */
static bool parse_row(const char *line, const char *line_end, mlp_metrics_row *row) {
    double values[NUM_COLUMNS];
    const char *p = line;
    for (int c = 0; c < NUM_COLUMNS; c++) {
        const char *comma = memchr(p, ',', (size_t)(line_end - p));
        const char *end = c < NUM_COLUMNS - 1 ? comma : line_end;
        if (!end || (c == NUM_COLUMNS - 1 && comma) || !parse_field(p, end, &values[c]))
            return false;
        p = end + 1;
    }
    for (int c = 1; c <= 3; c += 2) /* step, batch_size */
        if (!(values[c] >= 0 && values[c] < 1.8e19) || values[c] != floor(values[c])) return false;
    *row = (mlp_metrics_row){values[0],           (uint64_t)values[1], values[2],
                             (uint64_t)values[3], values[4],           values[5],
                             values[6],           values[7],           values[8]};
    return true;
}

/* Checks the header line of text; returns the start of the first row or NULL. */
static const char *after_header(const char *text) {
    size_t n = strlen(MLP_METRICS_HEADER);
    if (strncmp(text, MLP_METRICS_HEADER, n) != 0) return NULL;
    if (text[n] == '\r') n++;
    return text[n] == '\n' ? text + n + 1 : NULL;
}

/* Calls visit (with the start of the next line) for every complete row, one ending in a newline,
 * in order; stops at the first that does not parse (reported with its line number) or when visit
 * returns false. */
static mlp_status for_each_row(const char *path, const char *text,
                               bool (*visit)(const mlp_metrics_row *, const char *next, void *),
                               void *context, mlp_error *err) {
    const char *p = after_header(text);
    if (!p)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s:1: not a metrics.csv header (expected %s)", path,
                        MLP_METRICS_HEADER);
    for (size_t line = 2;; line++) {
        const char *newline = strchr(p, '\n');
        if (!newline) return MLP_OK; /* an incomplete last line: a write that was cut short */
        const char *end = newline > p && newline[-1] == '\r' ? newline - 1 : newline;
        mlp_metrics_row row;
        if (!parse_row(p, end, &row))
            return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: malformed row (expected %d fields: %s)",
                            path, line, NUM_COLUMNS, MLP_METRICS_HEADER);
        if (!visit(&row, newline + 1, context)) return MLP_OK;
        p = newline + 1;
    }
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
    const char *end_of_kept;
} keep_context;

static bool keep_row(const mlp_metrics_row *row, const char *next, void *context) {
    keep_context *k = context;
    if (row->step > k->keep_through_step) return false;
    k->end_of_kept = next;
    return true;
}

mlp_status mlp_metrics_log_resume(mlp_metrics_log **log, const char *path,
                                  uint64_t keep_through_step, mlp_error *err) {
    *log = NULL;
    char *text;
    size_t size;
    bool missing;
    mlp_error inner;
    if (read_text(path, &text, &size, &missing, &inner) != MLP_OK) {
        if (missing) return mlp_metrics_log_create(log, path, err);
        if (err) *err = inner;
        return inner.status;
    }
    keep_context k = {keep_through_step, after_header(text)};
    mlp_status status = for_each_row(path, text, keep_row, &k, err);
    /* Rewrite only when something is dropped, atomically, so a crash keeps one version. */
    if (status == MLP_OK && (size_t)(k.end_of_kept - text) != size)
        status = mlp_atomic_write(path, text, (size_t)(k.end_of_kept - text), err);
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

static bool collect_row(const mlp_metrics_row *row, const char *next, void *context) {
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

mlp_status mlp_metrics_read(const char *path, mlp_metrics_row **rows, size_t *count,
                            mlp_error *err) {
    *rows = NULL;
    *count = 0;
    char *text;
    size_t size;
    bool missing;
    MLP_TRY(read_text(path, &text, &size, &missing, err));
    row_list list = {0};
    mlp_status status = for_each_row(path, text, collect_row, &list, err);
    free(text);
    if (status == MLP_OK && list.out_of_memory)
        status = mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory reading rows", path);
    if (status != MLP_OK) {
        free(list.rows);
        return status;
    }
    *rows = list.rows;
    *count = list.count;
    return mlp_ok(err);
}
