"""mlp.tune: a few trials on small generated data through libmlp's mlp_tune (the trials are
`mlp train` processes of the command under test), ranking by accuracy and by loss, Halton draws,
the result object, Ctrl-C, and bad arguments."""

import os
import signal
import threading
import time

import pytest

import mlp
from test_run_api import write_csv


@pytest.fixture
def blobs_config(tmp_path, blobs):
    X, y = blobs
    path = tmp_path / "train.csv"
    write_csv(path, X, y)
    return {"seed": 3, "threads": 1,
            "data": {"train": str(path), "transform": "standardize", "validation": 0.25},
            "network": {"hidden": 8}, "optimizer": {"kind": "sgd"},
            "training": {"epochs": 9, "batch_size": 32}}


SPACE = {"schedule.lr": "log_uniform(1e-3, 0.3)", "network.hidden": [4, 16, [8, 8]]}


def ranked(rows, key, sign):
    """Rung descending, then the metric (sign 1: higher first)."""
    return all((a["rung"], sign * a[key]) >= (b["rung"], sign * b[key])
               for a, b in zip(rows, rows[1:]))


def test_tune_ranks_trials_and_gives_the_best_model(mlp_command, blobs_config, blobs, tmp_path):
    result = mlp.tune(blobs_config, SPACE, 9, tmp_path / "t", program=mlp_command)
    assert result.trials == 9 and len(result.results) == 9 and result.failed_steps == 0
    assert result.metric == "accuracy" and result.rung_epochs == [1, 3, 9]
    rows = result.results
    assert [r["rank"] for r in rows] == list(range(1, 10))
    assert ranked(rows, "val_accuracy", 1) and rows[0]["rung"] == 2 and rows[0]["epochs"] == 9
    assert all(1e-3 <= r["schedule.lr"] <= 0.3 for r in rows)
    assert {r["network.hidden"] for r in rows} <= {4, 16, "8,8"}
    assert result.best is rows[0]
    assert os.path.exists(result.best_config)
    assert result.best_run.summary["epochs_run"] == 9
    X, _ = blobs
    assert result.best_model().predict(X[:5]).shape == (5,)
    frame = result.frame()
    assert list(frame["trial"]) == [r["trial"] for r in rows] and "val_loss" in frame
    # The same seed gives the same trials.
    again = mlp.tune(blobs_config, SPACE, 9, tmp_path / "t2", program=mlp_command)
    assert [(r["trial"], r["schedule.lr"]) for r in again.results] == \
        [(r["trial"], r["schedule.lr"]) for r in rows]


def test_tune_by_loss_with_halton(mlp_command, blobs_config, tmp_path):
    result = mlp.tune(blobs_config, SPACE, 6, tmp_path / "t", metric="loss", sampler="halton",
                      program=mlp_command, jobs=2)
    assert result.metric == "loss" and result.sampler == "halton"
    assert ranked(result.results, "val_loss", -1)
    # Six Halton points over three choices: each choice twice.
    hidden = [r["network.hidden"] for r in result.results]
    assert sorted(hidden.count(v) for v in (4, 16, "8,8")) == [2, 2, 2]


def test_ctrl_c_stops_the_tune(mlp_command, blobs_config, tmp_path):
    blobs_config["training"]["epochs"] = 100000
    out = tmp_path / "t"

    def interrupt_when_training():
        deadline = time.time() + 60
        while not (out / "trial-001" / "metrics.csv").exists() and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_when_training, daemon=True).start()
    began = time.time()
    with pytest.raises(KeyboardInterrupt):
        mlp.tune(blobs_config, SPACE, 3, out, method="random", program=mlp_command)
    assert time.time() - began < 60
    summary = mlp.Run(out / "trial-001").summary
    assert summary["stop_reason"] == "interrupted"
    assert not (out / "trial-002").exists()


def test_bad_arguments(mlp_command, blobs_config, tmp_path):
    with pytest.raises(ValueError, match="sampler"):
        mlp.tune(blobs_config, SPACE, 2, tmp_path / "a", sampler="sobol", program=mlp_command)
    with pytest.raises(ValueError, match="unknown config key 'network.hiden'"):
        mlp.tune(blobs_config, {"network.hiden": [4, 8]}, 2, tmp_path / "b",
                 program=mlp_command)
    with pytest.raises(ValueError, match="budget"):
        mlp.tune(blobs_config, SPACE, "2x", tmp_path / "c", program=mlp_command)
    with pytest.raises(FileNotFoundError):
        mlp.tune(blobs_config, SPACE, 2, tmp_path / "d", program=str(tmp_path / "no-mlp"))
