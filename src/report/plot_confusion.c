/* mlp_plot_confusion: a confusion matrix as a heatmap of row shares with the counts written in. */
#include "report/plot_draw.h"
#include "report/plot_session.h"
#include "util/error.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFUSION_WIDTH 1000
#define CONFUSION_HEIGHT 900
#define CONFUSION_MAX_CLASSES 200

static const char *class_label(const char *const *names, size_t k, char *buf, size_t size) {
    if (names && names[k]) return names[k];
    snprintf(buf, size, "%zu", k);
    return buf;
}

mlp_status mlp_plot_confusion(const uint64_t *counts, size_t num_classes,
                              const char *const *class_names, const mlp_plot_options *options,
                              const char *out_path, mlp_error *err) {
    mlp_plot_options defaults;
    mlp_plot_options_default(&defaults);
    if (!options) options = &defaults;
    size_t k = num_classes;
    if (!counts || k == 0 || k > CONFUSION_MAX_CLASSES)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "confusion matrix: need counts for 1..%d classes (got %zu)",
                        CONFUSION_MAX_CLASSES, k);
    /* Each cell's share of its row (the true class), in percent. */
    float *share = mlp_calloc(k * k, sizeof *share, err);
    if (!share) return MLP_ERR_MEMORY;
    uint64_t total = 0, correct = 0;
    for (size_t t = 0; t < k; t++) {
        uint64_t row = 0;
        for (size_t p = 0; p < k; p++)
            row += counts[t * k + p];
        for (size_t p = 0; p < k; p++)
            share[t * k + p] = row ? (float)(100.0 * (double)counts[t * k + p] / (double)row) : 0;
        total += row;
        correct += counts[t * k + t];
    }
    plot_image image;
    mlp_status status = plot_image_new(&image, k, k, err);
    if (status != MLP_OK) {
        free(share);
        return status;
    }
    plot_image_set(&image, share, 1.0, 0.0, 100.0);
    char title[256];
    if (options->title)
        snprintf(title, sizeof title, "%s", options->title);
    else
        snprintf(title, sizeof title, "Confusion matrix: %" PRIu64 " samples, accuracy %.2f %%",
                 total, total ? 100.0 * (double)correct / (double)total : 0.0);
    plot_session session;
    status = plot_begin(&session, out_path, options, CONFUSION_WIDTH, CONFUSION_HEIGHT, err);
    if (status == MLP_OK) {
        plot_page_title(title);
        plot_cmap_sequential();
        /* A square matrix: the viewport's sides in pixels are made equal. */
        double side = fmin(0.70 * (double)session.width, 0.72 * (double)session.height);
        PLFLT x0 = 0.18, x1 = x0 + side / (double)session.width;
        PLFLT y1 = 0.86, y0 = y1 - side / (double)session.height;
        plvpor(x0, x1, y0, y1);
        plwind(0, (PLFLT)k, 0, (PLFLT)k);
        plot_image_draw(&image, 0, (PLFLT)k, 0, (PLFLT)k);
        double cell_px = side / (double)k;
        char buf[32];
        plot_text_size(fmin(0.9, fmax(0.3, cell_px / 55)));
        for (size_t t = 0; t < k; t++)
            for (size_t p = 0; p < k; p++) {
                snprintf(buf, sizeof buf, "%" PRIu64, counts[t * k + p]);
                /* Dark cells get white text. */
                plcol0(share[t * k + p] > 55 ? PLOT_BACKGROUND : PLOT_INK);
                PLFLT y = (PLFLT)(k - 1 - t) + 0.5;
                plot_ptex((PLFLT)p + 0.5, y - 0.15, 0.5, buf);
            }
        plcol0(PLOT_INK);
        plbox("bc", 0, 0, "bc", 0, 0);
        double label_size = fmin(0.9, fmax(0.35, cell_px / 45));
        size_t longest = 1;
        for (size_t c = 0; c < k; c++)
            longest = fmax(longest, strlen(class_label(class_names, c, buf, sizeof buf)));
        /* Names written upwards under the matrix when they would not fit side by side; the axis
         * titles go beyond the longest name (a character is about 0.6 of its height wide). */
        bool upright = (double)longest * 0.6 * label_size * 14 > cell_px * 0.9;
        double names_depth = 1.0 + 0.6 * (double)longest * label_size / 0.8;
        plot_text_size(label_size);
        for (size_t c = 0; c < k; c++) {
            const char *name = class_label(class_names, c, buf, sizeof buf);
            PLFLT pos = ((PLFLT)c + 0.5) / (PLFLT)k;
            if (upright)
                plot_mtex("bv", 0.7, pos, 1.0, name);
            else
                plot_mtex("b", 1.5, pos, 0.5, name);
            plot_mtex("lv", 0.7, 1.0 - pos, 1.0, name);
        }
        plot_text_size(1.0);
        plot_mtex("b", upright ? names_depth + 1.0 : 3.5, 0.5, 0.5, "predicted class");
        plot_mtex("l", names_depth + 1.0, 0.5, 0.5, "true class");
        plot_colorbar(x1 + 0.04, x1 + 0.065, y0, y1, 0, 100, "share of the true class (%)");
        status = plot_end(&session, err);
    }
    plot_image_free(&image);
    free(share);
    return status;
}
