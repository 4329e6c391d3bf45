/* Plain-or-gzip byte stream with offsets (zlib's gzread reads plain files transparently). */
#include "data/stream.h"
#include "util/error.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

mlp_status data_stream_open(data_stream *stream, const char *path, mlp_error *err) {
    memset(stream, 0, sizeof *stream);
    stream->path = path;
    FILE *f = fopen(path, "rb");
    if (!f) return mlp_fail(err, MLP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    unsigned char magic[2] = {0, 0};
    size_t got = fread(magic, 1, 2, f);
    int is_dir = fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode);
    fclose(f);
    if (is_dir) return mlp_fail(err, MLP_ERR_IO, "%s: is a directory", path);
    if (got == 0) return mlp_fail(err, MLP_ERR_FORMAT, "%s: empty file", path);
    stream->file_size = (uint64_t)st.st_size;
    stream->gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    stream->gz = gzopen(path, "rb");
    if (!stream->gz) return mlp_fail(err, MLP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    gzbuffer(stream->gz, 1 << 17);
    size_t n = 0;
    mlp_status s = data_stream_read_some(stream, stream->peek, sizeof stream->peek, &n, err);
    if (s != MLP_OK) {
        data_stream_close(stream);
        return s;
    }
    stream->peek_length = n;
    stream->offset = 0;
    gzrewind(stream->gz);
    if (n == 0) {
        data_stream_close(stream);
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: empty file (no content after decompression)",
                        path);
    }
    return MLP_OK;
}

void data_stream_close(data_stream *stream) {
    if (stream->gz) gzclose(stream->gz);
    stream->gz = NULL;
}

mlp_status data_stream_read_some(data_stream *stream, void *buffer, size_t n, size_t *got,
                                 mlp_error *err) {
    unsigned chunk = n > (1u << 30) ? (1u << 30) : (unsigned)n;
    int r = gzread(stream->gz, buffer, chunk);
    if (r < 0) {
        int code;
        const char *msg = gzerror(stream->gz, &code);
        return mlp_fail(err, code == Z_ERRNO ? MLP_ERR_IO : MLP_ERR_FORMAT, "%s: byte %llu: %s: %s",
                        stream->path, (unsigned long long)stream->offset,
                        code == Z_ERRNO ? "read error" : "corrupt gzip data",
                        code == Z_ERRNO ? strerror(errno) : msg);
    }
    *got = (size_t)r;
    stream->offset += (uint64_t)r;
    return MLP_OK;
}

mlp_status data_stream_read(data_stream *stream, void *buffer, size_t n, const char *what,
                            mlp_error *err) {
    unsigned char *p = buffer;
    uint64_t start = stream->offset;
    size_t done = 0;
    while (done < n) {
        size_t got = 0;
        MLP_TRY(data_stream_read_some(stream, p + done, n - done, &got, err));
        if (got == 0)
            return mlp_fail(err, MLP_ERR_FORMAT,
                            "%s: byte %llu: truncated: %s needs %zu bytes, only %zu left",
                            stream->path, (unsigned long long)start, what, n, done);
        done += got;
    }
    return MLP_OK;
}

uint64_t data_stream_capacity(const data_stream *stream) {
    if (!stream->gzip) return stream->file_size;
    return stream->file_size > UINT64_MAX / 1032 ? UINT64_MAX : stream->file_size * 1032;
}
