"""mlp.tune: `mlp tune` from Python, through libmlp's mlp_tune (include/mlp.h). The library runs
the tune; each trial is a child `mlp train` process, so the tune needs the mlp executable."""

import ctypes
import json
import os
import shutil

from . import _core, _lib
from ._lib import lib
from ._run import Run, _assignments, load


def find_program(program=None):
    """The mlp executable the trials run: `program`, else $MLP, else the one installed with the
    package (mlp/bin/mlp), else one beside libmlp (PREFIX/bin/mlp for PREFIX/lib/libmlp.so),
    else `mlp` on PATH."""
    here = os.path.dirname(os.path.abspath(__file__))
    library = os.path.realpath(_lib._library_path())
    candidates = [program, os.environ.get("MLP"), os.path.join(here, "bin", "mlp"),
                  os.path.join(os.path.dirname(library), "mlp"),
                  os.path.join(os.path.dirname(os.path.dirname(library)), "bin", "mlp")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
        if candidate and candidate is program:
            raise FileNotFoundError(f"program={program!r} is not an executable file")
    on_path = shutil.which("mlp")
    if on_path:
        return on_path
    raise FileNotFoundError("mlp.tune needs the mlp executable (each trial is an `mlp train` "
                            "process): pass program=PATH, set MLP=PATH, or put mlp on PATH")


def _space_text(space):
    """A dict {key: "log_uniform(1e-4, 1e-2)" or [choices]} as the lines of a space file."""
    lines = []
    for key, value in space.items():
        if isinstance(value, (list, tuple)):
            items = [":".join(_core.config_value(v) for v in c) if isinstance(c, (list, tuple))
                     else _core.config_value(c) for c in value]
            value = "choice(" + ", ".join(items) + ")"
        lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def _number(text):
    """A drawn setting as a number when it is one, else the text (a choice, a list)."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


class TuneResult:
    """A finished tune: its folder (`path`), the trials ranked (`results`, list of dicts with
    rank, trial, the tuned settings, rung, epochs, val_accuracy, val_loss, test_accuracy,
    seconds), the best one (`best`, `best_config`: its best.ini, `best_run`, `best_model()`)."""

    def __init__(self, path, result):
        self.path = os.fspath(path)
        with open(os.path.join(self.path, "results.json")) as f:
            record = json.load(f)
        self.metric, self.sampler = record["metric"], record["sampler"]
        self.method, self.rung_epochs = record["method"], record["rung_epochs"]
        self.results = []
        for trial in record["trials"]:
            row = {"rank": trial["rank"], "trial": trial["trial"]}
            row.update({k: _number(v) for k, v in trial["settings"].items()})
            row.update({k: trial[k] for k in ("rung", "epochs", "val_accuracy", "val_loss",
                                              "test_accuracy", "seconds")})
            self.results.append(row)
        self.trials, self.failed_steps = result.trials, result.failed_steps
        self.total_epochs, self.seconds = result.total_epochs, result.seconds
        self.best = self.results[0]
        self.best_config = os.path.join(self.path, "best.ini")

    @property
    def best_run(self):
        """The best trial's run folder."""
        return Run(os.path.join(self.path, self.best["trial"]))

    def best_model(self):
        """The best trial's model (its last.safetensors, at the epochs it reached)."""
        return load(os.path.join(self.path, self.best["trial"]))

    def frame(self):
        """results as a pandas DataFrame."""
        import pandas
        return pandas.DataFrame(self.results)

    def __repr__(self):
        return (f"mlp.TuneResult({self.path!r}: {self.trials} trials, best {self.best['trial']} "
                f"val_accuracy={self.best['val_accuracy']}, val_loss={self.best['val_loss']})")


def tune(config, space, budget, out, *, jobs=1, seed=1, method="asha", sampler="random",
         metric="accuracy", min_epochs=1, eta=3, program=None, verbose=False, **overrides):
    """Searches `space` on top of `config` as `mlp tune` does (docs/tuning.md) and returns a
    TuneResult. config: a config.ini path or a dict of sections (written to OUT/base.ini);
    overrides: section__key=value, fixed for every trial. space: a space file's path, or a dict
    {"schedule.lr": "log_uniform(1e-4, 3e-2)", "network.hidden": [64, [128, 64]]} (a list is a
    choice; a list inside it a list value). budget: trials (20) or a duration ("15m").
    method: "asha" or "random"; sampler: "random" or "halton"; metric: "accuracy" (validation
    accuracy, higher is better) or "loss" (validation loss, lower is better). program: the mlp
    executable (find_program). verbose prints the tune's progress lines.

    Ctrl-C stops the running trials at their next step and raises KeyboardInterrupt after the
    tune has written the results of the steps that finished."""
    if method not in ("asha", "random"):
        raise ValueError(f"method={method!r}: expected 'asha' or 'random'")
    if sampler not in _lib.TUNE_SAMPLERS:
        raise ValueError(f"sampler={sampler!r}: expected 'random' or 'halton'")
    if metric not in _lib.TUNE_METRICS:
        raise ValueError(f"metric={metric!r}: expected 'accuracy' or 'loss'")
    out = os.fspath(out)
    sets = []
    if isinstance(config, (str, os.PathLike)):
        config_path = os.fspath(config)
        sets = _assignments(None, overrides)
    else:
        text = _core.Config(None, _assignments(config, overrides)).text()
        os.makedirs(out, exist_ok=True)
        config_path = os.path.join(out, "base.ini")
        with open(config_path, "w") as f:
            f.write(text)
    encoded_sets = [s.encode("utf-8") for s in sets]
    set_array = (ctypes.c_char_p * max(len(encoded_sets), 1))(*encoded_sets)
    spec = _lib.TuneSpec()
    spec.program = os.fsencode(find_program(program))
    spec.config = os.fsencode(config_path)
    if isinstance(space, dict):
        spec.space_text = _space_text(space).encode("utf-8")
    else:
        spec.space = os.fsencode(space)
    spec.sets = ctypes.cast(set_array, ctypes.POINTER(ctypes.c_char_p))  # set_array lives on
    spec.num_sets = len(encoded_sets)
    spec.out_dir, spec.budget = os.fsencode(out), str(budget).encode("utf-8")
    spec.jobs, spec.seed = int(jobs), int(seed)
    spec.random_search = method == "random"
    spec.min_epochs, spec.eta = int(min_epochs), int(eta)
    spec.sampler = _lib.TUNE_SAMPLERS.index(sampler)
    spec.metric = _lib.TUNE_METRICS.index(metric)
    stop = ctypes.c_int(0)
    spec.stop = ctypes.pointer(stop)
    spec.interrupt_trials = True
    if verbose:
        spec.on_event = _lib.EVENT_FN(lambda _ctx, line: print(line.decode("utf-8", "replace")))
    result = _lib.TuneResult()
    err = _lib.Error()
    status = _core.interruptible(
        lambda: lib.mlp_tune(ctypes.byref(spec), ctypes.byref(result), None, ctypes.byref(err)),
        stop)
    if stop.value:
        raise KeyboardInterrupt(f"mlp.tune stopped; the finished steps are in {out}")
    _lib.check(status, err)
    return TuneResult(out, result)
