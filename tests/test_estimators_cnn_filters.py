"""Tests of helpers.estimators.cnn_filters: a CNN's filters read as motifs (no network fitted)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers.estimators.cnn_filters import filter_match, filter_to_pwm, motif_onehot

#: The bar test_estimators_cnn.py sets for a trained filter (its FILTER_MATCH_THRESHOLD).
FILTER_MATCH_THRESHOLD = 0.75


def test_filter_match_finds_planted_filter():
    rng = np.random.default_rng(1)
    noise = rng.normal(scale=0.1, size=(3, 8, 4))
    noise[2, 1:7] += 2 * motif_onehot("TTGACA")  # motif starts at filter position 1
    score, best, offset = filter_match(noise, "TTGACA")
    assert best == 2 and offset == -1 and score > 0.9


def test_filter_match_random_filters_score_low():
    """The best of 16 random filters stays below the bar in 99% of draws (median about 0.41)."""
    rng = np.random.default_rng(0)
    scores = [filter_match(rng.normal(size=(16, 6, 4)), "TATAAT")[0] for _ in range(200)]
    assert np.quantile(scores, 0.99) < FILTER_MATCH_THRESHOLD


@pytest.mark.parametrize(
    ("weights", "consensus", "message"),
    [
        (np.zeros((6, 4)), "TATAAT", "weights must have shape (n_filters, k, 4), got (6, 4)"),
        (
            np.zeros((1, 6, 4)),
            "TAWAAT",
            "motif_onehot: consensus must be a non-empty string of A, C, G, T, got 'TAWAAT'",
        ),
        (
            np.zeros((1, 6, 4)),
            "",
            "motif_onehot: consensus must be a non-empty string of A, C, G, T, got ''",
        ),
    ],
    ids=["2-D-weights", "IUPAC-consensus", "empty-consensus"],
)
def test_filter_match_bad_input(weights, consensus, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        filter_match(weights, consensus)


def test_motif_onehot_reads_either_case():
    np.testing.assert_array_equal(motif_onehot("ta"), motif_onehot("TA"))


def test_filter_to_pwm_rows_sum_to_one():
    pwm = filter_to_pwm(np.random.default_rng(0).normal(size=(2, 6, 4)))
    np.testing.assert_allclose(pwm.sum(axis=-1), 1.0)
