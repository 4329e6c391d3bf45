/* Augmentation: output pixel p takes the input at R(-theta) (p - c - t) + c, where c is the
 * image centre, t = (dx, dy) the shift and R the rotation; bilinear between the four nearest
 * pixels, 0 outside the image. With no rotation the shift is an exact integer copy. */
#include "data/augment.h"
#include "data/dataset.h"

#include <math.h>
#include <string.h>

static float pixel(const mlp_dataset *d, size_t base, long y, long x) {
    if (y < 0 || x < 0 || (size_t)y >= d->rows || (size_t)x >= d->cols) return 0.0f;
    size_t at = base + (size_t)y * d->cols + (size_t)x;
    return d->bytes ? (float)d->bytes[at] : d->floats[at];
}

static void shift_copy(const mlp_dataset *d, size_t base, long dx, long dy, float *out) {
    for (size_t y = 0; y < d->rows; y++)
        for (size_t x = 0; x < d->cols; x++)
            out[y * d->cols + x] = pixel(d, base, (long)y - dy, (long)x - dx);
}

void augment_sample(const mlp_dataset *d, size_t i, const mlp_augment_spec *spec, mlp_rng *rng,
                    float *out) {
    size_t base = i * d->features;
    long dx = 0, dy = 0;
    if (spec->max_shift > 0) {
        uint32_t span = 2 * spec->max_shift + 1;
        dx = (long)mlp_rng_below(rng, span) - (long)spec->max_shift;
        dy = (long)mlp_rng_below(rng, span) - (long)spec->max_shift;
    }
    if (!(spec->max_rotation > 0)) {
        shift_copy(d, base, dx, dy, out);
        return;
    }
    double degrees = (2.0 * mlp_rng_uniform(rng) - 1.0) * spec->max_rotation;
    double theta = degrees * 3.14159265358979323846 / 180.0;
    double cs = cos(theta), sn = sin(theta);
    double cx = 0.5 * (double)(d->cols - 1), cy = 0.5 * (double)(d->rows - 1);
    for (size_t y = 0; y < d->rows; y++)
        for (size_t x = 0; x < d->cols; x++) {
            double px = (double)x - cx - (double)dx, py = (double)y - cy - (double)dy;
            double sx = cs * px + sn * py + cx, sy = -sn * px + cs * py + cy;
            double x0 = floor(sx), y0 = floor(sy);
            float fx = (float)(sx - x0), fy = (float)(sy - y0);
            long ix = (long)x0, iy = (long)y0;
            float top = (1 - fx) * pixel(d, base, iy, ix) + fx * pixel(d, base, iy, ix + 1);
            float bottom =
                (1 - fx) * pixel(d, base, iy + 1, ix) + fx * pixel(d, base, iy + 1, ix + 1);
            out[y * d->cols + x] = (1 - fy) * top + fy * bottom;
        }
}
