/* Format detection by content. */
#include "data/source.h"

#include <string.h>

/* IDX: two zero bytes, a type code, then the number of dimensions (1..4 here). */
static bool looks_like_idx(const unsigned char *h, size_t n) {
    if (n < 4 || h[0] != 0 || h[1] != 0) return false;
    bool known_type = h[2] == 0x08 || h[2] == 0x09 || h[2] == 0x0B || h[2] == 0x0C ||
                      h[2] == 0x0D || h[2] == 0x0E;
    return known_type && h[3] >= 1 && h[3] <= 4;
}

data_format data_detect_format(const unsigned char *head, size_t length) {
    static const unsigned char hdf5[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    if (looks_like_idx(head, length)) return FORMAT_IDX;
    if (length >= 7 && memcmp(head, "MATLAB ", 7) == 0) return FORMAT_MAT;
    if (length >= 8 && memcmp(head, hdf5, 8) == 0) return FORMAT_MAT;
    for (size_t i = 0; i < length; i++)
        if (head[i] == 0) return FORMAT_AUTO;
    return FORMAT_CSV;
}
