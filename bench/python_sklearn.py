"""mlp.MLPClassifier against sklearn.neural_network.MLPClassifier on Fashion-MNIST, same
hyperparameters (hidden (256,), relu, adam, lr 0.001, alpha 1e-4, batch 128, 10 epochs, no early
stopping), and the Python layer's overhead over `mlp train` on the same work.

usage: .venv/bin/python bench/python_sklearn.py [--epochs N] [--limit N] [--mlp build/mlp]
(make bench-python). Each side runs in its own process, so that its peak resident memory
(ru_maxrss, data loading included) is its own. Prints one RESULT line per measurement and a
Markdown table (docs/performance.md, "Python")."""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

FASHION = "/usr/share/datasets/fashion-mnist"
TRAIN = f"{FASHION}/train-images-idx3-ubyte.gz,{FASHION}/train-labels-idx1-ubyte.gz"
TEST = f"{FASHION}/t10k-images-idx3-ubyte.gz,{FASHION}/t10k-labels-idx1-ubyte.gz"
HIDDEN, BATCH, LR, ALPHA = 256, 128, 0.001, 1e-4


def limited(source, limit):
    return f"{source},limit={limit}" if limit else source


def run_side(side, epochs, limit, threads):
    """Loads the data as that side's user would, fits, scores and times predict_proba."""
    import warnings

    import numpy as np

    import mlp

    warnings.filterwarnings("ignore")
    X, y, _ = mlp.read_data(limited(TRAIN, limit))
    X_test, y_test, _ = mlp.read_data(TEST)
    params = dict(hidden_layer_sizes=(HIDDEN,), solver="adam", learning_rate_init=LR,
                  alpha=ALPHA, batch_size=BATCH, max_iter=epochs, n_iter_no_change=epochs + 1,
                  random_state=0)
    if side == "sklearn":
        from sklearn.neural_network import MLPClassifier
        X, X_test = X / 255.0, X_test / 255.0  # sklearn fits float64
        clf = MLPClassifier(**params)
    else:
        # bytes stay bytes: the network sees x / 255, scaled as each batch is gathered
        clf = mlp.MLPClassifier(input_transform="scale", threads=threads, **params)
    start = time.perf_counter()
    clf.fit(X, y)
    fit = time.perf_counter() - start
    accuracy = clf.score(X_test, y_test)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        clf.predict_proba(X_test)
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps({"side": side, "fit_seconds": fit, "epochs": clf.n_iter_,
                                  "test_accuracy": accuracy,
                                  "predict_proba_seconds": sorted(times)[2],
                                  "peak_mib": peak}), flush=True)


def run_command(command, epochs, limit, threads):
    """The same work through `mlp train`: training seconds from its summary.json, and the wall
    time of the whole command."""
    with tempfile.TemporaryDirectory(prefix="mlp-bench-") as folder:
        config = os.path.join(folder, "same.ini")
        with open(config, "w") as f:
            f.write(f"""threads = {threads}
[data]
train = {limited(TRAIN, limit)}
transform = scale
validation = 0
[network]
hidden = {HIDDEN}
[init]
kind = glorot_uniform
[optimizer]
kind = adam
[schedule]
lr = {LR}
[training]
epochs = {epochs}
batch_size = {BATCH}
[regularization]
l2 = {ALPHA / BATCH!r}
[checkpoint]
every_epochs = 0
""")
        start = time.perf_counter()
        subprocess.run([command, "train", config, "--out", os.path.join(folder, "run")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        with open(os.path.join(folder, "run", "summary.json")) as f:
            summary = json.load(f)
    result = {"side": "command", "train_seconds": summary["train_seconds"], "wall_seconds": wall}
    print("RESULT " + json.dumps(result), flush=True)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--limit", type=int, default=0, help="training samples (0: all)")
    parser.add_argument("--mlp", default=os.path.join(os.path.dirname(__file__), "..", "build",
                                                      "mlp"))
    parser.add_argument("--threads", type=int, default=2,
                        help="threads of every side (OpenBLAS's for sklearn, mlp's threads)")
    parser.add_argument("--side", choices=["sklearn", "mlp"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        return run_side(args.side, args.epochs, args.limit, args.threads)
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    print(f"load average at the start: {os.getloadavg()}", flush=True)
    results = {}
    for side in ("mlp", "sklearn"):
        out = subprocess.run([sys.executable, __file__, "--side", side, "--epochs",
                              str(args.epochs), "--limit", str(args.limit), "--threads",
                              str(args.threads)],
                             check=True, capture_output=True, text=True).stdout
        line = [l for l in out.splitlines() if l.startswith("RESULT ")][-1]
        print(line, flush=True)
        results[side] = json.loads(line[7:])
    c = run_command(os.path.abspath(args.mlp), args.epochs, args.limit, args.threads)
    print(f"load average at the end: {os.getloadavg()}", flush=True)
    m, s = results["mlp"], results["sklearn"]
    print()
    print("| | sklearn MLPClassifier | mlp.MLPClassifier | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| fit, {args.epochs} epochs (s) | {s['fit_seconds']:.1f} | {m['fit_seconds']:.2f} | "
          f"{s['fit_seconds'] / m['fit_seconds']:.1f}x faster |")
    print(f"| test accuracy | {s['test_accuracy']:.4f} | {m['test_accuracy']:.4f} | "
          f"{100 * (m['test_accuracy'] - s['test_accuracy']):+.2f} pt |")
    print(f"| predict_proba, 10,000 samples (s, median of 5) | "
          f"{s['predict_proba_seconds']:.3f} | {m['predict_proba_seconds']:.4f} | "
          f"{s['predict_proba_seconds'] / m['predict_proba_seconds']:.1f}x faster |")
    print(f"| peak resident memory (MiB) | {s['peak_mib']:.0f} | {m['peak_mib']:.0f} | "
          f"{m['peak_mib'] / s['peak_mib']:.2f} |")
    print(f"\nPython's overhead: mlp.MLPClassifier.fit {m['fit_seconds']:.2f} s against "
          f"`mlp train`'s {c['train_seconds']:.2f} s of training (summary.json) on the same work: "
          f"{100 * (m['fit_seconds'] / c['train_seconds'] - 1):+.1f} %")


if __name__ == "__main__":
    main()
