#include "support/image_png.h"

#include "util/error.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

mlp_status image_png_read(image_rgb *image, const char *path, mlp_error *err) {
    memset(image, 0, sizeof *image);
    png_image png;
    memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&png, path))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: %s", path, png.message);
    png.format = PNG_FORMAT_RGB;
    image->rgb = mlp_calloc(PNG_IMAGE_SIZE(png), 1, err);
    if (!image->rgb) {
        png_image_free(&png);
        return MLP_ERR_MEMORY;
    }
    if (!png_image_finish_read(&png, NULL, image->rgb, 0, NULL)) {
        mlp_status status = mlp_fail(err, MLP_ERR_FORMAT, "%s: %s", path, png.message);
        image_rgb_free(image);
        return status;
    }
    image->width = png.width;
    image->height = png.height;
    return mlp_ok(err);
}

void image_rgb_free(image_rgb *image) {
    if (!image) return;
    free(image->rgb);
    memset(image, 0, sizeof *image);
}

size_t image_rgb_count_colors(const image_rgb *image, size_t x0, size_t y0, size_t x1, size_t y1,
                              size_t limit) {
    if (x1 > image->width) x1 = image->width;
    if (y1 > image->height) y1 = image->height;
    unsigned seen[256] = {0}; /* distinct colours found so far, packed as 0xRRGGBB */
    size_t count = 0;
    if (limit > 256) limit = 256;
    for (size_t y = y0; y < y1 && count < limit; y++)
        for (size_t x = x0; x < x1 && count < limit; x++) {
            const unsigned char *p = image->rgb + 3 * (y * image->width + x);
            unsigned color = (unsigned)p[0] << 16 | (unsigned)p[1] << 8 | p[2];
            bool known = false;
            for (size_t i = 0; i < count && !known; i++)
                known = seen[i] == color;
            if (!known) seen[count++] = color;
        }
    return count;
}
