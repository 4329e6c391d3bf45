"""Helpers shared by the Python sides of the benchmark (PyTorch, NumPy): command-line options,
Fashion-MNIST loading (IDX, gzip) into float32 arrays in memory, the process's peak resident
memory, the OpenBLAS build and kernels in use, and the RESULT line format that bench/report.py
reads (the same as the C programs print, see bench/bench_common.h)."""

import argparse
import ctypes
import gzip
import resource
import statistics
import struct
import time

import numpy as np

DATA_DIR = "/usr/share/datasets/fashion-mnist"


def parse_options(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--hidden", default="200", help="hidden widths, comma-separated")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs (median reported)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed epochs first")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N samples")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--infer-batch", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads (PyTorch)")
    parser.add_argument("--data", default=DATA_DIR)
    parser.add_argument(
        "--standalone",
        action="store_true",
        help="only the stand-alone cross-check: a plain loop of training steps (standalone())",
    )
    options = parser.parse_args()
    options.hidden = [int(w) for w in options.hidden.split(",") if w]
    if options.standalone:  # the loop reads 10,000 samples at most (standalone())
        options.limit = min(options.limit or 12_000, 12_000)
    return options


def read_idx_gz(path):
    """An IDX file (big-endian header: 0, 0, type 0x08 = uint8, rank, then rank sizes)."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, kind, rank = struct.unpack(">HBB", raw[:4])
    if zero != 0 or kind != 0x08:
        raise ValueError(f"{path}: not an IDX uint8 file")
    shape = struct.unpack(">" + "I" * rank, raw[4 : 4 + 4 * rank])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


def load_fashion_mnist(options, split="train"):
    """Images as float32 [n, 784] in [0, 1], labels as int64 [n]."""
    prefix = "train" if split == "train" else "t10k"
    images = read_idx_gz(f"{options.data}/{prefix}-images-idx3-ubyte.gz")
    labels = read_idx_gz(f"{options.data}/{prefix}-labels-idx1-ubyte.gz")
    if options.limit:
        images, labels = images[: options.limit], labels[: options.limit]
    x = np.ascontiguousarray(images.reshape(len(images), -1), dtype=np.float32) / np.float32(255)
    return x, labels.astype(np.int64)


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def blas_description():
    """The OpenBLAS this process has loaded (numpy and torch both link the system's one)."""
    blas = ctypes.CDLL("libopenblas.so.0")
    blas.openblas_get_config.restype = ctypes.c_char_p
    blas.openblas_get_corename.restype = ctypes.c_char_p
    return "OpenBLAS %s; kernels %s; threads %d" % (
        blas.openblas_get_config().decode(),
        blas.openblas_get_corename().decode(),
        blas.openblas_get_num_threads(),
    )


def standalone(side, options, widths, step, x, y, extra=""):
    """The stand-alone cross-check of a side's figure: step(index) on consecutive batches of the
    data in the data's order, no epochs, no shuffling, three rounds of 10,000 samples (at least 10
    steps) after one untimed round; prints a RESULT line side=SIDE-standalone with the best round's
    samples/s. bench/run.sh runs it as its own process with a bare environment."""
    steps = max(10, -(-10_000 // options.batch))
    rates = []
    for round in range(4):
        start = time.perf_counter()
        done = 0
        for s in range(steps):
            first = (s * options.batch) % max(1, len(x) - options.batch)
            index = np.arange(first, first + options.batch)
            step(index)
            done += options.batch
        if round:
            rates.append(done / (time.perf_counter() - start))
    print(
        f"RESULT side={side}-standalone net={widths} batch={options.batch} steps={steps} "
        f"samples_per_s={max(rates):.1f} peak_rss_mib={peak_rss_mib():.1f} {extra}"
        f'blas="{blas_description()}"',
        flush=True,
    )


def widths_text(inputs, hidden, outputs):
    return "-".join(str(w) for w in [inputs, *hidden, outputs])


def report(side, options, widths, epoch_seconds, samples, infer_rate, test_accuracy, extra=""):
    """Prints the RESULT line: median epoch time over the timed epochs as samples/s, inference
    samples/s, and the test accuracy reached (a check that the side really trains)."""
    median = statistics.median(epoch_seconds)
    epochs = " ".join("%.4f" % s for s in epoch_seconds)
    print(
        f"RESULT side={side} net={widths} batch={options.batch} samples={samples} "
        f"epochs={len(epoch_seconds)} median_epoch_s={median:.4f} "
        f"samples_per_s={samples / median:.1f} infer_samples_per_s={infer_rate:.1f} "
        f"test_accuracy={test_accuracy:.4f} "
        f'peak_rss_mib={peak_rss_mib():.1f} epoch_s="{epochs}" {extra}'
        f'blas="{blas_description()}"',
        flush=True,
    )
