"""mlp: multilayer perceptrons trained by libmlp, from Python.

- mlp.MLPClassifier: a drop-in for sklearn.neural_network.MLPClassifier.
- mlp.train(config, **overrides), mlp.load(path), mlp.read_data(source): the command's runs,
  models and data sources.
- mlp.tune(config, space, budget, out, ...): `mlp tune`'s search for the best settings.

docs/python.md describes every parameter and each difference from scikit-learn."""

from ._classifier import MLPClassifier
from ._run import Model, Run, load, read_data, train
from ._tune import TuneResult, tune

__all__ = ["MLPClassifier", "Model", "Run", "TuneResult", "load", "read_data", "train", "tune"]
__version__ = "0.1.0"
