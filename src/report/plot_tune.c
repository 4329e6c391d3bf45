/* mlp_plot_tune: every trial of a tune against epochs, with the rungs and the best trial. */
#include "report/plot_tune.h"

#include "io/folders.h"
#include "report/plot_draw.h"
#include "report/plot_lines.h"
#include "report/plot_session.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TUNE_WIDTH 1200
#define TUNE_HEIGHT 700
/* results.json lists a few hundred trials at most; anything this large is not one. */
#define MAX_TUNE_JSON_BYTES ((size_t)16 << 20)

void plot_tune_info_free(plot_tune_info *info) {
    free(info->trials);
    memset(info, 0, sizeof *info);
}

/* A number, or null or an absent key (NaN); any other type is an error. */
static bool number_or_null(const cJSON *item, double *value) {
    if (cJSON_IsNumber(item)) {
        *value = item->valuedouble;
        return true;
    }
    *value = NAN;
    return !item || cJSON_IsNull(item);
}

static mlp_status parse_trial(const cJSON *item, const char *name, size_t i, size_t num_rungs,
                              plot_tune_trial *t, mlp_error *err) {
    const char *trial = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "trial"));
    size_t digits = trial && strncmp(trial, "trial-", 6) == 0 ? strspn(trial + 6, "0123456789") : 0;
    if (!trial || digits == 0 || trial[6 + digits] != '\0' || strlen(trial) >= sizeof t->name)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: trials[%zu]: \"trial\" is not trial-NNN", name,
                        i);
    snprintf(t->name, sizeof t->name, "%s", trial);
    double rung;
    if (!number_or_null(cJSON_GetObjectItemCaseSensitive(item, "rung"), &rung) ||
        (!isnan(rung) && !(rung >= 0 && rung < (double)num_rungs && rung == floor(rung))))
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: trials[%zu]: \"rung\" is not null or a rung from 0 to %zu", name, i,
                        num_rungs - 1);
    t->rung = isnan(rung) ? -1 : (int)rung;
    if (!number_or_null(cJSON_GetObjectItemCaseSensitive(item, "val_accuracy"), &t->val_accuracy) ||
        !number_or_null(cJSON_GetObjectItemCaseSensitive(item, "val_loss"), &t->val_loss))
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: trials[%zu]: \"val_accuracy\" and \"val_loss\" must be numbers or "
                        "null",
                        name, i);
    return MLP_OK;
}

static mlp_status parse_json(const cJSON *root, const char *name, plot_tune_info *info,
                             mlp_error *err) {
    if (!cJSON_IsObject(root))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: the top level is not a JSON object", name);
    const char *metric = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "metric"));
    if (!metric || (strcmp(metric, "accuracy") != 0 && strcmp(metric, "loss") != 0))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: \"metric\" is not \"accuracy\" or \"loss\"",
                        name);
    info->by_loss = strcmp(metric, "loss") == 0;
    const cJSON *rungs = cJSON_GetObjectItemCaseSensitive(root, "rung_epochs"), *item;
    int num_rungs = cJSON_GetArraySize(rungs);
    if (!cJSON_IsArray(rungs) || num_rungs < 1 || num_rungs > PLOT_TUNE_MAX_RUNGS)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: \"rung_epochs\" is not an array of 1 to %d "
                        "numbers",
                        name, PLOT_TUNE_MAX_RUNGS);
    cJSON_ArrayForEach(item, rungs) {
        double epochs = cJSON_GetNumberValue(item);
        if (!cJSON_IsNumber(item) || !(epochs > 0 && epochs < 1e9))
            return mlp_fail(err, MLP_ERR_FORMAT,
                            "%s: \"rung_epochs\" holds a value that is not "
                            "a positive number of epochs",
                            name);
        info->rung_epochs[info->num_rungs++] = epochs;
    }
    const cJSON *trials = cJSON_GetObjectItemCaseSensitive(root, "trials");
    if (!cJSON_IsArray(trials))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: \"trials\" is not an array", name);
    size_t n = (size_t)cJSON_GetArraySize(trials);
    info->trials = mlp_calloc(n ? n : 1, sizeof *info->trials, err);
    if (!info->trials) return MLP_ERR_MEMORY;
    cJSON_ArrayForEach(item, trials) {
        MLP_TRY(parse_trial(item, name, info->num_trials, info->num_rungs,
                            &info->trials[info->num_trials], err));
        info->num_trials++;
    }
    return MLP_OK;
}

mlp_status plot_tune_parse(const char *text, const char *name, plot_tune_info *info,
                           mlp_error *err) {
    memset(info, 0, sizeof *info);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    if (!root)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: byte %zu: malformed JSON", name,
                        end ? (size_t)(end - text) : 0);
    mlp_status st = parse_json(root, name, info, err);
    cJSON_Delete(root);
    if (st != MLP_OK) plot_tune_info_free(info);
    return st == MLP_OK ? mlp_ok(err) : st;
}

/* One panel: the validation curve of kind `kind` of every trial, coloured by the rung it
 * reached, the best one thick in black on top, and the rungs' epochs as dashed lines. */
typedef struct {
    curve_kind kind;
    double y_scale;
    const char *title, *y_label;
} tune_panel;

static void draw_line(const curve *c, double y_scale, PLFLT *x, PLFLT *y) {
    size_t n = c->num_points;
    for (size_t k = 0; k < n; k++) {
        x[k] = c->epoch[k];
        y[k] = c->mean[k] * y_scale;
    }
    if (n == 1)
        plpoin(1, x, y, 17);
    else if (n > 1)
        plline((PLINT)n, x, y);
}

static void draw_panel(const plot_tune_info *info, const plot_lines *lines, const int *rung_of,
                       const tune_panel *p, PLFLT vx0, PLFLT vx1, PLFLT vy0, PLFLT vy1, PLFLT *x,
                       PLFLT *y) {
    double xmax = info->rung_epochs[info->num_rungs - 1], ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < lines->num_lines; i++) {
        const curve *c = &lines->lines[i].curves[p->kind];
        for (size_t k = 0; k < c->num_points; k++) {
            xmax = fmax(xmax, c->epoch[k]);
            ymin = fmin(ymin, c->mean[k] * p->y_scale);
            ymax = fmax(ymax, c->mean[k] * p->y_scale);
        }
    }
    plvpor(vx0, vx1, vy0, vy1);
    if (!(ymin <= ymax)) {
        plwind(0, 1, 0, 1);
        plcol0(PLOT_INK);
        plot_ptex(0.5, 0.5, 0.5, "no values logged");
    } else {
        bool accuracy = p->y_scale != 1.0;
        double span = fmax(ymax - ymin, accuracy ? 1.0 : 1e-3);
        PLFLT y0 = ymin - 0.05 * span, y1 = ymax + 0.12 * span; /* room for the rung labels */
        if (accuracy) y0 = fmax(y0, 0);
        if (!accuracy && ymin >= 0) y0 = fmax(y0, 0);
        plwind(0, xmax, y0, y1);
        plcol0(PLOT_GRID);
        plbox("g", 0, 0, "g", 0, 0);
        /* The rungs: a dashed vertical line at each rung's epochs, labelled at the top. */
        plcol0(PLOT_INK);
        pllsty(2);
        plot_text_size(0.8);
        for (size_t r = 0; r < info->num_rungs; r++) {
            PLFLT rx[2] = {info->rung_epochs[r], info->rung_epochs[r]}, ry[2] = {y0, y1};
            plline(2, rx, ry);
            char label[32];
            snprintf(label, sizeof label, "rung %zu", r);
            /* Right of its line; the last rung's, at the right edge, left of it. */
            bool last = r + 1 == info->num_rungs;
            plot_ptex(rx[0] + (last ? -0.01 : 0.01) * xmax, y1 - 0.05 * (y1 - y0), last ? 1.0 : 0.0,
                      label);
        }
        plot_text_size(1.0);
        pllsty(1);
        /* The trials, lowest rung first so that the promoted ones stay visible. */
        plwidth(1.5);
        for (int rung = 0; rung < (int)info->num_rungs; rung++)
            for (size_t i = 1; i < lines->num_lines; i++)
                if (rung_of[i] == rung) {
                    plcol0(plot_series_color((size_t)rung));
                    draw_line(&lines->lines[i].curves[p->kind], p->y_scale, x, y);
                }
        plcol0(PLOT_INK);
        plwidth(3.5);
        draw_line(&lines->lines[0].curves[p->kind], p->y_scale, x, y);
        plwidth(1.0);
    }
    plcol0(PLOT_INK);
    plbox("bcnst", 0, 0, "bcnstv", 0, 0);
    plot_mtex("t", 1.5, 0.5, 0.5, p->title);
    plot_mtex("b", 3.0, 0.5, 0.5, "epochs");
    plot_mtex("l", 4.0, 0.5, 0.5, p->y_label);
}

#define LEGEND_COLUMNS 5
#define LEGEND_CHARS 84       /* characters across the legend at its text size */
#define LEGEND_ENTRY_CHARS 20 /* "ended at rung 12: 100" */

static size_t legend_columns(size_t entries) {
    size_t columns = LEGEND_CHARS / (LEGEND_ENTRY_CHARS + 8);
    if (columns > LEGEND_COLUMNS) columns = LEGEND_COLUMNS;
    return entries < columns ? entries : columns;
}

/* The legend: "best: trial-NNN", then one entry per rung some other trial stopped at, then the
 * rung lines. */
static size_t legend_entries(const plot_tune_info *info, const int *rung_of, size_t num_lines) {
    size_t n = 2;
    for (size_t r = 0; r < info->num_rungs; r++)
        for (size_t i = 1; i < num_lines; i++)
            if (rung_of[i] == (int)r) {
                n++;
                break;
            }
    return n;
}

/* Draws the legend below the panels, its top at `top` (normalised page coordinates). */
static void draw_legend(const plot_tune_info *info, const int *rung_of, size_t num_lines,
                        const char *best_name, PLFLT top) {
    enum { MAX_ENTRIES = PLOT_TUNE_MAX_RUNGS + 2 };
    PLINT opts[MAX_ENTRIES], colors[MAX_ENTRIES], styles[MAX_ENTRIES], ink[MAX_ENTRIES];
    PLFLT widths[MAX_ENTRIES];
    char text_buffer[MAX_ENTRIES][96];
    const char *text[MAX_ENTRIES];
    size_t n = 0;
    opts[n] = PL_LEGEND_LINE, colors[n] = PLOT_INK, styles[n] = 1, widths[n] = 3.5;
    snprintf(text_buffer[n], sizeof text_buffer[n], "best: %s", best_name);
    n++;
    for (size_t r = 0; r < info->num_rungs; r++) {
        size_t count = 0;
        for (size_t i = 1; i < num_lines; i++)
            count += rung_of[i] == (int)r;
        if (count == 0) continue;
        opts[n] = PL_LEGEND_LINE, colors[n] = plot_series_color(r), styles[n] = 1, widths[n] = 1.5;
        snprintf(text_buffer[n], sizeof text_buffer[n], "ended at rung %zu: %zu", r, count);
        n++;
    }
    opts[n] = PL_LEGEND_LINE, colors[n] = PLOT_INK, styles[n] = 2, widths[n] = 1.0;
    snprintf(text_buffer[n], sizeof text_buffer[n], "rung epochs");
    n++;
    for (size_t i = 0; i < n; i++) {
        ink[i] = PLOT_INK;
        text[i] = text_buffer[i];
    }
    PLINT columns = (PLINT)legend_columns(n);
    PLINT rows = (PLINT)((n + (size_t)columns - 1) / (size_t)columns);
    PLFLT width, height;
    plvpor(0.06, 0.98, 0.01, top);
    plwind(0, 1, 0, 1);
    plot_text_size(0.9);
    pllegend(&width, &height, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX | PL_LEGEND_ROW_MAJOR,
             PL_POSITION_TOP | PL_POSITION_INSIDE, 0, 0, 0.05, PLOT_BACKGROUND, PLOT_GRID, 1, rows,
             columns, (PLINT)n, opts, 1.0, 0.85, 2.0, 0.0, ink, text, NULL, NULL, NULL, NULL,
             colors, styles, widths, NULL, NULL, NULL, NULL);
    plot_text_size(1.0);
}

static mlp_status read_info(const char *tune_dir, plot_tune_info *info, mlp_error *err) {
    char path[PATH_MAX], *text = NULL;
    MLP_TRY(mlp_path_join(path, tune_dir, "results.json", err));
    struct stat st;
    if (stat(path, &st) != 0)
        return mlp_fail(err, MLP_ERR_IO, "%s: no results.json (not a tune folder of mlp tune)",
                        tune_dir);
    MLP_TRY(mlp_read_file(path, MAX_TUNE_JSON_BYTES, &text, NULL, err));
    mlp_status status = plot_tune_parse(text, path, info, err);
    free(text);
    return status;
}

mlp_status mlp_plot_tune(const char *tune_dir, const mlp_plot_options *options,
                         const char *out_path, mlp_error *err) {
    mlp_plot_options defaults;
    mlp_plot_options_default(&defaults);
    if (!options) options = &defaults;
    if (!tune_dir) return mlp_fail(err, MLP_ERR_ARGUMENT, "no tune folder given to plot");
    plot_tune_info info;
    MLP_TRY(read_info(tune_dir, &info, err));
    /* The trials that completed a step, best first: their run folders' metrics.csv. */
    size_t n = 0;
    char **dirs = mlp_calloc(info.num_trials + 1, sizeof *dirs, err);
    int *rung_of = mlp_calloc(info.num_trials + 1, sizeof *rung_of, err);
    mlp_status status = dirs && rung_of ? MLP_OK : MLP_ERR_MEMORY;
    for (size_t i = 0; status == MLP_OK && i < info.num_trials; i++) {
        if (info.trials[i].rung < 0) continue;
        dirs[n] = mlp_calloc(PATH_MAX, 1, err);
        if (!dirs[n]) {
            status = MLP_ERR_MEMORY;
            break;
        }
        rung_of[n] = info.trials[i].rung;
        status = mlp_path_join(dirs[n++], tune_dir, info.trials[i].name, err);
    }
    if (status == MLP_OK && (n == 0 || info.trials[0].rung < 0))
        status =
            mlp_fail(err, MLP_ERR_STATE, "%s: no trial finished a step: nothing to plot", tune_dir);
    plot_lines lines = {0};
    if (status == MLP_OK) status = plot_lines_load(&lines, (const char *const *)dirs, n, err);
    size_t points = 0;
    for (size_t i = 0; status == MLP_OK && i < lines.num_lines; i++) {
        size_t a = lines.lines[i].curves[CURVE_VAL_ACCURACY].num_points;
        size_t l = lines.lines[i].curves[CURVE_VAL_LOSS].num_points;
        points = a > points ? a : points;
        points = l > points ? l : points;
    }
    PLFLT *x = status == MLP_OK ? mlp_calloc(points + 1, sizeof *x, err) : NULL;
    PLFLT *y = status == MLP_OK ? mlp_calloc(points + 1, sizeof *y, err) : NULL;
    if (status == MLP_OK && (!x || !y)) status = MLP_ERR_MEMORY;
    char title[512];
    const plot_tune_trial *best = &info.trials[0];
    if (options->title)
        snprintf(title, sizeof title, "%s", options->title);
    else if (status == MLP_OK)
        snprintf(title, sizeof title, "Tune of %zu trials by validation %s: best %s (%.*f%s)",
                 info.num_trials, info.by_loss ? "loss" : "accuracy", best->name,
                 info.by_loss ? 4 : 2, info.by_loss ? best->val_loss : 100 * best->val_accuracy,
                 info.by_loss ? "" : "%");
    plot_session session;
    if (status == MLP_OK)
        status = plot_begin(&session, out_path, options, TUNE_WIDTH, TUNE_HEIGHT, err);
    if (status == MLP_OK) {
        tune_panel accuracy = {CURVE_VAL_ACCURACY, 100.0, "Validation accuracy", "accuracy (%)"};
        tune_panel loss = {CURVE_VAL_LOSS, 1.0, "Validation loss", "loss"};
        const tune_panel *left = info.by_loss ? &loss : &accuracy;
        const tune_panel *right = info.by_loss ? &accuracy : &loss;
        size_t entries = legend_entries(&info, rung_of, lines.num_lines);
        size_t rows = (entries + legend_columns(entries) - 1) / legend_columns(entries);
        PLFLT legend_top = 0.03 + 0.04 * (PLFLT)rows, bottom = legend_top + 0.12, top = 0.88;
        plot_page_title(title);
        draw_panel(&info, &lines, rung_of, left, 0.08, 0.48, bottom, top, x, y);
        draw_panel(&info, &lines, rung_of, right, 0.57, 0.97, bottom, top, x, y);
        draw_legend(&info, rung_of, lines.num_lines, best->name, legend_top);
        status = plot_end(&session, err);
    }
    free(x);
    free(y);
    plot_lines_free(&lines);
    for (size_t i = 0; dirs && i < n; i++)
        free(dirs[i]);
    free(dirs);
    free(rung_of);
    plot_tune_info_free(&info);
    return status == MLP_OK ? mlp_ok(err) : status;
}
