"""Tests of helpers.data.cells: the one message for a bad cell of a file or table."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from helpers.data.cells import (
    bad_cell_error,
    check_finite_numbers,
    raise_if_infinite,
    raise_if_not_numbers,
)


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


def test_bad_cell_error_names_file_column_row_id_value_and_what_to_do():
    error = bad_cell_error(
        "f.csv",
        column="tpm",
        row=np.int64(3),
        row_id=np.int64(7),
        value=np.float64(-1.0),
        problem="must be above 0",
        advice="Set a pseudocount.",
        n_bad=2,
    )
    assert str(error) == (
        "f.csv: column 'tpm' must be above 0, but row 3 (id 7) holds -1.0 (2 such cells in "
        "this column). Set a pseudocount."
    )


def test_check_finite_numbers_refuses_missing_values_when_asked():
    values = pd.Series([1.0, np.nan], name="expression")
    check_finite_numbers(values, ids=pd.Series([1, 2]), source="f")  # missing is allowed
    with pytest.raises(
        ValueError,
        match=exact(
            "f: column 'expression' must hold a number in every row, but row 1 (id 2) holds "
            "nan. The file may be damaged: check its hash, or download it again."
        ),
    ):
        check_finite_numbers(values, ids=pd.Series([1, 2]), source="f", allow_missing=False)


def test_raise_if_helpers_quote_the_cell_as_read_and_pass_clean_columns():
    values = pd.Series(["1", "n.d.", "inf"], name="tpm")
    ids = pd.Series(["a", "b", "c"])
    with pytest.raises(
        ValueError,
        match=exact(
            "mine.csv: column 'tpm' must hold numbers, but row 1 (id 'b') holds 'n.d.'. Fix it."
        ),
    ):
        raise_if_not_numbers(
            np.array([False, True, False]), values, ids=ids, source="mine.csv", advice="Fix it."
        )
    with pytest.raises(
        ValueError,
        match="^"
        + re.escape(
            "mine.csv: column 'tpm' must hold finite numbers, but row 2 (id 'c') holds 'inf', which is infinite."
        ),
    ):
        raise_if_infinite(np.array([1.0, np.nan, np.inf]), values, ids=ids, source="mine.csv")
    raise_if_not_numbers(np.zeros(3, dtype=bool), values, ids=ids, source="mine.csv", advice="")
    raise_if_infinite(np.array([1.0, np.nan, 2.0]), values, ids=ids, source="mine.csv")
