"""The project's output comparator (tools.outputs) and the cells it does not compare."""

from __future__ import annotations

import glob
import json

import nbformat
import pytest
from hypothesis import given
from hypothesis import strategies as st
from nbval.plugin import IPyNbCell

from tools.notebooks import ROOT
from tools.outputs import (
    ABS_TOL,
    REL_TOL,
    comparable,
    nbval_options,
    numbers_close,
    outputs_mismatch,
    split_numbers,
    text_mismatch,
    values_match,
)

CHAPTERS = sorted(glob.glob(str(ROOT / "chapters" / "*.ipynb")))


def test_tolerance_is_stated_once():
    assert (ABS_TOL, REL_TOL) == (0.005, 0.01)


@pytest.mark.parametrize(
    ("ref", "test", "same"),
    [
        ("Mean squared error: 0.548", "Mean squared error: 0.546", True),  # the example
        ("Mean squared error: 0.548", "Mean squared error: 0.542", False),
        ("r = 120.5", "r = 121.5", True),  # relative 1 % of a large number
        ("r = 120.5", "r = 122.0", False),
        ("-0.000", "0.000", True),
        ("1e-05", "1.2e-05", True),
        ("R² 0.86\n  0.74", "R²   0.86\n0.74", True),  # padding and line breaks
        ("3 of 5 libraries", "2 of 5 libraries", False),  # integers exactly
        ("stopped at epoch 55", "stopped at epoch 30", False),
        ("target met", "target not met", False),  # words exactly
        ("P0001 0.5", "P0002 0.5", False),  # digits inside a word are text
        ("0.50 (n=35)", "0.50 (n=36)", False),
        ("shape (800, 256)", "shape (800, 255)", False),
        ("ratio 3.0", "ratio 3", True),  # a decimal against an integer: compared as numbers
        ("2.3 times", "2.4 times", True),  # one unit in the last printed place: a rounding flip
        ("2.3 times", "2.5 times", False),
        ("0.548", "0.554", False),  # three decimals: the tolerance, not the last place, decides
    ],
)
def test_text_comparison(ref, test, same):
    assert values_match(ref, test) is same


def test_mismatch_says_what_differs():
    assert text_mismatch("R2 0.548", "R2 0.538") == (
        "number 1 differs beyond the tolerance: 0.548 vs 0.538"
    )
    assert text_mismatch("a 1 b", "a 1 b 2") == "text differs: ' b' vs ' b '"


def test_numbers_are_split_from_words():
    assert split_numbers("ch04_r2 = -0.25; x2 1.5e3") == (
        ["ch04_r2 = ", "; x2 ", ""],
        ["-0.25", "1.5e3"],
    )


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_a_number_matches_itself_and_within_tolerance(x):
    assert numbers_close(x, x)
    assert numbers_close(x, x + 0.9 * ABS_TOL)
    assert values_match(f"value {x:.3f}", f"value {x + 0.0009:.3f}")


@given(st.integers(min_value=-(10**6), max_value=10**6), st.integers(1, 10))
def test_integers_never_get_a_tolerance(n, step):
    assert not values_match(f"count {n}", f"count {n + step}")


def test_structured_values():
    assert values_match({"text/plain": ["0.861"]}, {"text/plain": ["0.863"]})
    assert not values_match({"text/plain": ["a"]}, {"text/html": ["a"]})
    assert not values_match(["1"], ["1", "2"])
    assert values_match(0.5, 0.503) and not values_match(True, False)


def test_flattened_outputs_compare_like_nbval():
    def stream(text):
        return nbformat.v4.new_output("stream", name="stdout", text=text)

    stored = comparable([stream("R2: 0.861\n"), stream("best: forest\n")], str)
    fresh = comparable([stream("R2: 0.859\nbest: forest\n")], str)
    assert outputs_mismatch(stored, fresh) is None
    other = comparable([stream("R2: 0.859\nbest: ridge\n")], str)
    assert "text differs" in outputs_mismatch(stored, other)


def test_nbval_uses_the_project_comparator():
    # conftest.py installs it for `make test` and `make test-elsewhere` alike
    assert IPyNbCell.compare_outputs.__module__ == "conftest"


def _excluded_cells():
    for path in CHAPTERS:
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                options = nbval_options(cell)
                if options["skip"] or not options["check"]:
                    yield f"{path.split('/')[-1]}:cell {index}", cell


EXCLUDED = list(_excluded_cells())


@pytest.mark.parametrize(
    "cell", [c for _, c in EXCLUDED] or [None], ids=[n for n, _ in EXCLUDED] or ["none"]
)
def test_every_cell_excluded_from_comparison_says_why(cell):
    """Cells nbval does not compare are listed here (one test each) and give a reason.

    The reason is a comment in the cell's source, ``# Not compared: ...``, so a
    reader sees it beside the code.
    """
    if cell is None:
        pytest.skip("no chapter cell is excluded from comparison")
    assert any(line.strip().startswith("# Not compared:") for line in cell.source.splitlines())


def test_stored_chapters_were_executed_in_order():
    for path in CHAPTERS:
        counts = [
            c.get("execution_count")
            for c in json.loads(open(path, encoding="utf-8").read())["cells"]
            if c["cell_type"] == "code"
        ]
        assert counts == list(range(1, len(counts) + 1)), path
