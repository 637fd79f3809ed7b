"""Tests of helpers.library_transfer.regressor: ManyLibraryRegressor fits many libraries at once."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from helpers.library_transfer import (
    ManyLibraryRegressor,
    shared_flanks,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_transfer_lolo.py"
RESULT = ROOT / "benchmarks" / "results" / "transfer_lolo.json"


FAST = {"components": ("latent_sum", "booster"), "booster_trees": 30}


@pytest.mark.slow  # tens of seconds of CPU (several converged fits)
def test_fit_is_deterministic_and_clonable(two_site_libraries):
    seqs, y, groups = two_site_libraries
    first = ManyLibraryRegressor(**FAST).fit(seqs, y, groups=groups).predict(seqs)
    second = clone(ManyLibraryRegressor(**FAST)).fit(seqs, y, groups=groups).predict(seqs)
    np.testing.assert_array_equal(first, second)


@pytest.mark.slow  # tens of seconds of CPU (several converged fits)
def test_library_offset_and_scale_are_removed(two_site_libraries):
    """Library b is library-a-like data on another scale: pooled fit equals the fit on z-scores."""
    seqs, y, groups = two_site_libraries
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


def test_training_rows_are_the_rows_drawn(two_site_libraries):
    seqs, y, groups = two_site_libraries
    model = ManyLibraryRegressor(components=("kmer",), max_rows_per_library=40)
    model.fit(seqs, y, groups=groups)
    rows = model.training_rows_
    assert len(rows) == len(set(rows)) == 80
    assert np.sum(rows < 150) == np.sum(rows >= 150) == 40
    refit = ManyLibraryRegressor(components=("kmer",), max_rows_per_library=None)
    kept = [seqs[i] for i in rows]
    refit.fit(kept, y[rows], groups=np.asarray(groups)[rows])
    np.testing.assert_allclose(refit.predict(seqs), model.predict(seqs))


def test_convergence_warning_at_cap(two_site_libraries):
    seqs, y, groups = two_site_libraries
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = ManyLibraryRegressor(components=("latent_sum",), max_iter=2).fit(
            seqs, y, groups=groups
        )
    assert not model.converged_


@pytest.mark.slow  # tens of seconds of CPU (several converged fits)
def test_converged_fit_does_not_warn(two_site_libraries):
    seqs, y, groups = two_site_libraries
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        ManyLibraryRegressor(**FAST).fit(seqs, y, groups=groups)


@pytest.mark.slow  # two fits with a resemblance classifier: several seconds of CPU
def test_target_weighting_changes_rows_drawn(two_site_libraries):
    seqs, y, groups = two_site_libraries
    model = ManyLibraryRegressor(max_rows_per_library=100, **FAST)
    model.fit(seqs, y, groups=groups, target=seqs[150:200])
    assert sum(model.n_rows_.values()) == 200
    assert model.n_rows_["b"] >= model.n_rows_["a"]


COMPONENTS_RULE = (
    "components must be a non-empty tuple of ('latent_sum', 'latent_max', 'booster', 'kmer') "
    "without repeats, got "
)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"components": ("latent_sum", "cnn")}, COMPONENTS_RULE + "('latent_sum', 'cnn')"),
        ({"components": ()}, COMPONENTS_RULE + "()"),
        ({"components": ("booster", "booster")}, COMPONENTS_RULE + "('booster', 'booster')"),
        ({"components": "booster"}, COMPONENTS_RULE + "'booster'"),
        (
            {"normalize": "minmax"},
            "normalize must be one of 'none', 'rank', 'zscore', got 'minmax'",
        ),
        (
            {"max_rows_per_library": 1},
            "max_rows_per_library must be an int in the range [2, inf) or None, got 1",
        ),
        ({"flank": -1}, "flank must be an int in the range [0, inf), got -1"),
        ({"l2": -1.0}, "l2 must be a float in the range [0.0, inf], got -1.0"),
        ({"booster_trees": 0}, "booster_trees must be an int in the range [1, inf), got 0"),
        ({"tol": 0}, "tol must be a float in the range (0.0, inf), got 0"),
        ({"random_state": 1.5}, "random_state must be an int in the range (-inf, inf), got 1.5"),
    ],
)
def test_bad_parameters(two_site_libraries, params, message):
    seqs, y, groups = two_site_libraries
    with pytest.raises(ValueError, match="^" + re.escape(f"ManyLibraryRegressor: {message}") + "$"):
        ManyLibraryRegressor(**params).fit(seqs, y, groups=groups)


def test_bad_input(two_site_libraries):
    seqs, y, groups = two_site_libraries
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
