"""Tests of helpers.evaluation.ceiling: the noise ceiling, by hand, in simulation and on bad input."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from helpers.evaluation import noise_ceiling


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


# --- noise_ceiling -----------------------------------------------------------------


def test_noise_ceiling_two_replicates_by_hand():
    # rep1 = 1..5, rep2 = 1,3,2,4,5: sum dxdy = 9, sum dx² = sum dy² = 10 -> r = 0.9
    # Spearman-Brown for m = 2: 2*0.9 / 1.9 = 0.947368; ceiling r = sqrt of it
    reps = np.array([[1, 1], [2, 3], [3, 2], [4, 4], [5, 5]], dtype=float)
    ceiling = noise_ceiling(reps)
    assert ceiling.replicate_r == pytest.approx(0.9)
    assert ceiling.reliability == pytest.approx(1.8 / 1.9)
    assert ceiling.r2 == pytest.approx(1.8 / 1.9)
    assert ceiling.r == pytest.approx(math.sqrt(1.8 / 1.9))
    assert (ceiling.n_replicates, ceiling.n_rows, ceiling.n_incomplete) == (2, 5, 0)


def test_noise_ceiling_three_replicates_mean_of_pairs():
    # rep3 = rep1 reversed: pairs r(1,2)=0.9, r(1,3)=-1, r(2,3)=-0.9 -> mean < 0 -> error
    reps = np.array([[1, 1, 5], [2, 3, 4], [3, 2, 3], [4, 4, 2], [5, 5, 1]], dtype=float)
    message = (
        "replicates do not agree (mean pairwise r = -0.333 <= 0): the measurements carry no "
        "reproducible signal, so no ceiling can be estimated."
    )
    with pytest.raises(ValueError, match=exact(message)):
        noise_ceiling(reps)
    # identical third replicate: r = 0.9, 1, 0.9 -> mean 2.8/3; m = 3
    reps[:, 2] = reps[:, 0]
    r_bar = 2.8 / 3
    ceiling = noise_ceiling(reps)
    assert ceiling.replicate_r == pytest.approx(r_bar)
    assert ceiling.reliability == pytest.approx(3 * r_bar / (1 + 2 * r_bar))


def test_noise_ceiling_matches_truth_in_simulation():
    # true signal with variance 1, noise variance 0.25 per replicate, 3 replicates:
    # reliability of the mean = 1 / (1 + 0.25 / 3) = 0.923, r = 0.961
    rng = np.random.default_rng(0)
    truth = rng.normal(size=20_000)
    reps = truth[:, None] + rng.normal(scale=0.5, size=(20_000, 3))
    ceiling = noise_ceiling(reps)
    assert ceiling.r2 == pytest.approx(1 / (1 + 0.25 / 3), abs=0.01)
    actual = np.corrcoef(truth, reps.mean(axis=1))[0, 1]
    assert ceiling.r == pytest.approx(actual, abs=0.01)


def test_noise_ceiling_transform_and_nan_pairwise():
    reps = 10 ** np.array([[1, 1], [2, 3], [3, 2], [4, 4], [5, 5], [6, np.nan]], dtype=float)
    ceiling = noise_ceiling(reps, transform=np.log10)
    # the NaN row is skipped in the only pair, leaving the hand-checked 5 rows
    assert ceiling.replicate_r == pytest.approx(0.9)
    assert ceiling.n_incomplete == 1
    assert ceiling.n_rows == 6


SHAPE = "replicates must be a 2-D array (n sequences, m >= 2 replicates), got shape"
TO_NUMBERS = "convert the column to numbers first (e.g. pandas.to_numeric)."
REPS = [[1.0, 1.1], [2.0, 2.3], [3.0, 2.8], [4.0, 4.2]]


@pytest.mark.parametrize(
    ("reps", "message"),
    [
        (np.ones(5), f"{SHAPE} (5,)."),
        (np.ones((5, 1)), f"{SHAPE} (5, 1)."),
        (
            np.array([[1.0, np.nan], [2.0, np.nan], [3, 3], [4, 4]]),
            "replicate columns 0 and 1 are both measured in only 2 rows; at least 3 are needed.",
        ),
        (
            np.array([[1.0, 2], [1, 3], [1, 4]]),
            "replicate column 0 is constant: no signal to correlate.",
        ),
        (
            [[1.0, 1.1], [2.0, "n/a"], [3.0, 2.8]],
            f"replicates must contain numbers, got 'n/a' at row 1, column 1; {TO_NUMBERS}",
        ),
    ],
    ids=["1-D", "one-column", "too-few-pairs", "constant", "text"],
)
def test_noise_ceiling_bad_input(reps, message):
    with pytest.raises(ValueError, match=exact(message)):
        noise_ceiling(reps)


@pytest.mark.parametrize(
    ("reps", "message"),
    [
        ([[1.0], [2.0], [3.0]], f"{SHAPE} (3, 1)."),
        (
            [[0.0, 1.0], *REPS],
            "replicates has infinite values after transform (first at row 0, column 0); "
            "e.g. log10 of 0. Add a pseudocount or drop those rows.",
        ),
        (
            [[1.0, 1.5], [-2.0, -0.5], [4.0, 3.5], [6.0, 6.5]],
            "replicates has 2 invalid value(s) after transform: measured values became NaN "
            "(first at row 1, column 0: -2.0), e.g. log10 of a negative number. "
            "Fix or drop those rows.",
        ),
        (
            [["a", 1.0], *REPS],
            f"replicates must contain numbers, got 'a' at row 0, column 0; {TO_NUMBERS}",
        ),
    ],
    ids=["one-column", "log-of-zero", "log-of-negative", "text"],
)
def test_noise_ceiling_bad_input_on_the_log_scale(reps, message):
    with pytest.raises(ValueError, match=exact(message)):
        noise_ceiling(reps, transform=np.log10)


def test_noise_ceiling_negative_values_are_fine_without_a_transform():
    # e.g. measurements already on a log scale
    assert noise_ceiling([[1.0, 1.5], [-2.0, -0.5], [4.0, 3.5], [6.0, 6.5]]).n_rows == 4


def test_noise_ceiling_counts_missing_replicates():
    ceiling = noise_ceiling([[1.0, np.nan], *REPS])
    assert ceiling.n_incomplete == 1
    assert ceiling.n_rows == 5


def test_noise_ceiling_missing_values_survive_transform():
    reps = [[1.0, np.nan], [2.0, 2.2], [3.0, 2.9], [4.0, 4.4]]
    assert noise_ceiling(reps, transform=np.log10).n_incomplete == 1


def test_noise_ceiling_transform_must_be_elementwise():
    message = (
        "transform must work element-wise: it turned replicates of shape (3, 2) into shape (6,)."
    )
    with pytest.raises(ValueError, match=exact(message)):
        noise_ceiling([[1.0, 2.0], [2.0, 3.0], [4.0, 5.0]], transform=np.ravel)


def test_noise_ceiling_transform_must_be_callable():
    message = "noise_ceiling: transform must be None or a callable, got 'log10'"
    with pytest.raises(ValueError, match=exact(message)):
        noise_ceiling(REPS, transform="log10")
