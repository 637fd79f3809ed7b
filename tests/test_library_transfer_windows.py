"""Tests of helpers.library_transfer.windows: the window around the site, a library's constant flanks."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.library_transfer import (
    core_windows,
    shared_flanks,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_transfer_lolo.py"
RESULT = ROOT / "benchmarks" / "results" / "transfer_lolo.json"


def test_core_windows_ignore_flanks(planted_site_library):
    seqs, _ = planted_site_library(20, 3)
    padded = ["GCGCGCGCGCGCGCGCGCGCGCGCGCGCGCGC" + s + "CCCCCCCCCCCCCCCCCCCCCCCCC" for s in seqs]
    plain, wide = core_windows(seqs, flank=5), core_windows(padded, flank=5)
    # a weak planted site can lose to a better-looking one that straddles the new flank
    assert sum(p == w for p, w in zip(plain, wide, strict=True)) >= 16


def test_shared_flanks(planted_site_library):
    seqs, _ = planted_site_library(30, 5)
    up, down = "ACCTCGAGCACG", "TGTGCATACAG"
    assert shared_flanks([up + s + down for s in seqs]) == (up, down)
    assert shared_flanks(["ACGT" * 8, "ACGT" * 8]) == ("ACGT" * 8, "")
    with pytest.raises(ValueError, match="at least 2 sequences"):
        shared_flanks(["ACGT" * 8])
    with pytest.raises(ValueError, match="invalid character"):
        shared_flanks(["ACGT" * 8, "ACGX" * 8])
