#include "report/plot_draw.h"

#include "report/plot_session.h"
#include "util/error.h"

#include <math.h>
#include <stdint.h>
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
    image->shade = NULL;
    if (mlp_mul_overflows(rows, cols, &cells))
        return mlp_fail(err, MLP_ERR_MEMORY, "image of %zu x %zu overflows", rows, cols);
    image->shade = mlp_calloc(cells, sizeof *image->shade, err);
    return image->shade ? MLP_OK : MLP_ERR_MEMORY;
}

void plot_image_free(plot_image *image) {
    if (!image) return;
    free(image->shade);
    image->shade = NULL;
}

void plot_image_set(plot_image *image, const float *values, double scale, double lo, double hi) {
    size_t cells = image->rows * image->cols;
    double span = hi > lo ? hi - lo : 1;
    for (size_t i = 0; i < cells; i++) {
        double v = (double)values[i] * scale;
        if (!(v >= lo)) v = lo; /* NaN too */
        if (v > hi) v = hi;
        image->shade[i] = (v - lo) / span;
    }
}

/* Each cell is a filled rectangle in its cmap1 colour. Cells overlap their right and lower
 * neighbours by a sliver so anti-aliasing leaves no seams between them. */
void plot_image_draw(const plot_image *image, PLFLT x0, PLFLT x1, PLFLT y0, PLFLT y1) {
    PLFLT w = (x1 - x0) / (PLFLT)image->cols, h = (y1 - y0) / (PLFLT)image->rows;
    for (size_t r = 0; r < image->rows; r++)
        for (size_t c = 0; c < image->cols; c++) {
            PLFLT left = x0 + (PLFLT)c * w, top = y1 - (PLFLT)r * h;
            PLFLT right = c + 1 < image->cols ? left + 1.03 * w : x1;
            PLFLT bottom = r + 1 < image->rows ? top - 1.03 * h : y0;
            PLFLT x[4] = {left, right, right, left}, y[4] = {top, top, bottom, bottom};
            plcol1(image->shade[r * image->cols + c]);
            plfill(4, x, y);
        }
}

void plot_colorbar(PLFLT x0, PLFLT x1, PLFLT y0, PLFLT y1, PLFLT lo, PLFLT hi, const char *label) {
    enum { STEPS = 128 };
    PLFLT shade[STEPS];
    for (int i = 0; i < STEPS; i++)
        shade[i] = (PLFLT)(STEPS - 1 - i) / (STEPS - 1); /* top: hi */
    plot_image bar = {STEPS, 1, shade};
    plvpor(x0, x1, y0, y1);
    plwind(0, 1, lo, hi);
    plot_image_draw(&bar, 0, 1, lo, hi);
    plcol0(PLOT_INK);
    plot_text_size(0.85);
    plbox("bc", 0, 0, "bcmstv", 0, 0);
    plot_mtex("r", 5.0, 0.5, 0.5, label);
    plot_text_size(1.0);
}

void plot_text_size(double relative) {
    plschr(0, 0.8 * relative);
}

const char *plot_literal(const char *text, char *out, size_t size) {
    size_t used = 0;
    for (const char *c = text; *c; c++) {
        size_t need = *c == '#' ? 2 : 1;
        if (used + need >= size) break; /* cut, never in the middle of a doubled '#' */
        out[used++] = *c;
        if (*c == '#') out[used++] = '#';
    }
    if (size) out[used] = '\0';
    return out;
}

void plot_ptex(PLFLT x, PLFLT y, PLFLT just, const char *text) {
    char literal[PLOT_TEXT_MAX];
    plptex(x, y, 1, 0, just, plot_literal(text, literal, sizeof literal));
}

void plot_mtex(const char *side, PLFLT disp, PLFLT pos, PLFLT just, const char *text) {
    char literal[PLOT_TEXT_MAX];
    plmtex(side, disp, pos, just, plot_literal(text, literal, sizeof literal));
}

void plot_page_title(const char *title) {
    pladv(0);
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plcol0(PLOT_INK);
    plot_text_size(1.3);
    plot_ptex(0.5, 0.955, 0.5, title);
    plot_text_size(1.0);
}

plot_grid plot_grid_fit(size_t n, size_t columns, double aspect_w, double aspect_h, double area_w,
                        double area_h) {
    plot_grid best = {1, n, 0, 0};
    double best_scale = -1;
    size_t first = columns ? columns : 1, last = columns ? columns : n;
    for (size_t c = first; c <= last; c++) {
        size_t r = (n + c - 1) / c;
        double scale = fmin(area_w / ((double)c * aspect_w), area_h / ((double)r * aspect_h));
        if (scale > best_scale) {
            best_scale = scale;
            best = (plot_grid){c, r, scale * aspect_w, scale * aspect_h};
        }
    }
    return best;
}

void plot_pixel_viewport(size_t page_w, size_t page_h, PLFLT x0, PLFLT x1, PLFLT y0, PLFLT y1,
                         double *w, double *h) {
    *w = (x1 - x0) * (double)page_w;
    *h = (y1 - y0) * (double)page_h;
    plvpor(x0, x1, y0, y1);
    plwind(0, *w, 0, *h);
}

void plot_frame(PLFLT x0, PLFLT x1, PLFLT y0, PLFLT y1) {
    PLFLT x[5] = {x0, x1, x1, x0, x0}, y[5] = {y0, y0, y1, y1, y0};
    plline(5, x, y);
}
