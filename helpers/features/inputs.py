"""What the sequence transformers take in: containers of sequences, their tags, chunks of base codes.

:func:`check_sequences` turns a list, array, Series or one-column frame into a
list of ``str`` (or names the row that is not a string); characters are checked
where they are translated to base codes (:func:`_encode_chunk`, with the one
byte-code table of :mod:`helpers.core.alphabet`), and a bad one raises the
error of :func:`helpers.sequences.validate_sequences` (row, position,
character). Long inputs are processed in chunks of about ``_CHUNK_BASES``
bases (:func:`_chunks`). Also here: the scikit-learn tags every sequence
transformer shares and the ``dtype`` rule of their parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from helpers.core.alphabet import BAD_CODE, BYTE_TO_CODE, N_CODE
from helpers.core.checks import Rule, check_params
from helpers.sequences import DNA_N, validate_sequences

__all__ = ["check_sequences"]

# Work on about this many bases at a time: large enough that per-chunk Python
# overhead is negligible, small enough that temporaries stay in cache.
_CHUNK_BASES = 1 << 18


def check_sequences(X: Any) -> list[str]:
    """Return the sequences of ``X`` as a list of ``str``, or raise a clear error.

    Parameters
    ----------
    X : list, tuple, numpy.ndarray, pandas.Series or one-column pandas.DataFrame
        The sequences, one per row. A 2-D array or data frame must have exactly
        one column (this is what ``ColumnTransformer`` passes for ``["sequence"]``).

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        If ``X`` is a single string, has more than one column, or a row is not a
        string (the message names the row).

    Examples
    --------
    >>> check_sequences(pd.Series(["ACGT", "GGN"]))
    ['ACGT', 'GGN']
    >>> check_sequences("ACGT")
    Traceback (most recent call last):
    ...
    ValueError: expected a list, array or Series of sequences, got a single str; wrap it in a list: ["ACGT"]
    """
    if isinstance(X, str | bytes):
        shown = X if len(X) <= 20 else X[:17] + "..."
        raise ValueError(
            "expected a list, array or Series of sequences, got a single "
            f"{type(X).__name__}; wrap it in a list: [{shown!r}]".replace("'", '"')
        )
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(
                f"expected one column of sequences, got a DataFrame with {X.shape[1]} columns "
                f"{list(X.columns)}; select the sequence column"
            )
        X = X.iloc[:, 0]
    if isinstance(X, pd.Series):
        seqs = X.tolist()
    elif isinstance(X, np.ndarray):
        if X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]
        elif X.ndim != 1:
            raise ValueError(
                f"expected a 1-D array of sequences (or one column), got shape {X.shape}"
            )
        seqs = X.tolist()
    elif isinstance(X, Iterable):
        seqs = list(X)
    else:
        raise ValueError(f"expected a list, array or Series of sequences, got {type(X).__name__}")
    if set(map(type, seqs)) - {str}:
        # names the first row that is not a string (or converts str subclasses)
        seqs = validate_sequences(seqs, alphabet=DNA_N, ignore_case=True, allow_empty=True)
    return seqs


def _raise_invalid(seqs: Sequence[str]) -> NoReturn:
    """Raise the validator's error for ``seqs``, known to hold an invalid character."""
    validate_sequences(seqs, alphabet=DNA_N, ignore_case=True, allow_empty=True)
    raise AssertionError("no invalid character found")  # pragma: no cover


class _SequenceInputTags:
    """scikit-learn tags of the transformers here: a 1-D collection of strings in."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


def _is_dtype(dtype: Any, kinds: str = "iuf") -> bool:
    """Whether ``dtype`` names a numpy dtype of one of ``kinds``."""
    return dtype is not None and np.dtype(dtype).kind in kinds


_NUMERIC_DTYPE = Rule(_is_dtype, "a numeric (int or float) numpy dtype")


def _numeric_dtype(owner: str, dtype: Any, kinds: str = "iuf") -> np.dtype:
    """``dtype`` as a numpy dtype of one of ``kinds``, or the one parameter error.

    Examples
    --------
    >>> _numeric_dtype("f", "float32")
    dtype('float32')
    >>> _numeric_dtype("f", np.int64, kinds="f")
    Traceback (most recent call last):
    ...
    ValueError: f: dtype must be a float numpy dtype, got <class 'numpy.int64'>
    """
    expected = "a float" if kinds == "f" else "a numeric (int or float)"
    rule = Rule(lambda d: _is_dtype(d, kinds), f"{expected} numpy dtype")
    check_params(owner, {"dtype": dtype}, {"dtype": [rule]})
    return np.dtype(dtype)


def _chunks(lengths: np.ndarray) -> Iterable[tuple[int, int]]:
    """Row ranges whose padded size (rows x longest row) stays near ``_CHUNK_BASES``."""
    n = len(lengths)
    if n == 0:
        return
    if lengths.min() == lengths.max():
        step = max(1, _CHUNK_BASES // max(1, int(lengths[0])))
        for r0 in range(0, n, step):
            yield r0, min(n, r0 + step)
        return
    r0, widest = 0, 0
    for i, length in enumerate(lengths.tolist()):
        widest_next = max(widest, length)
        if i > r0 and (i - r0 + 1) * widest_next > _CHUNK_BASES:
            yield r0, i
            r0, widest_next = i, length
        widest = widest_next
    yield r0, n


def _encode_chunk(
    seqs: Sequence[str], lengths: np.ndarray, whole: Sequence[str]
) -> tuple[np.ndarray, bool]:
    """Base codes of a chunk as a 2-D uint8 array padded with N, and whether it has N.

    ``whole`` is the complete input the chunk was taken from: on an invalid
    character, the error of :func:`helpers.sequences.validate_sequences` for
    all of it is raised (the row numbers count from its start).
    """
    width = int(lengths.max()) if len(lengths) else 0
    if lengths.min() == width:
        text = "".join(seqs)
    else:
        text = "".join(s.ljust(width, "N") for s in seqs)
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        _raise_invalid(whole)
    codes = np.frombuffer(raw.translate(BYTE_TO_CODE), dtype=np.uint8).reshape(len(seqs), width)
    top = int(codes.max()) if codes.size else 0
    if top == BAD_CODE:
        _raise_invalid(whole)
    return codes, top == N_CODE
