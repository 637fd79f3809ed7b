"""k-mer counts as features: :class:`KmerVectorizer` and :func:`kmer_counts`.

``KmerVectorizer`` is a scikit-learn transformer: sequences in (a list, array,
Series or one-column frame), a sparse matrix of k-mer counts, presence or
frequencies out, one column per possible k-mer (see
:mod:`helpers.features.vocabulary` for the columns and
:mod:`helpers.features.kmer_counting` for how they are counted).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from helpers.core.checks import ParamsChecked, Rule, fit_context
from helpers.features.inputs import (
    _NUMERIC_DTYPE,
    _is_dtype,
    _numeric_dtype,
    _SequenceInputTags,
    check_sequences,
)
from helpers.features.kmer_counting import _kmer_matrix
from helpers.features.vocabulary import _K_CONSTRAINT, KmerVocabulary, _feature_names, _k_range

__all__ = ["KmerVectorizer", "kmer_counts"]

_MODES = ("count", "presence", "frequency")
_MODE_CONSTRAINT = Rule(lambda mode: mode in _MODES, f"one of {_MODES}")


class KmerVectorizer(
    _SequenceInputTags, ParamsChecked, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Encode DNA sequences as a sparse matrix of k-mer counts.

    Every sequence becomes one row; every possible k-mer (all ``4**k`` of them,
    in lexicographic order, so train and test always share columns) is a column.

    Parameters
    ----------
    k : int or (int, int), default=3
        k-mer length, or a ``(kmin, kmax)`` pair to place the blocks for every k
        from ``kmin`` to ``kmax`` side by side (at most 15).
    mode : {"count", "presence", "frequency"}, default="count"
        ``"count"``: how often each k-mer occurs; ``"presence"``: 1 if it occurs,
        else 0; ``"frequency"``: counts divided by the number of counted k-mers
        of the row (for a range of k, each k block sums to 1 separately).
    canonical : bool, default=False
        Merge each k-mer with its reverse complement into one column, named by
        the lexicographically smaller of the two (see :func:`canonical_kmer`).
    dtype : numpy dtype, default=None
        Type of the values; ``None`` means ``int64`` for counts and presence and
        ``float64`` for frequencies (which need a float type).

    Attributes
    ----------
    vocabulary_ : KmerVocabulary
        Read-only mapping k-mer -> column index, like
        ``CountVectorizer.vocabulary_``. Set by ``fit`` from ``k`` and
        ``canonical`` alone: the columns do not depend on the data.
    n_features_out_ : int
        Number of columns.
    dtype_ : numpy.dtype
        Type of the output values.

    Notes
    -----
    - Lowercase bases are counted like uppercase ones.
    - A k-mer that overlaps an ``N`` is skipped (it is not counted anywhere), so a
      row sums to ``L - k + 1`` minus the number of windows touching an ``N``.
    - A sequence shorter than ``k`` gives an all-zero row.
    - Any other character raises a ``ValueError`` naming the row, position and
      character.
    - The output is always a sparse matrix, also under
      ``sklearn.set_config(transform_output="pandas")`` (a data frame of 4**k
      dense columns is rarely what you want); call ``.toarray()`` if you need one.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer :
        gives the same counts with ``analyzer="char", ngram_range=(k, k),
        lowercase=False`` on clean sequences (only k-mers seen in training,
        and much more slowly).

    Examples
    --------
    >>> vec = KmerVectorizer(k=2)
    >>> X = vec.fit_transform(["ACGT", "AAAA", "acgN"])
    >>> X.shape
    (3, 16)
    >>> names = vec.get_feature_names_out()
    >>> {str(names[j]): int(v) for j, v in zip(X[0].indices, X[0].data)}
    {'AC': 1, 'CG': 1, 'GT': 1}
    >>> int(X[1, vec.vocabulary_["AA"]]), int(X[2].sum())
    (3, 2)
    >>> KmerVectorizer(k=2, canonical=True).fit(["A"]).n_features_out_
    10
    >>> KmerVectorizer(k="3").fit(["ACGT"])
    Traceback (most recent call last):
    ...
    ValueError: KmerVectorizer: k must be an int from 1 to 15 or a (kmin, kmax) pair with 1 <= kmin <= kmax <= 15, got '3'
    """

    _parameter_constraints: dict[str, list] = {
        "k": [_K_CONSTRAINT],
        "mode": [_MODE_CONSTRAINT],
        "canonical": ["boolean"],
        "dtype": [Rule(lambda d: d is None or _is_dtype(d), _NUMERIC_DTYPE.description)],
    }

    def __init__(
        self,
        k: int | tuple[int, int] = 3,
        *,
        mode: str = "count",
        canonical: bool = False,
        dtype: Any = None,
    ) -> None:
        self.k = k
        self.mode = mode
        self.canonical = canonical
        self.dtype = dtype

    def _checked_params(self) -> tuple[int, int, np.dtype]:
        """The derived settings, after :func:`fit_context` validated each parameter."""
        name = type(self).__name__
        kmin, kmax = _k_range(self.k)  # type: ignore[misc]
        if self.dtype is None:
            return kmin, kmax, np.dtype(np.float64 if self.mode == "frequency" else np.int64)
        if self.mode == "frequency":
            return kmin, kmax, _numeric_dtype(f"{name} (mode='frequency')", self.dtype, "f")
        return kmin, kmax, _numeric_dtype(name, self.dtype)

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None) -> KmerVectorizer:
        """Validate the parameters and the input; set the (data-independent) vocabulary.

        Parameters
        ----------
        X : list, array or Series of str
            Sequences (only the container is checked here; characters are
            checked by :meth:`transform`).
        y : ignored

        Returns
        -------
        self
        """
        kmin, kmax, dtype = self._checked_params()
        check_sequences(X)
        self.vocabulary_ = KmerVocabulary(kmin, kmax, canonical=bool(self.canonical))
        self.n_features_out_ = len(self.vocabulary_)
        self.dtype_ = dtype
        return self

    def transform(self, X: Any) -> sp.csr_matrix:
        """Encode sequences as a sparse k-mer matrix.

        Parameters
        ----------
        X : list, array or Series of str
            Sequences; A, C, G, T and N in either case.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_sequences, n_features_out_)
            Sorted column indices, no explicit zeros.

        Raises
        ------
        ValueError
            On a character other than A, C, G, T, N, naming row, position and
            character; on input that is not a collection of strings.
        sklearn.exceptions.NotFittedError
            Before ``fit``.
        """
        check_is_fitted(self)
        seqs = check_sequences(X)
        vocabulary = self.vocabulary_
        return _kmer_matrix(
            seqs, vocabulary.kmin, vocabulary.kmax, self.mode, vocabulary.canonical, self.dtype_
        )

    def fit_transform(self, X: Any, y: Any = None) -> sp.csr_matrix:
        """Fit and transform in one step (the same as ``fit(X).transform(X)``)."""
        return self.fit(X).transform(X)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The k-mer of each column.

        Returns
        -------
        numpy.ndarray of str (object dtype)
            Lexicographic within each k, blocks in increasing k; canonical
            k-mers are named by the smaller of the k-mer and its reverse complement.
        """
        check_is_fitted(self)
        vocabulary = self.vocabulary_
        names = _feature_names(vocabulary.kmin, vocabulary.kmax, vocabulary.canonical)
        return np.asarray(names, dtype=object)


def kmer_counts(seq: str, k: int = 3, *, canonical: bool = False) -> dict[str, int]:
    """Count the k-mers of one sequence (k-mers overlapping ``N`` are skipped).

    Parameters
    ----------
    seq : str
        A DNA sequence.
    k : int, default=3
        k-mer length.
    canonical : bool, default=False
        Merge each k-mer with its reverse complement (see :func:`canonical_kmer`).

    Returns
    -------
    dict
        k-mer -> count, only k-mers that occur, in lexicographic order.

    Examples
    --------
    >>> kmer_counts("ACGTAC", k=2)
    {'AC': 2, 'CG': 1, 'GT': 1, 'TA': 1}
    >>> kmer_counts("AANAA", k=2)
    {'AA': 2}
    """
    vec = KmerVectorizer(k=k, canonical=canonical)
    row = vec.fit_transform([seq])
    names = vec.get_feature_names_out()
    return {str(names[j]): int(c) for j, c in zip(row.indices, row.data, strict=True)}
