/* CSV tables, streamed line by line (plain or gzip): one sample per row, one feature per column,
 * optionally a header row and a label column. Values are kept as bytes while every cell is an
 * integer 0..255 (pixels), switching to float32 at the first cell that is not. */
#include "data/dataset.h"
#include "data/labels.h"
#include "data/source.h"
#include "data/stream.h"
#include "util/error.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CSV_MAX_LINE ((size_t)1 << 28)
#define CSV_CHUNK ((size_t)1 << 16)

typedef struct {
    char *text;
    size_t length;
} csv_field;

typedef struct {
    data_stream st;
    char *chunk;
    size_t chunk_size, chunk_length, chunk_position;
    char *line;
    size_t line_length, line_capacity;
    size_t line_number; /* 1-based number of the line in `line` */
    csv_field *fields;
    size_t num_fields, fields_capacity;
    char **header; /* column names when there is a header row */
    size_t header_columns;
} csv_reader;

/* A copy of text[0..length) that keeps NUL bytes (strdup would stop at the first). */
static char *copy_line(const char *text, size_t length) {
    char *copy = malloc(length + 1);
    if (copy) {
        memcpy(copy, text, length);
        copy[length] = '\0';
    }
    return copy;
}

/* Reads the next line into r->line without its end of line; *got is false at the end. */
static mlp_status read_line(csv_reader *r, bool *got, mlp_error *err) {
    r->line_length = 0;
    *got = false;
    for (;;) {
        if (r->chunk_position == r->chunk_length) {
            MLP_TRY(data_stream_read_some(&r->st, r->chunk, r->chunk_size, &r->chunk_length, err));
            r->chunk_position = 0;
            if (r->chunk_length == 0) break;
            *got = true;
        }
        char *start = r->chunk + r->chunk_position;
        size_t available = r->chunk_length - r->chunk_position;
        char *newline = memchr(start, '\n', available);
        size_t take = newline ? (size_t)(newline - start) : available;
        if (r->line_length + take + 1 > r->line_capacity) {
            if (r->line_length + take + 1 > CSV_MAX_LINE)
                return mlp_fail(err, MLP_ERR_FORMAT, "%s: line %zu: longer than %zu bytes",
                                r->st.path, r->line_number + 1, CSV_MAX_LINE);
            size_t capacity = 2 * (r->line_length + take + 1);
            char *line = realloc(r->line, capacity);
            if (!line) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory for a CSV line");
            r->line = line;
            r->line_capacity = capacity;
        }
        memcpy(r->line + r->line_length, start, take);
        r->line_length += take;
        r->chunk_position += take + (newline ? 1 : 0);
        *got = true;
        if (newline) break;
    }
    if (*got) r->line_number++;
    if (r->line_length > 0 && r->line[r->line_length - 1] == '\r') r->line_length--;
    if (r->line) r->line[r->line_length] = '\0';
    return MLP_OK;
}

/* Reads lines until one that is not blank. */
static mlp_status read_nonblank_line(csv_reader *r, bool *got, mlp_error *err) {
    do {
        MLP_TRY(read_line(r, got, err));
        size_t i = 0;
        while (i < r->line_length && isspace((unsigned char)r->line[i]))
            i++;
        if (i < r->line_length) return MLP_OK;
    } while (*got);
    return MLP_OK;
}

/* Cuts line[0..length) into fields in place: ',' separated, '"' quoted with "" for a quote. */
static mlp_status split_fields(csv_reader *r, char *line, size_t length, size_t line_number,
                               mlp_error *err) {
    r->num_fields = 0;
    char *p = line, *end = line + length;
    for (;;) {
        if (r->num_fields == r->fields_capacity) {
            if (r->num_fields > DATA_MAX_FEATURES)
                return mlp_fail(err, MLP_ERR_FORMAT, "%s: line %zu: more than %zu columns",
                                r->st.path, line_number, DATA_MAX_FEATURES);
            size_t capacity = r->fields_capacity ? 2 * r->fields_capacity : 64;
            csv_field *fields = realloc(r->fields, capacity * sizeof *fields);
            if (!fields) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory for CSV fields");
            r->fields = fields;
            r->fields_capacity = capacity;
        }
        csv_field *f = &r->fields[r->num_fields++];
        f->text = p;
        char *next;
        if (p < end && *p == '"') {
            char *w = p, *q = p + 1;
            for (;;) {
                if (q == end)
                    return mlp_fail(err, MLP_ERR_FORMAT, "%s: line %zu, column %zu: unclosed quote",
                                    r->st.path, line_number, r->num_fields);
                if (*q == '"') {
                    if (q + 1 < end && q[1] == '"') {
                        *w++ = '"';
                        q += 2;
                        continue;
                    }
                    q++;
                    break;
                }
                *w++ = *q++;
            }
            while (q < end && (*q == ' ' || *q == '\t'))
                q++;
            if (q < end && *q != ',')
                return mlp_fail(err, MLP_ERR_FORMAT,
                                "%s: line %zu, column %zu: text after a closing quote", r->st.path,
                                line_number, r->num_fields);
            f->length = (size_t)(w - p);
            next = q;
        } else {
            next = memchr(p, ',', (size_t)(end - p));
            if (!next) next = end;
            f->length = (size_t)(next - p);
        }
        f->text[f->length] = '\0'; /* over the comma, the quote or the line's terminator */
        if (next == end) return MLP_OK;
        p = next + 1;
    }
}

/* A cell as a number: fast path for plain integers, strtod otherwise. */
static bool parse_number(const char *s, size_t length, double *value) {
    while (length > 0 && isspace((unsigned char)*s))
        s++, length--;
    while (length > 0 && isspace((unsigned char)s[length - 1]))
        length--;
    if (length == 0) return false;
    if (length <= 9) {
        uint32_t v = 0;
        size_t i = 0;
        while (i < length && s[i] >= '0' && s[i] <= '9')
            v = v * 10 + (uint32_t)(s[i++] - '0');
        if (i == length) {
            *value = v;
            return true;
        }
    }
    char *end;
    errno = 0;
    *value = strtod(s, &end);
    return end == s + length;
}

static bool is_number(const csv_field *f) {
    double v;
    return parse_number(f->text, f->length, &v);
}

static void free_header(csv_reader *r) {
    dataset_free_names(r->header, r->header_columns);
    r->header = NULL;
    r->header_columns = 0;
}

static mlp_status keep_header(csv_reader *r, mlp_error *err) {
    r->header = mlp_calloc(r->num_fields, sizeof *r->header, err);
    if (!r->header) return MLP_ERR_MEMORY;
    r->header_columns = r->num_fields;
    for (size_t j = 0; j < r->num_fields; j++) {
        char name[256];
        label_canonical(r->fields[j].text, r->fields[j].length, name, sizeof name);
        r->header[j] = strdup(name);
        if (!r->header[j]) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory for the header");
    }
    return MLP_OK;
}

/* The label column from the label= option: -1 for none. */
static mlp_status find_label_column(csv_reader *r, const char *option, size_t columns, long *column,
                                    mlp_error *err) {
    *column = -1;
    if (option && strcmp(option, "none") == 0) return MLP_OK;
    for (size_t j = 0; j < r->header_columns; j++) {
        bool match =
            option ? strcmp(r->header[j], option) == 0 : strcasecmp(r->header[j], "label") == 0;
        if (match) {
            *column = (long)j;
            return MLP_OK;
        }
    }
    if (!option) return MLP_OK;
    char *end;
    errno = 0;
    unsigned long index = strtoul(option, &end, 10);
    if (!isdigit((unsigned char)*option) || *end || errno)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: label=%s: no column of that name%s", r->st.path,
                        option, r->header ? "" : " (there is no header row)");
    if (index >= columns)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: label=%s: there are only %zu columns",
                        r->st.path, option, columns);
    *column = (long)index;
    return MLP_OK;
}

typedef struct {
    mlp_dataset *d;
    size_t capacity; /* rows allocated */
    long label_column;
    size_t columns;
    int32_t *labels;
    label_table table;
} csv_table;

static mlp_status grow(csv_table *t, size_t rows, mlp_error *err) {
    mlp_dataset *d = t->d;
    size_t bytes, value_size = dataset_value_size(d);
    MLP_TRY(dataset_check_size(rows, d->features, value_size, d->source, "table", &bytes, err));
    void *values = realloc(d->bytes ? (void *)d->bytes : (void *)d->floats, bytes);
    if (!values) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory for %zu CSV rows", rows);
    if (d->bytes)
        d->bytes = values;
    else
        d->floats = values;
    if (t->label_column >= 0) {
        int32_t *labels = realloc(t->labels, rows * sizeof *labels);
        if (!labels) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory for CSV labels");
        t->labels = labels;
    }
    t->capacity = rows;
    return MLP_OK;
}

/* The first cell that is not a byte: the rows so far become float32. */
static mlp_status switch_to_floats(csv_table *t, mlp_error *err) {
    mlp_dataset *d = t->d;
    float *floats = mlp_calloc(t->capacity * d->features, sizeof *floats, err);
    if (!floats) return MLP_ERR_MEMORY;
    size_t n = (d->count + 1) * d->features; /* the current row is partly filled */
    for (size_t i = 0; i < n; i++)
        floats[i] = d->bytes[i];
    free(d->bytes);
    d->bytes = NULL;
    d->floats = floats;
    return MLP_OK;
}

static mlp_status add_row(csv_reader *r, csv_table *t, size_t line_number, mlp_error *err) {
    mlp_dataset *d = t->d;
    if (r->num_fields != t->columns)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: line %zu: %zu columns, expected %zu (ragged row)",
                        r->st.path, line_number, r->num_fields, t->columns);
    if (d->count == t->capacity) MLP_TRY(grow(t, t->capacity + t->capacity / 2 + 64, err));
    size_t j_out = 0, base = d->count * d->features;
    for (size_t j = 0; j < r->num_fields; j++) {
        csv_field *f = &r->fields[j];
        if ((long)j == t->label_column) {
            char name[256], where[600];
            label_canonical(f->text, f->length, name, sizeof name);
            if (!name[0])
                return mlp_fail(err, MLP_ERR_FORMAT, "%s: line %zu, column %zu: empty label",
                                r->st.path, line_number, j + 1);
            snprintf(where, sizeof where, "%.500s: line %zu", r->st.path, line_number);
            MLP_TRY(label_table_intern(&t->table, name, &t->labels[d->count], where, err));
            continue;
        }
        double v;
        if (!parse_number(f->text, f->length, &v))
            return mlp_fail(err, MLP_ERR_FORMAT,
                            "%s: line %zu, column %zu%s%s: '%.40s' is not a number", r->st.path,
                            line_number, j + 1, r->header ? " " : "", r->header ? r->header[j] : "",
                            f->text);
        if (!isfinite(v) || fabs(v) > 3.4e38)
            return mlp_fail(err, MLP_ERR_NUMERIC,
                            "%s: line %zu, column %zu%s%s: '%.40s' is not a finite number",
                            r->st.path, line_number, j + 1, r->header ? " " : "",
                            r->header ? r->header[j] : "", f->text);
        if (d->bytes && (v != floor(v) || v < 0 || v > 255)) MLP_TRY(switch_to_floats(t, err));
        if (d->bytes)
            d->bytes[base + j_out] = (uint8_t)v;
        else
            d->floats[base + j_out] = (float)v;
        j_out++;
    }
    d->count++;
    return MLP_OK;
}

/* Header row or not (header=auto): yes when a column is not a number in the first row but is
 * one in the second (or, with one row only, when any column is not a number). */
static mlp_status decide_header(csv_reader *r, char *first, size_t first_length, bool have_second,
                                bool *header, mlp_error *err) {
    if (!have_second) {
        MLP_TRY(split_fields(r, first, first_length, 1, err));
        *header = false;
        for (size_t j = 0; j < r->num_fields && !*header; j++)
            *header = !is_number(&r->fields[j]);
        return MLP_OK;
    }
    char *second = copy_line(
        r->line, r->line_length); /* splitting cuts the text; the line is read again later */
    if (!second) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory for a CSV line");
    mlp_status s = split_fields(r, second, r->line_length, r->line_number, err);
    size_t n = r->num_fields;
    bool *numeric = s == MLP_OK ? mlp_calloc(n, sizeof *numeric, err) : NULL;
    if (s == MLP_OK && !numeric) s = MLP_ERR_MEMORY;
    for (size_t j = 0; s == MLP_OK && j < n; j++)
        numeric[j] = is_number(&r->fields[j]);
    free(second);
    if (s == MLP_OK) s = split_fields(r, first, first_length, 1, err);
    *header = false;
    for (size_t j = 0; s == MLP_OK && j < r->num_fields && j < n && !*header; j++)
        *header = numeric[j] && !is_number(&r->fields[j]);
    free(numeric);
    return s;
}

static mlp_status read_table(csv_reader *r, const data_source *src, csv_table *t, mlp_error *err) {
    mlp_dataset *d = t->d;
    bool got;
    MLP_TRY(read_nonblank_line(r, &got, err));
    if (!got) return mlp_fail(err, MLP_ERR_FORMAT, "%s: empty file (no rows)", r->st.path);
    size_t first_line = r->line_number, first_length = r->line_length;
    char *first = copy_line(r->line, r->line_length);
    if (!first) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory for a CSV line");
    bool have_second = false, header = false;
    mlp_status s = read_nonblank_line(r, &have_second, err);
    if (s == MLP_OK) {
        if (src->header >= 0) {
            header = src->header == 1;
            s = split_fields(r, first, first_length, first_line, err);
        } else {
            s = decide_header(r, first, first_length, have_second, &header, err);
        }
    }
    /* r->fields now describe `first`. */
    t->columns = r->num_fields;
    if (s == MLP_OK && header) s = keep_header(r, err);
    if (s == MLP_OK) s = find_label_column(r, src->label, t->columns, &t->label_column, err);
    if (s == MLP_OK) {
        d->features = t->columns - (t->label_column >= 0 ? 1 : 0);
        if (d->features == 0)
            s = mlp_fail(err, MLP_ERR_FORMAT, "%s: line %zu: no feature columns", r->st.path,
                         first_line);
    }
    if (s == MLP_OK) {
        d->bytes = malloc(1); /* start as bytes; grow() sizes it */
        if (!d->bytes) s = mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    }
    /* Reserve for the rows a plain file of this size probably holds, to avoid re-growing (the
     * first data row's length is the estimate; a header's may differ a lot). */
    size_t row_length = header && have_second ? r->line_length : first_length;
    if (s == MLP_OK && !r->st.gzip)
        s = grow(t, (size_t)(r->st.file_size / (row_length + 1)) + 1, err);
    if (s == MLP_OK && !header) s = add_row(r, t, first_line, err);
    free(first);
    size_t limit = src->limit ? src->limit : SIZE_MAX;
    for (got = have_second; s == MLP_OK && got && d->count < limit;) {
        s = split_fields(r, r->line, r->line_length, r->line_number, err);
        if (s == MLP_OK) s = add_row(r, t, r->line_number, err);
        if (s == MLP_OK) s = read_nonblank_line(r, &got, err);
    }
    if (s == MLP_OK && d->count == 0)
        s = mlp_fail(err, MLP_ERR_FORMAT, "%s: no data rows after the header", r->st.path);
    return s;
}

mlp_status csv_load(mlp_dataset *d, const data_source *src, mlp_error *err) {
    d->format = "csv";
    csv_reader r = {0};
    csv_table t = {.d = d, .label_column = -1};
    MLP_TRY(data_stream_open(&r.st, src->files[0], err));
    mlp_status s = MLP_OK;
    /* A chunk larger than the content is never filled. */
    uint64_t capacity = data_stream_capacity(&r.st);
    r.chunk_size = capacity < CSV_CHUNK ? (size_t)capacity : CSV_CHUNK;
    r.chunk = malloc(r.chunk_size);
    if (!r.chunk) s = mlp_fail(err, MLP_ERR_MEMORY, "out of memory for the CSV reader");
    if (s == MLP_OK) s = read_table(&r, src, &t, err);
    if (s == MLP_OK) s = grow(&t, d->count, err); /* give back the unused reserve */
    if (s == MLP_OK && t.label_column >= 0) {
        s = label_table_finish(&t.table, t.labels, d->count, d, err);
        if (s == MLP_OK) t.labels = NULL;
    }
    free(t.labels);
    label_table_free(&t.table);
    free_header(&r);
    free(r.fields);
    free(r.line);
    free(r.chunk);
    data_stream_close(&r.st);
    return s;
}
