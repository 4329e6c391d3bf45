"""The run API (mlp.train, mlp.load, Model, mlp.read_data) and models passed between the command
and Python both ways."""

import csv
import os
import signal
import subprocess
import threading

import numpy as np
import pandas as pd
import pytest

import mlp

FASHION = "/usr/share/datasets/fashion-mnist"


def write_csv(path, X, labels=None):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow((["label"] if labels is not None else []) + [f"f{j}" for j in
                                                                range(X.shape[1])])
        for i, row in enumerate(X):
            w.writerow(([labels[i]] if labels is not None else []) + [f"{v:.6g}" for v in row])


def command_predictions(command, model, data, tmp_path, proba=False):
    out = tmp_path / "predictions.csv"
    subprocess.run([command, "predict", str(model), str(data), "--out", str(out)]
                   + (["--proba"] if proba else []), check=True, capture_output=True)
    with open(out) as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


@pytest.fixture
def labelled_csv(tmp_path, blobs):
    X, y = blobs
    names = np.array(["ant", "bee", "cow"])[y]
    path = tmp_path / "train.csv"
    write_csv(path, X, names)
    return path, np.loadtxt(path, delimiter=",", skiprows=1, usecols=range(1, 7),
                            dtype=np.float32), names


def test_model_from_the_command_predicts_the_same_in_python(mlp_command, labelled_csv,
                                                            tmp_path):
    path, X, names = labelled_csv
    config = tmp_path / "blobs.ini"
    config.write_text(f"[data]\ntrain = {path}\ntransform = standardize\n"
                      "class_names = Ant, Bee, Cow\n"
                      "[network]\nhidden = 8\n[optimizer]\nkind = adam\n"
                      "[training]\nepochs = 20\n")
    run = tmp_path / "run"
    subprocess.run([mlp_command, "train", str(config), "--out", str(run)], check=True,
                   capture_output=True)
    model = mlp.load(run)
    assert list(model.classes_) == ["ant", "bee", "cow"] and model.n_features_in_ == 6
    assert model.display_names == ["Ant", "Bee", "Cow"]
    header, rows = command_predictions(mlp_command, run, path, tmp_path, proba=True)
    assert header[:2] == ["Id", "Category"]
    np.testing.assert_array_equal(model.predict(X), [r[1] for r in rows])
    np.testing.assert_allclose(model.predict_proba(X),
                               np.array([r[2:] for r in rows], dtype=float), atol=1e-4)
    assert np.mean(model.predict(X) == names) > 0.9


def test_estimator_saved_from_python_is_read_by_the_command(mlp_command, labelled_csv,
                                                            tmp_path):
    path, X, names = labelled_csv
    clf = mlp.MLPClassifier(hidden_layer_sizes=(8,), max_iter=40, random_state=0).fit(X, names)
    clf.save(tmp_path / "model.safetensors")
    _, rows = command_predictions(mlp_command, tmp_path / "model.safetensors", path, tmp_path)
    np.testing.assert_array_equal(clf.predict(X), [r[1] for r in rows])
    out = subprocess.run([mlp_command, "eval", str(tmp_path / "model.safetensors"), str(path)],
                         check=True, capture_output=True, text=True).stdout
    assert f"{clf.score(X, names):.4f}" in out
    # and back into Python
    model = mlp.load(tmp_path / "model.safetensors")
    np.testing.assert_array_equal(model.predict(X), clf.predict(X))


def test_train_from_a_dict_with_overrides(mlp_command, labelled_csv, tmp_path):
    path, X, names = labelled_csv
    seen = []
    run = mlp.train({"data": {"train": str(path), "validation": 0.2}, "network": {"hidden": [8]},
                     "optimizer": {"kind": "adam"}, "seed": 3}, out=str(tmp_path / "run"),
                    training__epochs=12, callback=seen.append, **{"schedule.lr": 0.05})
    assert [m["epoch"] for m in seen] == list(range(1, 13))
    assert [row["epoch"] for row in run.metrics] == list(range(1, 13))
    frame = run.metrics_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 12
    assert run.summary["epochs_run"] == 12 and run.result["stop_reason"] == "max_epochs"
    assert "lr = 0.05" in (tmp_path / "run" / "config.ini").read_text()
    assert np.mean(run.model.predict(X) == names) > 0.9
    subprocess.run([mlp_command, "eval", str(tmp_path / "run"), str(path)], check=True,
                   capture_output=True)
    # a model re-saved from Python is the same model to the command
    run.model.save(tmp_path / "again.safetensors")
    _, a = command_predictions(mlp_command, tmp_path / "again.safetensors", path, tmp_path)
    _, b = command_predictions(mlp_command, tmp_path / "run", path, tmp_path)
    assert a == b


def test_train_from_a_config_file(labelled_csv, tmp_path):
    path, _, _ = labelled_csv
    config = tmp_path / "small.ini"
    config.write_text(f"[data]\ntrain = {path}\n[training]\nepochs = 2\n")
    run = mlp.train(str(config), out=str(tmp_path / "out"))
    assert len(run.metrics) == 2 and os.path.exists(tmp_path / "out" / "last.safetensors")


def test_read_data_csv(labelled_csv):
    path, X, names = labelled_csv
    data, y, classes = mlp.read_data(str(path))
    assert data.dtype == np.float32 and data.shape == X.shape
    np.testing.assert_array_equal(data, X)
    assert classes == ["ant", "bee", "cow"]
    np.testing.assert_array_equal(np.array(classes)[y], names)
    assert not data.flags.writeable


@pytest.mark.skipif(not os.path.isdir(FASHION), reason="dataset-fashion-mnist not installed")
def test_read_data_idx_keeps_bytes():
    X, y, classes = mlp.read_data(f"{FASHION}/t10k-images-idx3-ubyte.gz,"
                                  f"{FASHION}/t10k-labels-idx1-ubyte.gz,limit=500")
    assert X.dtype == np.uint8 and X.shape == (500, 784) and y.shape == (500,)
    assert classes == [str(k) for k in range(10)]


def test_library_errors_become_python_exceptions(tmp_path):
    with pytest.raises(OSError, match="nonexistent"):
        mlp.load(tmp_path / "nonexistent.safetensors")
    (tmp_path / "junk.safetensors").write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00{}")
    with pytest.raises(ValueError, match="junk.safetensors"):
        mlp.load(tmp_path / "junk.safetensors")
    with pytest.raises(OSError, match="missing.csv"):
        mlp.read_data(str(tmp_path / "missing.csv"))
    (tmp_path / "ragged.csv").write_text("label,a,b\n1,2,3\n0,4\n")
    with pytest.raises(ValueError, match="ragged.csv: line 3"):
        mlp.read_data(str(tmp_path / "ragged.csv"))
    with pytest.raises(ValueError, match="training.epochs"):
        mlp.train({"data": {"train": "x.csv"}}, out=str(tmp_path / "r"), training__epoch=3)
    with pytest.raises(OSError, match="missing.csv"):
        mlp.train({"data": {"train": str(tmp_path / "missing.csv")}}, out=str(tmp_path / "r"))


def test_keyboard_interrupt_stops_a_run_with_its_checkpoint(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20000, 50)).astype(np.float32)
    path = tmp_path / "big.csv"
    write_csv(path, X, (X[:, 0] > 0).astype(int))

    def interrupt_soon(metrics):
        if metrics["epoch"] == 1:
            threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()

    with pytest.raises(KeyboardInterrupt):
        mlp.train({"data": {"train": str(path)}, "network": {"hidden": [256]},
                   "training": {"epochs": 10000, "batch_size": 16}}, out=str(tmp_path / "run"),
                  callback=interrupt_soon)
    summary = mlp.Run(tmp_path / "run").summary
    assert summary["stop_reason"] == "interrupted" and 1 <= summary["epochs_run"] < 10000
    model = mlp.load(tmp_path / "run")
    assert model.predict(X[:5]).shape == (5,)
