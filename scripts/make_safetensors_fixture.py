#!/usr/bin/env python3
"""Writes tests/data/python_written.safetensors the way Python tools do (the `safetensors`
package's layout: json.dumps header with its default separators, tensors sorted by name,
"__metadata__" first, header padded with spaces to a multiple of 8), with the standard library
only (struct + json), so the C reader is tested against a file it did not write.

usage: make_safetensors_fixture.py [OUT]
"""
import json
import struct
import sys

# name -> (dtype, shape, struct format char, values)
TENSORS = {
    "dense.0.weight": ("F32", [2, 3], "f", [0.5, -1.25, 2.0, 3.5, -0.125, 1e-3]),
    "dense.0.bias": ("F32", [2], "f", [0.25, -0.75]),
    "prep.mean": ("F64", [3], "d", [0.1, 0.2, 0.30000000000000004]),
    "labels": ("I64", [2], "q", [-1, 2**40]),
    "mask": ("U8", [4], "B", [0, 1, 254, 255]),
    "counts": ("I32", [1, 2], "i", [7, -8]),
    "scalar": ("F32", [], "f", [42.0]),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/python_written.safetensors"
    header = {"__metadata__": {"format": "pt", "note": "written by Python: \u00e9\u00e8 \"q\""}}
    data = b""
    for name in sorted(TENSORS):
        dtype, shape, fmt, values = TENSORS[name]
        raw = struct.pack("<%d%s" % (len(values), fmt), *values)
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


if __name__ == "__main__":
    main()
