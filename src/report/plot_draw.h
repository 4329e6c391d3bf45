/* Drawing helpers shared by the pictures, used between plot_begin and plot_end: colour maps,
 * images of values, colour bars and text. */
#ifndef MLP_REPORT_PLOT_DRAW_H
#define MLP_REPORT_PLOT_DRAW_H

#include "mlp.h"

#include <plplot.h>

/* Colour map 1 (for images): blue - white - red for signed values, black - white for pixels,
 * white - dark blue for shares. */
void plot_cmap_diverging(void);
void plot_cmap_gray(void);
void plot_cmap_sequential(void);

/* A rows x cols image in the column-major layout plimagefr wants, row 0 drawn on top. Allocate
 * before plot_begin so no drawing step can fail. */
typedef struct {
    PLFLT *cells;
    PLFLT **columns;
    size_t rows, cols;
} plot_image;

mlp_status plot_image_new(plot_image *image, size_t rows, size_t cols, mlp_error *err);
void plot_image_free(plot_image *image);

/* Copies rows*cols row-major values, multiplied by scale and clamped to [lo, hi]. */
void plot_image_set(plot_image *image, const float *values, double scale, double lo, double hi);

/* Draws the image over the world rectangle [x0, x1] x [y0, y1], mapping lo..hi onto cmap1. */
void plot_image_draw(const plot_image *image, PLFLT x0, PLFLT x1, PLFLT y0, PLFLT y1, PLFLT lo,
                     PLFLT hi);

/* A vertical colour bar in the viewport [x0, x1] x [y0, y1] (normalised page coordinates) from
 * lo to hi with ticks and a label on its right. Leaves that viewport active. */
void plot_colorbar(PLFLT x0, PLFLT x1, PLFLT y0, PLFLT y1, PLFLT lo, PLFLT hi, const char *label);

/* Sets the text height to `relative` times the pictures' base size (smaller than PLplot's). */
void plot_text_size(double relative);

/* The title of the page, centred at its top. */
void plot_page_title(const char *title);

/* The number of grid columns, 1..n, that makes n tiles of aspect tile_w:tile_h largest in an
 * area of aspect area_w:area_h. */
size_t plot_grid_columns(size_t n, double tile_w, double tile_h, double area_w, double area_h);

#endif
