/* mlp_plot_weight_tiles: each unit's incoming weights as an image, in a grid, with a colour bar. */
#include "report/plot_draw.h"
#include "report/plot_session.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>

#define TILES_WIDTH 1200
#define TILES_HEIGHT 800
#define TILE_GAP 0.12      /* space between tiles, as a share of the tile */
#define TILE_LABEL 0.30    /* room for a label above a tile, as a share of its height */
#define MIN_LABELLED_PX 40 /* unit numbers only on tiles at least this tall */

/* Largest |w| of tile i (0 for an all-zero tile). */
static double tile_max_abs(const float *w, size_t size) {
    double m = 0;
    for (size_t j = 0; j < size; j++)
        m = fmax(m, fabs((double)w[j]));
    return m;
}

static mlp_status check_arguments(const float *weights, size_t num_tiles, size_t rows, size_t cols,
                                  size_t *size, mlp_error *err) {
    size_t total;
    if (!weights || num_tiles == 0 || rows == 0 || cols == 0)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "weight tiles: need weights, at least one tile and a shape (got %zu tiles "
                        "of %zux%zu)",
                        num_tiles, rows, cols);
    if (mlp_mul_overflows(rows, cols, size) || mlp_mul_overflows(*size, num_tiles, &total))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "weight tiles: %zu tiles of %zux%zu overflow",
                        num_tiles, rows, cols);
    for (size_t i = 0; i < total; i++)
        if (!isfinite(weights[i]))
            return mlp_fail(err, MLP_ERR_NUMERIC, "weight tiles: tile %zu, pixel (%zu, %zu) is %g",
                            i / *size, i % *size / cols, i % *size % cols, (double)weights[i]);
    return MLP_OK;
}

mlp_status mlp_plot_weight_tiles(const float *weights, size_t num_tiles, size_t rows, size_t cols,
                                 const char *const *tile_names, const mlp_plot_options *options,
                                 const char *out_path, mlp_error *err) {
    mlp_plot_options defaults;
    mlp_plot_options_default(&defaults);
    if (!options) options = &defaults;
    size_t size;
    MLP_TRY(check_arguments(weights, num_tiles, rows, cols, &size, err));
    double global_max = tile_max_abs(weights, size * num_tiles);
    if (global_max == 0) global_max = 1;
    plot_image image;
    MLP_TRY(plot_image_new(&image, rows, cols, err));
    char title[256];
    if (options->title)
        snprintf(title, sizeof title, "%s", options->title);
    else
        snprintf(title, sizeof title, "Incoming weights of %zu units (%zux%zu)%s", num_tiles, rows,
                 cols, options->shared_scale ? "" : ", each tile on its own scale");
    plot_session session;
    mlp_status status = plot_begin(&session, out_path, options, TILES_WIDTH, TILES_HEIGHT, err);
    if (status != MLP_OK) {
        plot_image_free(&image);
        return status;
    }
    plot_page_title(title);
    plot_cmap_diverging();

    double area_w, area_h;
    plot_pixel_viewport(session.width, session.height, 0.02, 0.86, 0.02, 0.90, &area_w, &area_h);
    /* Decide on labels with a first fit, then fit again leaving room for them. */
    plot_grid grid = plot_grid_fit(num_tiles, options->columns, cols * (1 + TILE_GAP),
                                   rows * (1 + TILE_GAP), area_w, area_h);
    bool labels = tile_names || grid.cell_h / (1 + TILE_GAP) >= MIN_LABELLED_PX;
    double label_h = labels ? TILE_LABEL : 0;
    grid = plot_grid_fit(num_tiles, options->columns, cols * (1 + TILE_GAP),
                         rows * (1 + TILE_GAP + label_h), area_w, area_h);
    double tile_w = grid.cell_w / (1 + TILE_GAP);
    double tile_h = tile_w * (double)rows / (double)cols;
    /* Centre the grid in the area. */
    double left = (area_w - grid.cell_w * (double)grid.columns) / 2;
    double top = area_h - (area_h - grid.cell_h * (double)grid.rows) / 2;
    plot_text_size(fmin(1.0, fmax(0.45, tile_h / 90)));
    for (size_t i = 0; i < num_tiles; i++) {
        const float *w = weights + i * size;
        double m = options->shared_scale ? global_max : tile_max_abs(w, size);
        plot_image_set(&image, w, m > 0 ? 1.0 / m : 1.0, -1.0, 1.0);
        double x0 = left + (double)(i % grid.columns) * grid.cell_w + (grid.cell_w - tile_w) / 2;
        double y1 = top - (double)(i / grid.columns) * grid.cell_h - (grid.cell_h - tile_h) +
                    grid.cell_h * TILE_GAP / (2 * (1 + TILE_GAP + label_h));
        double y0 = y1 - tile_h;
        plot_image_draw(&image, x0, x0 + tile_w, y0, y1);
        plcol0(PLOT_GRID);
        plot_frame(x0, x0 + tile_w, y0, y1);
        if (labels) {
            char number[32];
            snprintf(number, sizeof number, "%zu", i);
            plcol0(PLOT_INK);
            plot_ptex(x0 + tile_w / 2, y1 + tile_h * 0.12, 0.5,
                      tile_names ? tile_names[i] : number);
        }
    }
    if (options->shared_scale)
        plot_colorbar(0.90, 0.92, 0.15, 0.80, -global_max, global_max, "weight");
    else
        plot_colorbar(0.90, 0.92, 0.15, 0.80, -1.0, 1.0, "weight / largest |weight| of its tile");
    plot_image_free(&image);
    return plot_end(&session, err);
}
