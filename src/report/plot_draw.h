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

/* A rows x cols image as shades in [0, 1] of colour map 1, row-major, row 0 drawn on top.
 * Allocate before plot_begin so no drawing step can fail. */
typedef struct {
    size_t rows, cols;
    PLFLT *shade;
} plot_image;

mlp_status plot_image_new(plot_image *image, size_t rows, size_t cols, mlp_error *err);
void plot_image_free(plot_image *image);

/* Sets the shades from rows*cols row-major values: value * scale, clamped to [lo, hi], mapped
 * linearly onto [0, 1] (NaN counts as lo). */
void plot_image_set(plot_image *image, const float *values, double scale, double lo, double hi);

/* Draws the image over the world rectangle [x0, x1] x [y0, y1]. */
void plot_image_draw(const plot_image *image, PLFLT x0, PLFLT x1, PLFLT y0, PLFLT y1);

/* A vertical colour bar in the viewport [x0, x1] x [y0, y1] (normalised page coordinates) from
 * lo to hi with ticks and a label on its right. Leaves that viewport active. */
void plot_colorbar(PLFLT x0, PLFLT x1, PLFLT y0, PLFLT y1, PLFLT lo, PLFLT hi, const char *label);

/* Sets the text height to `relative` times the pictures' base size (smaller than PLplot's). */
void plot_text_size(double relative);

/* Text for PLplot to draw as it is: PLplot reads '#' as an escape ("#u" raises the text, "#g"
 * turns to Greek), so each '#' is doubled. Writes into out[size] (cut to fit) and returns out. */
#define PLOT_TEXT_MAX 1024
const char *plot_literal(const char *text, char *out, size_t size);

/* plptex (horizontal, at world x, y) and plmtex (relative to the viewport's `side`) of literal
 * text: every name, title and label of the pictures goes through these. */
void plot_ptex(PLFLT x, PLFLT y, PLFLT just, const char *text);
void plot_mtex(const char *side, PLFLT disp, PLFLT pos, PLFLT just, const char *text);

/* Starts the page and writes its title, centred at the top. */
void plot_page_title(const char *title);

/* A grid of n equal cells: `columns` x `rows` cells of cell_w x cell_h pixels each. */
typedef struct {
    size_t columns, rows;
    double cell_w, cell_h;
} plot_grid;

/* Fits n cells of aspect aspect_w:aspect_h into area_w x area_h pixels, as large as they can be;
 * with columns 0 the number of columns is chosen to make them largest. */
plot_grid plot_grid_fit(size_t n, size_t columns, double aspect_w, double aspect_h, double area_w,
                        double area_h);

/* Sets the viewport to the normalised page rectangle [x0, x1] x [y0, y1] with world coordinates
 * in pixels, origin at its bottom left; returns its size in pixels through w and h. */
void plot_pixel_viewport(size_t page_w, size_t page_h, PLFLT x0, PLFLT x1, PLFLT y0, PLFLT y1,
                         double *w, double *h);

/* A rectangle outline in world coordinates. */
void plot_frame(PLFLT x0, PLFLT x1, PLFLT y0, PLFLT y1);

#endif
