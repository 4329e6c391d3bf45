"""The NumPy side of the benchmark: the training loop a student writes in matrix form, float32.
Dense ReLU layers, softmax + cross-entropy, minibatch SGD with Nesterov momentum in PyTorch's form
(v = mu v + g; p -= lr (g + mu v)), shuffled each epoch, data in memory. The first layer's input
gradient is not computed (nothing needs it). Prints a RESULT line (bench/bench_common.py)."""

import statistics
import time

import numpy as np

import bench_common


def init_params(widths, rng):
    """Glorot-uniform weights [out, in] (nn.Linear's layout) and zero biases."""
    params = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        a = np.sqrt(6.0 / (fan_in + fan_out))
        params.append(rng.uniform(-a, a, size=(fan_out, fan_in)).astype(np.float32))
        params.append(np.zeros(fan_out, dtype=np.float32))
    return params


def forward(params, x):
    """Activations of every layer; the last one holds the softmax probabilities."""
    activations = [x]
    layers = len(params) // 2
    for i in range(layers):
        z = activations[-1] @ params[2 * i].T + params[2 * i + 1]
        if i < layers - 1:
            activations.append(np.maximum(z, 0))
        else:
            z -= z.max(axis=1, keepdims=True)
            e = np.exp(z)
            activations.append(e / e.sum(axis=1, keepdims=True))
    return activations


def gradients(params, activations, labels):
    """d(mean cross-entropy)/d(params): delta = (p - onehot) / n at the output, then
    delta_prev = (delta W) * relu'(z) down to the second layer."""
    n = len(labels)
    delta = activations[-1].copy()
    delta[np.arange(n), labels] -= 1
    delta /= np.float32(n)
    grads = [None] * len(params)
    for i in reversed(range(len(params) // 2)):
        grads[2 * i] = delta.T @ activations[i]
        grads[2 * i + 1] = delta.sum(axis=0)
        if i > 0:
            delta = (delta @ params[2 * i]) * (activations[i] > 0)
    return grads


def train_step(params, velocity, x, y, index, options):
    lr, mu = np.float32(options.lr), np.float32(options.momentum)
    grads = gradients(params, forward(params, x[index]), y[index])
    for p, v, g in zip(params, velocity, grads):
        v *= mu
        v += g
        p -= lr * (g + mu * v)


def train_epoch(params, velocity, x, y, options, rng):
    order = rng.permutation(len(x))
    for start in range(0, len(x), options.batch):
        train_step(params, velocity, x, y, order[start : start + options.batch], options)


def main():
    options = bench_common.parse_options(__doc__)
    x, y = bench_common.load_fashion_mnist(options)
    widths = [x.shape[1], *options.hidden, 10]
    rng = np.random.default_rng(options.seed)
    params = init_params(widths, rng)
    velocity = [np.zeros_like(p) for p in params]
    if options.standalone:
        bench_common.standalone(
            "numpy",
            options,
            bench_common.widths_text(widths[0], options.hidden, 10),
            lambda index: train_step(params, velocity, x, y, index, options),
            x,
            y,
        )
        return
    seconds = []
    for epoch in range(options.warmup + options.epochs):
        start = time.perf_counter()
        train_epoch(params, velocity, x, y, options, rng)
        if epoch >= options.warmup:
            seconds.append(time.perf_counter() - start)
    test_x, test_y = bench_common.load_fashion_mnist(options, "test")
    infer_seconds = []
    for _ in range(5):
        start = time.perf_counter()
        predicted = np.concatenate(
            [
                forward(params, test_x[i : i + options.infer_batch])[-1].argmax(axis=1)
                for i in range(0, len(test_x), options.infer_batch)
            ]
        )
        infer_seconds.append(time.perf_counter() - start)
    bench_common.report(
        "numpy",
        options,
        bench_common.widths_text(widths[0], options.hidden, 10),
        seconds,
        len(x),
        len(test_x) / statistics.median(infer_seconds),
        np.mean(predicted == test_y),
        f"numpy={np.__version__} ",
    )


if __name__ == "__main__":
    main()
