"""mlp.MLPClassifier against sklearn.neural_network.MLPClassifier on Fashion-MNIST, same
hyperparameters (hidden (256,), relu, adam, lr 0.001, alpha 1e-4, batch 128, 10 epochs, no early
stopping), and the Python layer's overhead over `mlp train` on the same work.

usage: .venv/bin/python bench/python_sklearn.py [--epochs N] [--limit N] [--mlp build/mlp]
(make bench-python). Each side runs in its own process, so that its peak resident memory
(ru_maxrss, data loading included) is its own. scikit-learn runs in every OpenBLAS setting that
can differ here (auto; the environment's, where it sets one; AVX-512 kernels forced, where the CPU
has AVX-512), each with --threads OpenBLAS threads and with one, and the fastest of each round
is the peer; mlp runs in float32 and, where the CPU has AVX512_BF16, also with precision='bf16'.
Every side runs once per round (--rounds, 3): each figure is the median over the rounds and each
ratio the median of the rounds' ratios. Prints one RESULT line per measurement and a
Markdown table (docs/performance.md, "Python")."""

import argparse
import json
import os
import resource
import statistics
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


def run_side(side, epochs, limit, threads, fit_only=False, precision="f32"):
    """Loads the data as that side's user would, fits, scores and times predict_proba. Both
    sides get the images as read (uint8); the sklearn user scales them to float64 in [0, 1]
    (X / 255, inside the timings), mlp scales each batch as it is gathered."""
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
        clf = MLPClassifier(**params)
        prepare = lambda images: images / 255.0  # sklearn computes in float64
    else:
        # bytes stay bytes: the network sees x / 255, scaled as each batch is gathered
        clf = mlp.MLPClassifier(input_transform="scale", threads=threads, precision=precision,
                                **params)
        prepare = lambda images: images
    in_library = [0.0]
    if side == "mlp":
        # the seconds fit spends in libmlp's epochs, to tell Python's own share
        epoch = mlp._core.Session.epoch

        def timed_epoch(self, *args):
            start = time.perf_counter()
            try:
                return epoch(self, *args)
            finally:
                in_library[0] += time.perf_counter() - start
        mlp._core.Session.epoch = timed_epoch
    start = time.perf_counter()
    clf.fit(prepare(X), y)
    fit = time.perf_counter() - start
    if fit_only:
        print("RESULT " + json.dumps({"side": side, "fit_seconds": fit,
                                      "epoch_seconds": in_library[0]}), flush=True)
        return
    accuracy = clf.score(prepare(X_test), y_test)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        clf.predict_proba(prepare(X_test))
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench_common import blas_description
    own = {"precision": precision} if side == "mlp" else {}
    print("RESULT " + json.dumps({"side": side, "fit_seconds": fit, "epoch_seconds": in_library[0],
                                  "epochs": clf.n_iter_, **own, "blas": blas_description(),
                                  "test_accuracy": accuracy,
                                  "predict_proba_seconds": sorted(times)[2],
                                  "peak_mib": peak}), flush=True)


def median(rounds, part, name, key):
    """The median over the rounds of one side's figure (part 0: mlp's sides, 1: sklearn's)."""
    return statistics.median(r[part][name][key] for r in rounds)


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
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of every side (the median of the rounds' ratios)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="alternate runs of mlp.MLPClassifier.fit and mlp train for the "
                             "overhead (the median of the pairs' ratios)")
    parser.add_argument("--side", choices=["sklearn", "mlp"], help=argparse.SUPPRESS)
    parser.add_argument("--fit-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--precision", default="f32", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        return run_side(args.side, args.epochs, args.limit, args.threads, args.fit_only,
                        args.precision)
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    print(f"load average at the start: {os.getloadavg()}", flush=True)

    def side(name, *extra, setting="auto", threads=args.threads):
        """One side in its own process, in an OpenBLAS setting as bench/run.sh names them, with
        `threads` threads (OPENBLAS_NUM_THREADS, and mlp's threads)."""
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads))
        if setting != "env":
            env.pop("OPENBLAS_CORETYPE", None)
            env.pop("OPENBLAS_L2_SIZE", None)
        if setting == "avx512":
            env["OPENBLAS_CORETYPE"] = "SkylakeX"
        out = subprocess.run([sys.executable, __file__, "--side", name, "--epochs",
                              str(args.epochs), "--limit", str(args.limit), "--threads",
                              str(threads), *extra],
                             check=True, capture_output=True, text=True, env=env).stdout
        line = [l for l in out.splitlines() if l.startswith("RESULT ")][-1]
        print(line + f" setting={setting} threads={threads}", flush=True)
        return json.loads(line[7:])

    # scikit-learn in every OpenBLAS setting that can differ here (bench/run.sh's): auto, what
    # the environment sets, and AVX-512 kernels forced where the CPU has them (OpenBLAS's own
    # choice can be an old kernel), each on all the threads and on one (its small products can
    # go faster on one); the fastest of each round is the peer.
    settings = ["auto"]
    if os.environ.get("OPENBLAS_CORETYPE") or os.environ.get("OPENBLAS_L2_SIZE"):
        settings.append("env")
    with open("/proc/cpuinfo") as f:
        flags = f.read()
    if " avx512f" in flags:
        settings.append("avx512")
    counts = [args.threads] + ([1] if args.threads > 1 else [])
    # Rounds: every side once per round, so that the ratios of a round come from the same minutes
    # of this shared machine; each figure is the median over the rounds and each ratio the median
    # of the rounds' ratios, as in make bench.
    rounds = []
    for _ in range(args.rounds):
        ours = {"mlp.MLPClassifier": side("mlp")}
        if " avx512_bf16" in flags:  # and mlp with bf16 products where the CPU has them
            ours["mlp, precision='bf16'"] = side("mlp", "--precision", "bf16")
        peers = {f"{setting}, {n} thread{'s' if n > 1 else ''}": side("sklearn", setting=setting,
                                                                      threads=n)
                 for setting in settings for n in counts}
        rounds.append((ours, peers))
    m = rounds[0][0]["mlp.MLPClassifier"]
    # The overhead: the same training through Python and through the command, alternated (fit,
    # train, fit, train, ...) so that a change of the machine's load hits both; the median of the
    # ratios of each fit to the train run right after it.
    fits, trains = [m["fit_seconds"]], []
    outside = [m["fit_seconds"] - m["epoch_seconds"]]
    for repeat in range(args.repeats):
        trains.append(run_command(os.path.abspath(args.mlp), args.epochs, args.limit,
                                  args.threads)["train_seconds"])
        if repeat + 1 < args.repeats:
            again = side("mlp", "--fit-only")
            fits.append(again["fit_seconds"])
            outside.append(again["fit_seconds"] - again["epoch_seconds"])
    print(f"load average at the end: {os.getloadavg()}", flush=True)
    print()
    names = list(rounds[0][1])
    print("scikit-learn in each OpenBLAS setting and thread count (median over the rounds): "
          + "; ".join(f"{k}: fit {median(rounds, 1, k, 'fit_seconds'):.1f} s, predict_proba "
                      f"{median(rounds, 1, k, 'predict_proba_seconds'):.3f} s "
                      f"({rounds[0][1][k]['blas'].split('; ')[1]})" for k in names))
    fastest = {key: [min(peers, key=lambda k: peers[k][key]) for _, peers in rounds]
               for key in ("fit_seconds", "predict_proba_seconds")}
    print(f"\nThe peer below is scikit-learn in its fastest setting of each round: for fit "
          f"{', '.join(fastest['fit_seconds'])}; for predict_proba "
          f"{', '.join(fastest['predict_proba_seconds'])}. {len(rounds)} round(s); each figure "
          "is the median over the rounds, each ratio the median of the rounds' ratios (their "
          "range in brackets).\n")

    def peer(key):
        return [min(p[key] for p in peers.values()) for _, peers in rounds]

    def faster(name, key):
        """"N.Nx faster (low-highx)": the median and range of the rounds' peer / own."""
        got = sorted(t / ours[name][key] for t, (ours, _) in zip(peer(key), rounds))
        spread = f" ({got[0]:.1f}-{got[-1]:.1f}x)" if len(got) > 1 else ""
        return f"{statistics.median(got):.1f}x faster{spread}"

    own_names = list(rounds[0][0])
    print("| | sklearn MLPClassifier | " + " | ".join(f"{n} | ratio" for n in own_names) + " |")
    print("|---|---:|" + "---:|---:|" * len(own_names))
    print(f"| fit, {args.epochs} epochs (s) | {statistics.median(peer('fit_seconds')):.1f} | "
          + " | ".join(f"{median(rounds, 0, n, 'fit_seconds'):.2f} | {faster(n, 'fit_seconds')}"
                       for n in own_names) + " |")
    accuracy = rounds[0][1][fastest["fit_seconds"][0]]["test_accuracy"]
    print(f"| test accuracy | {accuracy:.4f} | " + " | ".join(
        f"{rounds[0][0][n]['test_accuracy']:.4f} | "
        f"{100 * (rounds[0][0][n]['test_accuracy'] - accuracy):+.2f} pt" for n in own_names)
        + " |")
    print(f"| predict_proba, 10,000 samples (s, median of 5) | "
          f"{statistics.median(peer('predict_proba_seconds')):.3f} | "
          + " | ".join(f"{median(rounds, 0, n, 'predict_proba_seconds'):.4f} | "
                       f"{faster(n, 'predict_proba_seconds')}" for n in own_names) + " |")
    # scikit-learn's least peak over all its runs against mlp's highest: the strict comparison
    memory = min(p["peak_mib"] for _, peers in rounds for p in peers.values())
    print(f"| peak resident memory (MiB) | {memory:.0f} | " + " | ".join(
        f"{max(ours[n]['peak_mib'] for ours, _ in rounds):.0f} | "
        f"{max(ours[n]['peak_mib'] for ours, _ in rounds) / memory:.2f}" for n in own_names)
        + " |")
    pairs = sorted(f / t for f, t in zip(fits, trains))
    print(f"\nPython's overhead: mlp.MLPClassifier.fit against `mlp train`'s training time "
          f"(summary.json) on the same work, {len(pairs)} pairs run one after the other: "
          f"fit {', '.join(f'{f:.2f}' for f in fits)} s, train "
          f"{', '.join(f'{t:.2f}' for t in trains)} s; median of the pairs' ratios "
          f"{100 * (statistics.median(pairs) - 1):+.1f} % (pairs {100 * (pairs[0] - 1):+.1f} to "
          f"{100 * (pairs[-1] - 1):+.1f} %)")
    print(f"Time fit spends outside libmlp's epochs (validation, label mapping, the config, the "
          f"model's creation, the loop): {max(outside):.3f} s at most, "
          f"{100 * max(outside) / min(fits):.2f} % of the fit")


if __name__ == "__main__":
    main()
