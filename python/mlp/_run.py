"""The command's concepts in Python: train a run from a config, load a run folder or model
file, predict with it, save it back, and read any data source the command reads."""

import csv
import ctypes
import json
import os
import tempfile

import numpy as np

from . import _core, _lib
from ._lib import lib


def _prepare(X):
    """X as a C-contiguous 2-D float32 or uint8 array (no copy when it is one already)."""
    if hasattr(X, "to_numpy"):
        X = X.to_numpy()
    X = np.asarray(X)
    if X.dtype != np.uint8:
        X = X.astype(np.float32, copy=False)
    if X.ndim == 1:
        raise ValueError("Expected a 2-D array of samples, got a 1-D array; reshape it with "
                         "X.reshape(1, -1) for one sample")
    if X.ndim != 2:
        raise ValueError(f"Expected a 2-D array of samples, got {X.ndim} dimensions")
    return np.ascontiguousarray(X)


class Model:
    """A trained model: a network with its preparation and class names, as the command saves
    it (.safetensors)."""

    def __init__(self, core):
        self._core = core

    @property
    def classes_(self):
        """Class names: the original label texts ("0".."9", names of a CSV's labels...)."""
        return np.array(self._core.class_names())

    @property
    def display_names(self):
        """What people call the classes (data.class_names, e.g. "Sandal" for label "5"), or the
        class names when the model has none."""
        return list(self._core.class_names(display=True))

    @property
    def n_features_in_(self):
        return self._core.widths()[0]

    def layers(self):
        """[(W [out, in], b [out])] of every dense layer, as copies."""
        return self._core.layers()

    def metadata(self, key):
        value = lib.mlp_model_metadata(self._core.handle, key.encode("utf-8"))
        return value.decode("utf-8") if value is not None else None

    def _check(self, X):
        X = _prepare(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but the model expects "
                             f"{self.n_features_in_}")
        return X

    def predict(self, X):
        """The class name of each sample."""
        index, _ = self._core.predict(self._check(X))
        return self.classes_[index]

    def predict_proba(self, X):
        """The output activations [n, classes] (probabilities for softmax), float32."""
        return self._core.predict(self._check(X), classes=False, probabilities=True)[1]

    def save(self, path):
        """Writes a .safetensors model file the command loads."""
        self._core.save(path)

    def export(self, path, format="onnx", *, name="model", quantize=None, calibration=None,
               calibration_samples=2000):
        """Writes the model for use without mlp, as `mlp export` does (docs/deploy.md).

        format="onnx": one ONNX file at path (input raw values, outputs probabilities and
        label). format="c": path is a folder (created if missing) that gets NAME.h and NAME.c
        (C99, libm only); quantize="int8" quantizes them, with activation scales calibrated on
        `calibration` (raw samples: an array [n, features] or a data source string), of which
        `calibration_samples` evenly spaced ones are used (0: all)."""
        path = os.fspath(path)
        if format == "onnx":
            if quantize is not None or calibration is not None:
                raise ValueError("quantize and calibration are for format='c'")
            _lib.call(lib.mlp_model_export_onnx, self._core.handle, os.fsencode(path))
            return
        if format != "c":
            raise ValueError(f"format={format!r}: expected 'onnx' or 'c'")
        if quantize not in (None, "int8"):
            raise ValueError(f"quantize={quantize!r}: only 'int8' is supported")
        if quantize and calibration is None:
            raise ValueError("quantize='int8' needs calibration samples (an array or a data "
                             "source string)")
        data = None
        if isinstance(calibration, (str, os.PathLike)):
            data = _Holder(ctypes.c_void_p())
            _lib.call(lib.mlp_dataset_load, ctypes.byref(data.handle), os.fsencode(calibration))
        elif calibration is not None:
            data = _core.Dataset(_prepare(calibration))
        spec = _lib.CExportSpec(name.encode("utf-8"),
                                _lib.EXPORT_INT8 if quantize else _lib.EXPORT_FLOAT,
                                data.handle if data is not None else None,
                                int(calibration_samples))
        os.makedirs(path, exist_ok=True)
        _lib.call(lib.mlp_model_export_c, self._core.handle, os.fsencode(path),
                  ctypes.byref(spec))


def load(path):
    """Loads a model file (.safetensors, model or checkpoint) or a run folder (its
    last.safetensors, as the command does)."""
    path = os.fspath(path)
    if os.path.isdir(path):
        path = os.path.join(path, "last.safetensors")
    return Model(_core.Model.load(path))


class Run:
    """A run folder written by mlp.train or `mlp train`."""

    def __init__(self, path, result=None):
        self.path = os.fspath(path)
        self.result = result

    def _file(self, name):
        return os.path.join(self.path, name)

    @property
    def summary(self):
        with open(self._file("summary.json")) as f:
            return json.load(f)

    @property
    def metrics(self):
        """metrics.csv as a list of dicts of floats (empty cells: None)."""
        with open(self._file("metrics.csv"), newline="") as f:
            return [{k: (float(v) if v not in ("", None) else None) for k, v in row.items()}
                    for row in csv.DictReader(f)]

    def metrics_frame(self):
        """metrics.csv as a pandas DataFrame."""
        import pandas
        return pandas.read_csv(self._file("metrics.csv"))

    @property
    def model(self):
        return load(self.path)

    def __repr__(self):
        return f"mlp.Run({self.path!r})"


def _assignments(config, overrides):
    """'section.key=value' strings from a dict of sections (or of dotted keys) and keyword
    overrides (section__key=value, or **{'section.key': value})."""
    items = []
    for key, value in (config or {}).items():
        if isinstance(value, dict):
            items += [(f"{key}.{k}", v) for k, v in value.items()]
        else:
            items.append((key, value))
    items += [(key.replace("__", "."), value) for key, value in overrides.items()]
    return [f"{key}={_core.config_value(value)}" for key, value in items]


def train(config=None, out=None, *, resume_from=None, verbose=False, callback=None,
          **overrides):
    """Trains the run a config describes, as `mlp train`: config is a config.ini path or a dict
    of sections ({"data": {"train": ...}, "training": {"epochs": 5}}); overrides are more keys,
    as section__key=value (or **{"section.key": value}). The run is written to `out` (default:
    runs/CONFIG-NAME for a file, a new temporary folder for a dict). Returns a Run. verbose
    prints a line per epoch; callback(metrics) is called at the end of every epoch.

    Ctrl-C stops at the next step (last.safetensors saved) and raises KeyboardInterrupt;
    divergence raises RuntimeError; a bad config or data source ValueError or OSError."""
    path = None
    if isinstance(config, (str, os.PathLike)):
        path, config = os.fspath(config), None
    cfg = _core.Config(path, _assignments(config, overrides))
    if out is None:
        if path is not None:
            out = os.path.join("runs", os.path.splitext(os.path.basename(path))[0])
        else:
            out = tempfile.mkdtemp(prefix="mlp-run-")
    hooks = _lib.TrainHooks()
    stop = ctypes.c_int(0)
    hooks.stop_requested = ctypes.pointer(stop)
    if verbose or callback is not None:
        def progress(_ctx, p):
            p = p.contents
            if not p.epoch_end:
                return
            metrics = {"epoch": p.epoch, "epochs": p.epochs, "step": p.step, "lr": p.lr,
                       "loss": p.loss, "accuracy": p.accuracy, "val_loss": p.val_loss,
                       "val_accuracy": p.val_accuracy, "seconds": p.seconds}
            if verbose:
                print("Epoch %d/%d, loss = %.6f, accuracy = %.4f, val_loss = %.6f, "
                      "val_accuracy = %.4f" % (p.epoch, p.epochs, p.loss, p.accuracy,
                                               p.val_loss, p.val_accuracy))
            if callback is not None:
                callback(metrics)
        hooks.progress = _lib.PROGRESS_FN(progress)
    result = _lib.TrainResult()
    err = _lib.Error()
    status = _core.interruptible(
        lambda: lib.mlp_config_train(cfg.handle, os.fsencode(out),
                                     os.fsencode(resume_from) if resume_from else None,
                                     ctypes.byref(hooks), ctypes.byref(result),
                                     ctypes.byref(err)), stop)
    if status == _lib.ERR_INTERRUPTED or (status == _lib.OK and stop.value):
        raise KeyboardInterrupt(err.message.decode("utf-8", "replace"))
    _lib.check(status, err)
    return Run(out, {"stop_reason": _lib.STOP_REASONS.get(result.stop_reason),
                     "epochs": result.epochs_run, "steps": result.steps,
                     "train_seconds": result.train_seconds,
                     "samples_per_second": result.samples_per_second,
                     "best_val_accuracy": result.best_val_accuracy,
                     "test_accuracy": result.test_accuracy, "test_loss": result.test_loss})


class _Holder:
    """Keeps a loaded mlp_dataset alive while NumPy arrays view its memory."""

    def __init__(self, handle):
        self.handle = handle

    def __del__(self):
        lib.mlp_dataset_free(self.handle)


def _view(holder, address, dtype, shape):
    count = int(np.prod(shape))
    buffer = (ctypes.c_char * (count * np.dtype(dtype).itemsize)).from_address(address)
    buffer._holder = holder
    return np.frombuffer(buffer, dtype=dtype).reshape(shape)


def read_data(source):
    """Reads a data source string the command accepts (IDX, CSV, .mat; docs/data.md) and returns
    (X, y, class_names): X [n, features] uint8 when the source holds bytes, else float32, a
    read-only view of the loaded values; y the int32 class indices (None when unlabelled);
    class_names the original label texts, class k named class_names[k]."""
    handle = ctypes.c_void_p()
    _lib.call(lib.mlp_dataset_load, ctypes.byref(handle), os.fsencode(source))
    holder = _Holder(handle)
    n, d = lib.mlp_dataset_count(handle), lib.mlp_dataset_features(handle)
    address = lib.mlp_dataset_bytes(handle)
    if address:
        X = _view(holder, address, np.uint8, (n, d))
    else:
        X = _view(holder, lib.mlp_dataset_floats(handle), np.float32, (n, d))
    X.flags.writeable = False
    labels = lib.mlp_dataset_labels(handle)
    y = _view(holder, labels, np.int32, (n,)) if labels else None
    if y is not None:
        y.flags.writeable = False
    names = [lib.mlp_dataset_class_name(handle, k).decode("utf-8")
             for k in range(lib.mlp_dataset_num_classes(handle))]
    return X, y, names
