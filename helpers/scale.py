"""Scale out the k-mer pipeline: Parquet shards, Dask and models built from sums.

The in-memory recipe of the book (one DataFrame, one sparse k-mer matrix, one
``fit``) needs memory proportional to the number of sequences. This module runs
the same pipeline on data split into **shards** (Parquet files of ``id``,
``sequence``, ``expression``), one Dask task per shard, so that memory depends
on the shard size, not on the size of the data set:

``write_promoter_shards``   simulate N promoters shard by shard (deterministic), with the
                          one simulator (:func:`helpers.simulate.simulate_batch`)
``tsv_to_shards``           convert a big two-column text file (DREAM, Vaishnav) to shards
``read_shard``              read and validate one shard (errors name the file and row)
``ShardedRidge``            exact ridge from sufficient statistics (XᵀX, Xᵀy, sums)
``ShardedSGDRegressor``     streaming ``partial_fit`` model for very wide feature spaces
                          (both defined in :mod:`helpers.estimators`, served from here)
``tree_reduce``             fixed-order tree reduction of Dask results

Every function takes Dask's scheduler from the context: with a
``distributed.Client`` active, tasks run on its workers (a ``LocalCluster``
or a real cluster); otherwise on Dask's default local scheduler, or the one
named by ``scheduler=``.

Exact and deterministic
-----------------------
k-mer counts are small integers, so the Gram matrix XᵀX of a block of rows is
computed in float32 on blocks small enough that every entry stays below 2**24
(exact in float32) and accumulated in float64 (exact below 2**53): the Gram
matrix is exact and does not depend on the order of the sums. Everything else
(Xᵀy, sums of y) is summed in a tree whose shape depends only on the number
of shards, so results are bit-for-bit the same on one worker, two workers or a
cluster.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import dask
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from helpers.core.checks import check_params, integers
from helpers.sequences import validate_sequences
from helpers.simulate import UP_MUTATION_RATE, log_rate, simulate_batch

__all__ = [
    "SHARD_COLUMNS",
    "UP_MUTATION_RATE",
    "RidgeStats",  # noqa: F822 (served by __getattr__)
    "ShardedRidge",  # noqa: F822 (served by __getattr__)
    "ShardedSGDRegressor",  # noqa: F822 (served by __getattr__)
    "compute",
    "list_shards",
    "log_rate",
    "read_shard",
    "shard_stats",  # noqa: F822 (served by __getattr__)
    "simulate_batch",
    "tree_reduce",
    "tsv_to_shards",
    "write_promoter_shards",
]

#: Columns of every shard, in this order.
SHARD_COLUMNS: tuple[str, str, str] = ("id", "sequence", "expression")

#: Names defined in helpers.estimators and served from here (PEP 562, no import cycle).
_REEXPORTED: dict[str, str] = {
    "RidgeStats": "helpers.estimators.ridge_stats",
    "ridge_from_stats": "helpers.estimators.ridge_stats",
    "shard_stats": "helpers.estimators.ridge_stats",
    "ShardedRidge": "helpers.estimators.sharded",
    "ShardedSGDRegressor": "helpers.estimators.sharded",
    "check_list": "helpers.estimators.sharded",
}


def __getattr__(name: str) -> Any:
    """The estimators on shards, defined in :mod:`helpers.estimators`."""
    module = _REEXPORTED.get(name)
    if module is None:
        raise AttributeError(f"module 'helpers.scale' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_REEXPORTED))


# --------------------------------------------------------------------------- #
# Simulation, shard by shard
# --------------------------------------------------------------------------- #


def _shard_table(start: int, stop: int, width: int, seed: int, index: int) -> pa.Table:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))
    n = stop - start
    seqs, expression = simulate_batch(n, rng)
    length = seqs.shape[1]
    offsets = np.arange(0, (n + 1) * length, length, dtype=np.int32)
    sequence = pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(seqs))
    )
    ids = pa.array([f"P{i:0{width}d}" for i in range(start, stop)], type=pa.string())
    return pa.table({"id": ids, "sequence": sequence, "expression": expression})


def _write_table(table: pa.Table, path: Path) -> str:
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd", row_group_size=max(1, table.num_rows))
    os.replace(tmp, path)
    return str(path)


def _write_sim_shard(path: str, start: int, stop: int, width: int, seed: int, index: int) -> str:
    return _write_table(_shard_table(start, stop, width, seed, index), Path(path))


def write_promoter_shards(
    out_dir: str | Path,
    n: int,
    *,
    random_state: int = 2022,
    shard_size: int = 100_000,
    scheduler: str | None = None,
    progress: bool = False,
) -> list[Path]:
    """Simulate ``n`` promoters into Parquet shards, one Dask task per shard.

    Shard ``i`` holds rows ``i * shard_size`` to ``(i + 1) * shard_size - 1``
    and draws its random numbers from ``SeedSequence(random_state, spawn_key=(i,))``
    (the ``i``-th child of ``SeedSequence(random_state)``), so its bytes depend only
    on ``(n, random_state, shard_size, i)``: the same files on any number of workers,
    in any order.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder for the shards (created if missing); files are named
        ``part-00000.parquet``, ``part-00001.parquet``, ...
    n : int
        Number of promoters (at least 1).
    random_state : int, default=2022
    shard_size : int, default=100_000
        Rows per shard (the last shard holds the remainder).
    scheduler : str, optional
        Dask scheduler (``"threads"``, ``"processes"``, ``"synchronous"``);
        by default the active ``distributed.Client`` or Dask's default.
    progress : bool, default=False
        Show a progress bar (on standard error).

    Returns
    -------
    list of pathlib.Path
        The shard files, in row order.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_promoter_shards(tmp, 250, shard_size=100, scheduler="synchronous")
    ...     [p.name for p in paths], read_shard(paths[2]).shape
    (['part-00000.parquet', 'part-00001.parquet', 'part-00002.parquet'], (50, 3))
    """
    check_params(
        "write_promoter_shards",
        {"n": n, "shard_size": shard_size},
        {"n": [integers(1)], "shard_size": [integers(1)]},
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    width = max(9, len(str(n - 1)))  # fixed: ids do not depend on n
    n_shards = math.ceil(n / shard_size)
    paths = [out / f"part-{i:05d}.parquet" for i in range(n_shards)]
    tasks = [
        dask.delayed(_write_sim_shard, pure=True)(
            str(paths[i]), i * shard_size, min(n, (i + 1) * shard_size), width, random_state, i
        )
        for i in range(n_shards)
    ]
    compute(*tasks, scheduler=scheduler, progress=progress)
    return paths


def tsv_to_shards(
    path: str | Path,
    out_dir: str | Path,
    *,
    shard_size: int = 500_000,
    names: Sequence[str] = ("sequence", "expression"),
    delimiter: str = "\t",
    header: bool = False,
) -> list[Path]:
    r"""Stream a large text table (e.g. the DREAM 2022 training file) into shards.

    The file is read in blocks with pyarrow (never whole), so this works on
    files much larger than memory. Rows get ids ``R0000000``, ``R0000001``, ...
    in file order. Sequences are upper-cased; they are validated when the
    shards are read.

    Parameters
    ----------
    path : str or pathlib.Path
        The text file.
    out_dir : str or pathlib.Path
        Folder for the shards.
    shard_size : int, default=500_000
        Rows per shard.
    names : sequence of str, default=("sequence", "expression")
        Column names of the file (used when ``header=False``); must include
        ``sequence`` and ``expression``; other columns are dropped.
    delimiter : str, default="\t"
    header : bool, default=False
        Whether the first line holds column names.

    Returns
    -------
    list of pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     src = Path(tmp) / "train.txt"
    ...     _ = src.write_text("acgtn\t1.5\nGGGG\t2\nTTTA\t3\n")
    ...     paths = tsv_to_shards(src, Path(tmp) / "shards", shard_size=2)
    ...     read_shard(paths[0]).to_dict("list")
    {'id': ['R0000000', 'R0000001'], 'sequence': ['ACGTN', 'GGGG'], 'expression': [1.5, 2.0]}
    """
    import pyarrow.csv as pcsv

    src = Path(path)
    if not src.is_file():
        raise FileNotFoundError(f"no such file: {src}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    read_options = pcsv.ReadOptions(
        column_names=None if header else list(names), block_size=1 << 24
    )
    parse = pcsv.ParseOptions(delimiter=delimiter)
    convert = pcsv.ConvertOptions(
        column_types={"sequence": pa.string(), "expression": pa.float64()}
    )
    reader = pcsv.open_csv(
        src, read_options=read_options, parse_options=parse, convert_options=convert
    )
    missing = [c for c in ("sequence", "expression") if c not in reader.schema.names]
    if missing:
        raise ValueError(f"{src}: no column {missing[0]!r}; columns are {reader.schema.names}")
    paths: list[Path] = []
    pending: list[pa.RecordBatch] = []
    n_pending = 0
    row0 = 0

    def flush(batches: list[pa.RecordBatch], n_rows: int) -> None:
        nonlocal row0
        table = pa.Table.from_batches(batches).slice(0, n_rows)
        ids = pa.array([f"R{i:07d}" for i in range(row0, row0 + n_rows)], type=pa.string())
        table = pa.table(
            {
                "id": ids,
                "sequence": pc.utf8_upper(table.column("sequence")),
                "expression": table.column("expression"),
            }
        )
        target = out / f"part-{len(paths):05d}.parquet"
        _write_table(table.combine_chunks(), target)
        paths.append(target)
        row0 += n_rows

    for batch in reader:
        batch = batch.select(["sequence", "expression"])
        pending.append(batch)
        n_pending += batch.num_rows
        while n_pending >= shard_size:
            table = pa.Table.from_batches(pending)
            flush(table.to_batches(), shard_size)
            rest = table.slice(shard_size)
            pending = rest.to_batches()
            n_pending = rest.num_rows
    if n_pending:
        flush(pending, n_pending)
    if not paths:
        raise ValueError(f"{src}: the file holds no rows")
    return paths


# --------------------------------------------------------------------------- #
# Reading and validating shards
# --------------------------------------------------------------------------- #


def list_shards(folder: str | Path, pattern: str = "*.parquet") -> list[Path]:
    """The shard files of a folder, sorted by name (the row order).

    Raises
    ------
    FileNotFoundError
        If the folder does not exist or holds no matching file.
    """
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"no such folder: {root}")
    paths = sorted(root.glob(pattern))
    if not paths:
        raise FileNotFoundError(f"no shard matching {pattern!r} in {root}")
    return paths


def _first_true(mask: pa.ChunkedArray | pa.Array) -> int:
    return int(np.flatnonzero(np.asarray(mask.to_numpy(zero_copy_only=False)))[0])


def read_shard(path: str | Path, columns: Sequence[str] = SHARD_COLUMNS) -> pd.DataFrame:
    """Read one shard and check it; every error names the file (and the row).

    Checks: the file exists and has the columns; it holds at least one row;
    no ``sequence`` or ``expression`` is missing; every sequence is non-empty
    and written in A, C, G, T, N (the validator of :mod:`helpers.sequences`, which
    names row, position and character); every expression is finite.

    Parameters
    ----------
    path : str or pathlib.Path
        A Parquet shard.
    columns : sequence of str, default=SHARD_COLUMNS
        Columns to read (at least ``sequence`` and ``expression`` to train).

    Returns
    -------
    pandas.DataFrame
        The columns asked for; rows numbered from 0 within the shard.

    Raises
    ------
    FileNotFoundError, ValueError
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"shard {path}: no such file")
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as err:
        raise ValueError(f"shard {path}: not a readable Parquet file ({err})") from err
    missing = [c for c in columns if c not in schema.names]
    if missing:
        raise ValueError(
            f"shard {path}: missing column {missing[0]!r}; the shard has columns "
            f"{schema.names}, a shard needs {list(SHARD_COLUMNS)}"
        )
    table = pq.read_table(path, columns=list(columns))
    if table.num_rows == 0:
        raise ValueError(f"shard {path}: empty shard (0 rows); remove it or rewrite it")
    for name in ("sequence", "expression"):
        if name in columns and table.column(name).null_count:
            row = _first_true(pc.is_null(table.column(name)))
            raise ValueError(
                f"shard {path}: row {row}, column {name!r}: missing value "
                f"({table.column(name).null_count} of {table.num_rows} rows)"
            )
    if "sequence" in columns:
        seq = table.column("sequence")
        bad = pc.or_(pc.match_substring_regex(seq, "[^ACGTN]"), pc.equal(pc.utf8_length(seq), 0))
        if pc.any(bad).as_py():
            validate_sequences(seq.to_pylist(), column="sequence", source=f"shard {path}")
    if "expression" in columns:
        expr = table.column("expression")
        if not pa.types.is_floating(expr.type) and not pa.types.is_integer(expr.type):
            raise ValueError(f"shard {path}: column 'expression' holds {expr.type}, not numbers")
        finite = pc.is_finite(pc.cast(expr, pa.float64()))
        if not pc.all(finite).as_py():
            row = _first_true(pc.invert(finite))
            raise ValueError(
                f"shard {path}: row {row}, column 'expression': {expr[row].as_py()!r} "
                "is not a finite number"
            )
    return table.to_pandas(types_mapper=None)


# --------------------------------------------------------------------------- #
# Dask plumbing: compute with an optional progress bar, fixed-order tree sums
# --------------------------------------------------------------------------- #


def _distributed_client() -> Any | None:
    try:
        from distributed import default_client
    except ImportError:  # pragma: no cover - distributed is a requirement
        return None
    try:
        return default_client()
    except ValueError:
        return None


def compute(*objs: Any, scheduler: str | None = None, progress: bool = False) -> tuple:
    """``dask.compute`` with an optional progress bar on standard error.

    With an active ``distributed.Client`` (and no ``scheduler``), the bar is
    ``distributed.progress``; otherwise ``dask.diagnostics.ProgressBar``.
    Chapters leave ``progress=False`` so no bar lands in stored outputs.
    """
    client = _distributed_client() if scheduler is None else None
    if not progress:
        return dask.compute(*objs, scheduler=scheduler)
    if client is not None:
        from distributed import progress as dprogress

        futures = client.compute(list(objs))
        with contextlib.redirect_stdout(sys.stderr):  # the text bar prints to stdout
            dprogress(futures, notebook=False)
        sys.stderr.flush()
        return tuple(client.gather(futures))
    from dask.diagnostics import ProgressBar

    with ProgressBar(out=sys.stderr):
        return dask.compute(*objs, scheduler=scheduler)


def _sum_in_order(parts: Sequence[Any]) -> Any:
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def tree_reduce(
    parts: Sequence[Any],
    combine: Callable[[Sequence[Any]], Any] = _sum_in_order,
    split_every: int = 8,
) -> Any:
    """Combine Dask results in a tree whose shape depends only on ``len(parts)``.

    Groups of ``split_every`` neighbours are combined (in list order), then
    groups of those results, and so on: ``log(n)`` levels instead of one task
    holding all ``n`` parts, and the same additions in the same order whatever
    the number of workers, so floating-point sums are reproducible.

    Examples
    --------
    >>> parts = [dask.delayed(float)(i) for i in range(10)]
    >>> tree_reduce(parts, split_every=3).compute(scheduler="synchronous")
    45.0
    """
    if not parts:
        raise ValueError("nothing to reduce: no parts")
    check_params("tree_reduce", {"split_every": split_every}, {"split_every": [integers(2)]})
    level = list(parts)
    while len(level) > 1:
        level = [
            dask.delayed(combine, pure=True)(level[i : i + split_every])
            for i in range(0, len(level), split_every)
        ]
    return dask.delayed(level[0])  # lazy even for a single part
