"""The peer of `mlp tune` on the 8,000 real digits (docs/tuning.md, "Measured"): scikit-learn's
HalvingRandomSearchCV (successive halving over random candidates) over its MLPClassifier, the
resource being the epochs (max_iter), one validation split of 10 % of the training digits (as
examples/tune/digits.ini holds out), then the best candidate refitted on all 8,000 training
digits and scored on the 2,000 test digits.

usage: /usr/bin/python3 examples/tune/sklearn-halving.py [--candidates N] [--min-epochs N]
           [--max-epochs N] [--factor N] [--jobs N] [--seed S] [--data data/mnist]
from the repository root (`make data` first; Debian's python3-sklearn). Prints the search's
candidates per round, the best parameters, its validation accuracy, the wall time and the test
accuracy.

The space is what sklearn's MLP can express of examples/tune/digits-space.ini: hidden sizes,
the initial learning rate (Adam; sklearn has no learning-rate schedule for Adam), the batch and
the L2 strength alpha. It has no dropout and no augmentation (shifts, rotations)."""

import argparse
import os
import sys
import time
import warnings

# One BLAS thread per worker: the jobs share the cores (set before NumPy loads OpenBLAS).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
# Short rounds stop before the optimizer converges, by design: no ConvergenceWarning from the
# worker processes, which inherit the environment and not the warning filters.
os.environ.setdefault("PYTHONWARNINGS", "ignore")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))

import numpy as np  # noqa: E402
from bench_common import read_idx_gz  # noqa: E402
from scipy.stats import loguniform  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.experimental import enable_halving_search_cv  # noqa: E402,F401
from sklearn.model_selection import HalvingRandomSearchCV, ShuffleSplit  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402


def load(data, prefix):
    images = read_idx_gz(f"{data}/{prefix}-images-idx3-ubyte.gz")
    labels = read_idx_gz(f"{data}/{prefix}-labels-idx1-ubyte.gz")
    return images.reshape(len(images), -1).astype(np.float32) / 255.0, labels.astype(np.int64)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=81, help="random candidates at first")
    parser.add_argument("--min-epochs", type=int, default=3, help="max_iter of the first round")
    parser.add_argument("--max-epochs", type=int, default=81, help="max_iter at most")
    parser.add_argument("--factor", type=int, default=3, help="successive halving's factor")
    parser.add_argument("--jobs", type=int, default=2, help="candidates fitted at a time")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", default="data/mnist")
    o = parser.parse_args()

    X, y = load(o.data, "train")
    X_test, y_test = load(o.data, "t10k")
    space = {
        "hidden_layer_sizes": [(256,), (512,), (800,), (1024,), (512, 256), (1024, 512)],
        "learning_rate_init": loguniform(1e-4, 3e-3),
        "batch_size": [64, 128, 256],
        "alpha": loguniform(1e-6, 1e-2),
    }
    # No early stop: every candidate trains the epochs its round gives it (tol = 0 and a
    # patience longer than any run).
    model = MLPClassifier(solver="adam", activation="relu", tol=0.0, n_iter_no_change=10**6,
                          random_state=o.seed)
    search = HalvingRandomSearchCV(
        model, space, n_candidates=o.candidates, resource="max_iter",
        min_resources=o.min_epochs, max_resources=o.max_epochs, factor=o.factor,
        cv=ShuffleSplit(n_splits=1, test_size=0.1, random_state=o.seed), scoring="accuracy",
        refit=True, n_jobs=o.jobs, random_state=o.seed, verbose=1)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    start = time.perf_counter()
    search.fit(X, y)
    seconds = time.perf_counter() - start
    test = search.score(X_test, y_test)
    epochs = sum(r * n for r, n in zip(search.n_resources_, search.n_candidates_))
    print(f"rounds: max_iter {search.n_resources_}, candidates {search.n_candidates_}; "
          f"{epochs} epochs in the search, {search.best_params_['max_iter']} in the refit")
    print(f"best {search.best_params_}: val accuracy {search.best_score_:.4f}")
    print(f"wall {seconds:.1f} s (search and refit on all {len(X)} training digits); "
          f"test accuracy {test:.4f}")


if __name__ == "__main__":
    main()
