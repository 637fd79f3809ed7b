"""Tests of helpers.library_transfer: many-library transfer and its nested LOLO benchmark."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from helpers.library_transfer import (
    ManyLibraryRegressor,
    core_windows,
    normalize_within,
    shared_flanks,
    target_resemblance,
)
from tools.outputs import values_match

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_transfer_lolo.py"
RESULT = ROOT / "benchmarks" / "results" / "transfer_lolo.json"


def _library(n: int, seed: int, flank_left: int = 10, flank_right: int = 20):
    """Random promoters with a planted σ70 site whose strength sets the target."""
    rng = np.random.default_rng(seed)
    seqs, y = [], []
    for _ in range(n):
        core = list(rng.choice(list("ACGT"), 6 + 17 + 6))
        strength = rng.integers(0, 7)
        consensus = "TTGACA" + "N" * 17 + "TATAAT"
        matched = rng.choice(np.r_[0:6, 23:29], size=strength, replace=False)
        for position in matched:
            core[position] = consensus[position]
        left = "".join(rng.choice(list("ACGT"), flank_left))
        right = "".join(rng.choice(list("ACGT"), flank_right))
        seqs.append(left + "".join(core) + right)
        y.append(-float(strength) + rng.normal(0, 0.3))
    return seqs, np.array(y)


def _two_libraries():
    a, ya = _library(150, 0)
    b, yb = _library(150, 1, flank_left=30, flank_right=40)
    return a + b, np.r_[ya, 10.0 + 5.0 * yb], ["a"] * 150 + ["b"] * 150


FAST = {"components": ("latent_sum", "booster"), "booster_trees": 30}


def test_normalize_within_zscore_and_rank():
    y = np.array([1.0, 2.0, 3.0, 100.0, 200.0, 300.0])
    groups = ["a"] * 3 + ["b"] * 3
    z = normalize_within(y, groups)
    np.testing.assert_allclose(z[:3], z[3:])
    r = normalize_within(y, groups, "rank")
    np.testing.assert_allclose(r[:3], r[3:])
    assert r[0] < 0 < r[2]


@pytest.mark.parametrize(
    ("y", "groups", "method", "match"),
    [
        ([1.0, 2.0], ["a"], "zscore", "groups has 1"),
        ([1.0, np.nan], ["a", "a"], "zscore", "finite"),
        ([1.0, 2.0], ["a", "a"], "minmax", "method"),
        ([1.0, 1.0, 2.0, 3.0], ["a", "a", "b", "b"], "zscore", "library 'a'"),
    ],
)
def test_normalize_within_bad_input(y, groups, method, match):
    with pytest.raises(ValueError, match=match):
        normalize_within(y, groups, method)


def test_core_windows_ignore_flanks():
    seqs, _ = _library(20, 3)
    padded = ["GCGCGCGCGCGCGCGCGCGCGCGCGCGCGCGC" + s + "CCCCCCCCCCCCCCCCCCCCCCCCC" for s in seqs]
    plain, wide = core_windows(seqs, flank=5), core_windows(padded, flank=5)
    # a weak planted site can lose to a better-looking one that straddles the new flank
    assert sum(p == w for p, w in zip(plain, wide, strict=True)) >= 16


def test_target_resemblance_prefers_similar_rows():
    rng = np.random.default_rng(0)
    at = ["".join(rng.choice(list("AATTCG"), 60)) for _ in range(60)]
    gc = ["".join(rng.choice(list("GGCCAT"), 60)) for _ in range(60)]
    w = target_resemblance(at + gc, at[:30])
    assert w[:60].mean() > w[60:].mean() + 0.1  # mild: the classifier is penalised (C=1)
    assert w.mean() == pytest.approx(1.0)


@pytest.mark.slow  # tens of seconds of CPU (several converged fits)
def test_fit_is_deterministic_and_clonable():
    seqs, y, groups = _two_libraries()
    first = ManyLibraryRegressor(**FAST).fit(seqs, y, groups=groups).predict(seqs)
    second = clone(ManyLibraryRegressor(**FAST)).fit(seqs, y, groups=groups).predict(seqs)
    np.testing.assert_array_equal(first, second)


@pytest.mark.slow  # tens of seconds of CPU (several converged fits)
def test_library_offset_and_scale_are_removed():
    """Library b is library-a-like data on another scale: pooled fit equals the fit on z-scores."""
    seqs, y, groups = _two_libraries()
    model = ManyLibraryRegressor(**FAST).fit(seqs, y, groups=groups)
    assert model.converged_
    pred = model.predict(seqs)
    # standardised scale: each library's predictions centre near 0 whatever its units
    for lab in ("a", "b"):
        rows = np.asarray(groups) == lab
        assert abs(pred[rows].mean()) < 0.3
        assert np.corrcoef(pred[rows], y[rows])[0, 1] > 0.7
    with warnings.catch_warnings():  # unstandardised, library b's scale stalls the fit
        warnings.simplefilter("ignore", ConvergenceWarning)
        raw = ManyLibraryRegressor(normalize="none", **FAST).fit(seqs, y, groups=groups)
    within = [
        np.corrcoef(raw.predict(seqs)[rows], y[rows])[0, 1]
        for rows in (np.asarray(groups) == "a", np.asarray(groups) == "b")
    ]
    assert np.corrcoef(pred[:150], y[:150])[0, 1] >= min(within) - 0.05


#: Largest drop in r allowed when held-out promoters sit in another library's flanks.
PADDED_R_BOUND = 0.05


@pytest.mark.slow  # tens of seconds of CPU (several converged fits)
def test_padded_flanks_do_not_cost_accuracy():
    """Held-out La Fleur promoters inside another library's constant flanks are predicted as well.

    The flanks are read from the data: Lagator's random-36N constructs share 40 nt on
    each side of the variable stretch (:func:`shared_flanks`), and Hossain's file
    annotates the constant sequence around each promoter.
    """
    from helpers.datasets import load_lafleur2022, load_lafleur2022_validation

    lafleur = load_lafleur2022().sample(800, random_state=0)
    model = ManyLibraryRegressor(**FAST).fit(lafleur["sequence"], lafleur["observed"])
    assert model.converged_
    seen = set(lafleur.index[model.training_rows_])
    test = load_lafleur2022().drop(index=list(seen)).sample(600, random_state=1)
    r_plain = np.corrcoef(model.predict(test["sequence"]), test["observed"])[0, 1]
    assert r_plain > 0.3
    lagator_up, lagator_down = shared_flanks(load_lafleur2022_validation("lagator_36n")["sequence"])
    hossain = load_lafleur2022_validation("hossain")
    flanks = {
        "lagator_36n": (lagator_up, lagator_down),
        "hossain": (hossain["upstream"].iloc[0], hossain["downstream"].iloc[0]),
    }
    assert hossain["upstream"].nunique() == hossain["downstream"].nunique() == 1
    for name, (up, down) in flanks.items():
        assert len(up) + len(down) >= 50, name  # the constructs really are longer
        padded = [up + s + down for s in test["sequence"]]
        r_padded = np.corrcoef(model.predict(padded), test["observed"])[0, 1]
        assert abs(r_padded - r_plain) <= PADDED_R_BOUND, (name, r_plain, r_padded)


def test_shared_flanks():
    seqs, _ = _library(30, 5)
    up, down = "ACCTCGAGCACG", "TGTGCATACAG"
    assert shared_flanks([up + s + down for s in seqs]) == (up, down)
    assert shared_flanks(["ACGT" * 8, "ACGT" * 8]) == ("ACGT" * 8, "")
    with pytest.raises(ValueError, match="at least 2 sequences"):
        shared_flanks(["ACGT" * 8])
    with pytest.raises(ValueError, match="invalid character"):
        shared_flanks(["ACGT" * 8, "ACGX" * 8])


def test_training_rows_are_the_rows_drawn():
    seqs, y, groups = _two_libraries()
    model = ManyLibraryRegressor(components=("kmer",), max_rows_per_library=40)
    model.fit(seqs, y, groups=groups)
    rows = model.training_rows_
    assert len(rows) == len(set(rows)) == 80
    assert np.sum(rows < 150) == np.sum(rows >= 150) == 40
    refit = ManyLibraryRegressor(components=("kmer",), max_rows_per_library=None)
    kept = [seqs[i] for i in rows]
    refit.fit(kept, y[rows], groups=np.asarray(groups)[rows])
    np.testing.assert_allclose(refit.predict(seqs), model.predict(seqs))


def test_convergence_warning_at_cap():
    seqs, y, groups = _two_libraries()
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = ManyLibraryRegressor(components=("latent_sum",), max_iter=2).fit(
            seqs, y, groups=groups
        )
    assert not model.converged_


@pytest.mark.slow  # tens of seconds of CPU (several converged fits)
def test_converged_fit_does_not_warn():
    seqs, y, groups = _two_libraries()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        ManyLibraryRegressor(**FAST).fit(seqs, y, groups=groups)


def test_target_weighting_changes_rows_drawn():
    seqs, y, groups = _two_libraries()
    model = ManyLibraryRegressor(max_rows_per_library=100, **FAST)
    model.fit(seqs, y, groups=groups, target=seqs[150:200])
    assert sum(model.n_rows_.values()) == 200
    assert model.n_rows_["b"] >= model.n_rows_["a"]


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"components": ("latent_sum", "cnn")}, "components"),
        ({"components": ()}, "components"),
        ({"components": ("booster", "booster")}, "components must be free of repeats"),
        ({"normalize": "minmax"}, "normalize"),
        ({"max_rows_per_library": 1}, "max_rows_per_library"),
        ({"flank": -1}, "flank"),
        ({"l2": -1.0}, "l2"),
        ({"booster_trees": 0}, "booster_trees"),
        ({"tol": 0}, "tol"),
    ],
)
def test_bad_parameters(params, match):
    seqs, y, groups = _two_libraries()
    with pytest.raises(ValueError, match=f"ManyLibraryRegressor: {match}"):
        ManyLibraryRegressor(**params).fit(seqs, y, groups=groups)


def test_bad_input():
    seqs, y, groups = _two_libraries()
    with pytest.raises(ValueError, match="groups must hold one library label"):
        ManyLibraryRegressor(**FAST).fit(seqs, y, groups=groups[:-1])
    with pytest.raises(ValueError, match="values"):
        ManyLibraryRegressor(**FAST).fit(seqs, y[:-1], groups=groups)
    with pytest.raises(ValueError, match="invalid character"):
        ManyLibraryRegressor(**FAST).fit([*seqs[:-1], "ACGTX" * 10], y, groups=groups)
    with pytest.raises(ValueError, match="shorter than 27"):
        ManyLibraryRegressor(**FAST).fit([*seqs[:-1], "ACGT"], y, groups=groups)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        ManyLibraryRegressor().predict(seqs)


@pytest.mark.slow
def test_bench_reproduces():
    """One outer fold (seed 0, Yu) re-run matches the committed result within the tolerance.

    The fold makes every choice again (combination, placement rule, weighting): several
    minutes of CPU.
    """
    if not RESULT.exists():
        pytest.skip(f"{RESULT} not committed")
    stored = next(r for r in json.loads(RESULT.read_text())["runs"] if r["seed"] == 0)
    fold = stored["folds"]["yu"]
    out = subprocess.run(
        [sys.executable, str(BENCH), "--seed", "0", "--library", "yu"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    rerun = json.loads(out.stdout)["folds"]["yu"]
    assert rerun["chosen"] == fold["chosen"] and rerun["weighting"] == fold["weighting"]
    assert rerun["converged"] and fold["converged"]
    for name, entry in fold["models"].items():
        for key in ("r", "lo", "hi"):
            assert values_match(round(entry[key], 3), round(rerun["models"][name][key], 3)), (
                name,
                key,
                entry[key],
                rerun["models"][name][key],
            )
    pd.testing.assert_series_equal(
        pd.Series(fold["inner_mean_r"]).round(3),
        pd.Series(rerun["inner_mean_r"]).round(3),
        atol=0.01,
    )


@pytest.mark.slow
def test_placement_bench_reproduces():
    """The placement benchmark's fold (seed 0, Yu) re-run matches the committed result."""
    result = ROOT / "benchmarks" / "results" / "transfer_lolo_placement.json"
    if not result.exists():
        pytest.skip(f"{result} not committed")
    stored = next(r for r in json.loads(result.read_text())["runs"] if r["seed"] == 0)
    fold = stored["folds"]["yu"]
    out = subprocess.run(
        [sys.executable, str(BENCH), "--placement", "--seed", "0", "--library", "yu"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    rerun = json.loads(out.stdout)["folds"]["yu"]
    assert rerun["chosen"] == fold["chosen"] and rerun["converged"] and fold["converged"]
    for rule in ("sum", "max"):
        for key in ("r", "inner_mean_r"):
            assert values_match(round(fold[key][rule], 3), round(rerun[key][rule], 3)), (rule, key)
    for name in ("chosen_minus_calc", "max_minus_sum"):
        for key in ("lo", "hi"):
            assert values_match(round(fold[name][key], 3), round(rerun[name][key], 3)), (name, key)
