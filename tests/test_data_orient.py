"""Tests of helpers.data.orient: a library's constant flanks and its rows on the other strand."""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers.data.orient import detect_orientation
from helpers.sequences import reverse_complement

LEFT, RIGHT = "GCTAGCAATTCC", "GGATCCTTACGA"


def flanked(n: int, seed: int, left: str = LEFT, right: str = RIGHT) -> list[str]:
    """``n`` random 30-base inserts between two constant flanks."""
    rng = np.random.default_rng(seed)
    return [left + "".join(rng.choice(list("ACGT"), 30)) + right for _ in range(n)]


def test_orientation_is_found_whichever_strand_is_the_majority():
    seqs = flanked(20, seed=1)
    mostly_reverse = [reverse_complement(s) if i < 15 else s for i, s in enumerate(seqs)]
    found = detect_orientation(mostly_reverse)
    assert found.n_forward == 15 and found.n_reverse == 5
    assert found.reverse[15:].all() and not found.reverse[:15].any()
    assert found.flank5 == reverse_complement(RIGHT)


def test_orientation_needs_flanks_that_are_not_palindromes():
    flank = "GAATTCGAATTC"  # its own reverse complement
    assert detect_orientation(flanked(20, seed=2, left=flank, right=flank)) is None
    assert detect_orientation(["ACGT"] * 10) is None  # shorter than two flanks


def test_orientation_allows_mismatches_in_the_flanks():
    seqs = flanked(20, seed=3)
    seqs[0] = "T" + seqs[0][1:]  # one mismatch in the first flank (G -> T)
    seqs[1] = reverse_complement(seqs[1])
    found = detect_orientation(seqs)
    assert (found.flank5, found.flank3) == (LEFT, RIGHT)
    assert found.forward[0] and found.reverse[1]
    assert (found.n_forward, found.n_reverse) == (19, 1)
    assert not detect_orientation(seqs, max_mismatches=0).forward[0]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"flank": 0}, "flank must be an int in the range [1, inf), got 0"),
        ({"max_mismatches": -1}, "max_mismatches must be an int in the range [0, inf), got -1"),
        ({"min_share": 1.5}, "min_share must be a float in the range [0.0, 1.0], got 1.5"),
    ],
)
def test_detect_orientation_bad_parameters_name_the_function(params, message):
    with pytest.raises(ValueError, match="^" + re.escape("detect_orientation: " + message) + "$"):
        detect_orientation(["ACGT" * 10] * 5, **params)
