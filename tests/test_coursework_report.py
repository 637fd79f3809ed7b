"""Tests of helpers.coursework.report: the report's tables, figures, limits and writing.

The whole report is written by the pipeline's tests
(``tests/test_coursework_pipeline.py``); here, its parts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.coursework.report import markdown_table


def test_markdown_table():
    frame = pd.DataFrame({"r2": [0.51234, np.nan], "name": ["a|b", "c"]}, index=["x", "y"])
    assert markdown_table(frame).splitlines() == [
        "|   | r2 | name |",
        "|---|---|---|",
        "| x | 0.512 | a\\|b |",
        "| y | – | c |",
    ]
