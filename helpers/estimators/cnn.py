"""A small convolutional network on raw sequences, as a scikit-learn regressor.

:class:`CNNRegressor` one-hot encodes equal-length sequences (with
:func:`helpers.features.onehot.one_hot_encode`) and fits a small Keras model on the
CPU. It behaves like any scikit-learn regressor: ``fit``/``predict``,
``get_params``/``set_params``, ``clone``, ``Pipeline``, ``cross_val_predict``,
and the book's helpers that only call ``predict`` on a list of sequences
(:func:`helpers.interpret.mutagenesis_scan`, the evaluation reports).

The network (defaults in brackets)::

    one-hot (L x 4)
      -> Conv1D: n_filters motif detectors of kernel_size bases [16 x 6],
         exponential activation (a filter's output grows like a PWM likelihood ratio)
      -> optional MaxPooling1D(pool_size) [1: no pooling, position kept]
      -> flatten, concatenated with the flattened one-hot input (a linear skip path)
      -> Dropout(dropout) [0.2]
      -> Dense(hidden_units, relu) [8]: a few position-aware "element scores"
      -> Dense(link_units, tanh) -> Dense(1) [16]: a learned saturating link

It is deliberately small: thousands of training sequences, a two-core laptop,
seconds per model.

Its filters read as motifs with :mod:`helpers.estimators.cnn_filters`;
sequences of different lengths are brought to one with
:func:`helpers.features.onehot.pad_sequences`. :mod:`helpers.cnn` re-exports
all of these under the old name.

Backend and determinism
-----------------------
Keras 3 runs on JAX here: importing this module sets ``KERAS_BACKEND=jax`` in
``os.environ`` unless it is already set (``os.environ.setdefault``), and
Keras itself is imported lazily, on the first ``fit``, so ``import helpers``
stays light. ``fit`` calls ``keras.utils.set_random_seed(random_state)`` right
before building the model (this also reseeds Python's and numpy's global
random state), computes in float32 and shuffles with a seeded generator, so
two fits with the same data and parameters give bit-identical predictions on
a CPU, in the same or in a fresh process. On another CPU (other SIMD paths in
XLA's kernels) the float32 sums round differently; training usually damps
that, but a run that lingers at the mean predictor's loss before it starts
learning amplifies it, so compare scores over several ``random_state`` values.

Convergence and failure
-----------------------
Training stops by one stated rule: the validation loss has not improved for
``patience`` epochs in a row (early stopping), and the weights of the best
epoch are restored. For a network this is the convergence criterion (there
is no gradient tolerance to reach, and the fit never runs a fixed number of
epochs). If ``max_epochs`` passes without the rule being met, ``fit`` warns
with :class:`~sklearn.exceptions.ConvergenceWarning`, as scikit-learn's
iterative estimators do at their iteration cap. Independently, ``fit``
compares the best validation loss with that of the mean predictor (the
training mean predicted for every validation row) and warns when the
validation R², ``1 - best loss / mean predictor's loss``, stays below
:data:`COLLAPSED_R2`: the network collapsed to (nearly) a constant.
"""

from __future__ import annotations

import os
import warnings
from contextlib import contextmanager
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from helpers.core.checks import ParamsChecked, StrOptions, fit_context, integers, numbers
from helpers.features.inputs import check_sequences
from helpers.features.onehot import one_hot_encode

os.environ.setdefault("KERAS_BACKEND", "jax")

__all__ = ["COLLAPSED_R2", "CNNRegressor"]

#: ``fit`` warns that the network collapsed when its validation R² (one minus the best
#: validation loss over the mean predictor's validation loss) is below this. A network that
#: learned anything real explains well over a fifth of the variance it is validated on
#: (chapter 10's networks: 0.5-0.9); a collapsed one sits within a few hundredths of 0.
COLLAPSED_R2 = 0.2

#: Sequences per prediction batch (inputs are padded to whole batches).
_PREDICT_BATCH = 256


def _keras():
    """Import Keras (JAX backend) on first use."""
    import keras

    return keras


@contextmanager
def _quiet_keras():
    """Hide a harmless DeprecationWarning of Keras 3.15 (``np.array(variable)`` without ``copy``)."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="__array__ implementation", category=DeprecationWarning
        )
        yield


def _check_targets(y: Any, n: int) -> np.ndarray:
    """``y`` as a 1-D float array of length ``n``; a clear error naming the first bad row."""
    try:
        values = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"y must be numbers: {exc}") from None
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(f"y must be 1-D (one target per sequence), got shape {values.shape}")
    if values.shape[0] != n:
        raise ValueError(f"X has {n} sequences but y has {values.shape[0]} values")
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        row = int(bad[0])
        raise ValueError(
            f"y has a missing or infinite value at row {row} ({values[row]}); "
            f"{bad.size} of {n} rows are not finite. Remove or fix them first "
            "(see helpers.io.clean_sequences)"
        )
    return values


def _encode(X: Any, length: int | None = None) -> np.ndarray:
    """One-hot ``(n, L, 4)`` float32 array; errors name the row (mixed lengths, bad characters)."""
    seqs = check_sequences(X)
    if not seqs:
        raise ValueError("got zero sequences")
    return one_hot_encode(seqs, dtype=np.float32, length=length)


def _reverse_complement_onehot(x: np.ndarray) -> np.ndarray:
    """Reverse complement of one-hot ``(n, L, 4)`` sequences (A<->T and C<->G is a channel flip)."""
    return x[:, ::-1, ::-1]


class _EpochPrinter:
    """Keras callback printing one line per epoch (built lazily so Keras stays unimported)."""

    @staticmethod
    def make(max_epochs: int):
        keras = _keras()

        class EpochPrinter(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                logs = logs or {}
                print(
                    f"epoch {epoch + 1}/{max_epochs}: loss {logs.get('loss', float('nan')):.4f}, "
                    f"val_loss {logs.get('val_loss', float('nan')):.4f}",
                    flush=True,
                )

        return EpochPrinter()


class CNNRegressor(ParamsChecked, RegressorMixin, BaseEstimator):
    """A small convolutional network that predicts a number from a DNA sequence.

    Parameters
    ----------
    n_filters : int, default=16
        Number of first-layer convolution filters (motif detectors).
    kernel_size : int, default=6
        Width of each filter in bases (6 fits the −35 and −10 hexamers).
    conv_activation : {"exponential", "relu", "linear"}, default="exponential"
        Activation of the filters. Exponential activations make filters that
        read as position weight matrices (a filter's output is then the
        exponential of a PWM score).
    pool_size : int, default=1
        Max-pooling window after the convolution; 1 keeps every position.
    hidden_units : int, default=8
        Units of the position-aware dense layer (ReLU).
    link_units : int, default=16
        Units of the ``tanh`` layer that learns a saturating output curve.
    onehot_skip : bool, default=True
        Also feed the flattened one-hot input to the dense layer (a linear,
        per-position path, like a one-hot ridge model).
    dropout : float, default=0.2
        Dropout rate before the dense layer.
    learning_rate : float, default=3e-3
        Adam learning rate.
    batch_size : int, default=64
    max_epochs : int, default=100
        Upper limit on passes over the training data; reaching it before the
        stopping rule is met raises a ``ConvergenceWarning``.
    patience : int, default=10
        The convergence rule (early stopping): stop after this many epochs
        in a row without a lower validation loss (at least one), and keep
        the weights of the best epoch.
    validation_fraction : float, default=0.1
        Share of the training rows held out (seeded by ``random_state``) to
        decide when to stop. These rows are not used to fit the weights.
    reverse_complement : bool, default=False
        Augment the training rows with their reverse complements (the
        validation rows are not augmented). Only sensible when the measured
        activity does not depend on orientation.
    random_state : int, default=0
        Seed of the validation split, the weight initialisation and the
        shuffling (via ``keras.utils.set_random_seed``).
    verbose : int, default=0
        0: silent (what chapters use, so stored outputs stay clean);
        1 or more: print one line per epoch with the training and validation loss.

    Attributes
    ----------
    model_ : keras.Model
        The fitted network.
    sequence_length_ : int
        The length every sequence must have.
    history_ : dict of str to list of float
        Per-epoch ``loss`` and ``val_loss`` (mean squared error on the
        standardised target), for loss curves: ``pd.DataFrame(history_)``.
    best_epoch_ : int
        The epoch (from 1) whose weights were kept.
    n_epochs_ : int
        Epochs actually run. It depends on the last digits of every sum
        (another CPU may stop a few epochs earlier or later), so do not
        print it where outputs are compared.
    converged_ : bool
        Whether the stopping rule was met before ``max_epochs``.
    baseline_val_loss_ : float
        Validation loss of the mean predictor (the training rows' mean).
    val_r2_ : float
        ``1 - min(history_["val_loss"]) / baseline_val_loss_``: the share of
        the validation variance the kept weights explain.
    y_mean_, y_scale_ : float
        The target is standardised with these before training.
    n_params_ : int
        Number of trainable weights.

    Warns
    -----
    UserWarning
        If the validation R² (``val_r2_``) is below :data:`COLLAPSED_R2`: the
        network predicts hardly better than the mean. It happens with an
        unlucky seed (the loss stays at the mean predictor's for ``patience``
        epochs and the rule stops the fit), a too-high learning rate (the
        ReLU units die) or a target the sequences do not explain.
    sklearn.exceptions.ConvergenceWarning
        If ``max_epochs`` ran out before the stopping rule was met.

    Raises
    ------
    ValueError
        In ``fit``/``predict`` on sequences of different lengths or with
        characters other than A, C, G, T, N (naming the row), on missing or
        infinite targets (naming the row), on a length different from the
        fitted one, and on invalid parameters.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> seqs = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(200)]
    >>> y = np.array([s.count("TATAAT") + 0.1 * s.count("A") for s in seqs])
    >>> model = CNNRegressor(n_filters=4, dropout=0.0, learning_rate=0.02, batch_size=256)
    >>> model = model.fit(seqs, y)  # one batch per epoch: a tiny example compiles once
    >>> model.predict(seqs[:2]).shape
    (2,)
    >>> sorted(model.history_)
    ['loss', 'val_loss']
    >>> model.converged_, model.val_r2_ > COLLAPSED_R2
    (True, True)
    >>> model.filter_weights().shape
    (4, 6, 4)
    """

    def __init__(
        self,
        *,
        n_filters: int = 16,
        kernel_size: int = 6,
        conv_activation: str = "exponential",
        pool_size: int = 1,
        hidden_units: int = 8,
        link_units: int = 16,
        onehot_skip: bool = True,
        dropout: float = 0.2,
        learning_rate: float = 3e-3,
        batch_size: int = 64,
        max_epochs: int = 100,
        patience: int = 10,
        validation_fraction: float = 0.1,
        reverse_complement: bool = False,
        random_state: int = 0,
        verbose: int = 0,
    ) -> None:
        self.n_filters = n_filters
        self.kernel_size = kernel_size
        self.conv_activation = conv_activation
        self.pool_size = pool_size
        self.hidden_units = hidden_units
        self.link_units = link_units
        self.onehot_skip = onehot_skip
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.reverse_complement = reverse_complement
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        """Sequences (strings) in, one number out; deterministic for a given random_state."""
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.non_deterministic = False
        return tags

    _parameter_constraints: dict[str, list] = {
        **{
            name: [integers(1)]
            for name in (
                "n_filters",
                "kernel_size",
                "pool_size",
                "hidden_units",
                "link_units",
                "batch_size",
                "max_epochs",
            )
        },
        "patience": [integers(0)],
        "conv_activation": [StrOptions({"exponential", "relu", "linear"})],
        "onehot_skip": ["boolean"],
        "dropout": [numbers(0, 1, closed="left")],
        "learning_rate": [numbers(0, None, closed="neither")],
        "validation_fraction": [numbers(0, 1, closed="neither")],
        "reverse_complement": ["boolean"],
        "random_state": [integers(0)],
        "verbose": [integers(0)],
    }

    def _build(self, length: int):
        keras = _keras()
        layers = keras.layers
        inputs = keras.Input((length, 4), name="onehot")
        h = layers.Conv1D(
            self.n_filters, self.kernel_size, activation=self.conv_activation, name="motifs"
        )(inputs)
        if self.pool_size > 1:
            h = layers.MaxPooling1D(self.pool_size, name="pool")(h)
        h = layers.Flatten(name="flatten_motifs")(h)
        if self.onehot_skip:
            h = layers.Concatenate(name="with_onehot")(
                [h, layers.Flatten(name="flatten_onehot")(inputs)]
            )
        if self.dropout > 0:
            h = layers.Dropout(self.dropout, name="dropout")(h)
        h = layers.Dense(self.hidden_units, activation="relu", name="elements")(h)
        h = layers.Dense(self.link_units, activation="tanh", name="link")(h)
        outputs = layers.Dense(1, name="output")(h)
        return keras.Model(inputs, outputs, name="cnn_regressor")

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any) -> CNNRegressor:
        """Fit the network on sequences ``X`` and targets ``y``.

        Parameters
        ----------
        X : list, array or Series of str
            Equal-length DNA sequences (A, C, G, T, N; either case).
        y : array-like of shape (n_sequences,)
            Finite targets.

        Returns
        -------
        self
        """
        x = _encode(X)
        n, length = x.shape[0], x.shape[1]
        if length < self.kernel_size:
            raise ValueError(
                f"sequences of length {length} are shorter than kernel_size={self.kernel_size}"
            )
        targets = _check_targets(y, n)
        n_val = int(round(self.validation_fraction * n))
        if n_val < 1 or n - n_val < 1:
            raise ValueError(
                f"n_samples={n}: {n} sequence(s) are too few to hold out validation_fraction="
                f"{self.validation_fraction} for early stopping"
            )
        self.y_mean_ = float(targets.mean())
        scale = float(targets.std())
        self.y_scale_ = scale if scale > 0 else 1.0
        z = ((targets - self.y_mean_) / self.y_scale_).astype(np.float32)

        order = np.random.default_rng(self.random_state).permutation(n)
        val, train = order[:n_val], order[n_val:]
        x_train, z_train = x[train], z[train]
        if self.reverse_complement:
            x_train = np.concatenate([x_train, _reverse_complement_onehot(x_train)])
            z_train = np.concatenate([z_train, z_train])

        keras = _keras()
        keras.utils.set_random_seed(int(self.random_state))
        model = self._build(length)
        optimizer = keras.optimizers.Adam(self.learning_rate)
        model.compile(optimizer=optimizer, loss="mse")
        callbacks = [
            keras.callbacks.TerminateOnNaN(),
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=self.patience, restore_best_weights=True
            ),
        ]
        if self.verbose:
            callbacks.append(_EpochPrinter.make(self.max_epochs))
        with _quiet_keras():
            history = model.fit(
                x_train,
                z_train,
                validation_data=(x[val], z[val]),
                epochs=self.max_epochs,
                batch_size=self.batch_size,
                shuffle=True,
                callbacks=callbacks,
                verbose=0,
            )
        self.history_ = {k: [float(v) for v in history.history[k]] for k in ("loss", "val_loss")}
        if not np.all(np.isfinite(self.history_["loss"])):
            raise ValueError(
                f"training diverged (loss became NaN or infinite at epoch "
                f"{len(self.history_['loss'])}); lower learning_rate (now "
                f"{self.learning_rate}) or use conv_activation='relu'"
            )
        self.model_ = model
        self.sequence_length_ = length
        self.n_epochs_ = len(self.history_["loss"])
        self.best_epoch_ = int(np.argmin(self.history_["val_loss"])) + 1
        # Keras stops once `patience` epochs in a row brought no improvement (at least one)
        self.converged_ = self.n_epochs_ - self.best_epoch_ >= max(self.patience, 1)
        if not self.converged_:
            warnings.warn(
                f"the validation loss was still improving at max_epochs={self.max_epochs} "
                f"(best epoch {self.best_epoch_}, patience {self.patience}): the stopping rule "
                "was not met. Increase max_epochs (or the learning_rate).",
                ConvergenceWarning,
                stacklevel=3,  # past fit_context's wrapper: the caller's line
            )
        best = min(self.history_["val_loss"])
        self.baseline_val_loss_ = float(
            np.mean((z[val].astype(np.float64) - z_train.mean(dtype=np.float64)) ** 2)
        )
        self.val_r2_ = 1.0 - best / self.baseline_val_loss_
        if self.val_r2_ < COLLAPSED_R2:
            warnings.warn(
                f"the network collapsed to about the mean: its best validation loss "
                f"{best:.3f} is close to the mean predictor's {self.baseline_val_loss_:.3f} "
                f"(validation R² {self.val_r2_:.3f} < {COLLAPSED_R2}), so it learned little. "
                "Refit with another random_state, a lower learning_rate or "
                "conv_activation='relu', or check that the sequences explain the target.",
                UserWarning,
                stacklevel=3,  # past fit_context's wrapper: the caller's line
            )
        self.n_params_ = int(model.count_params())
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predict one value per sequence.

        Parameters
        ----------
        X : list, array or Series of str
            Sequences of the fitted length.

        Returns
        -------
        numpy.ndarray of shape (n_sequences,)
        """
        check_is_fitted(self, "model_")
        x = _encode(X, length=self.sequence_length_)
        n = x.shape[0]
        # pad to whole batches: every call then reuses one compiled batch shape
        fill = -n % _PREDICT_BATCH
        if fill:
            x = np.concatenate([x, np.zeros((fill, *x.shape[1:]), dtype=x.dtype)])
        with _quiet_keras():
            z = self.model_.predict(x, batch_size=_PREDICT_BATCH, verbose=0)
        return np.asarray(z[:n], dtype=np.float64).ravel() * self.y_scale_ + self.y_mean_

    def filter_weights(self) -> np.ndarray:
        """First-layer filter weights, shape ``(n_filters, kernel_size, 4)`` (A, C, G, T).

        Each filter scores a window of ``kernel_size`` bases as the sum of one
        weight per base and position, exactly like a position weight matrix;
        :func:`filter_to_pwm` turns it into probabilities for a logo.
        """
        check_is_fitted(self, "model_")
        with _quiet_keras():
            kernel = np.asarray(self.model_.get_layer("motifs").get_weights()[0])  # (k, 4, F)
        return np.transpose(kernel, (2, 0, 1)).astype(np.float64)
