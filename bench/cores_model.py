"""A model of a training step of mlp's engine on T cores (docs/performance.md, "Cores"), from the
per-core product rates one run of the benchmark measured (bench/product_rates.c, auto setting,
thread CPU time) and the engine's chunking (src/core/sgemm.c, src/core/parallel.c). Prints, for
each network of the benchmark and T = 1, 2, 16, 64, the modelled samples/s and what bounds it.

step(T) = gather + sum over products p of [ max(F_p / (r_p T_p), S_p / L) + d(T) ] + D(T)
  F_p   floating-point operations of product p (2 rows cols k)
  r_p   one core's rate for that product, measured (the 784-200 figures at the nearest batch for
        784-wide layers, the 1024-1024 figures for the others: optimistic for the narrow output
        layers, whose products are small)
  T_p   threads that get work: min(T, chunks), chunks = min(T, 32, units), units = the product's
        blocks (4 samples for a forward product of 256 samples or more and more samples than
        outputs, else 16 rows of W for the forward and weight-gradient products, or 6 where 16
        would leave a thread without a block, 16 columns for the input gradient); 1 below
        500,000 multiply-adds (PARALLEL_MIN_MULTIPLY_ADDS)
  S_p   bytes one thread streams from the shared cache: a column-cut product reads the whole
        shared operand (x or delta) on every thread, a row-cut forward reads all of W
  L     one core's bandwidth from L3, assumed 50 GB/s
  d(T)  one task's dispatch and join, assumed 1 us + 0.1 us per thread (every thread
        compare-and-swaps one 64-bit claim word)
  D(T)  memory traffic: the images of the batch (bytes), plus, when the weights, gradients and
        momentum (12 bytes per parameter) exceed the cores' caches (1 MB L2 per core, 32 MB of
        L3 per 8 cores), 20 bytes per parameter (read W, gradient, momentum; write W, momentum)
        at 100 GB/s
  gather the batch gather, 0.4 us per sample on one thread (measured with the profile in this
        page's "Where the time goes"), split over min(T, 32) threads (4 chunks per thread, at most
        32) from 16,384 input values on (PARALLEL_MIN_ELEMENTS), plus a dispatch; the
        element-wise passes are neglected (a hidden layer's run inside its products)

usage: cores_model.py RAW_FILE"""

import shlex
import sys

L3_PER_CORE = 50e9
DRAM = 100e9
GATHER_PER_SAMPLE = 0.4e-6
NETWORKS = [((784, 200, 10), 50), ((784, 200, 10), 128), ((784, 200, 10), 1000),
            ((784, 200, 100, 10), 100), ((784, 1024, 1024, 10), 256)]


def rates(path):
    """(in, out, batch, product) -> (float GFLOP/s, bf16 GFLOP/s) per core, auto setting."""
    out = {}
    for line in open(path):
        if line.startswith("RESULT side=product"):
            f = dict(w.split("=", 1) for w in shlex.split(line)[1:])
            if f.get("setting", "auto") == "auto":
                key = (int(f["in"]), int(f["out"]), int(f["batch"]), f["product"])
                out[key] = (float(f["mlp_gflops"]), float(f.get("mlp_bf16_gflops", "nan")))
    return out


def rate_for(table, fan_in, batch, product, bf16):
    if fan_in == 784:
        key = min((k for k in table if k[0] == 784 and k[3] == product),
                  key=lambda k: abs(k[2] - batch))
    else:
        key = next(k for k in table if k[0] == 1024 and k[3] == product)
    return table[key][1 if bf16 else 0] * 1e9


def step(widths, batch, threads, table, bf16=False):
    """Modelled seconds of one step, split into products, dispatch, memory and gather."""
    products = dispatch = 0.0
    params = 0
    for layer, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        params += fan_in * fan_out + fan_out
        todo = [("forward", fan_out, batch, fan_in), ("weight_gradient", fan_out, fan_in, batch)]
        if layer > 0:
            todo.append(("input_gradient", fan_in, batch, fan_out))
        for name, a, b, k in todo:
            flops = 2.0 * a * b * k
            rows_cut = name == "forward" and batch >= 256 and batch > fan_out
            if rows_cut:
                units = -(-batch // 4)
            elif name in ("forward", "weight_gradient"):
                unit = 16 if fan_out >= 16 * min(threads, 32) else 6  # sgemm.c's cut_unit
                units = -(-fan_out // unit)
            else:
                units = -(-fan_in // 16)
            parallel = a * b * k >= 500_000
            t = min(threads, 32, units) if parallel else 1
            if rows_cut:
                streamed = 4.0 * fan_in * fan_out
            elif name == "input_gradient":
                streamed = 4.0 * batch * fan_out
            else:
                streamed = 4.0 * batch * fan_in
            products += max(flops / (rate_for(table, fan_in, batch, name, bf16) * t),
                            streamed / L3_PER_CORE)
            dispatch += (1e-6 + 0.1e-6 * threads) if parallel and threads > 1 else 0.0
    cache = threads * 1e6 + -(-threads // 8) * 32e6
    memory = (batch * widths[0] + (20.0 * params if 12.0 * params > cache else 0.0)) / DRAM
    gather_threads = min(threads, 32) if batch * widths[0] >= 16_384 else 1
    gather = GATHER_PER_SAMPLE * batch / gather_threads
    dispatch += (1e-6 + 0.1e-6 * threads) if gather_threads > 1 else 0.0
    return {"products": products, "dispatch": dispatch, "memory": memory, "gather": gather}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    table = rates(sys.argv[1])
    print("| network | batch | precision | " + " | ".join(f"{t} cores" for t in (1, 2, 16, 64))
          + " | largest part at 64 cores |")
    print("|---|---:|---|" + "---:|" * 4 + "---|")
    for widths, batch in NETWORKS:
        for bf16 in (False, True):
            cells, biggest = [], ""
            for t in (1, 2, 16, 64):
                parts = step(widths, batch, t, table, bf16)
                cells.append(f"{batch / sum(parts.values()):,.0f}")
                share = max(parts, key=parts.get)
                biggest = f"{share} ({parts[share] / sum(parts.values()):.0%})"
            print(f"| {'-'.join(map(str, widths))} | {batch} | {'bf16' if bf16 else 'f32'} | "
                  + " | ".join(cells) + f" | {biggest} |")


if __name__ == "__main__":
    main()
