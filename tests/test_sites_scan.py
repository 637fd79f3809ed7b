"""Tests of helpers.sites.scan: padded base codes and the scoring of every placement."""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers.core.alphabet import encode_codes as alphabet_codes
from helpers.sites.model import BOX, SPACERS, consensus_weights
from helpers.sites.scan import _batches, _best_sites, _scan, _window_one_hot, encode_codes


def test_encode_codes():
    codes, lengths = encode_codes(["acgtN", "TT"])
    assert codes[0, :5].tolist() == [0, 1, 2, 3, 4]
    assert codes[1, 2:].tolist() == [4] * (codes.shape[1] - 2)
    assert lengths.tolist() == [5, 2]
    assert codes.shape == (2, 5 + BOX)


def test_encode_codes_uses_the_one_byte_table():
    text = "ACGTNacgtn"
    codes, _ = encode_codes([text])
    assert codes[0, : len(text)].tolist() == alphabet_codes(text).tolist()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            ["ACGTACGT", "AC→T"],
            "row 1, position 2: invalid character '→'; sequences may contain only A, C, G, T "
            "and N (either case)",
        ),
        ([], "no sequences: expected at least one"),
    ],
)
def test_encode_codes_bad_input(bad, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        encode_codes(bad)


def test_encode_codes_min_length_names_the_row():
    message = (
        "row 1: sequence of 4 nt is shorter than 27 nt, the shortest that holds a −35 box, "
        "a 15-nt spacer and a −10 box"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        encode_codes(["A" * 30, "ACGT"], min_length=27)


def test_batches_cover_every_row_once_grouped_by_length():
    lengths = np.array([40, 90, 41, 300, 88, 42, 301, 39])
    batches = _batches(lengths)
    assert sorted(np.concatenate(batches).tolist()) == list(range(len(lengths)))
    assert all(np.ptp(lengths[rows]) < np.ptp(lengths) for rows in batches)


def test_matrix_product_and_table_lookup_scores_agree():
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGTN"), int(rng.integers(30, 60)))) for _ in range(8)]
    codes, lengths = encode_codes(seqs)
    weights = consensus_weights()
    looked_up = _scan(codes, lengths, weights, dtype=np.float64)
    windows = _window_one_hot(codes, dtype=np.float64)
    multiplied = _scan(codes, lengths, weights, windows=windows, dtype=np.float64)
    assert looked_up.shape == (len(SPACERS), 8, codes.shape[1] - BOX - 12 - min(SPACERS) + 1)
    assert np.array_equal(np.isinf(looked_up), np.isinf(multiplied))
    finite = np.isfinite(looked_up)
    assert np.allclose(looked_up[finite], multiplied[finite])


def test_best_site_of_a_planted_consensus():
    seq = "GGGGGGTTGACAATTAATCATCGGCTCGATATAATGTGTGGAAAA"
    codes, lengths = encode_codes([seq])
    spacer_index, start, score = _best_sites(_scan(codes, lengths, consensus_weights()))
    assert (SPACERS[int(spacer_index[0])], int(start[0])) == (17, 6)
    assert score[0] == pytest.approx(13.0)  # 12 box bases, the "G" of "TGn", spacer 17: no penalty
