"""mlp.MLPClassifier: scikit-learn's MLPClassifier (same parameters, attributes and methods)
trained by libmlp. The estimator maps its parameters onto the command's config keys and runs
libmlp's session an epoch at a time; what is sklearn's own policy (the stopping rule on tol and
n_iter_no_change, the adaptive and invscaling rates, the early-stopping split) is kept here so
that it behaves as sklearn's does."""

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted

from . import _core

_ACTIVATIONS = {"identity": "identity", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu",
                "leaky_relu": "leaky_relu"}
_SOLVERS = ("sgd", "adam", "rmsprop", "adamw")
_RATES = ("constant", "invscaling", "adaptive")


class MLPClassifier(ClassifierMixin, BaseEstimator):
    """Multi-layer perceptron classifier, a drop-in for sklearn.neural_network.MLPClassifier
    trained by libmlp (docs/python.md lists every parameter and each difference)."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000,
                 dropout=0.0, l1=0.0, schedule=None, input_transform="none", augment_shift=0,
                 augment_rotation=0.0, image_shape=None, threads=0, precision="f32",
                 callback=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.l1 = l1
        self.schedule = schedule
        self.input_transform = input_transform
        self.augment_shift = augment_shift
        self.augment_rotation = augment_rotation
        self.image_shape = image_shape
        self.threads = threads
        self.precision = precision
        self.callback = callback

    # ---- Parameters to config keys ----

    def _hidden(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral):
            sizes = [sizes]
        sizes = list(sizes)
        if not all(isinstance(s, numbers.Integral) and s > 0 for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {self.hidden_layer_sizes}.")
        return [int(s) for s in sizes]

    def _check_params(self):
        if self.activation not in _ACTIVATIONS:
            raise ValueError(f"The activation '{self.activation}' is not supported. Supported "
                             f"activations are {sorted(_ACTIVATIONS)}.")
        if self.solver == "lbfgs":
            raise ValueError("solver='lbfgs' is not available in mlp (it trains with "
                             "minibatches); use 'adam', 'sgd', 'rmsprop' or 'adamw'.")
        if self.solver not in _SOLVERS:
            raise ValueError(f"The solver '{self.solver}' is not supported. Supported solvers "
                             f"are {list(_SOLVERS)}.")
        if self.learning_rate not in _RATES:
            raise ValueError(f"learning rate {self.learning_rate} is not supported.")
        if not (isinstance(self.max_iter, numbers.Integral) and self.max_iter >= 1):
            raise ValueError(f"max_iter must be >= 1, got {self.max_iter}.")
        if not self.alpha >= 0:
            raise ValueError(f"alpha must be >= 0, got {self.alpha}.")
        if not self.learning_rate_init > 0:
            raise ValueError(f"learning_rate_init must be > 0, got {self.learning_rate_init}.")
        if not 0 <= self.validation_fraction < 1:
            raise ValueError("validation_fraction must be >= 0 and < 1, "
                             f"got {self.validation_fraction}")
        if not (isinstance(self.n_iter_no_change, numbers.Integral)
                and self.n_iter_no_change >= 1):
            raise ValueError(f"n_iter_no_change must be >= 1, got {self.n_iter_no_change}.")

    def _batch(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if not isinstance(self.batch_size, numbers.Integral):
            raise ValueError(f"batch_size must be 'auto' or an int, got {self.batch_size!r}.")
        if self.batch_size < 1 or self.batch_size > n_samples:
            warnings.warn("Got `batch_size` less than 1 or larger than sample size. It is going "
                          "to be clipped")
        return int(np.clip(self.batch_size, 1, n_samples))

    def _config(self, n_samples, seed):
        """The config keys of these parameters (docs/python.md has the table)."""
        batch = self._batch(n_samples)
        sets = {
            "seed": seed,
            "threads": self.threads,
            "training.precision": self.precision,
            "data.transform": self.input_transform,
            "data.shuffle": bool(self.shuffle),
            "data.augment_shift": self.augment_shift,
            "data.augment_rotation": self.augment_rotation,
            "network.hidden": self._hidden(),
            "network.activation": _ACTIVATIONS[self.activation],
            "network.dropout": self.dropout,
            # sklearn draws U(-a, a) with a = sqrt(6 / (fan_in + fan_out)) (Glorot uniform)
            "init.kind": "glorot_uniform",
            "optimizer.kind": self.solver,
            "schedule.lr": self.learning_rate_init,
            "training.batch_size": batch,
            # sklearn's penalty is alpha / 2 ||W||^2 divided by the batch's sample count
            "regularization.l2": self.alpha / batch,
            "regularization.l1": self.l1,
        }
        if self.solver == "sgd":
            sets["optimizer.momentum"] = self.momentum
            sets["optimizer.nesterov"] = bool(self.nesterovs_momentum and self.momentum > 0)
        if self.solver in ("adam", "adamw"):
            sets.update({"optimizer.beta1": self.beta_1, "optimizer.beta2": self.beta_2,
                         "optimizer.eps": self.epsilon})
        schedule = self.schedule
        if isinstance(schedule, str):
            schedule = {"kind": schedule}
        for key, value in (schedule or {}).items():
            sets[f"schedule.{key}"] = value
        config = _core.Config()
        for key, value in sets.items():
            config.set(f"{key}={_core.config_value(value)}")
        return config

    # ---- Data ----

    def _validate_X(self, X, reset):
        return self._validate_data(X, accept_sparse=False, dtype=[np.float32, np.uint8],
                                   order="C", reset=reset)

    def _validate_X_y(self, X, y, reset):
        if y is None:
            raise ValueError(f"This {type(self).__name__} estimator requires y to be passed, but "
                             "the target y is None.")
        X, y = self._validate_data(X, y, accept_sparse=False, dtype=[np.float32, np.uint8],
                                   order="C", multi_output=False, reset=reset)
        check_classification_targets(y)
        if type_of_target(y) == "multilabel-indicator":
            raise ValueError("multilabel targets are not supported")
        return X, y

    def _image_shape(self):
        return tuple(self.image_shape) if self.image_shape is not None else None

    def _indices_of(self, y):
        """y as indices into classes_; labels not among them are an error."""
        index = np.searchsorted(self.classes_, y)
        index = np.clip(index, 0, len(self.classes_) - 1)
        unknown = self.classes_[index] != y
        if np.any(unknown):
            raise ValueError(f"y has labels not in classes_: {np.unique(y[unknown])[:5]}")
        return index.astype(np.int32)

    # ---- Training ----

    def fit(self, X, y):
        """Trains on X, y for up to max_iter epochs; returns self."""
        self._check_params()
        continuing = self.warm_start and hasattr(self, "_model")
        X, y = self._validate_X_y(X, y, reset=not continuing)
        if not continuing:
            self.classes_ = np.unique(y)
        labels = self._indices_of(y)
        return self._train(X, labels, incremental=False, new_model=not continuing)

    def partial_fit(self, X, y, classes=None):
        """One epoch over X, y, continuing the optimizer's state; the first call needs classes
        (every label that will ever appear)."""
        first = not hasattr(self, "_model")
        if first:
            self._check_params()
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            X, y = self._validate_X_y(X, y, reset=True)
            self.classes_ = np.unique(np.asarray(classes))
        else:
            X, y = self._validate_X_y(X, y, reset=False)
            if classes is not None and not np.array_equal(np.unique(np.asarray(classes)),
                                                          self.classes_):
                raise ValueError(f"`classes={classes!r}` is not the same as on the last call "
                                 f"to partial_fit, was: {self.classes_!r}")
        labels = self._indices_of(y)
        return self._train(X, labels, incremental=True, new_model=first)

    def _train(self, X, labels, incremental, new_model):
        n = X.shape[0]
        random_state = check_random_state(self.random_state)
        seed = int(random_state.randint(np.iinfo(np.int32).max))
        early_stopping = self.early_stopping and not incremental
        train_index = val_index = None
        if early_stopping:
            stratify = labels if len(self.classes_) > 1 else None
            train_index, val_index = train_test_split(
                np.arange(n), random_state=random_state, test_size=self.validation_fraction,
                stratify=stratify)
            train_index = np.sort(train_index).astype(np.uint32)
            if len(val_index) < 1:
                raise ValueError("validation_fraction leaves no validation sample")
        names = [str(c) for c in self.classes_]
        data = _core.Dataset(X, labels, names, self._image_shape())
        config = self._config(len(train_index) if early_stopping else n, seed)
        if new_model:
            self._model = _core.new_model(config, data, train_index)
            self._init_fitted()
        if new_model or not incremental or not hasattr(self, "_session"):
            self._session = _core.Session(config, self._model)
            self._lr = self.learning_rate_init
        if not incremental and (new_model or not self.warm_start) or self._no_history():
            self._reset_history(early_stopping)
        if early_stopping:
            X_val, y_val = X[val_index], labels[val_index]
        epochs = 1 if incremental else self.max_iter
        for _ in range(epochs):
            result = self._session.epoch(data, train_index)
            self.n_iter_ += 1
            self.t_ += int(result.samples)
            self.loss_ = float(result.loss + result.penalty)
            self.loss_curve_.append(self.loss_)
            if self.verbose:
                print("Iteration %d, loss = %.8f" % (self.n_iter_, self.loss_))
            val_score = None
            if early_stopping:
                val_score = float(np.mean(self._model.predict(X_val)[0] == y_val))
            self._update_no_improvement_count(early_stopping, val_score)
            if self.solver == "sgd" and self.learning_rate == "invscaling":
                self._lr = self.learning_rate_init / (self.t_ + 1) ** self.power_t
                self._session.set_lr(self._lr)
            stop = self.callback is not None and self.callback(
                {"epoch": self.n_iter_, "loss": self.loss_,
                 "train_accuracy": float(result.accuracy), "val_accuracy": val_score,
                 "lr": self._lr, "samples": self.t_, "steps": int(result.steps)}) is False
            if self._no_improvement_count > self.n_iter_no_change:
                what = ("Validation score" if early_stopping else "Training loss")
                message = (f"{what} did not improve more than tol={self.tol:f} for "
                           f"{self.n_iter_no_change} consecutive epochs.")
                if self.solver == "sgd" and self.learning_rate == "adaptive" and self._lr > 1e-6:
                    self._lr /= 5
                    self._session.set_lr(self._lr)
                    self._no_improvement_count = 0
                    if self.verbose:
                        print(message + " Setting learning rate to %f" % self._lr)
                else:
                    if self.verbose:
                        print(message + (" Learning rate too small. Stopping."
                                         if self.learning_rate == "adaptive"
                                         and self.solver == "sgd" else " Stopping."))
                    break
            if stop or incremental:
                break
            if self.n_iter_ == self.max_iter:
                warnings.warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                              "reached and the optimization hasn't converged yet.",
                              ConvergenceWarning)
        if early_stopping and self._best_params is not None:
            self._model.params()[:] = self._best_params
        return self

    def _init_fitted(self):
        widths = self._model.widths()
        self.n_layers_ = len(widths)
        self.n_outputs_ = widths[-1]
        self.out_activation_ = "softmax"
        self.n_iter_ = 0
        self.t_ = 0

    def _no_history(self):
        return not hasattr(self, "loss_curve_")

    def _reset_history(self, early_stopping):
        self.loss_curve_ = []
        self._no_improvement_count = 0
        self._best_params = None
        if early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf

    def _update_no_improvement_count(self, early_stopping, val_score):
        """sklearn's rule: an epoch counts as no improvement when it does not beat the best by
        more than tol (the best validation score, or the lowest training loss)."""
        if early_stopping:
            self.validation_scores_.append(val_score)
            if self.verbose:
                print("Validation score: %f" % val_score)
            if val_score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if val_score > self.best_validation_score_:
                self.best_validation_score_ = val_score
                self._best_params = self._model.params().copy()
        else:
            if self.loss_curve_[-1] > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if self.loss_curve_[-1] < self.best_loss_:
                self.best_loss_ = self.loss_curve_[-1]

    # ---- Prediction ----

    def predict_proba(self, X):
        """Class probabilities [n_samples, n_classes] (float32)."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        self._model.set_precision(self.precision)
        return self._model.predict(X, self._image_shape(), classes=False, probabilities=True)[1]

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class of each sample, as a label of classes_."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        self._model.set_precision(self.precision)
        return self.classes_[self._model.predict(X, self._image_shape())[0]]

    # ---- Weights ----

    @property
    def coefs_(self):
        """Weight matrices in sklearn's layout [fan_in, fan_out] (copies)."""
        check_is_fitted(self)
        return [w.T.copy() for w, _ in self._model.layers()]

    @property
    def intercepts_(self):
        check_is_fitted(self)
        return [b for _, b in self._model.layers()]

    def save(self, path):
        """Writes the model as a .safetensors file that `mlp predict`, `mlp eval` and mlp.load
        read (class names are the labels as text)."""
        check_is_fitted(self)
        self._model.save(path)

    # ---- Pickling: the model travels as its safetensors bytes ----

    def __getstate__(self):
        state = super().__getstate__()
        state = dict(state)
        model = state.pop("_model", None)
        state.pop("_session", None)
        if model is not None:
            state["_model_bytes"] = model.to_bytes()
        return state

    def __setstate__(self, state):
        state = dict(state)
        data = state.pop("_model_bytes", None)
        super().__setstate__(state)
        if data is not None:
            self._model = _core.Model.from_bytes(data)
