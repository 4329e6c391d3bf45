#include "report/plot_draw.h"

#include "report/plot_session.h"
#include "util/error.h"

#include <math.h>
#include <stdlib.h>

/* plscmap1l takes control points: positions in [0, 1] and RGB in [0, 1], interpolated linearly. */
void plot_cmap_diverging(void) {
    PLFLT pos[3] = {0.0, 0.5, 1.0};
    PLFLT r[3] = {0.02, 1.0, 0.70}, g[3] = {0.19, 1.0, 0.05}, b[3] = {0.58, 1.0, 0.10};
    plscmap1n(256);
    plscmap1l(1, 3, pos, r, g, b, NULL);
}

void plot_cmap_gray(void) {
    PLFLT pos[2] = {0.0, 1.0}, v[2] = {0.0, 1.0};
    plscmap1n(256);
    plscmap1l(1, 2, pos, v, v, v, NULL);
}

void plot_cmap_sequential(void) {
    PLFLT pos[3] = {0.0, 0.5, 1.0};
    PLFLT r[3] = {1.0, 0.42, 0.03}, g[3] = {1.0, 0.68, 0.19}, b[3] = {1.0, 0.84, 0.42};
    plscmap1n(256);
    plscmap1l(1, 3, pos, r, g, b, NULL);
}

mlp_status plot_image_new(plot_image *image, size_t rows, size_t cols, mlp_error *err) {
    size_t cells;
    image->rows = rows;
    image->cols = cols;
    image->columns = NULL;
    image->cells = NULL;
    if (mlp_mul_overflows(rows, cols, &cells))
        return mlp_fail(err, MLP_ERR_MEMORY, "image of %zu x %zu overflows", rows, cols);
    image->cells = mlp_calloc(cells, sizeof *image->cells, err);
    image->columns = mlp_calloc(cols, sizeof *image->columns, err);
    if (!image->cells || !image->columns) {
        plot_image_free(image);
        return MLP_ERR_MEMORY;
    }
    for (size_t c = 0; c < cols; c++)
        image->columns[c] = image->cells + c * rows;
    return MLP_OK;
}

void plot_image_free(plot_image *image) {
    if (!image) return;
    free(image->cells);
    free(image->columns);
    image->cells = NULL;
    image->columns = NULL;
}

void plot_image_set(plot_image *image, const float *values, double scale, double lo, double hi) {
    for (size_t r = 0; r < image->rows; r++)
        for (size_t c = 0; c < image->cols; c++) {
            double v = (double)values[r * image->cols + c] * scale;
            if (!(v >= lo)) v = lo; /* NaN too */
            if (v > hi) v = hi;
            /* PLplot's y grows upwards: image row 0 goes to the top cell. */
            image->columns[c][image->rows - 1 - r] = v;
        }
}

void plot_image_draw(const plot_image *image, PLFLT x0, PLFLT x1, PLFLT y0, PLFLT y1, PLFLT lo,
                     PLFLT hi) {
    plimagefr((PLFLT_MATRIX)image->columns, (PLINT)image->cols, (PLINT)image->rows, x0, x1, y0, y1,
              lo, hi, lo, hi, NULL, NULL);
}

void plot_colorbar(PLFLT x0, PLFLT x1, PLFLT y0, PLFLT y1, PLFLT lo, PLFLT hi, const char *label) {
    enum { STEPS = 256 };
    PLFLT cells[STEPS], *columns[1] = {cells};
    for (int i = 0; i < STEPS; i++)
        cells[i] = lo + (hi - lo) * i / (STEPS - 1);
    plvpor(x0, x1, y0, y1);
    plwind(0, 1, lo, hi);
    plimagefr((PLFLT_MATRIX)columns, 1, STEPS, 0, 1, lo, hi, lo, hi, lo, hi, NULL, NULL);
    plcol0(PLOT_INK);
    plot_text_size(0.85);
    plbox("bc", 0, 0, "bcmstv", 0, 0);
    plmtex("r", 5.0, 0.5, 0.5, label);
    plot_text_size(1.0);
}

void plot_text_size(double relative) {
    plschr(0, 0.8 * relative);
}

void plot_page_title(const char *title) {
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plcol0(PLOT_INK);
    plot_text_size(1.3);
    plptex(0.5, 0.955, 1, 0, 0.5, title);
    plot_text_size(1.0);
}

size_t plot_grid_columns(size_t n, double tile_w, double tile_h, double area_w, double area_h) {
    size_t best = 1;
    double best_side = 0;
    for (size_t c = 1; c <= n; c++) {
        size_t r = (n + c - 1) / c;
        double side = fmin(area_w / (c * tile_w), area_h / (r * tile_h));
        if (side > best_side) best_side = side, best = c;
    }
    return best;
}
