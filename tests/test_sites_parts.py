"""Tests of helpers.sites.parts: La Fleur's six parts and chapter 07's aligned features."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.sites.finder import find_sites
from helpers.sites.parts import ALIGNED_LAYOUT, PART_NAMES, aligned_parts, parts_from_sites

PROMOTER = "GGGGGGTTGACAATTAATCATCGGCTCGATATAATGTGTGGAAAA"


def test_parts_from_annotated_sites_rebuild_lafleur_parts():
    from helpers.datasets import load_lafleur2022

    promoters = load_lafleur2022().iloc[:300]
    sites = pd.DataFrame(
        {
            "minus35_start": promoters["up"].str.len(),
            "minus10_start": promoters["up"].str.len() + 6 + promoters["spacer"].str.len(),
        }
    )
    parts = parts_from_sites(promoters["sequence"], sites)
    for name in ["up", "box35", "spacer", "box10"]:
        assert (parts[name].to_numpy() == promoters[name].to_numpy()).all()
    assert "".join(parts.iloc[0]) == promoters["sequence"].iloc[0][: len("".join(parts.iloc[0]))]
    table = aligned_parts(parts)
    assert table.shape == (300, 75)
    assert table["spacer_length"].tolist() == promoters["spacer"].str.len().tolist()


def test_aligned_parts_codes_padding_and_n_alike():
    parts = pd.DataFrame(
        [["AC", "TTGACA", "A" * 17, "TATAAT", "GN", "acgt"]], columns=list(PART_NAMES)
    )
    table = aligned_parts(parts)
    assert table.shape[1] == sum(width for width, _ in ALIGNED_LAYOUT.values()) + 2
    assert table.loc[0, ["up_-3", "up_-2", "up_-1"]].tolist() == [4, 0, 1]  # padding, A, C
    assert table.loc[0, ["discriminator_1", "discriminator_2", "discriminator_3"]].tolist() == [
        2,
        4,
        4,
    ]  # G, N, padding
    assert table.loc[0, ["itr_1", "itr_4", "itr_5"]].tolist() == [0, 3, 4]  # lower case read
    assert str(table["up_-1"].dtype) == "int8"


def test_parts_from_sites_bad_input():
    seqs = [PROMOTER, PROMOTER[1:], PROMOTER[2:]]
    with pytest.raises(ValueError, match=re.escape("3 sequences but 2 rows of sites")):
        parts_from_sites(seqs, find_sites(seqs[:2]))
    message = "parts_from_sites: itr must be an int in the range [0, inf), got -1"
    with pytest.raises(ValueError, match=re.escape(message)):
        parts_from_sites(seqs, find_sites(seqs), itr=-1)


def test_aligned_parts_bad_input():
    message = (
        "parts lacks column(s) ['box35', 'spacer', 'box10', 'discriminator', 'itr']; expected "
        "['up', 'box35', 'spacer', 'box10', 'discriminator', 'itr']"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        aligned_parts(pd.DataFrame({"up": ["A"]}))
    parts = pd.DataFrame(
        [["AAAA", "TTGACA", "A" * 17, "TATAAT", "GG", "C" * 5]], columns=list(PART_NAMES)
    )
    for bad in ["CCXCC", "CC→CC"]:
        parts.loc[0, "itr"] = bad
        with pytest.raises(
            ValueError, match=re.escape("row 0: part 'itr' has a character other than ACGTN")
        ):
            aligned_parts(parts)
