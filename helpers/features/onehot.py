"""Position-aware features: one-hot encoding of equal-length sequences, and padding to one length.

``OneHotSequenceEncoder``  scikit-learn transformer, ``(n, 4 * L)`` with columns ``pos{i}_{base}``
:func:`one_hot_encode`     the same as an ``(n, L, 4)`` array (what a CNN takes)
:func:`pad_sequences`      pad sequences of different lengths with ``N`` so an anchor lines up
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from helpers.core.alphabet import N_CODE
from helpers.core.checks import ParamsChecked, Rule, StrOptions, check_params, fit_context
from helpers.features.inputs import (
    _NUMERIC_DTYPE,
    _encode_chunk,
    _SequenceInputTags,
    check_sequences,
)
from helpers.sequences import DNA

__all__ = ["OneHotSequenceEncoder", "one_hot_encode", "pad_sequences"]


class OneHotSequenceEncoder(_SequenceInputTags, ParamsChecked, TransformerMixin, BaseEstimator):
    """One-hot encode equal-length sequences, keeping the position of every base.

    Each base becomes four columns (A, C, G, T) with a single 1, so a sequence
    of length L becomes ``L * 4`` columns named ``pos0_A, pos0_C, ..., posL-1_T``
    (positions counted from 0). Unlike k-mer counts, this keeps *where* a base
    is, which position-aware models and in-silico mutagenesis need.

    Parameters
    ----------
    n_value : float, default=0.0
        Value of all four columns at an ``N``: ``0.0`` (an all-zero block, "no
        information"), ``0.25`` (a uniform guess) or ``numpy.nan`` (missing,
        for an imputer to fill).
    dtype : numpy dtype, default=numpy.float64
        Type of the output (an integer type only with a whole ``n_value``).

    Attributes
    ----------
    sequence_length_ : int
        The length every sequence must have, learned by ``fit``.
    n_features_out_ : int
        ``4 * sequence_length_``.

    Raises
    ------
    ValueError
        In ``fit`` on a bad parameter, if there are no sequences, if they are
        empty (length 0: no columns to learn from) or have different lengths
        (naming the first row that differs), in ``transform`` if a length
        differs from the fitted one, and on characters other than A, C, G, T, N.

    See Also
    --------
    one_hot_encode : the same as a 3-D ``(n, L, 4)`` array.

    Examples
    --------
    >>> enc = OneHotSequenceEncoder()
    >>> enc.fit_transform(["ACG", "TTN"])
    array([[1., 0., 0., 0., 0., 1., 0., 0., 0., 0., 1., 0.],
           [0., 0., 0., 1., 0., 0., 0., 1., 0., 0., 0., 0.]])
    >>> enc.get_feature_names_out()[:5].tolist()
    ['pos0_A', 'pos0_C', 'pos0_G', 'pos0_T', 'pos1_A']
    >>> OneHotSequenceEncoder(n_value="x").fit(["ACG"])
    Traceback (most recent call last):
    ...
    ValueError: OneHotSequenceEncoder: n_value must be a number (e.g. 0.0, 0.25 or nan), got 'x'
    """

    _parameter_constraints: dict[str, list] = {
        "n_value": [Rule(lambda v: _is_number(v), "a number (e.g. 0.0, 0.25 or nan)")],
        "dtype": [_NUMERIC_DTYPE],
    }

    def __init__(self, *, n_value: float = 0.0, dtype: Any = np.float64) -> None:
        self.n_value = n_value
        self.dtype = dtype

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None) -> OneHotSequenceEncoder:
        """Validate the parameters; learn (and check) the common sequence length.

        Returns
        -------
        self
        """
        _check_one_hot_params(type(self).__name__, self.n_value, self.dtype)
        seqs = check_sequences(X)
        if not seqs:
            raise ValueError("cannot fit on zero sequences")
        length = _common_length(seqs)
        if length == 0:
            raise ValueError(
                f"cannot fit on empty sequences: all {len(seqs)} have length 0, which "
                "gives a matrix with no columns; check the sequence column"
            )
        self.sequence_length_ = length
        self.n_features_out_ = 4 * self.sequence_length_
        return self

    def transform(self, X: Any) -> np.ndarray:
        """One-hot encode sequences of the fitted length.

        Returns
        -------
        numpy.ndarray of shape (n_sequences, 4 * sequence_length_)
        """
        check_is_fitted(self)
        seqs = check_sequences(X)
        length = _common_length(seqs, expected=self.sequence_length_)
        cube = _one_hot_cube(seqs, self.n_value, np.dtype(self.dtype), length)
        return cube.reshape(len(seqs), 4 * length)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Column names ``pos{i}_{base}``, positions from 0."""
        check_is_fitted(self)
        return np.asarray(
            [f"pos{i}_{b}" for i in range(self.sequence_length_) for b in DNA],
            dtype=object,
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool | np.bool_)


def _check_one_hot_params(owner: str, n_value: Any, dtype: Any) -> np.dtype:
    """Validate ``n_value`` and ``dtype`` of one-hot encoding; return the dtype."""
    check_params(
        owner,
        {"n_value": n_value, "dtype": dtype},
        OneHotSequenceEncoder._parameter_constraints,
    )
    checked = np.dtype(dtype)
    if checked.kind != "f":
        whole = Rule(
            lambda v: np.isfinite(v) and float(v).is_integer(),
            f"a whole number to be stored as {checked}",
        )
        check_params(owner, {"n_value": n_value}, {"n_value": [whole]})
    return checked


def _common_length(seqs: Sequence[str], expected: int | None = None) -> int:
    lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
    if expected is not None:
        target = expected
    else:
        target = int(lengths[0]) if len(lengths) else 0
    differ = np.flatnonzero(lengths != target)
    if len(differ):
        i = int(differ[0])
        where = "the fitted length" if expected is not None else "row 0"
        how_many = "1 row differs" if len(differ) == 1 else f"{len(differ)} rows differ"
        raise ValueError(
            f"one-hot encoding needs sequences of equal length: row {i} has length "
            f"{lengths[i]}, {where} is {target} ({how_many}); trim or pad the sequences "
            "first, or use KmerVectorizer"
        )
    return target


def one_hot_encode(
    seqs: Any, *, n_value: float = 0.0, dtype: Any = np.float64, length: int | None = None
) -> np.ndarray:
    """One-hot encode equal-length sequences as an ``(n, L, 4)`` array (A, C, G, T).

    Parameters
    ----------
    seqs : list, array or Series of str
        Sequences of equal length.
    n_value : float, default=0.0
        Value of the four channels at an ``N``.
    dtype : numpy dtype, default=numpy.float64
    length : int, optional
        Required length; by default the length of the first sequence.

    Returns
    -------
    numpy.ndarray of shape (n_sequences, L, 4)

    Examples
    --------
    >>> one_hot_encode(["AC", "gN"])[:, :, 2]
    array([[0., 0.],
           [1., 0.]])
    """
    dtype = _check_one_hot_params("one_hot_encode", n_value, dtype)
    seqs = check_sequences(seqs)
    if not seqs:
        return np.zeros((0, length or 0, 4), dtype=dtype)
    return _one_hot_cube(seqs, n_value, dtype, _common_length(seqs, expected=length))


def _one_hot_cube(seqs: list[str], n_value: float, dtype: np.dtype, length: int) -> np.ndarray:
    """One-hot cube of checked sequences of one ``length`` (parameters already validated)."""
    if length == 0 or not seqs:
        return np.zeros((len(seqs), length, 4), dtype=dtype)
    lengths = np.full(len(seqs), length, dtype=np.int64)
    base, _ = _encode_chunk(seqs, lengths, seqs)
    table = np.zeros((5, 4), dtype=dtype)
    table[np.arange(4), np.arange(4)] = 1
    table[N_CODE] = n_value
    return table[base]


def pad_sequences(
    X: Any,
    *,
    anchors: Any = None,
    align: str = "start",
    before: int | None = None,
    after: int | None = None,
) -> list[str]:
    """Pad sequences of different lengths with ``N`` so a chosen position lines up.

    A convolutional network needs one length. Padding with ``N`` (all-zero
    one-hot columns: "no base here") keeps every base where the biology puts
    it relative to an *anchor*: the first base (``align="start"``), the last
    (``align="end"``, e.g. a fixed distance to the transcription start) or a
    per-sequence position such as the start of an annotated −10 box.

    Parameters
    ----------
    X : list, array or Series of str
    anchors : array-like of int, optional
        Per-sequence anchor position (0-based); overrides ``align``.
    align : {"start", "end"}, default="start"
    before, after : int, optional
        Bases to keep before and from the anchor on (to apply the padding of
        a training set to new sequences); by default the largest needed.

    Returns
    -------
    list of str
        All of length ``before + after``.

    Raises
    ------
    ValueError
        If a sequence does not fit in ``before``/``after`` (naming the row), or
        on bad ``align``/``anchors``.

    Examples
    --------
    >>> pad_sequences(["ACGT", "GT"], align="end")
    ['ACGT', 'NNGT']
    >>> pad_sequences(["AATATAATG", "TATAATGGG"], anchors=[2, 0])
    ['AATATAATGNN', 'NNTATAATGGG']
    """
    check_params("pad_sequences", {"align": align}, {"align": [StrOptions({"start", "end"})]})
    seqs = check_sequences(X)
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    if anchors is None:
        pos = np.zeros_like(lengths) if align == "start" else lengths.copy()
    else:
        pos = np.asarray(anchors)
        if pos.shape != lengths.shape or not np.issubdtype(pos.dtype, np.integer):
            raise ValueError(
                f"anchors must be {len(seqs)} integers (one per sequence), got shape {pos.shape} "
                f"of {pos.dtype}"
            )
        bad = np.flatnonzero((pos < 0) | (pos > lengths))
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"anchor {pos[i]} at row {i} lies outside its sequence ({lengths[i]} nt)"
            )
    need_before, need_after = pos, lengths - pos
    before = int(need_before.max(initial=0)) if before is None else int(before)
    after = int(need_after.max(initial=0)) if after is None else int(after)
    for need, limit, what in ((need_before, before, "before"), (need_after, after, "after")):
        over = np.flatnonzero(need > limit)
        if over.size:
            i = int(over[0])
            raise ValueError(
                f"row {i} needs {need[i]} bases {what} the anchor but {what}={limit}; "
                f"{over.size} rows do not fit"
            )
    return [
        "N" * (before - int(p)) + s + "N" * (after - (len(s) - int(p)))
        for s, p in zip(seqs, pos, strict=True)
    ]
