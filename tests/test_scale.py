"""Tests of helpers.scale: deterministic shards from the one simulator, bad shards, reduction.

The estimators that fit on shards are tested in tests/test_estimators_sharded.py
and their sufficient statistics in tests/test_estimators_ridge_stats.py; the
``shards`` fixture (5 shards of 500 rows) is in tests/conftest.py.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers.scale import (
    list_shards,
    log_rate,
    read_shard,
    simulate_batch,
    tree_reduce,
    tsv_to_shards,
    write_promoter_shards,
)
from helpers.simulate import PromoterModel, simulate_promoters

N, SHARD = 2_500, 500  # the shards fixture's rows and rows per shard (tests/conftest.py)


def exact(message: str) -> str:
    """A regular expression matching ``message`` and nothing else."""
    return f"^{re.escape(message)}$"


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


def test_tree_reduce_shape_and_errors():
    import dask

    parts = [dask.delayed(np.float64)(i) for i in range(20)]
    assert tree_reduce(parts, split_every=3).compute(scheduler="synchronous") == 190.0
    with pytest.raises(ValueError, match=exact("nothing to reduce: no parts")):
        tree_reduce([])
    message = "tree_reduce: split_every must be an int in the range [2, inf), got 1"
    with pytest.raises(ValueError, match=exact(message)):
        tree_reduce(parts, split_every=1)


# --------------------------------------------------------------------------- #
# bad shards: errors name the file and the row
# --------------------------------------------------------------------------- #


def _write(path, frame):
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path


def _empty_shard() -> pd.DataFrame:
    frame = pd.DataFrame({"id": pd.Series([], dtype=str), "sequence": pd.Series([], dtype=str)})
    frame["expression"] = pd.Series([], dtype=float)
    return frame


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (
            pd.DataFrame({"id": ["a"], "sequence": ["AC"]}),
            "missing column 'expression'; the shard has columns ['id', 'sequence'], a shard "
            "needs ['id', 'sequence', 'expression']",
        ),
        (_empty_shard(), "empty shard (0 rows); remove it or rewrite it"),
    ],
    ids=["missing-column", "empty-shard"],
)
def test_bad_shard_is_named(tmp_path, frame, message):
    path = _write(tmp_path / "part-00007.parquet", frame)
    with pytest.raises(ValueError, match=exact(f"shard {path}: {message}")):
        read_shard(path)


@pytest.mark.parametrize(
    ("sequence", "message"),
    [
        (
            "ACGXT",
            "invalid character 'X' at position 3 (0-based); allowed: 'ACGTN'. 1 of 4 sequences "
            "have invalid characters.",
        ),
        ("", "empty sequence (1 of 4 sequences are empty: [2])."),
        (
            "acgt",
            "invalid character 'a' at position 0 (0-based); allowed: 'ACGTN'. 1 of 4 sequences "
            "have invalid characters. Upper-case the sequences first (or use clean_sequences).",
        ),
    ],
    ids=["invalid", "empty", "lower-case"],
)
def test_invalid_sequence_names_shard_and_row(tmp_path, sequence, message):
    frame = pd.DataFrame(
        {"id": list("abcd"), "sequence": ["ACGT", "ACGT", sequence, "GG"], "expression": 1.0}
    )
    path = _write(tmp_path / "part-00042.parquet", frame)
    with pytest.raises(
        ValueError, match=exact(f"shard {path}: row 2, column 'sequence': {message}")
    ):
        read_shard(path)


def test_missing_and_infinite_expression(tmp_path):
    frame = pd.DataFrame({"id": list("abc"), "sequence": ["AC"] * 3, "expression": [1, None, 2]})
    path = _write(tmp_path / "p.parquet", frame)
    message = f"shard {path}: row 1, column 'expression': missing value (1 of 3 rows)"
    with pytest.raises(ValueError, match=exact(message)):
        read_shard(path)
    frame["expression"] = [1.0, 2.0, np.inf]
    path = _write(tmp_path / "q.parquet", frame)
    message = f"shard {path}: row 2, column 'expression': inf is not a finite number"
    with pytest.raises(ValueError, match=exact(message)):
        read_shard(path)


def test_not_a_shard(tmp_path):
    nope = tmp_path / "nope.parquet"
    with pytest.raises(FileNotFoundError, match=exact(f"shard {nope}: no such file")):
        read_shard(nope)
    bad = tmp_path / "text.parquet"
    bad.write_text("id,sequence\n")
    message = (
        f"shard {bad}: not a readable Parquet file (Parquet magic bytes not found in footer. "
        "Either the file is corrupted or this is not a parquet file.)"
    )
    with pytest.raises(ValueError, match=exact(message)):
        read_shard(bad)
    with pytest.raises(FileNotFoundError, match=exact(f"no shard matching '*.none' in {tmp_path}")):
        list_shards(tmp_path, "*.none")


# --------------------------------------------------------------------------- #
# text conversion and parameters
# --------------------------------------------------------------------------- #


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
    message = f"{header}: no column 'sequence'; columns are ['seq', 'expression']"
    with pytest.raises(ValueError, match=exact(message)):
        tsv_to_shards(header, tmp_path / "h", delimiter=",", header=True)
    missing = tmp_path / "missing.txt"
    with pytest.raises(FileNotFoundError, match=exact(f"no such file: {missing}")):
        tsv_to_shards(missing, tmp_path / "m")


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
    ],
    ids=["n", "shard_size", "split_every"],
)
def test_function_parameters_name_the_function(tmp_path, call, message):
    with pytest.raises(ValueError, match=exact(message)):
        call(tmp_path)
