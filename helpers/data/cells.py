"""The one message for a bad cell of a file or table, and the checks that raise it.

A reader's file that holds text, an infinity or a gap where a number should
be gets one error, naming the file, the row (position and id), the column,
the value as read and what to do::

    mine.csv: column 'tpm' must hold numbers, but row 1 (id 'b') holds 'n.d.'. <advice>

``bad_cell_error``        the message for one cell
``first_bad_cell_error``  the message for the first of several bad cells of a column
``check_finite_numbers``  a column of numbers (or NaN) and nothing else
``raise_if_not_numbers``  raise on the first cell marked as not a number
``raise_if_infinite``     raise on the first infinite cell
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "INFINITE_ADVICE",
    "bad_cell_error",
    "check_finite_numbers",
    "first_bad_cell_error",
    "raise_if_infinite",
    "raise_if_not_numbers",
]


def bad_cell_error(
    source: str | Path,
    *,
    column: object,
    row: int,
    row_id: object,
    value: object,
    problem: str,
    advice: str,
    detail: str = "",
    n_bad: int = 1,
) -> ValueError:
    """The one error for a bad cell: file, column, row and its id, value, count, what to do.

    Parameters
    ----------
    source : str or pathlib.Path
        The file (or the function, for an in-memory table) the cell is in.
    column : object
        The column's name as the reader wrote it.
    row : int
        The 0-based data row.
    row_id : object
        The row's id.
    value : object
        The cell as read.
    problem : str
        What the column must hold (``"must hold numbers"``).
    advice : str
        What to do, one or two sentences.
    detail : str, optional
        Said after the value (``", which is infinite"``).
    n_bad : int, default=1
        Cells of the column with the problem.

    Returns
    -------
    ValueError

    Examples
    --------
    >>> print(bad_cell_error("mine.csv", column="tpm", row=1, row_id="A2", value="n.d.",
    ...                      problem="must hold numbers", advice="Fix the value."))
    mine.csv: column 'tpm' must hold numbers, but row 1 (id 'A2') holds 'n.d.'. Fix the value.
    """
    row_id, value = (x.item() if isinstance(x, np.generic) else x for x in (row_id, value))
    count = f" ({n_bad} such cells in this column)" if n_bad > 1 else ""
    return ValueError(
        f"{source}: column {column!r} {problem}, but row {row} "
        f"(id {row_id!r}) holds {value!r}{detail}{count}. {advice}"
    )


def first_bad_cell_error(
    mask: np.ndarray,
    values: pd.Series,
    *,
    column: str,
    ids: pd.Series,
    source: str | Path,
    **words: str,
) -> ValueError:
    """:func:`bad_cell_error` for the first cell of ``mask``, counting all of them."""
    positions = np.flatnonzero(mask)
    i = int(positions[0])
    return bad_cell_error(
        source,
        column=column,
        row=i,
        row_id=ids.iloc[i],
        value=values.iloc[i],
        n_bad=len(positions),
        **words,
    )


#: What to do about an infinite measurement (the one advice, for files and frames).
INFINITE_ADVICE = (
    "An infinite measurement is often the log of 0: leave the cell empty for a missing "
    "measurement, or log-transform with a pseudocount, log10(x + c)."
)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.number) and not isinstance(value, bool | np.bool_)


def check_finite_numbers(
    values: pd.Series,
    *,
    ids: pd.Series,
    source: str | Path,
    advice: str = "",
    allow_missing: bool = True,
) -> None:
    """Raise :func:`~helpers.data.cells.bad_cell_error` unless ``values`` are numbers or NaN.

    Parameters
    ----------
    values : pandas.Series
        A column, named; numbers, finite or missing (NaN).
    ids : pandas.Series
        The rows' ids, positionally aligned with ``values``.
    source : str or pathlib.Path
        The file (or function) named first in the message.
    advice : str, optional
        What to do about a non-number (a default is given).
    allow_missing : bool, default=True
        Whether a missing value (NaN) is allowed.

    Raises
    ------
    ValueError
        On the first cell that is not a number, is infinite, or (unless
        ``allow_missing``) is missing.

    Examples
    --------
    >>> check_finite_numbers(pd.Series([1.0, float("inf")], name="tpm"),
    ...                      ids=pd.Series(["a", "b"]), source="mine.csv")
    Traceback (most recent call last):
    ...
    ValueError: mine.csv: column 'tpm' must hold finite numbers, but row 1 (id 'b') holds inf, which is infinite. An infinite measurement is often the log of 0: leave the cell empty for a missing measurement, or log-transform with a pseudocount, log10(x + c).
    """
    column = values.name
    if pd.api.types.is_numeric_dtype(values):
        bad = np.zeros(len(values), dtype=bool)
    else:  # text, even text that looks like a number, is not a measurement yet
        bad = values.map(lambda v: not (v is None or _is_number(v))).to_numpy(dtype=bool)
        unparsable = bad & pd.to_numeric(values, errors="coerce").isna().to_numpy()
        bad = unparsable if unparsable.any() else bad  # point at a real non-number first
    raise_if_not_numbers(
        bad,
        values,
        ids=ids,
        source=source,
        advice=advice
        or "Convert the column with pd.to_numeric, deciding what each non-number means "
        "(or read the file with read_sequences_csv).",
    )
    as_float = pd.to_numeric(values).to_numpy(dtype=float, na_value=np.nan)
    if not allow_missing and np.isnan(as_float).any():
        raise first_bad_cell_error(
            np.isnan(as_float),
            values,
            column=column,
            ids=ids,
            source=source,
            problem="must hold a number in every row",
            advice="The file may be damaged: check its hash, or download it again.",
        )
    raise_if_infinite(as_float, values, ids=ids, source=source)


def _raise_on_first(
    bad: np.ndarray, values: pd.Series, *, ids: pd.Series, source: str | Path, **words: str
) -> None:
    """Raise :func:`first_bad_cell_error` for the named column ``values`` if ``bad`` marks a cell."""
    if bad.any():
        raise first_bad_cell_error(bad, values, column=values.name, ids=ids, source=source, **words)


def raise_if_not_numbers(
    bad: np.ndarray, values: pd.Series, *, ids: pd.Series, source: str | Path, advice: str
) -> None:
    """Raise :func:`first_bad_cell_error` on the first cell ``bad`` marks as not a number.

    ``values`` is the named column as read; ``advice`` says what to do about it.

    Examples
    --------
    >>> raise_if_not_numbers(np.array([False, True]), pd.Series(["1", "n.d."], name="tpm"),
    ...                      ids=pd.Series(["a", "b"]), source="mine.csv", advice="Fix it.")
    Traceback (most recent call last):
    ...
    ValueError: mine.csv: column 'tpm' must hold numbers, but row 1 (id 'b') holds 'n.d.'. Fix it.
    """
    _raise_on_first(bad, values, ids=ids, source=source, problem="must hold numbers", advice=advice)


def raise_if_infinite(
    numbers: np.ndarray, values: pd.Series, *, ids: pd.Series, source: str | Path
) -> None:
    """Raise :func:`first_bad_cell_error` on the first infinite entry of ``numbers``.

    ``numbers`` is ``values`` (a named column, as read) converted to floats;
    the message quotes the cell as read and advises on logs of zero.

    Examples
    --------
    >>> raise_if_infinite(np.array([1.0, np.inf]), pd.Series(["1", "inf"], name="tpm"),
    ...                   ids=pd.Series(["a", "b"]), source="mine.csv")
    Traceback (most recent call last):
    ...
    ValueError: mine.csv: column 'tpm' must hold finite numbers, but row 1 (id 'b') holds 'inf', which is infinite. An infinite measurement is often the log of 0: leave the cell empty for a missing measurement, or log-transform with a pseudocount, log10(x + c).
    """
    _raise_on_first(
        np.isinf(numbers),
        values,
        ids=ids,
        source=source,
        problem="must hold finite numbers",
        detail=", which is infinite",
        advice=INFINITE_ADVICE,
    )
