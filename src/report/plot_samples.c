/* mlp_plot_samples: sample images in a grid, captioned with predicted and true classes. */
#include "report/plot_draw.h"
#include "report/plot_session.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SAMPLES_WIDTH 1200
#define SAMPLES_HEIGHT 800
#define SAMPLE_GAP 0.15     /* between images, as a share of the image width */
#define SAMPLE_CAPTION 0.45 /* room for two caption lines, as a share of the image height */
#define CHAR_PX 10.7
#define LINE_PX 19.0

static const char *name_of(const char *const *names, int32_t k, char *buf, size_t size) {
    if (names && names[k]) return names[k];
    snprintf(buf, size, "%d", (int)k);
    return buf;
}

static mlp_status check_samples(const mlp_plot_sample *samples, size_t n, size_t rows, size_t cols,
                                size_t num_classes, mlp_error *err) {
    size_t size;
    if (!samples || n == 0 || rows == 0 || cols == 0 || num_classes == 0 ||
        mlp_mul_overflows(rows, cols, &size))
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "samples: need at least one sample, an image shape and classes (got %zu "
                        "samples of %zux%zu, %zu classes)",
                        n, rows, cols, num_classes);
    for (size_t i = 0; i < n; i++) {
        const mlp_plot_sample *s = &samples[i];
        if (!s->pixels) return mlp_fail(err, MLP_ERR_ARGUMENT, "sample %zu has no pixels", i);
        if (s->predicted < 0 || (size_t)s->predicted >= num_classes || s->truth < -1 ||
            (s->truth >= 0 && (size_t)s->truth >= num_classes))
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "sample %zu: predicted class %d or true class %d is outside 0..%zu", i,
                            (int)s->predicted, (int)s->truth, num_classes - 1);
    }
    return MLP_OK;
}

/* The range of an image's finite values (0..1 when there are none or all are equal). */
static void pixel_range(const float *pixels, size_t size, double *lo, double *hi) {
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t j = 0; j < size; j++)
        if (isfinite(pixels[j])) {
            *lo = fmin(*lo, pixels[j]);
            *hi = fmax(*hi, pixels[j]);
        }
    if (!(*lo < *hi)) *lo = 0, *hi = 1;
}

/* Caption line 0 ("pred NAME (97%)") or 1 ("true NAME", empty when unknown); returns its
 * length. */
static size_t caption_text(const mlp_plot_sample *s, const char *const *names, int which,
                           char *text, size_t size) {
    char buf[32];
    text[0] = '\0';
    if (which == 0 && isfinite(s->confidence))
        snprintf(text, size, "pred %s (%.0f%%)", name_of(names, s->predicted, buf, sizeof buf),
                 100.0 * s->confidence);
    else if (which == 0)
        snprintf(text, size, "pred %s", name_of(names, s->predicted, buf, sizeof buf));
    else if (s->truth >= 0)
        snprintf(text, size, "true %s", name_of(names, s->truth, buf, sizeof buf));
    return strlen(text);
}

static void caption(const mlp_plot_sample *s, const char *const *names, double x, double y,
                    double line) {
    char text[160];
    plcol0(s->truth < 0 ? PLOT_INK : s->truth == s->predicted ? PLOT_RIGHT : PLOT_WRONG);
    for (int which = 0; which < 2; which++)
        if (caption_text(s, names, which, text, sizeof text))
            plot_ptex(x, y - (0.3 + 1.05 * which) * line - 0.5 * line, 0.5, text);
}

mlp_status mlp_plot_samples(const mlp_plot_sample *samples, size_t num_samples, size_t rows,
                            size_t cols, const char *const *class_names, size_t num_classes,
                            const mlp_plot_options *options, const char *out_path, mlp_error *err) {
    mlp_plot_options defaults;
    mlp_plot_options_default(&defaults);
    if (!options) options = &defaults;
    MLP_TRY(check_samples(samples, num_samples, rows, cols, num_classes, err));
    size_t wrong = 0, known = 0, longest = 1;
    for (size_t i = 0; i < num_samples; i++) {
        char text[160];
        longest = fmax(longest, caption_text(&samples[i], class_names, 0, text, sizeof text));
        longest = fmax(longest, caption_text(&samples[i], class_names, 1, text, sizeof text));
        known += samples[i].truth >= 0;
        wrong += samples[i].truth >= 0 && samples[i].truth != samples[i].predicted;
    }
    plot_image image;
    MLP_TRY(plot_image_new(&image, rows, cols, err));
    char title[256];
    if (options->title)
        snprintf(title, sizeof title, "%s", options->title);
    else if (known)
        snprintf(title, sizeof title, "%zu samples: %zu right, %zu wrong (framed in red)",
                 num_samples, known - wrong, wrong);
    else
        snprintf(title, sizeof title, "%zu samples and their predictions", num_samples);
    plot_session session;
    mlp_status status = plot_begin(&session, out_path, options, SAMPLES_WIDTH, SAMPLES_HEIGHT, err);
    if (status != MLP_OK) {
        plot_image_free(&image);
        return status;
    }
    plot_page_title(title);
    plot_cmap_gray();
    double area_w, area_h;
    plot_pixel_viewport(session.width, session.height, 0.01, 0.99, 0.01, 0.90, &area_w, &area_h);
    double gap = SAMPLE_GAP * (double)cols;
    plot_grid grid = plot_grid_fit(num_samples, options->columns, (double)cols + gap,
                                   (double)rows * (1 + SAMPLE_CAPTION) + gap, area_w, area_h);
    double unit = grid.cell_w / ((double)cols + gap); /* pixels per image pixel */
    double image_w = unit * (double)cols, image_h = unit * (double)rows;
    double left = (area_w - grid.cell_w * (double)grid.columns) / 2;
    double top = area_h - (area_h - grid.cell_h * (double)grid.rows) / 2;
    /* At text size 1 a character is about CHAR_PX wide and a caption line LINE_PX tall: the
     * text is as large as the longest caption allows within a cell, and two lines below. */
    double text = fmin(1.0, grid.cell_w * 0.95 / (CHAR_PX * (double)longest));
    text = fmin(text, (image_h * SAMPLE_CAPTION + unit * gap / 2) / (2.2 * LINE_PX));
    double line = LINE_PX * text;
    plot_text_size(fmax(0.3, text));
    for (size_t i = 0; i < num_samples; i++) {
        const mlp_plot_sample *s = &samples[i];
        double lo, hi;
        pixel_range(s->pixels, rows * cols, &lo, &hi);
        plot_image_set(&image, s->pixels, 1.0, lo, hi);
        double x0 = left + (double)(i % grid.columns) * grid.cell_w + unit * gap / 2;
        double y1 = top - (double)(i / grid.columns) * grid.cell_h - unit * gap / 2;
        double y0 = y1 - image_h;
        plot_image_draw(&image, x0, x0 + image_w, y0, y1);
        if (s->truth >= 0 && s->truth != s->predicted) {
            plcol0(PLOT_WRONG);
            plwidth(3.0);
            plot_frame(x0 - 1, x0 + image_w + 1, y0 - 1, y1 + 1);
            plwidth(1.0);
        }
        caption(s, class_names, x0 + image_w / 2, y0, line);
    }
    plot_image_free(&image);
    return plot_end(&session, err);
}
