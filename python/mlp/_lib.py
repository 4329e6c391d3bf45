"""ctypes bindings of libmlp (include/mlp.h): the declarations the package calls, the structs it
passes, and libmlp's error codes turned into Python exceptions carrying libmlp's message.

ctypes releases the GIL around every call into the library, so training and prediction run
while other Python threads (a progress display, a notebook's kernel) keep going."""

import ctypes
import os
from ctypes import (POINTER, Structure, c_bool, c_char, c_char_p, c_double, c_float, c_int,
                    c_size_t, c_uint32, c_uint64, c_void_p)


def _library_path():
    override = os.environ.get("MLP_LIBRARY")
    if override:
        return override
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "libmlp.so")


lib = ctypes.CDLL(_library_path())

# mlp_status
OK, ERR_ARGUMENT, ERR_MEMORY, ERR_IO, ERR_FORMAT, ERR_NUMERIC, ERR_STATE, ERR_UNSUPPORTED, \
    ERR_INTERRUPTED = range(9)


class Error(Structure):
    _fields_ = [("status", c_int), ("message", c_char * 512)]


class TrainingInterrupted(Exception):
    """libmlp stopped on request (MLP_ERR_INTERRUPTED); turned into KeyboardInterrupt above."""


# Bad input (arguments, malformed files, values out of range) is a ValueError, a file that cannot
# be read or written an OSError, divergence and calls out of order a RuntimeError.
_EXCEPTIONS = {
    ERR_ARGUMENT: ValueError,
    ERR_MEMORY: MemoryError,
    ERR_IO: OSError,
    ERR_FORMAT: ValueError,
    ERR_NUMERIC: RuntimeError,
    ERR_STATE: RuntimeError,
    ERR_UNSUPPORTED: ValueError,
    ERR_INTERRUPTED: TrainingInterrupted,
}


def check(status, err):
    """Raises the exception for a failed mlp_status with libmlp's message."""
    if status != OK:
        message = err.message.decode("utf-8", "replace")
        raise _EXCEPTIONS.get(status, RuntimeError)(message)


def call(function, *args):
    """Calls a libmlp function whose last argument is mlp_error *, raising on failure."""
    err = Error()
    check(function(*args, ctypes.byref(err)), err)


class TrainResult(Structure):
    _fields_ = [("stop_reason", c_int), ("epochs_run", c_size_t), ("steps", c_uint64),
                ("train_seconds", c_double), ("samples_per_second", c_double),
                ("best_val_accuracy", c_double), ("best_epoch", c_size_t),
                ("test_loss", c_double), ("test_accuracy", c_double)]


class Progress(Structure):
    _fields_ = [("epoch", c_size_t), ("epochs", c_size_t), ("batch", c_size_t),
                ("batches", c_size_t), ("step", c_uint64), ("batch_size", c_size_t),
                ("lr", c_float), ("loss", c_double), ("accuracy", c_double),
                ("samples_per_second", c_double), ("seconds", c_double),
                ("eta_seconds", c_double), ("epoch_end", c_bool), ("val_loss", c_double),
                ("val_accuracy", c_double)]


PROGRESS_FN = ctypes.CFUNCTYPE(None, c_void_p, POINTER(Progress))


class TrainHooks(Structure):
    _fields_ = [("progress", PROGRESS_FN), ("progress_ctx", c_void_p),
                ("stop_requested", POINTER(c_int)), ("distributed", c_void_p)]


class EpochResult(Structure):
    _fields_ = [("loss", c_double), ("penalty", c_double), ("accuracy", c_double),
                ("samples", c_size_t), ("steps", c_uint64)]


STOP_REASONS = {0: "max_epochs", 1: "early_stop", 2: "diverged", 3: "interrupted"}

class CExportSpec(Structure):
    """mlp_c_export_spec."""
    _fields_ = [("name", c_char_p), ("precision", c_int), ("calibration", c_void_p),
                ("calibration_samples", c_size_t)]


EXPORT_FLOAT, EXPORT_INT8 = 0, 1

EVENT_FN = ctypes.CFUNCTYPE(None, c_void_p, c_char_p)


class TuneSpec(Structure):
    """mlp_tune_spec."""
    _fields_ = [("program", c_char_p), ("config", c_char_p), ("space", c_char_p),
                ("space_text", c_char_p), ("sets", POINTER(c_char_p)), ("num_sets", c_size_t),
                ("out_dir", c_char_p), ("budget", c_char_p), ("jobs", c_size_t),
                ("seed", c_uint64), ("random_search", c_bool), ("min_epochs", c_size_t),
                ("eta", c_size_t), ("sampler", c_int), ("metric", c_int),
                ("stop", POINTER(c_int)), ("interrupt_trials", c_bool), ("on_event", EVENT_FN),
                ("context", c_void_p)]


class TuneResult(Structure):
    """mlp_tune_result."""
    _fields_ = [("trials", c_size_t), ("failed_steps", c_size_t), ("total_epochs", c_double),
                ("seconds", c_double), ("best", ctypes.c_long), ("best_rung", c_int),
                ("best_epochs", c_double), ("best_val_accuracy", c_double),
                ("best_val_loss", c_double)]


# mlp_tune_sampler and mlp_tune_metric, in the enums' order
TUNE_SAMPLERS = ["random", "halton"]
TUNE_METRICS = ["accuracy", "loss"]

_P = c_void_p
_E = POINTER(Error)
_S = c_int  # mlp_status

_DECLARATIONS = {
    "mlp_status_string": (c_char_p, [c_int]),
    "mlp_free": (None, [c_void_p]),
    "mlp_config_new": (_S, [POINTER(_P), c_char_p, _E]),
    "mlp_config_free": (None, [_P]),
    "mlp_config_set": (_S, [_P, c_char_p, _E]),
    "mlp_config_text": (c_void_p, [_P, _E]),
    "mlp_config_train": (_S, [_P, c_char_p, c_char_p, POINTER(TrainHooks), POINTER(TrainResult),
                              _E]),
    "mlp_config_new_model": (_S, [POINTER(_P), _P, _P, POINTER(c_uint32), c_size_t, _E]),
    "mlp_session_new": (_S, [POINTER(_P), _P, _P, _E]),
    "mlp_session_free": (None, [_P]),
    "mlp_session_set_lr": (None, [_P, c_float]),
    "mlp_session_epoch": (_S, [_P, _P, POINTER(c_uint32), c_size_t, POINTER(c_int),
                               POINTER(EpochResult), _E]),
    "mlp_dataset_wrap": (_S, [POINTER(_P), c_char_p, c_void_p, c_bool, c_size_t, c_size_t,
                              POINTER(ctypes.c_int32), POINTER(c_char_p), c_size_t, c_size_t,
                              c_size_t, _E]),
    "mlp_dataset_load": (_S, [POINTER(_P), c_char_p, _E]),
    "mlp_dataset_free": (None, [_P]),
    "mlp_dataset_count": (c_size_t, [_P]),
    "mlp_dataset_features": (c_size_t, [_P]),
    "mlp_dataset_bytes": (c_void_p, [_P]),
    "mlp_dataset_floats": (c_void_p, [_P]),
    "mlp_dataset_labels": (c_void_p, [_P]),
    "mlp_dataset_num_classes": (c_size_t, [_P]),
    "mlp_dataset_class_name": (c_char_p, [_P, c_size_t]),
    "mlp_model_load": (_S, [POINTER(_P), c_char_p, _E]),
    "mlp_model_save": (_S, [_P, c_char_p, _E]),
    "mlp_model_free": (None, [_P]),
    "mlp_model_net": (_P, [_P]),
    "mlp_model_num_classes": (c_size_t, [_P]),
    "mlp_model_class_names": (POINTER(c_char_p), [_P]),
    "mlp_model_display_names": (POINTER(c_char_p), [_P]),
    "mlp_model_metadata": (c_char_p, [_P, c_char_p]),
    "mlp_model_set_metadata": (_S, [_P, c_char_p, c_char_p, _E]),
    "mlp_model_predict": (_S, [_P, _P, POINTER(ctypes.c_int32), POINTER(c_float), _E]),
    "mlp_model_export_onnx": (_S, [_P, c_char_p, _E]),
    "mlp_model_export_c": (_S, [_P, c_char_p, POINTER(CExportSpec), _E]),
    "mlp_model_transform": (_P, [_P]),
    "mlp_net_set_precision": (_S, [_P, c_int, _E]),
    "mlp_precision_from_name": (ctypes.c_bool, [c_char_p, POINTER(c_int)]),
    "mlp_tune": (_S, [POINTER(TuneSpec), POINTER(TuneResult), c_void_p, _E]),
    "mlp_net_num_params": (c_size_t, [_P]),
    "mlp_net_params": (POINTER(c_float), [_P]),
    "mlp_net_weight_offset": (c_size_t, [_P, c_size_t]),
    "mlp_net_bias_offset": (c_size_t, [_P, c_size_t]),
}

for _name, (_restype, _argtypes) in _DECLARATIONS.items():
    _function = getattr(lib, _name)
    _function.restype = _restype
    _function.argtypes = _argtypes


def config_text(config):
    """The effective config of an mlp_config handle as INI text."""
    err = Error()
    pointer = lib.mlp_config_text(config, ctypes.byref(err))
    if not pointer:
        check(err.status or ERR_MEMORY, err)
    try:
        return ctypes.string_at(pointer).decode("utf-8")
    finally:
        lib.mlp_free(pointer)


MAX_LAYERS = 16


class NetSpec(Structure):
    _fields_ = [("num_layers", c_size_t), ("widths", c_size_t * (MAX_LAYERS + 1)),
                ("activation", c_int * MAX_LAYERS), ("leaky_relu_slope", c_float),
                ("loss", c_int), ("dropout", c_float * MAX_LAYERS), ("max_batch", c_size_t),
                ("threads", c_size_t)]


lib.mlp_net_get_spec.restype = POINTER(NetSpec)
lib.mlp_net_get_spec.argtypes = [_P]

# mlp_activation, in the enum's order
ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"]
