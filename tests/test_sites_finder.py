"""Tests of helpers.sites.finder: the σ70 site finder and site agreement."""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers.core.alphabet import codes_to_strings
from helpers.io import load_ground_truth, load_promoters
from helpers.sites.finder import find_sites, site_agreement
from helpers.sites.model import consensus_weights


@pytest.fixture
def planted():
    """``planted(seed, spacer)``: 50 random 90-nt sequences, a consensus site at a known start."""

    def make(seed: int, spacer: int = 17, n_seq: int = 50, length: int = 90):
        rng = np.random.default_rng(seed)
        codes = rng.integers(0, 4, size=(n_seq, length), dtype=np.uint8)
        starts = rng.integers(0, length - 12 - spacer, size=n_seq)
        texts = codes_to_strings(codes)
        site = "TTGACA{}TATAAT"
        seqs = [
            text[:p] + site.format(text[p + 6 : p + 6 + spacer]) + text[p + 12 + spacer :]
            for text, p in zip(texts, starts, strict=True)
        ]
        return seqs, starts

    return make


@pytest.mark.parametrize("spacer", [15, 16, 17, 18, 19])
def test_find_sites_recovers_planted_consensus_sites(planted, spacer):
    seqs, starts = planted(spacer, spacer=spacer)
    # no spacer preference: the default prefers 17 nt, which can beat a perfect
    # site with a 19-nt spacer when a near-consensus hexamer sits two bases away
    sites = find_sites(seqs, consensus_weights(spacer_penalty=0.0))
    assert (sites["minus35_start"].to_numpy() == starts).mean() >= 0.95
    assert (sites["spacer_length"] == spacer).mean() >= 0.95
    assert np.array_equal(
        sites["minus10_start"], sites["minus35_start"] + 6 + sites["spacer_length"]
    )
    assert sites["posterior"].between(0, 1).all()


def test_find_sites_on_the_simulated_library_ground_truth():
    promoters = load_promoters()
    truth = load_ground_truth().elements
    assert list(promoters["id"]) == list(truth["id"])
    sites = find_sites(promoters["sequence"])
    # the simulator mutates each box position with probability 0.3, so some planted
    # boxes are weaker than chance hexamers elsewhere; near-consensus ones are found
    mismatches = {
        name: np.array([sum(a != b for a, b in zip(seq, cons, strict=True)) for seq in truth[col]])
        for name, col, cons in [("10", "minus10_seq", "TATAAT"), ("35", "minus35_seq", "TTGACA")]
    }
    clear = (mismatches["10"] <= 1) & (mismatches["35"] <= 1)
    assert clear.sum() > 1000
    found, planted_at = sites["minus10_start"].to_numpy(), truth["minus10_start"].to_numpy()
    assert site_agreement(found[clear], planted_at[clear], tolerance=0) >= 0.9
    assert site_agreement(found, planted_at, tolerance=1) >= 0.7
    assert (
        site_agreement(
            sites["spacer_length"].to_numpy()[clear], truth["spacer_length"].to_numpy()[clear], 0
        )
        >= 0.9
    )


def test_find_sites_on_lafleur_annotations():
    from helpers.datasets import load_lafleur2022

    promoters = load_lafleur2022()
    sites = find_sites(promoters["sequence"])
    annotated = promoters["up"].str.len() + 6 + promoters["spacer"].str.len()
    assert site_agreement(sites["minus10_start"], annotated) >= 0.8
    consensus = (promoters["box35"] == "TTGACA") & (promoters["box10"] == "TATAAT")
    consensus &= promoters["spacer"].str.len() == 17
    assert site_agreement(sites["minus10_start"][consensus], annotated[consensus], 0) >= 0.95


def test_find_sites_handles_lowercase_n_and_mixed_lengths(planted):
    seqs, starts = planted(1, n_seq=6)
    seqs = [seqs[0].lower(), seqs[1][:60] if starts[1] + 29 <= 60 else seqs[1], "N" * 40, *seqs[3:]]
    sites = find_sites(seqs)
    assert len(sites) == 6
    assert sites.loc[0, "minus35_start"] == starts[0]


def test_find_sites_spacer_subset(planted):
    seqs, _ = planted(2)
    assert (find_sites(seqs, spacers=[16, 18])["spacer_length"].isin([16, 18])).all()


@pytest.mark.parametrize(
    ("spacers", "shown"), [([14, 17], "[14, 17]"), ([], "[]"), (17, "17"), ("17", "'17'")]
)
def test_find_sites_bad_spacers(spacers, shown):
    message = f"find_sites: spacers must be a non-empty subset of (15, 16, 17, 18, 19), got {shown}"
    with pytest.raises(ValueError, match=re.escape(message)):
        find_sites(["A" * 40], spacers=spacers)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            ["ACGT" * 10, "ACGX" + "A" * 40],
            "row 1, position 3: invalid character 'X'; sequences may contain only A, C, G, T "
            "and N (either case)",
        ),
        (
            ["ACGT" * 3],
            "row 0: sequence of 12 nt is shorter than 27 nt, the shortest that holds a −35 box, "
            "a 15-nt spacer and a −10 box",
        ),
        (
            "ACGTACGT",
            "expected a list, array or Series of sequences, got a single str; wrap it in a list: "
            '["ACGTACGT"]',
        ),
        ([], "no sequences: expected at least one"),
        (
            ["A" * 40, None],
            "row 1: expected a sequence string, got a missing value. 1 of 2 sequences are not "
            "strings.",
        ),
    ],
)
def test_find_sites_bad_input(bad, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        find_sites(bad)


def test_site_agreement():
    assert site_agreement([1, 2, 5], [1, 1, 1]) == pytest.approx(0.667)
    assert site_agreement([1, 2, 5], [1, 1, 1], tolerance=0) == pytest.approx(0.333)


def test_site_agreement_bad_input():
    message = (
        "found and annotated must be non-empty 1-D arrays of the same length, got shapes (2,) "
        "and (1,)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        site_agreement([1, 2], [1])
    message = "site_agreement: tolerance must be an int in the range [0, inf), got -1"
    with pytest.raises(ValueError, match=re.escape(message)):
        site_agreement([1, 2], [1, 2], tolerance=-1)
