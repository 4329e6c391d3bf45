"""The handles the package holds (configs, data sets over NumPy arrays, models, sessions) and
running a library call so that Ctrl-C stops it at the next step."""

import ctypes
import os
import tempfile
import threading

import numpy as np

from . import _lib
from ._lib import lib


def _encode(text):
    return os.fsencode(text) if isinstance(text, (str, os.PathLike)) else text


class Config:
    """An mlp_config: the command's config keys, from a file and/or overrides."""

    def __init__(self, path=None, sets=()):
        self.handle = ctypes.c_void_p()
        _lib.call(lib.mlp_config_new, ctypes.byref(self.handle),
                  _encode(path) if path is not None else None)
        for assignment in sets:
            self.set(assignment)

    def set(self, assignment):
        _lib.call(lib.mlp_config_set, self.handle, assignment.encode("utf-8"))

    def text(self):
        return _lib.config_text(self.handle)

    def __del__(self):
        if getattr(self, "handle", None):
            lib.mlp_config_free(self.handle)
            self.handle = None


def config_value(value):
    """A Python value written as the config files write it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(config_value(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


class Dataset:
    """An mlp_dataset over a C-contiguous float32 or uint8 array, without a copy (the array is
    kept alive with it)."""

    def __init__(self, X, labels=None, class_names=None, image_shape=None, name="X"):
        assert X.ndim == 2 and X.flags.c_contiguous and X.dtype in (np.float32, np.uint8)
        self.X = X
        self.handle = ctypes.c_void_p()
        label_ptr = None
        if labels is not None:
            self.labels = np.ascontiguousarray(labels, dtype=np.int32)
            label_ptr = self.labels.ctypes.data_as(ctypes.POINTER(ctypes.c_int32))
        names_ptr, num_classes = None, 0
        if class_names is not None:
            encoded = [str(c).encode("utf-8") for c in class_names]
            self._names = (ctypes.c_char_p * max(len(encoded), 1))(*encoded)
            names_ptr, num_classes = self._names, len(encoded)
        rows, cols = image_shape if image_shape is not None else (0, 0)
        _lib.call(lib.mlp_dataset_wrap, ctypes.byref(self.handle), name.encode("utf-8"),
                  ctypes.c_void_p(X.ctypes.data), X.dtype == np.uint8, X.shape[0], X.shape[1],
                  label_ptr, names_ptr, num_classes, int(rows), int(cols))

    def __del__(self):
        if getattr(self, "handle", None):
            lib.mlp_dataset_free(self.handle)
            self.handle = None


class Model:
    """An mlp_model handle (owned)."""

    def __init__(self, handle):
        self.handle = handle

    @classmethod
    def load(cls, path):
        handle = ctypes.c_void_p()
        _lib.call(lib.mlp_model_load, ctypes.byref(handle), _encode(path))
        return cls(handle)

    def save(self, path):
        _lib.call(lib.mlp_model_save, self.handle, _encode(path))

    def set_precision(self, name):
        """The arithmetic of the layer products from now on: 'f32' or 'bf16'."""
        precision = ctypes.c_int()
        if not lib.mlp_precision_from_name(name.encode("utf-8"), ctypes.byref(precision)):
            raise ValueError(f"precision must be 'f32' or 'bf16', got {name!r}")
        _lib.call(lib.mlp_net_set_precision, lib.mlp_model_net(self.handle), precision.value)

    def to_bytes(self):
        with tempfile.TemporaryDirectory(prefix="mlp-") as folder:
            path = os.path.join(folder, "model.safetensors")
            self.save(path)
            with open(path, "rb") as f:
                return f.read()

    @classmethod
    def from_bytes(cls, data):
        with tempfile.TemporaryDirectory(prefix="mlp-") as folder:
            path = os.path.join(folder, "model.safetensors")
            with open(path, "wb") as f:
                f.write(data)
            return cls.load(path)

    def __del__(self):
        if getattr(self, "handle", None):
            lib.mlp_model_free(self.handle)
            self.handle = None

    @property
    def net(self):
        return lib.mlp_model_net(self.handle)

    def spec(self):
        return lib.mlp_net_get_spec(self.net).contents

    def widths(self):
        spec = self.spec()
        return [spec.widths[i] for i in range(spec.num_layers + 1)]

    def class_names(self, display=False):
        names = (lib.mlp_model_display_names if display else lib.mlp_model_class_names)(
            self.handle)
        return [names[k].decode("utf-8") for k in range(lib.mlp_model_num_classes(self.handle))]

    def params(self):
        """The parameters as a NumPy view of the network's own array (valid while it lives)."""
        count = lib.mlp_net_num_params(self.net)
        return np.ctypeslib.as_array(lib.mlp_net_params(self.net), shape=(count,))

    def layers(self):
        """[(W [out, in], b [out])] as copies."""
        params, widths, out = self.params(), self.widths(), []
        for layer in range(len(widths) - 1):
            w = lib.mlp_net_weight_offset(self.net, layer)
            b = lib.mlp_net_bias_offset(self.net, layer)
            fan_in, fan_out = widths[layer], widths[layer + 1]
            out.append((params[w:w + fan_in * fan_out].reshape(fan_out, fan_in).copy(),
                        params[b:b + fan_out].copy()))
        return out

    def predict(self, X, image_shape=None, classes=True, probabilities=False):
        """Class indices (int32) and/or output activations (float32) of a prepared array."""
        data = Dataset(X, image_shape=image_shape)
        n, outputs = X.shape[0], self.widths()[-1]
        index = np.empty(n, dtype=np.int32) if classes else None
        proba = np.empty((n, outputs), dtype=np.float32) if probabilities else None
        _lib.call(lib.mlp_model_predict, self.handle, data.handle,
                  index.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)) if classes else None,
                  proba.ctypes.data_as(ctypes.POINTER(ctypes.c_float)) if probabilities
                  else None)
        return index, proba


def new_model(config, data, indices=None):
    handle = ctypes.c_void_p()
    index_ptr, n = None, 0
    if indices is not None:
        index_ptr, n = indices.ctypes.data_as(ctypes.POINTER(ctypes.c_uint32)), len(indices)
    _lib.call(lib.mlp_config_new_model, ctypes.byref(handle), config.handle, data.handle,
              index_ptr, n)
    return Model(handle)


class Session:
    """An mlp_session: trains `model` an epoch per call; keeps the model alive."""

    def __init__(self, config, model):
        self.model = model
        self.handle = ctypes.c_void_p()
        _lib.call(lib.mlp_session_new, ctypes.byref(self.handle), config.handle, model.handle)

    def set_lr(self, lr):
        lib.mlp_session_set_lr(self.handle, float(lr))

    def epoch(self, data, indices=None):
        """One epoch; returns mlp_epoch_result. Ctrl-C stops it at the next step: the weights
        are those of the last step, and KeyboardInterrupt is raised with the result attached."""
        result = _lib.EpochResult()
        index_ptr, n = None, 0
        if indices is not None:
            index_ptr, n = indices.ctypes.data_as(ctypes.POINTER(ctypes.c_uint32)), len(indices)
        stop = ctypes.c_int(0)
        err = _lib.Error()
        status = interruptible(
            lambda: lib.mlp_session_epoch(self.handle, data.handle, index_ptr, n,
                                          ctypes.byref(stop), ctypes.byref(result),
                                          ctypes.byref(err)), stop)
        if status == _lib.ERR_INTERRUPTED or (status == _lib.OK and stop.value):
            raise KeyboardInterrupt(err.message.decode("utf-8", "replace"))
        _lib.check(status, err)
        return result

    def __del__(self):
        if getattr(self, "handle", None):
            lib.mlp_session_free(self.handle)
            self.handle = None


def interruptible(function, stop):
    """Runs function() (a library call that watches `stop`, a ctypes c_int) so that Ctrl-C sets
    `stop` and the call returns at its next step. Python delivers signals to the main thread
    only between bytecodes, never inside a library call, so on the main thread the call runs in
    a helper thread while the main thread waits, ready to take the KeyboardInterrupt. The
    caller raises KeyboardInterrupt when `stop` is set once this returns (the call may have
    finished its last step before it saw the flag)."""
    if threading.current_thread() is not threading.main_thread():
        return function()
    outcome, began, done = {}, threading.Event(), threading.Event()

    def run():
        began.set()
        try:
            outcome["value"] = function()
        except BaseException as exc:  # re-raised on the caller's thread
            outcome["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=run, name="mlp", daemon=True)
    try:
        worker.start()
        while not done.wait(0.1):
            pass
    except KeyboardInterrupt:
        stop.value = 1
        # Ctrl-C may come while the thread is being started: a thread that exists runs at once
        # (and stops before its first step), one that does not never sets `began`.
        started = began.is_set()
        while not done.is_set():
            try:
                if not started:
                    started = began.wait(1.0)
                    if not started:
                        break
                done.wait(0.1)
            except KeyboardInterrupt:
                pass
        if not started:
            raise
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
