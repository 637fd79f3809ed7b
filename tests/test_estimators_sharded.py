"""Tests of helpers.estimators.sharded: ShardedRidge and ShardedSGDRegressor on Parquet shards.

The exact ridge equals an in-memory ridge and is bitwise reproducible across
schedulers; its penalty is chosen on validation shards (near ties go to the
largest); the streaming SGD model converges to its tolerance or warns at its
cap; parameters are checked declaratively. The ``shards`` fixture (5 shards of
500 simulated promoters) is in tests/conftest.py.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score

from helpers.estimators.sharded import ShardedRidge, ShardedSGDRegressor
from helpers.features.kmers import KmerVectorizer
from helpers.scale import read_shard

N, SHARD = 2_500, 500  # the shards fixture's rows and rows per shard


def _write(path, frame):
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


def test_sharded_ridge_equals_in_memory_ridge(shards):
    vec = KmerVectorizer(k=(1, 3))
    model = ShardedRidge(vec, alphas=(10.0,), scheduler="threads").fit(shards)
    whole = pd.concat([read_shard(p) for p in shards], ignore_index=True)
    X = vec.fit_transform(whole["sequence"]).toarray().astype(float)
    ref = Ridge(alpha=10.0, solver="cholesky").fit(X, whole["expression"])
    rel = np.abs(model.coef_ - ref.coef_).max() / np.abs(ref.coef_).max()
    assert rel <= 1e-6
    assert model.intercept_ == pytest.approx(ref.intercept_, rel=1e-6, abs=1e-9)
    assert model.n_train_ == N
    np.testing.assert_allclose(
        model.predict(whole["sequence"][:10]), ref.predict(X[:10]), rtol=1e-6
    )


def test_fit_is_bitwise_reproducible_across_schedulers(shards):
    vec = KmerVectorizer(k=2)
    a = ShardedRidge(vec, alphas=(1.0,), scheduler="synchronous").fit(shards)
    b = ShardedRidge(vec, alphas=(1.0,), scheduler="threads").fit(shards)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.intercept_ == b.intercept_


def test_alpha_chosen_on_validation_and_scores_from_statistics(shards):
    vec = KmerVectorizer(k=3)
    model = ShardedRidge(vec, alphas=(0.1, 100.0, 1e6), scheduler="threads")
    model.fit(shards[:3], validation_shards=shards[3:4])
    scores = model.validation_scores_
    assert list(scores.index) == [0.1, 100.0, 1e6]
    best = scores["mse"].min()
    tied = scores.index[scores["mse"] <= best * (1 + model.selection_tol)]
    assert model.alpha_ == max(tied)

    held_out = model.score_shards(shards[4:])
    frame = read_shard(shards[4])
    pred = model.predict(frame["sequence"])
    assert held_out["n"] == SHARD
    assert held_out["pearson_r"] == pytest.approx(np.corrcoef(pred, frame["expression"])[0, 1])
    assert held_out["r2"] == pytest.approx(r2_score(frame["expression"], pred))
    assert held_out["pearson_r"] > 0.3


def test_alpha_near_ties_go_to_the_largest_penalty(shards):
    vec = KmerVectorizer(k=2)
    stats = ShardedRidge(vec, alphas=(1.0,), scheduler="synchronous").fit(shards[:3]).stats_
    val = ShardedRidge(vec, alphas=(1.0,), scheduler="synchronous").fit(shards[3:4]).stats_
    strict = ShardedRidge(vec, alphas=(0.01, 0.1, 1.0), selection_tol=0).fit_stats(stats, val)
    loose = ShardedRidge(vec, alphas=(0.01, 0.1, 1.0), selection_tol=0.05).fit_stats(stats, val)
    mse = strict.validation_scores_["mse"]
    assert strict.alpha_ == mse.idxmin()
    assert (mse.max() - mse.min()) / mse.min() < 0.05  # 2-mers barely need a penalty
    assert loose.alpha_ == 1.0
    with pytest.raises(
        ValueError,
        match=exact("ShardedRidge: selection_tol must be a float in the range [0.0, inf), got -1"),
    ):
        ShardedRidge(vec, alphas=(0.1, 1.0), selection_tol=-1).fit_stats(stats, val)
    with pytest.raises(
        ValueError, match=exact("ShardedRidge: several alphas but no validation statistics")
    ):
        ShardedRidge(vec, alphas=(0.1, 1.0)).fit_stats(stats)


def test_ridge_parameter_errors(shards):
    message = (
        "ShardedRidge: 2 alphas to choose from but no validation shards; pass validation_shards "
        "or a single alpha"
    )
    with pytest.raises(ValueError, match=exact(message)):
        ShardedRidge(alphas=(1.0, 2.0), scheduler="synchronous").fit(shards[:2])
    message = f"ShardedRidge: shard used for training and validation: {shards[1]}"
    with pytest.raises(ValueError, match=exact(message)):
        ShardedRidge(alphas=(1.0, 2.0), scheduler="synchronous").fit(shards[:2], shards[1:3])
    with pytest.raises(ValueError, match=exact("no training shards given")):
        ShardedRidge(alphas=(1.0,)).fit([])
    not_fitted = "instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator."
    with pytest.raises(NotFittedError, match=exact(f"This ShardedRidge {not_fitted}")):
        ShardedRidge().predict(["ACGT"])
    with pytest.raises(NotFittedError, match=exact(f"This ShardedSGDRegressor {not_fitted}")):
        ShardedSGDRegressor().score_shards(shards[:1])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"alphas": ()}, "alphas must be a non-empty sequence of positive numbers, got ()"),
        (
            {"alphas": (1.0, -2.0)},
            "alphas must be a non-empty sequence of positive numbers, got (1.0, -2.0)",
        ),
        ({"split_every": 1}, "split_every must be an int in the range [2, inf), got 1"),
        ({"chunk_rows": 0}, "chunk_rows must be an int in the range [1, inf), got 0"),
        ({"progress": "yes"}, "progress must be True or False, got 'yes'"),
        (
            {"vectorizer": "kmers"},
            "vectorizer must be None or an object implementing 'transform', got 'kmers'",
        ),
    ],
)
def test_ridge_bad_parameters(shards, params, message):
    with pytest.raises(ValueError, match=exact(f"ShardedRidge: {message}")):
        ShardedRidge(**params).fit(shards[:1])


def test_sharded_estimators_are_scikit_learn_estimators():
    from sklearn.base import BaseEstimator, clone

    model = ShardedRidge(KmerVectorizer(k=2), alphas=(1.0,), chunk_rows=100)
    assert isinstance(model, BaseEstimator)
    assert clone(model).get_params()["chunk_rows"] == 100
    assert "chunk_rows=100" in repr(model)
    sgd = clone(ShardedSGDRegressor(tol=0.05))
    assert isinstance(sgd, BaseEstimator) and sgd.tol == 0.05


def test_bad_shard_error_reaches_the_fit(shards, tmp_path):
    frame = read_shard(shards[0])
    frame.loc[17, "sequence"] = "ACGT-" + frame.loc[17, "sequence"][5:]
    bad = _write(tmp_path / "part-00099.parquet", frame)
    message = (
        f"shard {bad}: row 17, column 'sequence': invalid character '-' at position 4 "
        "(0-based); allowed: 'ACGTN'. 1 of 500 sequences have invalid characters."
    )
    with pytest.raises(ValueError, match=exact(message)):
        ShardedRidge(alphas=(1.0,), scheduler="synchronous").fit([shards[1], bad])


def test_sgd_streaming_model_learns(shards):
    model = ShardedSGDRegressor(KmerVectorizer(k=3), batch_size=250, scheduler="threads")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # it converges within its cap
        model.fit(shards[:4])
    assert model.converged_
    assert model.coef_change_[-1] <= model.tol < min(model.coef_change_[:-1])
    assert model.n_epochs_ == len(model.coef_change_) >= 2
    assert model.n_train_ == 4 * SHARD
    scores = model.score_shards(shards[4:])
    assert scores["n"] == SHARD
    assert scores["pearson_r"] > 0.3
    assert model.predict(["A" * 100, "T" * 100]).shape == (2,)


def test_sgd_warns_at_its_epoch_cap(shards):
    model = ShardedSGDRegressor(
        KmerVectorizer(k=3), max_epochs=2, tol=1e-12, batch_size=250, scheduler="synchronous"
    )
    with pytest.warns(ConvergenceWarning, match=r"max_epochs=2 before converging") as record:
        model.fit(shards[:1])
    assert not model.converged_
    assert model.n_epochs_ == 2
    # the warning points at the caller's line, not at helpers' code
    assert [w.filename for w in record] == [__file__]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"max_epochs": 0}, "max_epochs must be an int in the range [1, inf), got 0"),
        ({"max_epochs": 2.5}, "max_epochs must be an int in the range [1, inf), got 2.5"),
        ({"max_epochs": True}, "max_epochs must be an int in the range [1, inf), got True"),
        ({"tol": 0}, "tol must be a float in the range (0.0, inf), got 0"),
        ({"tol": float("nan")}, "tol must be a float in the range (0.0, inf), got nan"),
        ({"tol": float("inf")}, "tol must be a float in the range (0.0, inf), got inf"),
    ],
)
def test_sgd_bad_parameters(shards, params, message):
    with pytest.raises(ValueError, match=exact(f"ShardedSGDRegressor: {message}")):
        ShardedSGDRegressor(**params).fit(shards[:1])


def test_progress_bar_goes_to_stderr(shards, capsys):
    from distributed import Client, LocalCluster

    model = ShardedRidge(KmerVectorizer(k=2), alphas=(1.0,), scheduler="threads", progress=True)
    model.fit(shards[:2])
    out = capsys.readouterr()
    assert out.out == "" and "100%" in out.err
    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as c,
        Client(c),
    ):
        scores = ShardedRidge(KmerVectorizer(k=2), alphas=(1.0,), progress=True).fit(shards[:2])
        scores = scores.score_shards(shards[2:3])
    assert scores["n"] == SHARD
    assert capsys.readouterr().out == ""
