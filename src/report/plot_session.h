/* One PLplot drawing, from device choice to the finished file. PLplot keeps its state in globals,
 * so a session holds a process-wide lock from plot_begin to plot_end, and
 * every picture prepares all it needs before plot_begin so that nothing can fail in between. */
#ifndef MLP_REPORT_PLOT_SESSION_H
#define MLP_REPORT_PLOT_SESSION_H

#include "mlp.h"

/* Colour indices of PLplot's cmap0 in every session. Series colours cycle through a
 * colour-blind-friendly palette; band colours are the same hues, mostly transparent. */
enum {
    PLOT_BACKGROUND = 0,
    PLOT_INK = 1,
    PLOT_GRID = 2,
    PLOT_WRONG = 3,
    PLOT_RIGHT = 4,
    PLOT_SERIES = 5,
    PLOT_NUM_SERIES = 10,
    PLOT_BAND = PLOT_SERIES + PLOT_NUM_SERIES,
    PLOT_NUM_COLORS = PLOT_BAND + PLOT_NUM_SERIES
};

typedef struct {
    char *path;      /* the file asked for */
    char *temp_path; /* where PLplot draws until plot_end renames it to path */
    size_t width, height;
} plot_session;

/* Checks out_path's extension (.png or .svg) and that PLplot has its device, creates the
 * temporary file, takes the lock and starts PLplot on a white page of options' width x height
 * (default_width x default_height where those are 0). On failure nothing is left behind. */
mlp_status plot_begin(plot_session *session, const char *out_path, const mlp_plot_options *options,
                      size_t default_width, size_t default_height, mlp_error *err);

/* Ends the PLplot stream, moves the finished file into place and releases the lock. */
mlp_status plot_end(plot_session *session, mlp_error *err);

/* The series colour index for line i. */
int plot_series_color(size_t i);
int plot_band_color(size_t i);

#endif
