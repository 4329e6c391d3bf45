"""Model.export: the same ONNX file and C source as `mlp export`, from Python."""

import ctypes
import json
import subprocess

import numpy as np
import pytest

import mlp


@pytest.fixture
def model(mlp_command, blobs, tmp_path):
    """A model trained by the command on the blobs, with a standardize preparation."""
    X, y = blobs
    path = tmp_path / "train.csv"
    with open(path, "w") as f:
        f.write("label," + ",".join(f"f{j}" for j in range(6)) + "\n")
        for row, label in zip(X, y):
            f.write(f"{label}," + ",".join(f"{v:.6g}" for v in row) + "\n")
    config = tmp_path / "blobs.ini"
    config.write_text(f"[data]\ntrain = {path}\ntransform = standardize\n"
                      "[network]\nhidden = 8\n[optimizer]\nkind = adam\n[training]\nepochs = 5\n")
    subprocess.run([mlp_command, "train", str(config), "--out", str(tmp_path / "run")],
                   check=True, capture_output=True)
    X = np.loadtxt(path, delimiter=",", skiprows=1, usecols=range(1, 7), dtype=np.float32)
    return mlp.load(tmp_path / "run"), X, tmp_path


def test_onnx_equals_the_command_s_file(model, mlp_command):
    m, _, tmp_path = model
    m.export(tmp_path / "python.onnx")
    subprocess.run([mlp_command, "export", str(tmp_path / "run"), "--format", "onnx", "--out",
                    str(tmp_path / "command.onnx")], check=True, capture_output=True)
    assert (tmp_path / "python.onnx").read_bytes() == (tmp_path / "command.onnx").read_bytes()
    onnx = pytest.importorskip("onnx")
    loaded = onnx.load(str(tmp_path / "python.onnx"))
    onnx.checker.check_model(loaded)
    meta = {p.key: p.value for p in loaded.metadata_props}
    assert json.loads(meta["classes"]) == list(m.classes_)


def test_c_source_predicts_as_the_model(model):
    m, X, tmp_path = model
    out = tmp_path / "c"
    m.export(out, format="c", name="blobs")
    library = tmp_path / "libblobs.so"
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2",
                    "-shared", "-fPIC", str(out / "blobs.c"), "-lm", "-o", str(library)],
                   check=True)
    c = ctypes.CDLL(str(library))
    c.blobs_predict.restype = ctypes.c_int
    c.blobs_predict.argtypes = [ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_float)]
    classes = [c.blobs_predict(np.ascontiguousarray(row).ctypes.data_as(
        ctypes.POINTER(ctypes.c_float)), None) for row in X]
    assert list(m.classes_[classes]) == list(m.predict(X))


def test_c_int8_calibrated_on_an_array(model):
    m, X, tmp_path = model
    m.export(tmp_path / "q", format="c", quantize="int8", calibration=X,
             calibration_samples=100)
    source = (tmp_path / "q" / "model.c").read_text()
    assert "calibrated on 100 samples" in source and "static const int8_t w0[48]" in source


def test_refusals(model):
    m, X, tmp_path = model
    with pytest.raises(ValueError, match="format"):
        m.export(tmp_path / "x", format="tflite")
    with pytest.raises(ValueError, match="calibration"):
        m.export(tmp_path / "x", format="c", quantize="int8")
    with pytest.raises(ValueError, match="not a C identifier"):
        m.export(tmp_path / "x", format="c", name="9lives")
    with pytest.raises(OSError):
        m.export(tmp_path / "missing" / "model.onnx")
