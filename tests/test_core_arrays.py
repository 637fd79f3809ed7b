"""Tests of helpers.core.arrays: the one check that an array holds numbers, and its message."""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers.core.arrays import as_1d_float, as_float_array

TO_NUMBERS = "convert the column to numbers first (e.g. pandas.to_numeric)."


def test_numbers_numeric_strings_and_none_are_read():
    values = as_float_array(["1.5", 2, None, np.inf], "y")
    np.testing.assert_array_equal(values, [1.5, 2.0, np.nan, np.inf])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1.0, "x"], f"y must contain numbers, got 'x' at position 1; {TO_NUMBERS}"),
        (
            [[1.0, 2.0], [3.0, "n/a"]],
            f"y must contain numbers, got 'n/a' at row 1, column 1; {TO_NUMBERS}",
        ),
        ("abc", f"y must contain numbers, got 'abc' at position 0; {TO_NUMBERS}"),
    ],
    ids=["vector", "table", "string"],
)
def test_a_value_that_is_not_a_number_is_named_with_its_place(values, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        as_float_array(values, "y")


def test_ragged_rows_say_they_cannot_be_read():
    # the rest of the message is numpy's own, which changes between versions
    with pytest.raises(ValueError, match="^" + re.escape("y could not be read as numbers: ")):
        as_float_array([[1.0, 2.0], [3.0]], "y")


def test_as_1d_float_flattens_a_column_and_rejects_a_table():
    assert as_1d_float([[1.0], [2.0]], "y").tolist() == [1.0, 2.0]
    message = "y must be one-dimensional, got shape (2, 2)."
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        as_1d_float([[1.0, 2.0], [3.0, 4.0]], "y")
