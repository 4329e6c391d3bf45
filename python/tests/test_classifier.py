"""mlp.MLPClassifier beyond scikit-learn's checks: labels, inputs, errors, pickling, sklearn's
tools, the notebook features (callback, verbose, Ctrl-C, the GIL)."""

import os
import pickle
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest
import scipy.sparse
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import mlp


def test_same_parameters_and_defaults_as_sklearn():
    ours, theirs = mlp.MLPClassifier().get_params(), SkMLPClassifier().get_params()
    for name, default in theirs.items():
        assert name in ours, name
        assert ours[name] == default, name


def test_learns_and_has_sklearn_attributes(blobs):
    X, y = blobs
    clf = mlp.MLPClassifier(hidden_layer_sizes=(16, 8), max_iter=100, random_state=0).fit(X, y)
    assert clf.score(X, y) > 0.95
    assert [c.shape for c in clf.coefs_] == [(6, 16), (16, 8), (8, 3)]
    assert [b.shape for b in clf.intercepts_] == [(16,), (8,), (3,)]
    assert clf.n_layers_ == 4 and clf.n_outputs_ == 3 and clf.out_activation_ == "softmax"
    assert clf.n_features_in_ == 6 and clf.n_iter_ == len(clf.loss_curve_) <= 100
    assert clf.t_ == 600 * clf.n_iter_
    assert clf.loss_ == clf.loss_curve_[-1] and clf.best_loss_ <= clf.loss_
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    np.testing.assert_allclose(clf.predict_log_proba(X[:5]), np.log(proba[:5]), rtol=1e-6)


def test_coefs_are_the_network_weights(blobs):
    """coefs_ in sklearn's [fan_in, fan_out] layout reproduce predict_proba by hand."""
    X, y = blobs
    clf = mlp.MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit(X, y)
    h = np.maximum(X @ clf.coefs_[0] + clf.intercepts_[0], 0)
    z = h @ clf.coefs_[1] + clf.intercepts_[1]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(p / p.sum(axis=1, keepdims=True), clf.predict_proba(X),
                               rtol=1e-4, atol=1e-6)


def test_string_labels_are_mapped_back(blobs):
    X, y = blobs
    names = np.array(["cat", "dog", "emu"])[y]
    clf = mlp.MLPClassifier(max_iter=20, random_state=1).fit(X, names)
    assert list(clf.classes_) == ["cat", "dog", "emu"]
    assert clf.predict(X).dtype == names.dtype
    assert np.mean(clf.predict(X) == names) > 0.95


def test_dataframes_and_lists(blobs):
    X, y = blobs
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(6)])
    clf = mlp.MLPClassifier(max_iter=5, random_state=0).fit(frame, list(y))
    assert list(clf.feature_names_in_) == list(frame.columns)
    with pytest.warns(UserWarning, match="feature names"):
        np.testing.assert_array_equal(clf.predict(frame), clf.predict(X))
    clf.fit(X.tolist(), y)
    assert clf.predict(X[:3].tolist()).shape == (3,)


def test_float32_and_uint8_arrays_are_not_copied(blobs):
    X, y = blobs
    clf = mlp.MLPClassifier(max_iter=2, random_state=0).fit(X, y)
    assert clf._validate_X(X, reset=False) is X
    images = (np.abs(X) * 20).astype(np.uint8)
    assert clf._validate_X(images, reset=False) is images
    data = mlp._core.Dataset(images)
    assert mlp._lib.lib.mlp_dataset_bytes(data.handle) == images.ctypes.data
    # bytes train as bytes, with the same values as their float32 copy
    a = mlp.MLPClassifier(max_iter=3, random_state=0, shuffle=False).fit(images, y)
    b = mlp.MLPClassifier(max_iter=3, random_state=0, shuffle=False).fit(
        images.astype(np.float32), y)
    np.testing.assert_array_equal(a.predict_proba(images), b.predict_proba(images))


def test_bad_inputs_are_refused_like_sklearn(blobs):
    X, y = blobs
    clf = mlp.MLPClassifier(max_iter=2)
    with pytest.raises(TypeError, match="sparse"):
        clf.fit(scipy.sparse.csr_matrix(X), y)
    bad = X.copy()
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(bad, y)
    bad[3, 2] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        clf.fit(bad, y)
    with pytest.raises(ValueError, match="Unknown label type"):
        clf.fit(X, np.linspace(0, 1, len(y)))
    with pytest.raises(ValueError, match="lbfgs"):
        mlp.MLPClassifier(solver="lbfgs").fit(X, y)
    clf.fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :4])


def test_partial_fit_continues(blobs):
    X, y = blobs
    clf = mlp.MLPClassifier(random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[:300], y[:300], classes=[0, 1, 2])
    for _ in range(10):
        clf.partial_fit(X, y)
    assert clf.n_iter_ == 11 and clf.score(X, y) > 0.95
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(X[:2], [0, 7])


def test_warm_start_keeps_weights(blobs):
    X, y = blobs
    clf = mlp.MLPClassifier(max_iter=3, warm_start=True, random_state=0).fit(X, y)
    loss = clf.loss_curve_[-1]
    clf.fit(X, y)
    assert clf.n_iter_ == 6 and len(clf.loss_curve_) == 6 and clf.loss_curve_[-1] < loss


def test_early_stopping_keeps_best_validation_weights(blobs):
    X, y = blobs
    clf = mlp.MLPClassifier(early_stopping=True, max_iter=60, n_iter_no_change=3,
                            random_state=0).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None


def test_pickle_round_trip(blobs):
    X, y = blobs
    clf = mlp.MLPClassifier(max_iter=5, random_state=0).fit(X, np.array(["a", "b", "c"])[y])
    copy = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))
    copy.partial_fit(X, np.array(["a", "b", "c"])[y])
    assert copy.n_iter_ == 6


def test_pipeline_cross_val_score_and_grid_search(blobs):
    X, y = blobs
    pipe = make_pipeline(StandardScaler(), mlp.MLPClassifier(max_iter=20, random_state=0))
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.9
    grid = GridSearchCV(mlp.MLPClassifier(max_iter=60, random_state=0),
                        {"hidden_layer_sizes": [(4,), (16,)], "alpha": [1e-4, 1e-2]},
                        cv=2, n_jobs=2).fit(X, y)
    assert grid.best_score_ > 0.9
    assert isinstance(grid.best_estimator_, mlp.MLPClassifier)


def test_verbose_prints_sklearn_lines(blobs, capsys):
    X, y = blobs
    mlp.MLPClassifier(max_iter=2, verbose=True, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Iteration 1, loss = ")
    assert lines[1].startswith("Iteration 2, loss = ")


def test_callback_gets_each_epoch_and_can_stop(blobs):
    X, y = blobs
    seen = []
    clf = mlp.MLPClassifier(max_iter=4, random_state=0, callback=seen.append).fit(X, y)
    assert [m["epoch"] for m in seen] == [1, 2, 3, 4]
    assert seen[-1]["loss"] == clf.loss_ and 0 <= seen[-1]["train_accuracy"] <= 1
    clf = mlp.MLPClassifier(max_iter=50, random_state=0,
                            callback=lambda m: m["epoch"] < 2 and None).fit(X, y)
    assert clf.n_iter_ == 2


def big_problem():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20000, 100)).astype(np.float32)
    return X, (X[:, 0] > 0).astype(int)


def interrupt_soon(metrics):
    """A callback: after the first epoch, Ctrl-C arrives 0.2 s into the next one."""
    if metrics["epoch"] == 1:
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()


def test_keyboard_interrupt_stops_and_leaves_a_usable_estimator():
    X, y = big_problem()
    clf = mlp.MLPClassifier(hidden_layer_sizes=(512,), max_iter=10000, batch_size=16,
                            random_state=0, callback=interrupt_soon)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    assert 1 <= clf.n_iter_ < 10000
    assert clf.predict(X[:10]).shape == (10,)
    assert np.isfinite(clf.predict_proba(X[:10])).all()
    clf.partial_fit(X[:100], y[:100])  # the estimator trains on
    assert clf.n_iter_ >= 2


def test_training_releases_the_gil():
    """Another Python thread keeps running while fit is in libmlp."""
    X, y = big_problem()
    count, running = [0], [True]

    def spin():
        while running[0]:
            count[0] += 1

    clf = mlp.MLPClassifier(hidden_layer_sizes=(256,), max_iter=3, random_state=0)
    spinner = threading.Thread(target=spin)
    spinner.start()
    start = count[0]
    try:
        clf.fit(X, y)
    finally:
        running[0] = False
        spinner.join()
    # with the GIL held through fit, the spinner would only run at the epochs' edges
    assert count[0] - start > 100000


def test_divergence_is_a_runtime_error():
    X, y = big_problem()
    X = X * 1e18
    clf = mlp.MLPClassifier(solver="sgd", learning_rate_init=1e6, max_iter=5, momentum=0,
                            activation="identity", random_state=0)
    with pytest.raises(RuntimeError, match="diverged"):
        clf.fit(X[:1000], y[:1000])


def _has_bf16():
    flags = open("/proc/cpuinfo").read() if os.path.exists("/proc/cpuinfo") else ""
    return " avx512_bf16" in flags and " avx512bw" in flags


@pytest.mark.skipif(not _has_bf16(), reason="this CPU lacks AVX512_BF16")
def test_bf16_precision_trains_predicts_and_survives_pickling(blobs):
    X, y = blobs
    X = X.astype(np.float32)
    params = dict(hidden_layer_sizes=(64,), max_iter=30, random_state=0)
    f32 = mlp.MLPClassifier(**params).fit(X, y)
    bf16 = mlp.MLPClassifier(precision="bf16", **params).fit(X, y)
    assert bf16.score(X, y) > 0.95
    assert np.mean(bf16.predict(X) == f32.predict(X)) >= 0.95
    in_bf16 = bf16.predict_proba(X)
    again = pickle.loads(pickle.dumps(bf16))
    assert np.array_equal(again.predict_proba(X), in_bf16)
    # the same weights predicting in float32: operands no longer rounded to 8 significant bits
    in_f32 = bf16.set_params(precision="f32").predict_proba(X)
    assert 0 < np.abs(in_f32 - in_bf16).max() < 0.05
    assert np.mean(in_f32.argmax(1) == in_bf16.argmax(1)) >= 0.99


def test_unknown_precision_is_a_value_error(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="precision"):
        mlp.MLPClassifier(precision="fp8", max_iter=1).fit(X, y)
