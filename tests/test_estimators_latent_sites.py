"""Tests of helpers.estimators.latent_sites: the latent-placement regressor."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.pipeline import make_pipeline

from helpers.estimators.latent_sites import LatentSiteRegressor
from helpers.sites.model import BOX
from helpers.sites.scan import _batches, _window_one_hot, encode_codes


def _random_dna(rng, n):
    return "".join(rng.choice(list("ACGT"), n))


def _planted(rng, n_seq=50, length=90, spacer=17):
    """Random sequences with a consensus site planted at a random start."""
    seqs, starts = [], []
    for _ in range(n_seq):
        seq = _random_dna(rng, length)
        start = int(rng.integers(0, length - 12 - spacer))
        site = "TTGACA" + _random_dna(rng, spacer) + "TATAAT"
        seqs.append(seq[:start] + site + seq[start + len(site) :])
        starts.append(start)
    return seqs, np.array(starts)


# --------------------------------------------------------------------------- #
# the latent-placement regressor
# --------------------------------------------------------------------------- #


def _toy_library(seed=0, n=240):
    """Strong promoters carry a consensus site at a random place; the rest are random."""
    rng = np.random.default_rng(seed)
    seqs, _ = _planted(rng, n_seq=n // 2, length=70)
    seqs += [_random_dna(rng, 70) for _ in range(n - n // 2)]
    y = np.r_[np.full(n // 2, -3.0), np.zeros(n - n // 2)] + rng.normal(0, 0.2, n)
    return seqs, y


def test_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    seqs = [_random_dna(rng, int(rng.integers(40, 70))) for _ in range(30)]
    y = rng.normal(size=30)
    codes, lengths = encode_codes(seqs)
    batches = []
    for rows in _batches(lengths):
        sub = codes[rows, : lengths[rows].max() + BOX]
        batches.append((rows, sub, lengths[rows], _window_one_hot(sub, dtype=np.float64)))
    for floor in (True, False):
        model = LatentSiteRegressor(floor=floor, l2=0.01)
        free = model._free_mask()
        theta = (model._initial(y) + rng.normal(0, 0.1, free.size)) * free
        _, grad = model._objective(theta, batches, y, free)
        numeric = np.array(
            [
                (
                    model._objective(theta + step, batches, y, free)[0]
                    - model._objective(theta - step, batches, y, free)[0]
                )
                / 2e-3
                for step in np.eye(free.size) * 1e-3
            ]
        )
        assert np.allclose(grad, numeric, atol=1e-3 * max(1.0, np.abs(grad).max()))


@pytest.mark.slow  # a converged fit: hundreds of L-BFGS iterations
def test_regressor_learns_planted_sites_and_finds_them():
    seqs, y = _toy_library()
    model = LatentSiteRegressor().fit(seqs, y)
    assert model.converged_ and model.n_iter_ < model.max_iter
    assert model.score(seqs, y) > 0.8
    assert model.predict(seqs[:5]).mean() < model.predict(seqs[-5:]).mean()  # lower = stronger
    assert model.weights_.table("minus10").idxmax(axis=1).str.cat() == "TATAAT"
    assert np.isfinite(model.loss_)
    assert model.n_parameters_ == 6 * 4 + 6 * 4 + 3 * 4 + 6 * 4 + 5 + 3
    sites = model.sites(seqs[:10])
    assert sites.shape == (10, 5)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # short fits
def test_regressor_direction_and_variants():
    seqs, y = _toy_library(seed=1)
    up = LatentSiteRegressor(direction=1, max_iter=30).fit(seqs, -y)
    assert up.score(seqs, -y) > 0.7
    for params in [
        {"aggregate": "max"},
        {"floor": False},
        {"discriminator": False, "extended10": False},
    ]:
        model = LatentSiteRegressor(max_iter=20, **params).fit(seqs, y)
        assert np.isfinite(model.predict(seqs)).all()
    plain = LatentSiteRegressor(discriminator=False, extended10=False, max_iter=5).fit(seqs, y)
    assert np.all(plain.weights_.discriminator == 0) and np.all(plain.weights_.extended10 == 0)
    assert plain.floor_ > -np.inf
    assert LatentSiteRegressor(floor=False, max_iter=5).fit(seqs, y).floor_ == -np.inf


@pytest.mark.slow  # five fits of every placement: about 5 s of CPU
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # short fits
def test_regressor_is_a_scikit_learn_estimator():
    seqs, y = _toy_library(seed=2, n=120)
    model = LatentSiteRegressor(max_iter=10)
    assert clone(model).get_params() == model.get_params()
    predicted = cross_val_predict(
        model, pd.Series(seqs), y, cv=KFold(3, shuffle=True, random_state=0)
    )
    assert predicted.shape == (120,)
    pipe = make_pipeline(LatentSiteRegressor(max_iter=5)).fit(np.array(seqs, dtype=object), y)
    assert pipe.predict(seqs[:3]).shape == (3,)
    frame = pd.DataFrame({"sequence": seqs})
    assert LatentSiteRegressor(max_iter=5).fit(frame, y).predict(frame).shape == (120,)
    assert model.__sklearn_tags__().input_tags.string


@pytest.mark.slow  # a converged fit: hundreds of L-BFGS iterations
def test_regressor_is_deterministic():
    seqs, y = _toy_library(seed=3, n=100)
    a = LatentSiteRegressor().fit(seqs, y).predict(seqs)
    b = LatentSiteRegressor().fit(seqs, y).predict(seqs)
    assert np.array_equal(a, b)


@pytest.mark.slow  # a converged fit: hundreds of L-BFGS iterations
def test_regressor_converges_on_a_small_case_and_reports_it():
    seqs, y = _toy_library(seed=4, n=120)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = LatentSiteRegressor(tol=1e-6).fit(seqs, y)
    assert model.converged_
    # at the optimum of the penalised objective the gradient vanishes
    codes, lengths = encode_codes(seqs)
    batches = [
        (rows, codes[rows, : lengths[rows].max() + BOX], lengths[rows], None)
        for rows in _batches(lengths)
    ]
    batches = [(r, c, n, _window_one_hot(c, dtype=np.float64)) for r, c, n, _ in batches]
    free = model._free_mask()
    theta = np.concatenate(
        [np.ravel(w) for w in model.weights_]
        + [[model.intercept_, np.log(model.scale_), model.floor_]]
    )
    _, grad = model._objective(theta, batches, y, free)
    assert np.abs(grad).max() < 1e-4


def test_regressor_warns_at_its_iteration_cap():
    seqs, y = _toy_library(seed=5, n=80)
    with pytest.warns(ConvergenceWarning, match="did not converge in 3 L-BFGS iterations"):
        model = LatentSiteRegressor(max_iter=3).fit(seqs, y)
    assert not model.converged_ and model.n_iter_ == 3


@pytest.mark.slow  # a converged fit: hundreds of L-BFGS iterations
def test_regressor_float32_agrees_with_float64_within_the_output_tolerance():
    seqs, y = _toy_library(seed=6, n=160)
    p64 = LatentSiteRegressor().fit(seqs, y).predict(seqs)
    p32 = LatentSiteRegressor(dtype="float32").fit(seqs, y).predict(seqs)
    assert np.corrcoef(p64, y)[0, 1] == pytest.approx(np.corrcoef(p32, y)[0, 1], abs=0.005)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # short fits
@pytest.mark.parametrize("params", [{}, {"aggregate": "max"}, {"floor": False}])
def test_regressor_to_dict_from_dict_round_trip_through_json(params):
    import json

    seqs, y = _toy_library(seed=7, n=60)
    model = LatentSiteRegressor(max_iter=10, **params).fit(seqs, y)
    data = json.loads(json.dumps(model.to_dict()))  # plain JSON values
    copy = LatentSiteRegressor.from_dict(data)
    assert copy.get_params() == model.get_params()
    assert np.array_equal(copy.predict(seqs), model.predict(seqs))
    assert copy.sites(seqs[:3]).equals(model.sites(seqs[:3]))
    assert copy.n_parameters_ == model.n_parameters_ and copy.converged_ == model.converged_
    assert copy.floor_ == model.floor_
    assert sum(np.size(w) for w in data["weights"].values()) == 6 * 4 * 3 + 3 * 4 + 5


def test_regressor_to_dict_needs_a_fit_and_from_dict_checks_its_input():
    with pytest.raises(NotFittedError):
        LatentSiteRegressor().to_dict()
    seqs, y = _toy_library(seed=8, n=40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        data = LatentSiteRegressor(max_iter=2).fit(seqs, y).to_dict()
    message = "LatentSiteRegressor.from_dict: missing key(s) ['intercept']"
    with pytest.raises(ValueError, match=re.escape(message)):
        LatentSiteRegressor.from_dict({k: v for k, v in data.items() if k != "intercept"})
    bad = {**data, "weights": {**data["weights"], "minus10": [[0.0] * 4] * 5}}
    message = "LatentSiteRegressor.from_dict: weights['minus10'] must have shape (6, 4), got (5, 4)"
    with pytest.raises(ValueError, match=re.escape(message)):
        LatentSiteRegressor.from_dict(bad)
    message = "LatentSiteRegressor: aggregate must be one of 'max', 'sum', got 'mean'"
    with pytest.raises(ValueError, match=re.escape(message)):
        LatentSiteRegressor.from_dict({**data, "params": {**data["params"], "aggregate": "mean"}})


def test_regressor_loads_the_committed_benchmark_fits():
    """The fitted models stored by benchmarks (``to_dict`` in JSON) load and predict."""
    import json
    from pathlib import Path

    results = Path(__file__).resolve().parents[1] / "benchmarks" / "results"
    stored = json.loads((results / "transfer_runs.json").read_text(encoding="utf-8"))
    models = [stored[key]["model"] for key in ("final", "neutral_start")]
    seqs, _ = _toy_library(seed=9, n=10)
    for data in models:
        model = LatentSiteRegressor.from_dict(data)
        assert model.get_params() == data["params"]
        assert np.isfinite(model.predict(seqs)).all()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"aggregate": "mean"}, "aggregate must be one of 'max', 'sum', got 'mean'"),
        ({"direction": 0}, "direction must be one of -1, 1, got 0"),
        ({"l2": -1.0}, "l2 must be a float in the range [0.0, inf), got -1.0"),
        ({"max_iter": 0}, "max_iter must be an int in the range [1, inf), got 0"),
        (
            {"init_scale": "big"},
            "init_scale must be a float in the range (-inf, inf), got 'big'",
        ),
        ({"tol": 0}, "tol must be a float in the range (0.0, inf), got 0"),
        ({"dtype": "float16"}, "dtype must be one of 'float32', 'float64', got 'float16'"),
        ({"floor": "yes"}, "floor must be True or False, got 'yes'"),
    ],
)
def test_regressor_bad_parameters(params, message):
    seqs, y = _toy_library(n=20)
    with pytest.raises(ValueError, match=re.escape(f"LatentSiteRegressor: {message}")):
        LatentSiteRegressor(**params).fit(seqs, y)


def test_regressor_bad_data():
    seqs, y = _toy_library(n=20)
    with pytest.raises(ValueError, match=re.escape("X has 20 sequences but y has 19 values")):
        LatentSiteRegressor().fit(seqs, y[:-1])
    y_nan = y.copy()
    y_nan[4] = np.nan
    with pytest.raises(ValueError, match=re.escape("y must be finite; row 4 is nan")):
        LatentSiteRegressor().fit(seqs, y_nan)
    message = (
        "y must contain numbers, got 'n/a' at position 2; convert the column to numbers first "
        "(e.g. pandas.to_numeric)."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        LatentSiteRegressor().fit(seqs, [*y[:2], "n/a", *y[3:]])
    message = (
        "row 19, position 69: invalid character '-'; sequences may contain only A, C, G, T "
        "and N (either case)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        LatentSiteRegressor().fit([*seqs[:-1], seqs[-1][:-1] + "-"], y)
    message = (
        "row 19: sequence of 4 nt is shorter than 27 nt, the shortest that holds a −35 box, "
        "a 15-nt spacer and a −10 box"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        LatentSiteRegressor().fit([*seqs[:-1], "ACGT"], y)
    with pytest.raises(NotFittedError):
        LatentSiteRegressor().predict(seqs)


# --------------------------------------------------------------------------- #
# chapter 11's committed multi-run result
# --------------------------------------------------------------------------- #


@pytest.mark.slow  # three converged fits on La Fleur: several minutes of CPU
def test_bench_transfer_reproduces():
    """Re-run seed 0, the final fit and the neutral start of benchmarks/bench_transfer.py.

    Numbers are compared within the book's output tolerance (tools/outputs.py:
    max(abs 0.005, rel 1 %)); every verdict word, win count and box word exactly.
    """
    import json
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    result = root / "benchmarks" / "results" / "transfer_runs.json"
    if not result.exists():
        pytest.skip(f"{result} not generated yet (run benchmarks/bench_transfer.py)")
    sys.path.insert(0, str(root / "benchmarks"))
    try:
        from bench_transfer import AGGREGATES, LARGE, full_fit, one_run, summarise
    finally:
        sys.path.pop(0)
    from helpers.datasets import load_lafleur2022_validation

    def close(a, b):
        return a == pytest.approx(b, abs=max(0.005, 0.01 * abs(b)))

    stored_all = json.loads(result.read_text())
    stored = next(r for r in stored_all["runs"] if r["seed"] == 0)
    libraries = {name: load_lafleur2022_validation(name) for name in LARGE}
    fresh = one_run(0, libraries)
    for agg in AGGREGATES:
        assert fresh[f"converged_{agg}"]
        assert fresh[f"clear_wins_{agg}"] == stored[f"clear_wins_{agg}"]
        assert fresh[f"target_{agg}"] == stored[f"target_{agg}"]
        assert close(fresh[f"mean_r_{agg}"], stored[f"mean_r_{agg}"])
    comparisons = [f"{agg}_vs_calc" for agg in AGGREGATES] + ["max_vs_sum"]
    for key in [f"mean_{agg}_vs_calc" for agg in AGGREGATES] + ["mean_max_vs_sum"]:
        assert fresh[key]["verdict"] == stored[key]["verdict"], key
        for part in ("diff", "lo", "hi"):
            assert close(fresh[key][part], stored[key][part]), (key, part)
    for name in LARGE:
        for key in comparisons:
            a, b = fresh["libraries"][name][key], stored["libraries"][name][key]
            assert a["verdict"] == b["verdict"], (name, key)
            for part in ("diff", "lo", "hi"):
                assert close(a[part], b[part]), (name, key, part)
    # the chapter's verdicts, with the fresh run in place of the stored one
    others = [r for r in stored_all["runs"] if r["seed"] != 0]
    summary = summarise([fresh, *others])
    assert summary.keys() == stored_all["summary"].keys()
    for key, value in summary.items():
        if isinstance(value, float):
            assert close(value, stored_all["summary"][key]), key
        else:  # words, counts, per-library words: exactly
            assert value == stored_all["summary"][key], key
    for key, kwargs in [("final", {}), ("neutral_start", {"init_scale": 0.05})]:
        again, before = full_fit(**kwargs), stored_all[key]
        assert again["converged"] and again["aggregate"] == before["aggregate"]
        assert (again["minus35"], again["minus10"]) == (before["minus35"], before["minus10"])
        assert close(again["model"]["intercept"], before["model"]["intercept"])
