"""The one check that an array holds numbers, and its one message.

Every helper that takes measurements or scores as an array (targets,
predictions, replicates, importances) reads them with :func:`as_float_array`
or :func:`as_1d_float`, so a cell that is not a number is reported one way::

    y_true must contain numbers, got 'n/a' at position 2; convert the column to
    numbers first (e.g. pandas.to_numeric).

naming the array, the value and where it sits (``position i`` in a vector,
``row r, column c`` in a table). Bad cells of a *file* are reported by
:func:`helpers.data.cells.first_bad_cell_error` instead, which names the file,
the row id and the column name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["as_1d_float", "as_float_array"]


def _first_non_numeric(values: Any) -> tuple[tuple[int, ...], object] | None:
    """Index and value of the first element of ``values`` that is not a number.

    ``None`` if there is none, or if ``values`` is ragged (rows of different
    lengths), which numpy cannot lay out as an array at all.
    """
    for index, value in np.ndenumerate(np.asarray(values, dtype=object)):
        if isinstance(value, Sequence | np.ndarray) and not isinstance(value, str | bytes):
            return None
        try:
            float(value if value is not None else "nan")
        except (TypeError, ValueError):
            return index, value
    return None


def as_float_array(values: Any, name: str) -> np.ndarray:
    """``values`` as a float array, or a ValueError naming ``name``, the bad value and its place.

    Parameters
    ----------
    values : array-like
        Numbers (numeric strings such as ``"1.5"`` are read; ``None`` becomes NaN).
    name : str
        What the array is called in the message (e.g. ``"y_true"``).

    Returns
    -------
    numpy.ndarray
        ``np.asarray(values, dtype=float)``; NaN and infinity pass (the
        caller decides whether they are allowed).

    Raises
    ------
    ValueError
        ``<name> must contain numbers, got <value> at <position i | row r, column c>; ...``,
        or ``<name> could not be read as numbers: ...`` for ragged input.

    Examples
    --------
    >>> as_float_array(["1", 2, None], "y").tolist()
    [1.0, 2.0, nan]
    >>> as_float_array([[1.0, "n/a"]], "replicates")
    Traceback (most recent call last):
    ...
    ValueError: replicates must contain numbers, got 'n/a' at row 0, column 1; convert the column to numbers first (e.g. pandas.to_numeric).
    """
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as err:
        try:
            bad = _first_non_numeric(values)
        except (TypeError, ValueError):  # e.g. ragged rows: numpy cannot even hold them
            bad = None
        if bad is None:
            raise ValueError(f"{name} could not be read as numbers: {err}") from None
        index, value = bad
        if len(index) == 2:
            where = f"row {index[0]}, column {index[1]}"
        else:
            where = f"position {', '.join(map(str, index)) or 0}"
        raise ValueError(
            f"{name} must contain numbers, got {value!r} at {where}; convert "
            "the column to numbers first (e.g. pandas.to_numeric)."
        ) from None


def as_1d_float(values: Any, name: str) -> np.ndarray:
    """``values`` as a 1-D float array (a column vector is flattened), or a ValueError naming it.

    Examples
    --------
    >>> as_1d_float([[1.0], [2.0]], "y").tolist()
    [1.0, 2.0]
    >>> as_1d_float([[1.0, 2.0]], "y")
    Traceback (most recent call last):
    ...
    ValueError: y must be one-dimensional, got shape (1, 2).
    """
    arr = as_float_array(values, name)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}.")
    return arr
