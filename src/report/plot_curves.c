/* mlp_plot_curves: learning curves of runs and sweeps, loss and accuracy side by side. */
#include "report/plot_draw.h"
#include "report/plot_lines.h"
#include "report/plot_session.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURVES_WIDTH 1200
#define CURVES_HEIGHT 800
#define LEGEND_COLUMNS 4
#define LEGEND_CHARS 84 /* characters across the legend at its text size */

typedef struct {
    curve_kind train, validation;
    bool x_epochs;
    double y_scale; /* accuracy drawn in percent */
    const char *title, *x_label, *y_label;
} panel;

static double x_of(const curve *c, size_t k, bool x_epochs) {
    return x_epochs ? c->epoch[k] : c->step[k];
}

/* World window of a panel: x from 0 (or below, never) to the largest x, y around the data. */
static bool panel_range(const plot_lines *lines, const panel *p, PLFLT *x1, PLFLT *y0, PLFLT *y1) {
    double xmax = 0, ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < lines->num_lines; i++)
        for (int which = 0; which < 2; which++) {
            const curve *c = &lines->lines[i].curves[which ? p->validation : p->train];
            for (size_t k = 0; k < c->num_points; k++) {
                xmax = fmax(xmax, x_of(c, k, p->x_epochs));
                ymin = fmin(ymin, (c->mean[k] - c->std[k]) * p->y_scale);
                ymax = fmax(ymax, (c->mean[k] + c->std[k]) * p->y_scale);
            }
        }
    if (!(ymin <= ymax)) return false;
    bool accuracy = p->y_scale != 1.0;
    double span = ymax - ymin;
    if (span < (accuracy ? 1.0 : 1e-3)) span = accuracy ? 1.0 : 1e-3;
    /* Loss: from 0 when all losses are >= 0; accuracy: the data's range, padded, within 0..100. */
    *y0 = !accuracy && ymin >= 0 ? 0 : ymin - 0.05 * span;
    *y1 = ymax + 0.05 * span;
    if (accuracy) {
        *y0 = fmax(*y0, 0);
        *y1 = fmin(*y1, 100);
        if (*y1 - *y0 < 1) *y0 = *y1 - 1;
    }
    *x1 = xmax > 0 ? xmax : 1;
    return true;
}

static void draw_curve(const curve *c, bool x_epochs, double y_scale, size_t repeats, size_t index,
                       PLINT style, PLFLT *x, PLFLT *y) {
    size_t n = c->num_points;
    if (n == 0) return;
    /* Band: the polygon along mean + std forwards and mean - std backwards. */
    if (repeats > 1 && n > 1) {
        for (size_t k = 0; k < n; k++) {
            x[k] = x[2 * n - 1 - k] = x_of(c, k, x_epochs);
            y[k] = (c->mean[k] + c->std[k]) * y_scale;
            y[2 * n - 1 - k] = (c->mean[k] - c->std[k]) * y_scale;
        }
        plcol0(plot_band_color(index));
        plfill((PLINT)(2 * n), x, y);
    }
    for (size_t k = 0; k < n; k++) {
        x[k] = x_of(c, k, x_epochs);
        y[k] = c->mean[k] * y_scale;
    }
    plcol0(plot_series_color(index));
    pllsty(style);
    plwidth(2.0);
    if (n == 1)
        plpoin(1, x, y, 17);
    else
        plline((PLINT)n, x, y);
    pllsty(1);
    plwidth(1.0);
}

static void draw_panel(const plot_lines *lines, const panel *p, PLFLT vx0, PLFLT vx1, PLFLT vy0,
                       PLFLT vy1, PLFLT *x, PLFLT *y) {
    PLFLT x1, y0, y1;
    plvpor(vx0, vx1, vy0, vy1);
    if (!panel_range(lines, p, &x1, &y0, &y1)) {
        plwind(0, 1, 0, 1);
        plcol0(PLOT_INK);
        plot_ptex(0.5, 0.5, 0.5, "no values logged");
        x1 = 1, y0 = 0, y1 = 1;
    } else {
        plwind(0, x1, y0, y1);
        plcol0(PLOT_GRID);
        plbox("g", 0, 0, "g", 0, 0);
        for (size_t i = 0; i < lines->num_lines; i++) {
            const plot_line *line = &lines->lines[i];
            draw_curve(&line->curves[p->train], p->x_epochs, p->y_scale, line->repeats, i, 1, x, y);
            draw_curve(&line->curves[p->validation], p->x_epochs, p->y_scale, line->repeats, i, 3,
                       x, y);
        }
    }
    plcol0(PLOT_INK);
    plbox("bcnst", 0, 0, "bcnstv", 0, 0);
    plot_mtex("t", 1.5, 0.5, 0.5, p->title);
    plot_mtex("b", 3.0, 0.5, 0.5, p->x_label);
    plot_mtex("l", 4.0, 0.5, 0.5, p->y_label);
}

/* As many columns as the longest name leaves room for, at most LEGEND_COLUMNS. */
static PLINT legend_columns(const plot_lines *lines) {
    size_t longest = strlen("validation");
    for (size_t i = 0; i < lines->num_lines; i++)
        if (strlen(lines->lines[i].name) > longest) longest = strlen(lines->lines[i].name);
    size_t columns = LEGEND_CHARS / (longest + 8);
    if (columns > LEGEND_COLUMNS) columns = LEGEND_COLUMNS;
    if (columns > lines->num_lines + 2) columns = lines->num_lines + 2;
    return columns ? (PLINT)columns : 1;
}

/* One legend entry per line (its colour), then "train" (solid) and "validation" (dashed). */
static void draw_legend(const plot_lines *lines, PLFLT top) {
    size_t n = lines->num_lines + 2;
    PLINT *opts = calloc(n, sizeof *opts), *colors = calloc(n, sizeof *colors);
    PLINT *styles = calloc(n, sizeof *styles), *ink = calloc(n, sizeof *ink);
    PLFLT *widths = calloc(n, sizeof *widths);
    const char **text = calloc(n, sizeof *text);
    char *literal = malloc(n * PLOT_TEXT_MAX);
    if (opts && colors && styles && ink && widths && text && literal) {
        for (size_t i = 0; i < n; i++) {
            bool key = i >= lines->num_lines;
            opts[i] = PL_LEGEND_LINE;
            colors[i] = key ? PLOT_INK : plot_series_color(i);
            ink[i] = PLOT_INK;
            styles[i] = key && i == n - 1 ? 3 : 1;
            widths[i] = 2.0;
            text[i] =
                plot_literal(key ? (i == n - 1 ? "validation" : "train") : lines->lines[i].name,
                             literal + i * PLOT_TEXT_MAX, PLOT_TEXT_MAX);
        }
        PLINT columns = legend_columns(lines);
        PLINT rows = (PLINT)((n + (size_t)columns - 1) / (size_t)columns);
        PLFLT width, height;
        plvpor(0.06, 0.98, 0.01, top);
        plwind(0, 1, 0, 1);
        plot_text_size(0.9);
        pllegend(&width, &height,
                 PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX | PL_LEGEND_ROW_MAJOR,
                 PL_POSITION_TOP | PL_POSITION_INSIDE, 0, 0, 0.05, PLOT_BACKGROUND, PLOT_GRID, 1,
                 rows, columns, (PLINT)n, opts, 1.0, 0.85, 2.0, 0.0, ink, text, NULL, NULL, NULL,
                 NULL, colors, styles, widths, NULL, NULL, NULL, NULL);
        plot_text_size(1.0);
    }
    free(opts);
    free(colors);
    free(styles);
    free(ink);
    free(widths);
    free(text);
    free(literal);
}

static size_t longest_curve(const plot_lines *lines) {
    size_t n = 0;
    for (size_t i = 0; i < lines->num_lines; i++)
        for (size_t c = 0; c < CURVE_COUNT; c++)
            if (lines->lines[i].curves[c].num_points > n) n = lines->lines[i].curves[c].num_points;
    return n;
}

mlp_status mlp_plot_curves(const char *const *run_dirs, size_t num_dirs,
                           const mlp_plot_options *options, const char *out_path, mlp_error *err) {
    mlp_plot_options defaults;
    mlp_plot_options_default(&defaults);
    if (!options) options = &defaults;
    plot_lines lines;
    MLP_TRY(plot_lines_load(&lines, run_dirs, num_dirs, err));
    size_t points = longest_curve(&lines);
    if (points == 0) {
        plot_lines_free(&lines);
        return mlp_fail(err, MLP_ERR_FORMAT, "%s%s: metrics.csv has no rows to plot", run_dirs[0],
                        num_dirs > 1 ? " ..." : "");
    }
    PLFLT *x = mlp_calloc(2 * points, sizeof *x, err);
    PLFLT *y = mlp_calloc(2 * points, sizeof *y, err);
    char title[512];
    if (options->title)
        snprintf(title, sizeof title, "%s", options->title);
    else
        snprintf(title, sizeof title, "Learning curves%s%s%s", lines.num_lines == 1 ? ": " : "",
                 lines.num_lines == 1 ? lines.lines[0].name : "",
                 lines.max_repeats > 1 ? " (mean ± std over repeats)" : "");
    plot_session session;
    mlp_status status = x && y ? MLP_OK : MLP_ERR_MEMORY;
    if (status == MLP_OK)
        status = plot_begin(&session, out_path, options, CURVES_WIDTH, CURVES_HEIGHT, err);
    if (status == MLP_OK) {
        size_t columns = (size_t)legend_columns(&lines);
        size_t legend_rows = (lines.num_lines + 2 + columns - 1) / columns;
        PLFLT legend_top = 0.03 + 0.035 * (PLFLT)legend_rows;
        PLFLT bottom = legend_top + 0.11, top = 0.87;
        bool steps = options->x_axis == MLP_PLOT_X_STEPS;
        panel loss = {CURVE_TRAIN_LOSS,
                      CURVE_VAL_LOSS,
                      !steps,
                      1.0,
                      "Loss",
                      steps ? "optimizer steps" : "epochs",
                      "loss"};
        panel accuracy = {CURVE_TRAIN_ACCURACY, CURVE_VAL_ACCURACY, true,          100.0,
                          "Accuracy",           "epochs",           "accuracy (%)"};
        plot_page_title(title);
        draw_panel(&lines, &loss, 0.08, 0.48, bottom, top, x, y);
        draw_panel(&lines, &accuracy, 0.57, 0.97, bottom, top, x, y);
        draw_legend(&lines, legend_top);
        status = plot_end(&session, err);
    }
    free(x);
    free(y);
    plot_lines_free(&lines);
    return status == MLP_OK ? mlp_ok(err) : status;
}
