"""A small convolutional network on raw sequences: the old name of its modules.

:class:`CNNRegressor` now lives in :mod:`helpers.estimators.cnn`, the filter
read-outs (:func:`filter_to_pwm`, :func:`motif_onehot`, :func:`filter_match`)
in :mod:`helpers.estimators.cnn_filters`, and :func:`pad_sequences` beside
one-hot encoding in :mod:`helpers.features.onehot`. This module re-exports
them, so ``from helpers.cnn import CNNRegressor`` keeps working; importing it
sets ``KERAS_BACKEND=jax`` unless already set (Keras itself is imported on the
first ``fit``).
"""

from helpers.estimators.cnn import COLLAPSED_R2, CNNRegressor
from helpers.estimators.cnn_filters import filter_match, filter_to_pwm, motif_onehot
from helpers.features.onehot import pad_sequences

__all__ = [
    "COLLAPSED_R2",
    "CNNRegressor",
    "filter_match",
    "filter_to_pwm",
    "motif_onehot",
    "pad_sequences",
]
