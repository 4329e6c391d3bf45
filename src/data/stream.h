/* A file read front to back, plain or gzip (detected by its first two bytes; gzip through zlib,
 * plain files straight from the descriptor, without zlib's buffers and inflate state), that
 * counts the bytes it has delivered so readers can name the byte offset or line of a fault. */
#ifndef MLP_DATA_STREAM_H
#define MLP_DATA_STREAM_H

#include "mlp.h"

#include <zlib.h>

typedef struct {
    const char *path;
    int fd;                 /* a plain file: read directly (-1 when gzip) */
    gzFile gz;              /* a gzip file: read through zlib (NULL when plain) */
    bool gzip;              /* the file is gzip-compressed */
    uint64_t file_size;     /* bytes on disk */
    uint64_t offset;        /* uncompressed bytes delivered so far */
    unsigned char peek[16]; /* the first bytes of content, for format detection */
    size_t peek_length;
} data_stream;

/* Opens path; fails naming the file when it cannot be opened or is empty. */
mlp_status data_stream_open(data_stream *stream, const char *path, mlp_error *err);
void data_stream_close(data_stream *stream);

/* Reads up to n bytes; *got is 0 only at the end. Fails on corrupt compressed data. */
mlp_status data_stream_read_some(data_stream *stream, void *buffer, size_t n, size_t *got,
                                 mlp_error *err);

/* Reads exactly n bytes of `what`, or fails with "PATH: byte OFFSET: truncated ...". */
mlp_status data_stream_read(data_stream *stream, void *buffer, size_t n, const char *what,
                            mlp_error *err);

/* The most uncompressed bytes the file can hold: its size when plain, or the deflate bound
 * (1032:1) when gzip, so a header's promise can be refused before allocating. */
uint64_t data_stream_capacity(const data_stream *stream);

#endif
