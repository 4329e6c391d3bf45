#!/usr/bin/python3
"""Writes the PyTorch reference files replayed by tests/test_core_torch_reference.c.

Run by hand with Debian's python3-torch (CI has no torch):  /usr/bin/python3 tests/reference/make_reference.py

Each case trains one small network for STEPS minibatch steps with one torch.optim optimizer and
writes tests/reference/<case>.txt: records "name count" followed by count numbers (%.9g, exact for
float32): params0 (initial flat parameters in mlp's layout W0, b0, W1, b1, ...), x (STEPS*BATCH
inputs), labels or targets, loss (the mean data loss of each step, before its update) and params
(after the last step). The case table must match the one in the C test.
"""
import os
import torch

STEPS, BATCH = 5, 4
WIDTHS = [6, 8, 5, 3]
HERE = os.path.dirname(os.path.abspath(__file__))

ACT = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}

# name, hidden activations, loss, optimizer factory(weights, biases), l1, l2 (weights only), clip
CASES = [
    ("sgd", ["tanh", "relu"], "softmax", lambda w, b: torch.optim.SGD(w + b, lr=0.1), 0, 0, 0),
    ("sgd_momentum", ["tanh", "relu"], "softmax",
     lambda w, b: torch.optim.SGD(w + b, lr=0.1, momentum=0.9, dampening=0.1), 0, 0, 0),
    ("sgd_nesterov_l2", ["relu", "tanh"], "softmax",
     lambda w, b: torch.optim.SGD([{"params": w, "weight_decay": 0.01}, {"params": b}], lr=0.1,
                                  momentum=0.9, nesterov=True), 0, 0.01, 0),
    ("sgd_l1_clip", ["tanh", "tanh"], "softmax",
     lambda w, b: torch.optim.SGD(w + b, lr=0.2, momentum=0.5), 0.001, 0, 0.5),
    ("adam", ["tanh", "relu"], "softmax", lambda w, b: torch.optim.Adam(w + b, lr=0.01), 0, 0, 0),
    ("adam_bce", ["sigmoid", "tanh"], "bce", lambda w, b: torch.optim.Adam(w + b, lr=0.01),
     0, 0, 0),
    ("adamw", ["relu", "relu"], "softmax",
     lambda w, b: torch.optim.AdamW([{"params": w}, {"params": b, "weight_decay": 0}], lr=0.01),
     0, 0, 0),
    ("rmsprop", ["tanh", "relu"], "softmax", lambda w, b: torch.optim.RMSprop(w + b, lr=0.01),
     0, 0, 0),
    ("rmsprop_centered_momentum", ["tanh", "sigmoid"], "quadratic",
     lambda w, b: torch.optim.RMSprop(w + b, lr=0.01, momentum=0.5, centered=True), 0, 0, 0),
]


def write(f, name, values):
    values = [float(v) for v in torch.as_tensor(values).reshape(-1)]
    f.write("%s %d\n%s\n" % (name, len(values), " ".join("%.9g" % v for v in values)))


def flat(layers):
    return torch.cat([t.detach().reshape(-1) for l in layers for t in (l.weight, l.bias)])


def run(name, acts, loss, make_opt, l1, l2, clip, seed):
    torch.manual_seed(seed)
    layers = [torch.nn.Linear(WIDTHS[i], WIDTHS[i + 1]) for i in range(len(WIDTHS) - 1)]
    weights = [l.weight for l in layers]
    biases = [l.bias for l in layers]
    opt = make_opt(weights, biases)
    x = torch.randn(STEPS * BATCH, WIDTHS[0])
    k = WIDTHS[-1]
    labels = torch.randint(0, k, (STEPS * BATCH,))
    targets = torch.rand(STEPS * BATCH, k)
    params0 = flat(layers)
    losses = []
    for s in range(STEPS):
        xb = x[s * BATCH:(s + 1) * BATCH]
        h = xb
        for l, a in zip(layers[:-1], acts):
            h = ACT[a](l(h))
        z = layers[-1](h)
        if loss == "softmax":
            data = torch.nn.functional.cross_entropy(z, labels[s * BATCH:(s + 1) * BATCH])
        elif loss == "bce":  # per-sample sum over outputs, mean over the batch
            data = torch.nn.functional.binary_cross_entropy_with_logits(
                z, targets[s * BATCH:(s + 1) * BATCH], reduction="sum") / BATCH
        else:  # 1/2 ||sigmoid(z) - y||^2 per sample, mean over the batch
            data = 0.5 * ((torch.sigmoid(z) - targets[s * BATCH:(s + 1) * BATCH]) ** 2).sum() / BATCH
        total = data + l1 * sum(w.abs().sum() for w in weights)
        opt.zero_grad()
        total.backward()
        if clip > 0:
            torch.nn.utils.clip_grad_norm_(weights + biases, clip)
        opt.step()
        losses.append(data.item())
    with open(os.path.join(HERE, name + ".txt"), "w") as f:
        f.write("# %s: written by make_reference.py with torch %s\n" % (name, torch.__version__))
        write(f, "params0", params0)
        write(f, "x", x)
        write(f, "labels", labels)
        write(f, "targets", targets)
        write(f, "loss", losses)
        write(f, "params", flat(layers))


if __name__ == "__main__":
    torch.set_num_threads(1)
    for i, case in enumerate(CASES):
        run(*case, seed=100 + i)
