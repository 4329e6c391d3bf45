/* Plain-or-gzip byte stream with offsets: plain files are read from their descriptor, gzip files
 * through zlib. */
#include "data/stream.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

mlp_status data_stream_open(data_stream *stream, const char *path, mlp_error *err) {
    memset(stream, 0, sizeof *stream);
    stream->path = path;
    stream->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (stream->fd < 0)
        return mlp_fail(err, MLP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    mlp_status s = MLP_OK;
    if (fstat(stream->fd, &st) != 0)
        s = mlp_fail(err, MLP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    else if (S_ISDIR(st.st_mode))
        s = mlp_fail(err, MLP_ERR_IO, "%s: is a directory", path);
    stream->file_size = (uint64_t)st.st_size;
    size_t n = 0;
    if (s == MLP_OK) s = data_stream_read_some(stream, stream->peek, sizeof stream->peek, &n, err);
    if (s == MLP_OK && n == 0) s = mlp_fail(err, MLP_ERR_FORMAT, "%s: empty file", path);
    stream->gzip = n >= 2 && stream->peek[0] == 0x1f && stream->peek[1] == 0x8b;
    if (s == MLP_OK && lseek(stream->fd, 0, SEEK_SET) != 0)
        s = mlp_fail(err, MLP_ERR_IO, "%s: cannot read it from the start: %s", path,
                     strerror(errno));
    if (s == MLP_OK && stream->gzip) {
        /* zlib takes over the descriptor (gzclose closes it). Its buffers: this much for input
         * and twice as much for output, 128 KB for big files, no more than the file for small
         * ones. */
        stream->gz = gzdopen(stream->fd, "rb");
        if (!stream->gz)
            s = mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory opening it", path);
        else {
            stream->fd = -1;
            uint64_t want = stream->file_size < 1024 ? 1024 : stream->file_size;
            gzbuffer(stream->gz, want < (1u << 17) ? (unsigned)want : 1u << 17);
            s = data_stream_read_some(stream, stream->peek, sizeof stream->peek, &n, err);
            if (s == MLP_OK && n == 0)
                s = mlp_fail(err, MLP_ERR_FORMAT, "%s: empty file (no content after decompression)",
                             path);
            if (s == MLP_OK && gzrewind(stream->gz) != 0)
                s = mlp_fail(err, MLP_ERR_IO, "%s: cannot read it from the start", path);
        }
    }
    if (s != MLP_OK) {
        data_stream_close(stream);
        return s;
    }
    stream->peek_length = n;
    stream->offset = 0;
    return MLP_OK;
}

void data_stream_close(data_stream *stream) {
    if (stream->gz) gzclose(stream->gz);
    if (stream->fd >= 0 && !stream->gz) close(stream->fd);
    stream->gz = NULL;
    stream->fd = -1;
}

mlp_status data_stream_read_some(data_stream *stream, void *buffer, size_t n, size_t *got,
                                 mlp_error *err) {
    unsigned chunk = n > (1u << 30) ? (1u << 30) : (unsigned)n;
    if (!stream->gz) {
        ssize_t r;
        do
            r = read(stream->fd, buffer, chunk);
        while (r < 0 && errno == EINTR);
        if (r < 0)
            return mlp_fail(err, MLP_ERR_IO, "%s: byte %llu: read error: %s", stream->path,
                            (unsigned long long)stream->offset, strerror(errno));
        *got = (size_t)r;
        stream->offset += (uint64_t)r;
        return MLP_OK;
    }
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
