/* MATLAB v5 layout: a 128-byte header (text, version, endian indicator "IM" when little-endian)
 * then elements, each an 8-byte tag (uint32 type, uint32 size) and its data. A variable is an
 * miMATRIX (14) element, possibly inside an miCOMPRESSED (15) zlib stream; its data starts with
 * sub-elements: array flags (miUINT32, 8 bytes), dimensions (miINT32, 4 bytes each) and the
 * name (miINT8). A tag whose upper 16 bits are non-zero is a "small element": size in the upper
 * half, type in the lower, data in the tag's second word.
 *
 * Containers: a cell array's name is followed by one miMATRIX element per cell; a struct's by
 * the field name length (miINT32, one value), the field names (miINT8, length bytes each) and
 * one miMATRIX element per field of each element. libmatio's variable info (Mat_VarReadInfo,
 * Mat_GetDir) reads every container through: it allocates a pointer per cell, or per field of
 * each element, from the dimensions alone (calloc(cells, 8)), then reads each one's header,
 * recursively. Every cell or field takes at least an 8-byte tag in the file, so a container
 * whose dimensions promise more cells than its bytes can hold is refused here, at every depth. */
#include "data/mat_check.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

enum { MI_INT8 = 1, MI_INT32 = 5, MI_UINT32 = 6, MI_MATRIX = 14, MI_COMPRESSED = 15 };
enum { CLASS_CELL = 1, CLASS_STRUCT = 2, CLASS_OBJECT = 3 };
#define MAX_RANK 32
#define MAX_NAME 4096
#define MAX_DEPTH 32 /* containers nested deeper are refused (libmatio recurses on the stack) */

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

/* A variable's bytes read front to back: straight from the file, or inflated from a compressed
 * element's bytes in the file. Nothing is held but a small window. */
typedef struct {
    FILE *f;
    bool compressed;
    z_stream z;
    uint64_t in_left; /* compressed bytes of the element not yet fed to inflate */
    unsigned char in[4096];
    bool end;       /* inflate reached the end of the stream */
    uint64_t taken; /* bytes of the file read or skipped */
} cursor;

/* Reads n bytes into out (NULL: discards them); false when the variable ends first. */
static bool cursor_read(cursor *c, unsigned char *out, uint64_t n) {
    unsigned char scratch[4096];
    if (!c->compressed) {
        c->taken += n;
        /* a short skip reads through the stdio buffer: glibc's fseek is a system call */
        if (!out && n > sizeof scratch) return fseek(c->f, (long)n, SEEK_CUR) == 0;
        return fread(out ? out : scratch, 1, (size_t)n, c->f) == n;
    }
    while (n > 0) {
        if (c->end) return false;
        size_t want = out || n < sizeof scratch ? (size_t)n : sizeof scratch;
        c->z.next_out = out ? out : scratch;
        c->z.avail_out = (uInt)want;
        while (c->z.avail_out > 0 && !c->end) {
            if (c->z.avail_in == 0) {
                size_t take = c->in_left < sizeof c->in ? (size_t)c->in_left : sizeof c->in;
                if (take == 0 || fread(c->in, 1, take, c->f) != take) return false;
                c->in_left -= take;
                c->taken += take;
                c->z.next_in = c->in;
                c->z.avail_in = (uInt)take;
            }
            int r = inflate(&c->z, Z_NO_FLUSH);
            if (r == Z_STREAM_END)
                c->end = true;
            else if (r != Z_OK)
                return false;
        }
        size_t got = want - c->z.avail_out;
        if (got < want) return false;
        if (out) out += got;
        n -= got;
    }
    return true;
}

typedef struct {
    const byte_order *o;
    const char *path;
    uint64_t offset; /* of the top-level element, for messages */
    mlp_error *err;
} walk;

/* Fails with "PATH: byte OFFSET: variable <formatted text>". */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static mlp_status
bad(const walk *w, const char *format, ...) {
    char text[200];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    return mlp_fail(w->err, MLP_ERR_FORMAT, "%s: byte %llu: variable %s", w->path,
                    (unsigned long long)w->offset, text);
}

/* Reads one tag from c, counting its 8 bytes against *left. */
static bool read_tag(const walk *w, cursor *c, uint64_t *left, uint32_t *type, uint32_t *size,
                     size_t *data, unsigned char raw[8]) {
    if (*left < 8 || !cursor_read(c, raw, 8)) return false;
    *left -= 8;
    tag(w->o, raw, type, size, data);
    return true;
}

/* Skips a (non-small) element's data, padded to 8 bytes, counting against *left. */
static bool skip_data(cursor *c, uint64_t *left, uint32_t size) {
    uint64_t padded = ((uint64_t)size + 7) / 8 * 8;
    if (padded > *left) return false;
    *left -= padded;
    return cursor_read(c, NULL, padded);
}

/* Checks the content of one miMATRIX element of `size` bytes (its tag already read); leaves the
 * cursor after the content. */
static mlp_status check_matrix(const walk *w, cursor *c, uint64_t size, int depth) {
    if (size == 0) return MLP_OK; /* an empty placeholder */
    if (depth > MAX_DEPTH) return bad(w, "nests containers more than %d deep", MAX_DEPTH);
    uint64_t left = size;
    unsigned char raw[8], flags[8];
    uint32_t type, n;
    size_t data;
    if (!read_tag(w, c, &left, &type, &n, &data, raw)) goto truncated;
    if (type != MI_UINT32 || n != 8 || data != 8 || left < 8 || !cursor_read(c, flags, 8))
        return bad(w, "has bad array flags");
    left -= 8;
    uint32_t class_type = u32(w->o, flags) & 0xff;
    if (class_type == 0 || class_type > 15) /* function handles, opaque objects: not data */
        return bad(w, "of unsupported class %u", class_type);
    if (!read_tag(w, c, &left, &type, &n, &data, raw)) goto truncated;
    if (type != MI_INT32 || data != 8 || n % 4 != 0 || n < 8 || n > 4 * MAX_RANK)
        return bad(w, "has a bad dimensions tag (type %u, %u bytes)", type, n);
    unsigned char dims[4 * MAX_RANK];
    uint64_t padded = ((uint64_t)n + 7) / 8 * 8;
    if (padded > left || !cursor_read(c, dims, n) || !cursor_read(c, NULL, padded - n))
        goto truncated;
    left -= padded;
    /* The number of elements, saturated: any count over the bytes left is refused below. */
    uint64_t elements = 1;
    for (uint32_t k = 0; k < n / 4; k++) {
        uint64_t d = u32(w->o, dims + 4 * k);
        elements = d && elements > UINT64_MAX / d ? UINT64_MAX : elements * d;
    }
    if (!read_tag(w, c, &left, &type, &n, &data, raw)) goto truncated;
    if ((type != MI_INT8 && type != 16 /* miUTF8 */) || n > MAX_NAME)
        return bad(w, "has a bad name tag (type %u, %u bytes)", type, n);
    if (data == 8 && !skip_data(c, &left, n)) goto truncated;
    if (class_type != CLASS_CELL && class_type != CLASS_STRUCT) {
        /* Objects are skipped by libmatio; numeric data is sized by Mat_VarRead's caller. A
         * top-level variable ends here (the next is found by its tag); a cell or field is read
         * through, so the cursor stands at the next one. */
        return depth == 0 || cursor_read(c, NULL, left) ? MLP_OK : bad(w, "is truncated");
    }
    uint64_t children = elements;
    if (class_type == CLASS_STRUCT) {
        if (!read_tag(w, c, &left, &type, &n, &data, raw)) goto truncated;
        uint32_t length = data == 4 ? u32(w->o, raw + 4) : 0;
        if (type != MI_INT32 || data != 4 || n != 4 || length == 0 || length > MAX_NAME)
            return bad(w, "has a bad field name length (type %u, value %u)", type, length);
        if (!read_tag(w, c, &left, &type, &n, &data, raw)) goto truncated;
        if (type != MI_INT8 || data != 8 || n % length != 0)
            return bad(w, "has bad field names (type %u, %u bytes)", type, n);
        if (!skip_data(c, &left, n)) goto truncated;
        uint64_t fields = n / length;
        children = fields && elements > UINT64_MAX / fields ? UINT64_MAX : elements * fields;
    }
    if (children > left / 8)
        return bad(w, "promises %llu cells or fields in %llu bytes, fewer than 8 bytes each",
                   (unsigned long long)children, (unsigned long long)left);
    for (uint64_t k = 0; k < children; k++) {
        if (!read_tag(w, c, &left, &type, &n, &data, raw)) goto truncated;
        if (type != MI_MATRIX || data != 8 || n % 8 != 0 || n > left)
            return bad(w, "has a bad cell or field element (type %u, %u bytes)", type, n);
        left -= n;
        MLP_TRY(check_matrix(w, c, n, depth + 1));
    }
    return depth == 0 || cursor_read(c, NULL, left) ? MLP_OK : bad(w, "is truncated");
truncated:
    return bad(w, "header is truncated");
}

/* Checks the variable in the element at `offset` (tag type and size given; the file positioned
 * after the tag); *taken: the bytes after the tag it read or skipped. */
static mlp_status check_element(const walk *w, FILE *f, uint32_t type, uint32_t size,
                                uint64_t *taken) {
    cursor c = {.f = f};
    if (type == MI_MATRIX) {
        mlp_status s = check_matrix(w, &c, size, 0);
        *taken = c.taken;
        return s;
    }
    c.compressed = true;
    c.in_left = size;
    if (inflateInit(&c.z) != Z_OK)
        return mlp_fail(w->err, MLP_ERR_MEMORY, "%s: out of memory for zlib", w->path);
    unsigned char raw[8];
    uint32_t inner_type, inner_size;
    size_t data;
    mlp_status s;
    if (!cursor_read(&c, raw, 8))
        s = bad(w, "header is truncated");
    else {
        tag(w->o, raw, &inner_type, &inner_size, &data);
        /* Deflate expands at most 1032:1. */
        if (inner_type != MI_MATRIX || data != 8)
            s = mlp_fail(w->err, MLP_ERR_FORMAT,
                         "%s: byte %llu: element type %u, expected a matrix", w->path,
                         (unsigned long long)w->offset, inner_type);
        else if (inner_size > (uint64_t)size * 1032)
            s = bad(w, "claims %u bytes, more than %u compressed bytes can hold", inner_size, size);
        else
            s = check_matrix(w, &c, inner_size, 0);
    }
    inflateEnd(&c.z);
    *taken = c.taken;
    return s;
}

mlp_status mat_v5_check(const char *path, uint64_t *file_size, mlp_error *err) {
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        if (f) fclose(f);
        return mlp_fail(err, MLP_ERR_IO, "%s: cannot open", path);
    }
    *file_size = (uint64_t)st.st_size;
    /* stdio's buffer on the stack rather than a 4 KB allocation per file */
    char buffer[4096];
    setvbuf(f, buffer, _IOFBF, sizeof buffer);
    unsigned char header[128];
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
    uint64_t total = *file_size, here = 128;
    for (uint64_t offset = 128; s == MLP_OK && offset + 8 <= total;) {
        unsigned char t[8];
        /* seek only where the check did not end at the next element (a system call each) */
        if (here != offset && fseek(f, (long)offset, SEEK_SET) != 0) break;
        if (fread(t, 1, 8, f) != 8) break;
        here = offset + 8;
        uint32_t type, size;
        size_t data;
        tag(&o, t, &type, &size, &data);
        if (data == 4 || size > total - offset - 8) {
            s = mlp_fail(err, MLP_ERR_FORMAT,
                         "%s: byte %llu: element of %u bytes runs past the end of the file", path,
                         (unsigned long long)offset, size);
            break;
        }
        walk w = {.o = &o, .path = path, .offset = offset, .err = err};
        uint64_t taken = 0;
        if (type == MI_MATRIX || type == MI_COMPRESSED)
            s = check_element(&w, f, type, size, &taken);
        here += taken;
        offset += 8 + size;
        if (type != MI_COMPRESSED) offset = (offset + 7) / 8 * 8;
    }
    fclose(f);
    return s;
}
