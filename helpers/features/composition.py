"""Sequence composition as features: :class:`CompositionFeatures` and :func:`gc_content`."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from helpers.core.checks import ParamsChecked, fit_context
from helpers.features.inputs import _chunks, _encode_chunk, _SequenceInputTags, check_sequences

__all__ = ["CompositionFeatures", "gc_content"]


class CompositionFeatures(_SequenceInputTags, ParamsChecked, TransformerMixin, BaseEstimator):
    """Sequence composition: length, GC content and the fraction of each base.

    Columns: ``length``, ``gc_content`` (G + C over A + C + G + T, ``N``
    ignored, 0.0 if there is no called base), ``frac_A``, ``frac_C``,
    ``frac_G``, ``frac_T`` and ``frac_N`` (each over the full length, so they sum
    to 1 for a non-empty sequence).

    Attributes
    ----------
    n_features_out_ : int
        7, set by ``fit`` (nothing is learned from the data).

    Examples
    --------
    >>> CompositionFeatures().fit_transform(["GGCA", "ATNN"]).round(3)
    array([[4.  , 0.75, 0.25, 0.25, 0.5 , 0.  , 0.  ],
           [4.  , 0.  , 0.25, 0.  , 0.  , 0.25, 0.5 ]])
    >>> CompositionFeatures().fit(["A"]).get_feature_names_out()[:2].tolist()
    ['length', 'gc_content']
    """

    feature_names = ("length", "gc_content", "frac_A", "frac_C", "frac_G", "frac_T", "frac_N")

    _parameter_constraints: dict[str, list] = {}

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None) -> CompositionFeatures:
        """Check the input; nothing is learned. Returns self."""
        check_sequences(X)
        self.n_features_out_ = len(self.feature_names)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Composition of each sequence.

        Returns
        -------
        numpy.ndarray of shape (n_sequences, 7)
        """
        check_is_fitted(self)
        seqs = check_sequences(X)
        n = len(seqs)
        lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=n)
        counts = np.zeros((n, 5), dtype=np.int64)
        for r0, r1 in _chunks(lengths):
            base, _ = _encode_chunk(seqs[r0:r1], lengths[r0:r1], seqs)
            if base.size == 0:
                continue
            padded = lengths[r0:r1].min() < base.shape[1]
            rows = np.repeat(np.arange(r1 - r0), base.shape[1])
            flat = np.bincount(rows * 5 + base.ravel(), minlength=(r1 - r0) * 5)
            counts[r0:r1] = flat.reshape(r1 - r0, 5)
            if padded:  # N padding of shorter rows is not part of the sequence
                counts[r0:r1, 4] -= base.shape[1] - lengths[r0:r1]
        called = counts[:, :4].sum(axis=1)
        out = np.zeros((n, 7), dtype=np.float64)
        out[:, 0] = lengths
        np.divide(counts[:, 1] + counts[:, 2], called, out=out[:, 1], where=called > 0)
        np.divide(counts, lengths[:, None], out=out[:, 2:], where=lengths[:, None] > 0)
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Column names (see the class docstring)."""
        check_is_fitted(self)
        return np.asarray(self.feature_names, dtype=object)


def gc_content(seq: str) -> float:
    """Fraction of G and C among the called bases (A, C, G, T) of ``seq``.

    ``N`` is ignored; a sequence without any called base gives ``0.0``.

    Examples
    --------
    >>> gc_content("GGCA")
    0.75
    >>> gc_content("GCNN")
    1.0
    """
    return float(CompositionFeatures().fit_transform([seq])[0, 1])
