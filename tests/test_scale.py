"""Tests of helpers.scale: deterministic shards, exact sharded ridge, bad shards, SGD."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score

from helpers.encoding import KmerVectorizer
from helpers.estimators.ridge_stats import ridge_from_stats
from helpers.scale import (
    RidgeStats,
    ShardedRidge,
    ShardedSGDRegressor,
    list_shards,
    log_rate,
    read_shard,
    simulate_batch,
    tree_reduce,
    tsv_to_shards,
    write_promoter_shards,
)
from helpers.simulate import PromoterModel, simulate_promoters

N, SHARD = 2_500, 500


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    return write_promoter_shards(
        tmp_path_factory.mktemp("shards"), N, shard_size=SHARD, scheduler="synchronous"
    )


def _bytes(paths):
    return [p.read_bytes() for p in paths]


# --------------------------------------------------------------------------- #
# simulation
# --------------------------------------------------------------------------- #


def test_log_rate_is_the_simulators_model():
    """The vectorised model gives the simulator's noise-free expression exactly."""
    model = PromoterModel()
    promoters, elements = simulate_promoters(n=500, random_state=3, model=model)
    table = str.maketrans("ACGT", "\0\1\2\3")
    text = "".join(promoters["sequence"]).translate(table).encode()
    codes = np.frombuffer(text, dtype=np.uint8).reshape(len(promoters), model.length)
    p = np.exp(log_rate(codes, elements["spacer_length"].to_numpy(), model))
    true_expr = np.round(np.log10(model.basal + model.vmax * p / (1 + p)), 4)
    np.testing.assert_array_equal(true_expr, elements["true_expression"].to_numpy())


def test_simulate_batch_is_the_simulator():
    """The shard writer's batches are simulate_promoters' rows (one simulator, one stream)."""
    seqs, expr = simulate_batch(3000, np.random.default_rng(2))
    promoters = simulate_promoters(n=3000, random_state=2)[0]
    assert seqs.dtype == np.uint8 and set(np.unique(seqs).tobytes()) <= set(b"ACGT")
    text = seqs.view("S100").ravel().astype(str).tolist()
    assert text == promoters["sequence"].tolist()
    np.testing.assert_array_equal(expr, promoters["expression"].to_numpy())


def test_shard_rows_come_from_the_simulator(shards):
    """Shard i holds simulate_batch's draws from the i-th child seed."""
    rng = np.random.default_rng(np.random.SeedSequence(2022, spawn_key=(1,)))
    seqs, expr = simulate_batch(SHARD, rng)
    frame = read_shard(shards[1])
    assert frame["sequence"].tolist() == seqs.view("S100").ravel().astype(str).tolist()
    np.testing.assert_array_equal(frame["expression"].to_numpy(), expr)
    assert frame["id"].iloc[0] == f"P{SHARD:09d}"


def test_scale_has_no_simulator_of_its_own():
    import helpers.scale
    import helpers.simulate

    assert helpers.scale.simulate_batch is helpers.simulate.simulate_batch
    assert helpers.scale.log_rate is helpers.simulate.log_rate
    assert helpers.scale.UP_MUTATION_RATE == helpers.simulate.UP_MUTATION_RATE


def test_shards_layout(shards):
    assert [p.name for p in shards] == [f"part-0000{i}.parquet" for i in range(5)]
    assert list_shards(shards[0].parent) == shards
    frames = [read_shard(p) for p in shards]
    whole = pd.concat(frames, ignore_index=True)
    assert list(whole.columns) == ["id", "sequence", "expression"]
    assert whole["id"].tolist() == [f"P{i:09d}" for i in range(N)]
    assert whole["sequence"].str.len().eq(100).all()
    assert whole["sequence"].nunique() == N


def test_shards_are_byte_identical_on_any_number_of_workers(shards, tmp_path):
    from distributed import Client, LocalCluster

    threads = write_promoter_shards(tmp_path / "threads", N, shard_size=SHARD, scheduler="threads")
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        Client(cluster),
    ):
        distributed = write_promoter_shards(tmp_path / "two_workers", N, shard_size=SHARD)
    assert _bytes(threads) == _bytes(shards)
    assert _bytes(distributed) == _bytes(shards)


def test_shard_depends_only_on_seed_and_index(shards, tmp_path):
    # a longer run with the same seed and shard size starts with the same shards' rows
    longer = write_promoter_shards(tmp_path / "a", N + 700, shard_size=SHARD, scheduler="threads")
    assert _bytes(longer[:5]) == _bytes(shards)
    other = write_promoter_shards(
        tmp_path / "b", N, random_state=1, shard_size=SHARD, scheduler="threads"
    )
    assert read_shard(other[0])["sequence"].iloc[0] != read_shard(shards[0])["sequence"].iloc[0]


# --------------------------------------------------------------------------- #
# exact ridge
# --------------------------------------------------------------------------- #


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
        match=re.escape(
            "ShardedRidge: selection_tol must be a float in the range [0.0, inf), got -1"
        ),
    ):
        ShardedRidge(vec, alphas=(0.1, 1.0), selection_tol=-1).fit_stats(stats, val)
    with pytest.raises(ValueError, match="no validation"):
        ShardedRidge(vec, alphas=(0.1, 1.0)).fit_stats(stats)


def test_ridge_parameter_errors(shards):
    with pytest.raises(ValueError, match="no validation shards"):
        ShardedRidge(alphas=(1.0, 2.0), scheduler="synchronous").fit(shards[:2])
    with pytest.raises(ValueError, match="training and validation"):
        ShardedRidge(alphas=(1.0, 2.0), scheduler="synchronous").fit(shards[:2], shards[1:3])
    with pytest.raises(ValueError, match="no training shards"):
        ShardedRidge(alphas=(1.0,)).fit([])
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="This ShardedRidge instance is not fitted yet"):
        ShardedRidge().predict(["ACGT"])
    with pytest.raises(NotFittedError, match="This ShardedSGDRegressor instance is not fitted"):
        ShardedSGDRegressor().score_shards(shards[:1])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"alphas": ()}, "alphas must be a non-empty sequence of positive numbers, got ()"),
        ({"alphas": (1.0, -2.0)}, "alphas must be a non-empty sequence of positive numbers"),
        ({"split_every": 1}, "split_every must be an int in the range [2, inf), got 1"),
        ({"chunk_rows": 0}, "chunk_rows must be an int in the range [1, inf), got 0"),
        ({"progress": "yes"}, "progress must be True or False, got 'yes'"),
        ({"vectorizer": "kmers"}, "vectorizer must be None or an object implementing 'transform'"),
    ],
)
def test_ridge_bad_parameters(shards, params, message):
    with pytest.raises(ValueError, match=re.escape(f"ShardedRidge: {message}")):
        ShardedRidge(**params).fit(shards[:1])


def test_sharded_estimators_are_scikit_learn_estimators():
    from sklearn.base import BaseEstimator, clone

    model = ShardedRidge(KmerVectorizer(k=2), alphas=(1.0,), chunk_rows=100)
    assert isinstance(model, BaseEstimator)
    assert clone(model).get_params()["chunk_rows"] == 100
    assert "chunk_rows=100" in repr(model)
    sgd = clone(ShardedSGDRegressor(tol=0.05))
    assert isinstance(sgd, BaseEstimator) and sgd.tol == 0.05


def test_ridge_stats_exact_gram_for_counts():
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 100)) for _ in range(300)]
    X = KmerVectorizer(k=(1, 2)).fit_transform(seqs)
    y = rng.normal(size=300)
    stats = RidgeStats.from_arrays(X, y)
    dense = X.toarray().astype(np.int64)
    np.testing.assert_array_equal(stats.xtx, (dense.T @ dense).astype(float))
    total = RidgeStats.from_arrays(X[:100], y[:100]) + RidgeStats.from_arrays(X[100:], y[100:])
    np.testing.assert_array_equal(total.xtx, stats.xtx)
    assert total.n == 300


def test_tree_reduce_shape_and_errors():
    import dask

    parts = [dask.delayed(np.float64)(i) for i in range(20)]
    assert tree_reduce(parts, split_every=3).compute(scheduler="synchronous") == 190.0
    with pytest.raises(ValueError, match="no parts"):
        tree_reduce([])
    with pytest.raises(ValueError, match="split_every"):
        tree_reduce(parts, split_every=1)


# --------------------------------------------------------------------------- #
# bad shards: errors name the file and the row
# --------------------------------------------------------------------------- #


def _write(path, frame):
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path


def test_missing_column(tmp_path):
    path = _write(tmp_path / "part-00007.parquet", pd.DataFrame({"id": ["a"], "sequence": ["AC"]}))
    with pytest.raises(ValueError, match=r"part-00007\.parquet: missing column 'expression'"):
        read_shard(path)


def test_empty_shard(tmp_path):
    frame = pd.DataFrame({"id": pd.Series([], dtype=str), "sequence": pd.Series([], dtype=str)})
    frame["expression"] = pd.Series([], dtype=float)
    path = _write(tmp_path / "part-00003.parquet", frame)
    with pytest.raises(ValueError, match=r"part-00003\.parquet: empty shard"):
        read_shard(path)


@pytest.mark.parametrize(
    ("sequence", "message"),
    [("ACGXT", "invalid character 'X' at position 3"), ("", "empty sequence"), ("acgt", "Upper")],
)
def test_invalid_sequence_names_shard_and_row(tmp_path, sequence, message):
    frame = pd.DataFrame(
        {"id": list("abcd"), "sequence": ["ACGT", "ACGT", sequence, "GG"], "expression": 1.0}
    )
    path = _write(tmp_path / "part-00042.parquet", frame)
    with pytest.raises(ValueError, match=r"part-00042\.parquet: row 2") as info:
        read_shard(path)
    assert message in str(info.value)


def test_missing_and_infinite_expression(tmp_path):
    frame = pd.DataFrame({"id": list("abc"), "sequence": ["AC"] * 3, "expression": [1, None, 2]})
    path = _write(tmp_path / "p.parquet", frame)
    with pytest.raises(ValueError, match=r"p\.parquet: row 1, column 'expression': missing value"):
        read_shard(path)
    frame["expression"] = [1.0, 2.0, np.inf]
    path = _write(tmp_path / "q.parquet", frame)
    with pytest.raises(
        ValueError, match=r"q\.parquet: row 2, column 'expression': inf is not a finite number"
    ):
        read_shard(path)


def test_not_a_shard(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_shard(tmp_path / "nope.parquet")
    bad = tmp_path / "text.parquet"
    bad.write_text("id,sequence\n")
    with pytest.raises(ValueError, match="not a readable Parquet file"):
        read_shard(bad)
    with pytest.raises(FileNotFoundError, match="no shard"):
        list_shards(tmp_path, "*.none")


def test_bad_shard_error_reaches_the_fit(shards, tmp_path):
    frame = read_shard(shards[0])
    frame.loc[17, "sequence"] = "ACGT-" + frame.loc[17, "sequence"][5:]
    bad = _write(tmp_path / "part-00099.parquet", frame)
    with pytest.raises(ValueError, match=r"part-00099\.parquet: row 17"):
        ShardedRidge(alphas=(1.0,), scheduler="synchronous").fit([shards[1], bad])


# --------------------------------------------------------------------------- #
# streaming model and text conversion
# --------------------------------------------------------------------------- #


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
    with pytest.warns(ConvergenceWarning, match=r"max_epochs=2 before converging"):
        model.fit(shards[:1])
    assert not model.converged_
    assert model.n_epochs_ == 2


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
    with pytest.raises(ValueError, match=re.escape(f"ShardedSGDRegressor: {message}")):
        ShardedSGDRegressor(**params).fit(shards[:1])


def test_tsv_to_shards(tmp_path):
    rows = [f"{'ACGT' * 5}\t{i / 10}" for i in range(25)] + ["acgtn\t7"]
    src = tmp_path / "train.txt"
    src.write_text("\n".join(rows) + "\n")
    paths = tsv_to_shards(src, tmp_path / "out", shard_size=10)
    assert [len(read_shard(p)) for p in paths] == [10, 10, 6]
    last = read_shard(paths[-1])
    assert last["id"].iloc[-1] == "R0000025"
    assert last["sequence"].iloc[-1] == "ACGTN"
    header = tmp_path / "h.csv"
    header.write_text("seq,expression\nACGT,1\n")
    with pytest.raises(ValueError, match="no column 'sequence'"):
        tsv_to_shards(header, tmp_path / "h", delimiter=",", header=True)
    with pytest.raises(FileNotFoundError):
        tsv_to_shards(tmp_path / "missing.txt", tmp_path / "m")


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


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda tmp: write_promoter_shards(tmp, 0),
            "write_promoter_shards: n must be an int in the range [1, inf), got 0",
        ),
        (
            lambda tmp: write_promoter_shards(tmp, 10, shard_size=2.5),
            "write_promoter_shards: shard_size must be an int in the range [1, inf), got 2.5",
        ),
        (
            lambda tmp: tree_reduce([1, 2], split_every=1),
            "tree_reduce: split_every must be an int in the range [2, inf), got 1",
        ),
        (
            lambda tmp: ridge_from_stats(None, 0.0),
            "ridge_from_stats: alpha must be a float in the range (0.0, inf), got 0.0",
        ),
    ],
    ids=["n", "shard_size", "split_every", "alpha"],
)
def test_function_parameters_name_the_function(tmp_path, call, message):
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        call(tmp_path)
