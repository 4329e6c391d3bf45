"""The PyTorch side of the benchmark: the same training loop the idiomatic way. nn.Sequential of
nn.Linear + ReLU, F.cross_entropy (softmax fused with cross-entropy), torch.optim.SGD with
Nesterov momentum, a fresh permutation each epoch, batches gathered by index from float32 tensors
in memory. --threads sets torch.set_num_threads (intra-op threads); OpenBLAS, which torch calls
for the matrix products here, takes its own thread count from OPENBLAS_NUM_THREADS. torch's OpenMP
pool is sized when torch is imported: OMP_NUM_THREADS is set to --threads before the import, as
the PyTorch documentation advises for a one-thread run (without it, the pool starts at the core
count and the one-thread side runs several times slower here). Prints a RESULT line
(bench/bench_common.py)."""

import os
import statistics
import time

import bench_common

options = bench_common.parse_options(__doc__)
os.environ["OMP_NUM_THREADS"] = str(options.threads)

import torch  # noqa: E402 (after OMP_NUM_THREADS, on purpose)
import torch.nn.functional as F  # noqa: E402


def build_model(widths):
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(torch.nn.Linear(fan_in, fan_out))
        if i < len(widths) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def train_step(model, optimizer, x, y, index):
    optimizer.zero_grad(set_to_none=True)
    F.cross_entropy(model(x[index]), y[index]).backward()
    optimizer.step()


def train_epoch(model, optimizer, x, y, batch, generator):
    order = torch.randperm(len(x), generator=generator)
    for start in range(0, len(x), batch):
        train_step(model, optimizer, x, y, order[start : start + batch])


def main():
    torch.set_num_threads(options.threads)
    torch.manual_seed(options.seed)
    x_np, y_np = bench_common.load_fashion_mnist(options)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    widths = [x.shape[1], *options.hidden, 10]
    model = build_model(widths)
    optimizer = torch.optim.SGD(
        model.parameters(), lr=options.lr, momentum=options.momentum, nesterov=True
    )
    if options.standalone:
        bench_common.standalone(
            f"torch-t{options.threads}",
            options,
            bench_common.widths_text(widths[0], options.hidden, 10),
            lambda index: train_step(model, optimizer, x, y, torch.from_numpy(index)),
            x,
            y,
            f"intra_op_threads={torch.get_num_threads()} ",
        )
        return
    generator = torch.Generator().manual_seed(options.seed)
    seconds = []
    for epoch in range(options.warmup + options.epochs):
        start = time.perf_counter()
        train_epoch(model, optimizer, x, y, options.batch, generator)
        if epoch >= options.warmup:
            seconds.append(time.perf_counter() - start)
    test_x_np, test_y_np = bench_common.load_fashion_mnist(options, "test")
    test_x, test_y = torch.from_numpy(test_x_np), torch.from_numpy(test_y_np)
    infer_seconds = []
    with torch.inference_mode():
        for _ in range(5):
            start = time.perf_counter()
            predicted = torch.cat(
                [
                    model(test_x[i : i + options.infer_batch]).argmax(dim=1)
                    for i in range(0, len(test_x), options.infer_batch)
                ]
            )
            infer_seconds.append(time.perf_counter() - start)
    bench_common.report(
        f"torch-t{options.threads}",
        options,
        bench_common.widths_text(widths[0], options.hidden, 10),
        seconds,
        len(x),
        len(test_x) / statistics.median(infer_seconds),
        (predicted == test_y).float().mean().item(),
        f"torch={torch.__version__} intra_op_threads={torch.get_num_threads()} ",
    )


if __name__ == "__main__":
    main()
