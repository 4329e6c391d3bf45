#include "sweep/results.h"

#include "io/atomic_file.h"
#include "sweep/outcome.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FIGURE_FINAL_VAL, FIGURE_BEST_VAL, FIGURE_TEST, FIGURE_EPOCHS, FIGURE_SECONDS, NUM_FIGURES };

static const struct {
    const char *title; /* Markdown column */
    const char *name;  /* CSV column prefix */
    const char *format;
} figures[NUM_FIGURES] = {
    {"final val acc", "final_val_accuracy", "%.4f"},
    {"best val acc", "best_val_accuracy", "%.4f"},
    {"test acc", "test_accuracy", "%.4f"},
    {"epochs", "epochs", "%.1f"},
    {"seconds", "seconds", "%.1f"},
};

static double figure_of(const mlp_sweep_outcome *o, int figure) {
    switch (figure) {
    case FIGURE_FINAL_VAL:
        return o->final_val_accuracy;
    case FIGURE_BEST_VAL:
        return o->best_val_accuracy;
    case FIGURE_TEST:
        return o->test_accuracy;
    case FIGURE_EPOCHS:
        return o->epochs;
    default:
        return o->seconds;
    }
}

/* Mean and sample standard deviation (n - 1 in the denominator) of the finite values. */
typedef struct {
    size_t n;
    double mean, std;
} statistic;

static statistic statistic_of(const double *values, size_t count) {
    statistic s = {0, 0, 0};
    for (size_t i = 0; i < count; i++)
        if (isfinite(values[i])) s.n++, s.mean += values[i];
    if (s.n == 0) return s;
    s.mean /= (double)s.n;
    double squares = 0;
    for (size_t i = 0; i < count; i++)
        if (isfinite(values[i])) squares += (values[i] - s.mean) * (values[i] - s.mean);
    s.std = s.n > 1 ? sqrt(squares / (double)(s.n - 1)) : 0;
    return s;
}

/* A CSV field, quoted when it holds a comma, quote or line break. */
static void put_csv_field(FILE *f, const char *text) {
    if (!text[strcspn(text, ",\"\r\n")]) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *c = text; *c; c++) {
        if (*c == '"') fputc('"', f);
        fputc(*c, f);
    }
    fputc('"', f);
}

/* A Markdown table cell: '|' escaped. */
static void put_md_cell(FILE *f, const char *text) {
    fputs("| ", f);
    for (const char *c = text; *c; c++) {
        if (*c == '|') fputc('\\', f);
        fputc(*c, f);
    }
    fputc(' ', f);
}

static void put_header(const mlp_sweep_grid *grid, FILE *md, FILE *csv) {
    size_t keys = mlp_sweep_grid_num_keys(grid);
    for (size_t k = 0; k < keys; k++) {
        put_md_cell(md, mlp_sweep_grid_key(grid, k));
        put_csv_field(csv, mlp_sweep_grid_key(grid, k));
        fputc(',', csv);
    }
    put_md_cell(md, "runs");
    fputs("runs_done,runs", csv);
    for (int f = 0; f < NUM_FIGURES; f++) {
        put_md_cell(md, figures[f].title);
        fprintf(csv, ",%s_mean,%s_std", figures[f].name, figures[f].name);
    }
    fputs("|\n", md);
    fputc('\n', csv);
    for (size_t k = 0; k < keys + 1 + NUM_FIGURES; k++)
        fputs("| --- ", md);
    fputs("|\n", md);
}

/* One row: the combination's values, then its figures over the finished repeats. */
static void put_row(const mlp_sweep_plan *plan, size_t combination,
                    const mlp_sweep_outcome *outcomes, const bool *done, double *values, FILE *md,
                    FILE *csv) {
    const mlp_sweep_grid *grid = plan->grid;
    for (size_t k = 0; k < mlp_sweep_grid_num_keys(grid); k++) {
        put_md_cell(md, mlp_sweep_grid_value(grid, combination, k));
        put_csv_field(csv, mlp_sweep_grid_value(grid, combination, k));
        fputc(',', csv);
    }
    size_t finished = 0;
    for (size_t r = 0; r < plan->repeats; r++)
        finished += done[r];
    char cell[96];
    snprintf(cell, sizeof cell, "%zu/%zu", finished, plan->repeats);
    put_md_cell(md, cell);
    fprintf(csv, "%zu,%zu", finished, plan->repeats);
    for (int f = 0; f < NUM_FIGURES; f++) {
        for (size_t r = 0; r < plan->repeats; r++)
            values[r] = done[r] ? figure_of(&outcomes[r], f) : NAN;
        statistic s = statistic_of(values, plan->repeats);
        char mean[32] = "", std[32] = "";
        if (s.n > 0) snprintf(mean, sizeof mean, figures[f].format, s.mean);
        if (s.n > 1) snprintf(std, sizeof std, figures[f].format, s.std);
        snprintf(cell, sizeof cell, "%s%s%s", s.n ? mean : "–", s.n > 1 ? " ± " : "", std);
        put_md_cell(md, cell);
        fputc(',', csv);
        if (s.n > 0) fprintf(csv, "%.6g", s.mean);
        fputc(',', csv);
        if (s.n > 1) fprintf(csv, "%.6g", s.std);
    }
    fputs("|\n", md);
    fputc('\n', csv);
}

mlp_status mlp_sweep_results_format(const mlp_sweep_plan *plan, char **markdown, char **csv,
                                    mlp_error *err) {
    size_t md_size = 0, csv_size = 0;
    *markdown = *csv = NULL;
    FILE *md = open_memstream(markdown, &md_size), *cs = open_memstream(csv, &csv_size);
    mlp_sweep_outcome *outcomes = calloc(plan->repeats, sizeof *outcomes);
    bool *done = calloc(plan->repeats, sizeof *done);
    double *values = calloc(plan->repeats, sizeof *values);
    mlp_status status = md && cs && outcomes && done && values ? MLP_OK : MLP_ERR_MEMORY;
    if (status == MLP_OK) put_header(plan->grid, md, cs);
    for (size_t i = 0; status == MLP_OK && i < plan->num_runs; i += plan->repeats) {
        for (size_t r = 0; r < plan->repeats; r++)
            done[r] = mlp_sweep_run_state_of(plan->runs[i + r].dir) == MLP_SWEEP_RUN_FINISHED &&
                      mlp_sweep_read_outcome(plan->runs[i + r].dir, &outcomes[r], NULL) == MLP_OK;
        put_row(plan, plan->runs[i].combination, outcomes, done, values, md, cs);
    }
    free(outcomes);
    free(done);
    free(values);
    if (md && fclose(md) != 0) status = MLP_ERR_MEMORY;
    if (cs && fclose(cs) != 0) status = MLP_ERR_MEMORY;
    if (status != MLP_OK) {
        free(*markdown);
        free(*csv);
        *markdown = *csv = NULL;
        return mlp_fail(err, MLP_ERR_MEMORY, "out of memory formatting the results of %s",
                        plan->out_dir);
    }
    return mlp_ok(err);
}

mlp_status mlp_sweep_write_results(const mlp_sweep_plan *plan, char **markdown, mlp_error *err) {
    char *md = NULL, *csv = NULL, path[4096];
    MLP_TRY(mlp_sweep_results_format(plan, &md, &csv, err));
    snprintf(path, sizeof path, "%s/results.md", plan->out_dir);
    mlp_status status = mlp_atomic_write_text(path, md, err);
    snprintf(path, sizeof path, "%s/results.csv", plan->out_dir);
    if (status == MLP_OK) status = mlp_atomic_write_text(path, csv, err);
    free(csv);
    if (status == MLP_OK && markdown)
        *markdown = md;
    else
        free(md);
    return status;
}
