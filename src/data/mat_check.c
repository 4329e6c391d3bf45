/* MATLAB v5 layout: a 128-byte header (text, version, endian indicator "IM" when little-endian)
 * then elements, each an 8-byte tag (uint32 type, uint32 size) and its data. A variable is an
 * miMATRIX (14) element, possibly inside an miCOMPRESSED (15) zlib stream; its data starts with
 * sub-elements: array flags (miUINT32, 8 bytes), dimensions (miINT32, 4 bytes each) and the
 * name (miINT8). A tag whose upper 16 bits are non-zero is a "small element": size in the upper
 * half, type in the lower, data in the tag's second word. */
#include "data/mat_check.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { MI_INT8 = 1, MI_INT32 = 5, MI_UINT32 = 6, MI_MATRIX = 14, MI_COMPRESSED = 15 };
#define MAX_RANK 32
#define MAX_NAME 4096
#define HEAD_BYTES 256 /* enough of a variable to see its flags, dimensions and name tag */

typedef struct {
    bool swap;
} byte_order;

static uint32_t u32(const byte_order *o, const unsigned char *p) {
    return o->swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                   : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Reads the tag at p: type, size, and the offset of its data (4 for a small element). */
static void tag(const byte_order *o, const unsigned char *p, uint32_t *type, uint32_t *size,
                size_t *data) {
    uint32_t first = u32(o, p);
    if (first >> 16) {
        *type = first & 0xffff;
        *size = first >> 16;
        *data = 4;
    } else {
        *type = first;
        *size = u32(o, p + 4);
        *data = 8;
    }
}

/* Checks a variable's first bytes (head[0..n), starting at its miMATRIX tag). */
static mlp_status check_matrix(const byte_order *o, const unsigned char *head, size_t n,
                               uint64_t total, const char *path, uint64_t offset, mlp_error *err) {
    uint32_t type, size;
    size_t data;
    if (n < 8) goto truncated;
    tag(o, head, &type, &size, &data);
    if (type != MI_MATRIX)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: byte %llu: element type %u, expected a matrix",
                        path, (unsigned long long)offset, type);
    if (size == 0) return MLP_OK; /* an empty placeholder */
    if (size > total)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: byte %llu: variable claims %u bytes, more than the file can hold",
                        path, (unsigned long long)offset, size);
    size_t at = 8;
    if (n < at + 16) goto truncated;
    tag(o, head + at, &type, &size, &data);
    if (type != MI_UINT32 || size != 8)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: byte %llu: variable has bad array flags", path,
                        (unsigned long long)offset);
    uint32_t class_type = u32(o, head + at + 8) & 0xff;
    if (class_type == 0 || class_type > 15) /* function handles, opaque objects: not data */
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: byte %llu: variable of unsupported class %u",
                        path, (unsigned long long)offset, class_type);
    at += 16;
    if (n < at + 8) goto truncated;
    tag(o, head + at, &type, &size, &data);
    if (type != MI_INT32 || size % 4 != 0 || size < 8 || size > 4 * MAX_RANK)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: byte %llu: variable has a bad dimensions tag (type %u, %u bytes)",
                        path, (unsigned long long)offset, type, size);
    at += 8 + (size + 7u) / 8 * 8; /* size >= 8: never a small element */
    if (n < at + 8) goto truncated;
    tag(o, head + at, &type, &size, &data);
    if ((type != MI_INT8 && type != 16 /* miUTF8 */) || size > MAX_NAME)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: byte %llu: variable has a bad name tag (type %u, %u bytes)", path,
                        (unsigned long long)offset, type, size);
    return MLP_OK;
truncated:
    return mlp_fail(err, MLP_ERR_FORMAT, "%s: byte %llu: truncated variable header", path,
                    (unsigned long long)offset);
}

/* Inflates up to HEAD_BYTES of a compressed element's start. */
static size_t inflate_head(const unsigned char *in, size_t n, unsigned char *out) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK) return 0;
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = HEAD_BYTES;
    inflate(&z, Z_SYNC_FLUSH);
    size_t got = HEAD_BYTES - z.avail_out;
    inflateEnd(&z);
    return got;
}

mlp_status mat_v5_check(const char *path, mlp_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return mlp_fail(err, MLP_ERR_IO, "%s: cannot open", path);
    unsigned char header[128], raw[4096], head[HEAD_BYTES];
    mlp_status s = MLP_OK;
    /* libmatio takes any file with version 0x0100 at byte 124 and the endian indicator at 126
     * as v5, whatever its text says; 0x0200 with an HDF5 signature at byte 512 is v7.3; and it
     * reads anything else as v4, trusting sizes there too, so that is refused here. */
    bool whole = fread(header, 1, 128, f) == 128;
    bool little = header[126] == 'I' && header[127] == 'M' && header[124] == 0 && header[125] == 1;
    bool big = header[126] == 'M' && header[127] == 'I' && header[124] == 1 && header[125] == 0;
    if (!whole || !(little || big)) {
        static const unsigned char hdf5[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
        unsigned char signature[8];
        bool v73 = whole && header[124] == 0 && header[125] == 2 && fseek(f, 512, SEEK_SET) == 0 &&
                   fread(signature, 1, 8, f) == 8 && memcmp(signature, hdf5, 8) == 0;
        fclose(f);
        return v73 ? MLP_OK
                   : mlp_fail(err, MLP_ERR_FORMAT,
                              "%s: byte 124: not a MATLAB v5 or v7.3 file (no version and "
                              "endian indicator there)",
                              path);
    }
    byte_order o = {.swap = big};
    fseek(f, 0, SEEK_END);
    uint64_t total = (uint64_t)ftell(f);
    for (uint64_t offset = 128; s == MLP_OK && offset + 8 <= total;) {
        unsigned char t[8];
        fseek(f, (long)offset, SEEK_SET);
        if (fread(t, 1, 8, f) != 8) break;
        uint32_t type, size;
        size_t data;
        tag(&o, t, &type, &size, &data);
        if (data == 4 || size > total - offset - 8) {
            s = mlp_fail(err, MLP_ERR_FORMAT,
                         "%s: byte %llu: element of %u bytes runs past the end of the file", path,
                         (unsigned long long)offset, size);
            break;
        }
        size_t want = size < sizeof raw ? size : sizeof raw, got = fread(raw, 1, want, f);
        if (type == MI_COMPRESSED) {
            size_t n = inflate_head(raw, got, head);
            s = check_matrix(&o, head, n, (uint64_t)size * 1032, path, offset, err);
        } else if (type == MI_MATRIX) {
            memcpy(head, t, 8);
            size_t n = got < HEAD_BYTES - 8 ? got : HEAD_BYTES - 8;
            memcpy(head + 8, raw, n);
            s = check_matrix(&o, head, n + 8, size + 8, path, offset, err);
        }
        offset += 8 + size;
        if (type != MI_COMPRESSED) offset = (offset + 7) / 8 * 8;
    }
    fclose(f);
    return s;
}
