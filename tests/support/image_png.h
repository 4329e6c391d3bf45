/* Reading PNG files back as 8-bit RGB (libpng's simplified API), for the picture tests only: the
 * library writes PNG through PLplot and never reads one. */
#ifndef MLP_TEST_IMAGE_PNG_H
#define MLP_TEST_IMAGE_PNG_H

#include "mlp.h"

typedef struct {
    size_t width, height;
    unsigned char *rgb; /* height rows of width pixels, 3 bytes each */
} image_rgb;

mlp_status image_png_read(image_rgb *image, const char *path, mlp_error *err);
void image_rgb_free(image_rgb *image);

/* The number of distinct colours in the rectangle [x0, x1) x [y0, y1) (clipped to the image),
 * counting at most `limit`. */
size_t image_rgb_count_colors(const image_rgb *image, size_t x0, size_t y0, size_t x1, size_t y1,
                              size_t limit);

#endif
