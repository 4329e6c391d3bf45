#!/usr/bin/env python3
"""Reads a safetensors file the way the `safetensors`/numpy convention does, with the standard
library only, and prints each tensor's name, dtype, shape and the sum of its values, then the
metadata keys. Exits 1 (with a message) if the file breaks the format: header length, JSON,
dtypes, shapes against offsets, offsets not tiling the data section.

usage: safetensors_check.py FILE
"""
import json
import struct
import sys

FORMATS = {"BOOL": "?", "U8": "B", "I8": "b", "I16": "h", "U16": "H", "F16": "e", "I32": "i",
           "U32": "I", "F32": "f", "I64": "q", "U64": "Q", "F64": "d"}


def fail(path, message):
    print("%s: %s" % (path, message), file=sys.stderr)
    sys.exit(1)


def check(path):
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        fail(path, "too short")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        fail(path, "header length %d exceeds the file" % n)
    header_text = raw[8:8 + n]
    if not header_text.startswith(b"{"):
        fail(path, "header does not start with '{'")
    header = json.loads(header_text.decode("utf-8"))
    data = raw[8 + n:]
    metadata = header.pop("__metadata__", {})
    if not all(isinstance(v, str) for v in metadata.values()):
        fail(path, "metadata values must be strings")
    end = 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        dtype, shape, (begin, stop) = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in FORMATS:
            fail(path, "tensor %s: unsupported dtype %s" % (name, dtype))
        count = 1
        for dim in shape:
            count *= dim
        if begin != end or stop - begin != count * struct.calcsize(FORMATS[dtype]):
            fail(path, "tensor %s: data_offsets [%d, %d] do not match" % (name, begin, stop))
        end = stop
        values = struct.unpack("<%d%s" % (count, FORMATS[dtype]), data[begin:stop])
        print("%s %s %s sum=%.9g" % (name, dtype, list(shape), float(sum(values))))
    if end != len(data):
        fail(path, "tensors cover %d of %d data bytes" % (end, len(data)))
    for key in sorted(metadata):
        print("metadata %s (%d chars)" % (key, len(metadata[key])))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    check(sys.argv[1])
