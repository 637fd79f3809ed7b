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
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dask
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import scipy.linalg
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from helpers.core.checks import HasMethods, ParamsChecked, Rule, fit_context, integers, numbers
from helpers.encoding import KmerVectorizer
from helpers.sequences import validate_sequences
from helpers.simulate import UP_MUTATION_RATE, log_rate, simulate_batch

__all__ = [
    "SHARD_COLUMNS",
    "UP_MUTATION_RATE",
    "RidgeStats",
    "ShardedRidge",
    "ShardedSGDRegressor",
    "compute",
    "list_shards",
    "log_rate",
    "read_shard",
    "shard_stats",
    "simulate_batch",
    "tree_reduce",
    "tsv_to_shards",
    "write_promoter_shards",
]

#: Columns of every shard, in this order.
SHARD_COLUMNS: tuple[str, str, str] = ("id", "sequence", "expression")

# Largest value float32 holds exactly for every integer below it.
_F32_EXACT = float(2**24)


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
    n, shard_size = int(n), int(shard_size)
    if n < 1 or shard_size < 1:
        raise ValueError(f"n and shard_size must be at least 1, got n={n}, shard_size={shard_size}")
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
    if split_every < 2:
        raise ValueError(f"split_every must be at least 2, got {split_every}")
    level = list(parts)
    while len(level) > 1:
        level = [
            dask.delayed(combine, pure=True)(level[i : i + split_every])
            for i in range(0, len(level), split_every)
        ]
    return dask.delayed(level[0])  # lazy even for a single part


# --------------------------------------------------------------------------- #
# Sufficient statistics and exact ridge
# --------------------------------------------------------------------------- #


@dataclass
class RidgeStats:
    """Sufficient statistics of a linear model on a set of rows; add them up.

    Attributes
    ----------
    n : int
        Number of rows.
    sum_x : numpy.ndarray of shape (p,)
        Column sums of X.
    sum_y, sum_yy : float
        Sum of y and of y².
    xtx : numpy.ndarray of shape (p, p)
        XᵀX.
    xty : numpy.ndarray of shape (p,)
        Xᵀy.
    """

    n: int
    sum_x: np.ndarray
    sum_y: float
    sum_yy: float
    xtx: np.ndarray
    xty: np.ndarray

    def __add__(self, other: RidgeStats) -> RidgeStats:
        """Statistics of the union of two disjoint sets of rows."""
        return RidgeStats(
            self.n + other.n,
            self.sum_x + other.sum_x,
            self.sum_y + other.sum_y,
            self.sum_yy + other.sum_yy,
            self.xtx + other.xtx,
            self.xty + other.xty,
        )

    @classmethod
    def from_arrays(cls, X: Any, y: np.ndarray) -> RidgeStats:
        """Statistics of a (sparse or dense) matrix ``X`` and targets ``y``.

        For a sparse matrix of integer values (k-mer counts), XᵀX is computed
        exactly: float32 products on row blocks whose sums stay below 2**24,
        added up in float64.
        """
        y = np.asarray(y, dtype=np.float64)
        n, p = X.shape
        xtx = np.zeros((p, p))
        if sp.issparse(X):
            X = sp.csr_matrix(X)
            data = X.data
            integral = data.dtype.kind in "iub" or bool(np.all(data == np.round(data)))
            top = float(np.abs(data).max()) if data.size else 1.0
            if integral and top**2 < _F32_EXACT:
                # a row adds at most top² to an entry: keep block sums below 2**24
                block = int(max(1, min(4096, _F32_EXACT // max(1.0, top**2))))
                dtype = np.float32
            else:
                block, dtype = 4096, np.float64
            for r in range(0, n, block):
                D = X[r : r + block].toarray().astype(dtype, copy=False)
                xtx += (D.T @ D).astype(np.float64)
            sum_x = np.asarray(X.sum(axis=0, dtype=np.float64)).ravel()
            xty = np.asarray(X.T @ y).ravel()
        else:
            D = np.asarray(X, dtype=np.float64)
            xtx += D.T @ D
            sum_x = D.sum(axis=0)
            xty = D.T @ y
        return cls(n, sum_x, float(y.sum()), float(y @ y), xtx, xty)

    def subset(self, columns: Sequence[int] | np.ndarray) -> RidgeStats:
        """Statistics of the model that uses only some columns of X (no new pass).

        Examples
        --------
        >>> stats = RidgeStats.from_arrays(np.eye(3), np.arange(3.0))
        >>> stats.subset([0, 2]).xtx
        array([[1., 0.],
               [0., 1.]])
        """
        cols = np.asarray(columns)
        return RidgeStats(
            self.n,
            self.sum_x[cols],
            self.sum_y,
            self.sum_yy,
            self.xtx[np.ix_(cols, cols)],
            self.xty[cols],
        )

    def centered(self) -> tuple[np.ndarray, np.ndarray, float, np.ndarray, float]:
        """Centered Gram matrix, centered Xᵀy, centered yᵀy and the means of X and y."""
        if self.n == 0:
            raise ValueError("no rows: cannot center")
        mx = self.sum_x / self.n
        my = self.sum_y / self.n
        cxx = self.xtx - self.n * np.outer(mx, mx)
        cxy = self.xty - self.n * mx * my
        cyy = self.sum_yy - self.n * my * my
        return cxx, cxy, cyy, mx, my

    def score(self, coef: np.ndarray, intercept: float) -> dict[str, float]:
        """Metrics of the predictions ``X @ coef + intercept`` on these rows.

        Returns
        -------
        dict
            ``n``, ``pearson_r``, ``r2`` and ``mse``, computed from the
            statistics alone (no second pass over the data).
        """
        cxx, cxy, cyy, mx, my = self.centered()
        var_pred = float(coef @ cxx @ coef)
        cov = float(coef @ cxy)
        bias = my - (intercept + float(mx @ coef))
        sse = cyy - 2 * cov + var_pred + self.n * bias**2
        r = cov / math.sqrt(var_pred * cyy) if var_pred > 0 and cyy > 0 else float("nan")
        return {
            "n": int(self.n),
            "pearson_r": float(r),
            "r2": float(1 - sse / cyy) if cyy > 0 else float("nan"),
            "mse": float(sse / self.n),
        }


def _ready(vectorizer: Any) -> Any:
    """The vectorizer, fitted if it needs a (data-independent) ``fit`` first."""
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    if not hasattr(vectorizer, "fit"):
        return vectorizer
    try:
        check_is_fitted(vectorizer)
    except NotFittedError:
        return clone(vectorizer).fit([])
    except TypeError:  # not an estimator
        return vectorizer
    return vectorizer


def _vectorizer_matrix(vectorizer: Any, sequences: list[str]) -> sp.csr_matrix:
    X = vectorizer.transform(sequences)
    return X if sp.issparse(X) else sp.csr_matrix(X)


def _shard_stats(path: str, vectorizer: Any, chunk_rows: int) -> RidgeStats:
    frame = read_shard(path, columns=("sequence", "expression"))
    seqs = frame["sequence"].tolist()
    y = frame["expression"].to_numpy(dtype=np.float64)
    total: RidgeStats | None = None
    for r in range(0, len(seqs), chunk_rows):
        X = _vectorizer_matrix(vectorizer, seqs[r : r + chunk_rows])
        part = RidgeStats.from_arrays(X, y[r : r + chunk_rows])
        total = part if total is None else total + part
    assert total is not None
    return total


def shard_stats(
    paths: Iterable[str | Path], vectorizer: Any, *, chunk_rows: int = 20_000
) -> list[Any]:
    """One lazy Dask task per shard computing its :class:`RidgeStats`.

    Parameters
    ----------
    paths : iterable of str or pathlib.Path
        Shards.
    vectorizer : transformer
        A stateless featuriser with a fixed vocabulary, such as
        :class:`~helpers.encoding.KmerVectorizer` (no ``fit`` needed).
    chunk_rows : int, default=20_000
        Rows featurised at a time inside a shard (bounds a worker's memory).

    Returns
    -------
    list of dask.delayed.Delayed
    """
    vec = _ready(vectorizer)
    return [dask.delayed(_shard_stats, pure=True)(str(p), vec, chunk_rows) for p in paths]


def _check_paths(paths: Iterable[str | Path], what: str) -> list[str]:
    out = [str(p) for p in paths]
    if not out:
        raise ValueError(f"no {what} shards given")
    return out


def ridge_from_stats(stats: RidgeStats, alpha: float) -> tuple[np.ndarray, float]:
    """Solve ridge regression with an intercept from sufficient statistics.

    Minimises ``||y - X w - b||² + alpha ||w||²`` like ``sklearn.linear_model.Ridge``:
    ``(Xcᵀ Xc + alpha I) w = Xcᵀ yc`` with centered X and y, ``b = ȳ - x̄ᵀw``.

    Returns
    -------
    coef : numpy.ndarray of shape (p,)
    intercept : float
    """
    if alpha <= 0:
        raise ValueError(f"alpha must be positive, got {alpha}")
    cxx, cxy, _, mx, my = stats.centered()
    A = cxx + alpha * np.eye(len(cxy))
    coef = scipy.linalg.solve(A, cxy, assume_a="pos")
    return coef, float(my - mx @ coef)


def _positive_numbers(values: Any) -> bool:
    items = list(values)
    return bool(items) and all(
        isinstance(a, int | float | np.integer | np.floating)
        and not isinstance(a, bool)
        and math.isfinite(a)
        and a > 0
        for a in items
    )


_SHARED_CONSTRAINTS: dict[str, list] = {
    "vectorizer": [None, HasMethods(["transform"])],
    "scheduler": [None, str],
    "progress": ["boolean"],
}


class ShardedRidge(ParamsChecked, BaseEstimator):
    """Exact ridge regression on sharded data: one pass, tree-summed statistics, one solve.

    Each shard is featurised by its own Dask task into :class:`RidgeStats`
    (XᵀX, Xᵀy, n and sums for centering); the statistics of the training
    shards are added in a fixed-order tree (:func:`tree_reduce`) and the
    normal equations are solved once per ``alpha``. The coefficients equal
    those of ``Ridge(alpha)`` fitted in memory on all training rows (to
    rounding). ``alpha`` is chosen on validation shards, scored from their
    own statistics (no second pass).

    Parameters
    ----------
    vectorizer : transformer, default=KmerVectorizer(k=4)
        Stateless featuriser with a fixed vocabulary.
    alphas : sequence of float, default=(0.1, 1, 10, 100, 1000)
        Candidate penalties; with one value no validation shard is needed.
    split_every : int, default=8
        Fan-in of the tree reduction.
    chunk_rows : int, default=20_000
        Rows featurised at a time inside a task.
    scheduler : str, optional
        Dask scheduler name; by default the active client or Dask's default.
    progress : bool, default=False
        Show a progress bar on standard error.
    selection_tol : float, default=0.01
        Penalties whose validation MSE is within this relative distance of the
        smallest count as tied; the largest of them (the simplest model) is
        chosen. Without it, a near-tie would be broken by the last digits of
        floating-point sums, which differ between machines.

    Attributes
    ----------
    coef_ : numpy.ndarray of shape (n_features,)
    intercept_ : float
    alpha_ : float
        The chosen penalty.
    validation_scores_ : pandas.DataFrame or None
        One row per alpha: validation ``pearson_r``, ``r2``, ``mse``.
    n_train_ : int
        Training rows.
    stats_ : RidgeStats
        Summed training statistics (to refit with another alpha for free).
    feature_names_out_ : numpy.ndarray

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_promoter_shards(tmp, 3000, shard_size=1000, scheduler="synchronous")
    ...     model = ShardedRidge(KmerVectorizer(k=2), alphas=(1.0, 100.0), scheduler="synchronous")
    ...     model = model.fit(paths[:2], validation_shards=paths[2:])
    ...     model.n_train_, model.coef_.shape
    (2000, (16,))
    """

    _parameter_constraints: dict[str, list] = {
        **_SHARED_CONSTRAINTS,
        "alphas": [Rule(_positive_numbers, "a non-empty sequence of positive numbers")],
        "split_every": [integers(2)],
        "chunk_rows": [integers(1)],
        "selection_tol": [numbers(0, None, closed="left")],
    }

    def __init__(
        self,
        vectorizer: Any = None,
        *,
        alphas: Sequence[float] = (0.1, 1.0, 10.0, 100.0, 1000.0),
        split_every: int = 8,
        chunk_rows: int = 20_000,
        scheduler: str | None = None,
        progress: bool = False,
        selection_tol: float = 0.01,
    ) -> None:
        self.vectorizer = vectorizer
        self.alphas = alphas
        self.split_every = split_every
        self.chunk_rows = chunk_rows
        self.scheduler = scheduler
        self.progress = progress
        self.selection_tol = selection_tol

    def _vectorizer(self) -> Any:
        return _ready(self.vectorizer if self.vectorizer is not None else KmerVectorizer(k=4))

    @fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        train_shards: Iterable[str | Path],
        validation_shards: Iterable[str | Path] | None = None,
    ) -> ShardedRidge:
        """Fit on the training shards; choose ``alpha`` on the validation shards.

        Returns
        -------
        self
        """
        alphas = [float(a) for a in self.alphas]
        train = _check_paths(train_shards, "training")
        val = [str(p) for p in (validation_shards or [])]
        if len(alphas) > 1 and not val:
            raise ValueError(
                f"{len(alphas)} alphas to choose from but no validation shards; "
                "pass validation_shards or a single alpha"
            )
        overlap = sorted(set(train) & set(val))
        if overlap:
            raise ValueError(f"shard used for training and validation: {overlap[0]}")
        vec = self._vectorizer()
        stats = shard_stats(train + val, vec, chunk_rows=self.chunk_rows)
        lazy = [tree_reduce(stats[: len(train)], split_every=self.split_every)]
        if val:
            lazy.append(tree_reduce(stats[len(train) :], split_every=self.split_every))
        results = compute(*lazy, scheduler=self.scheduler, progress=self.progress)
        return self._fit_stats(results[0], results[1] if val else None)

    @fit_context(prefer_skip_nested_validation=True)
    def fit_stats(self, train: RidgeStats, validation: RidgeStats | None = None) -> ShardedRidge:
        """Fit from already summed statistics (e.g. for a learning curve).

        Returns
        -------
        self
        """
        return self._fit_stats(train, validation)

    def _fit_stats(self, train: RidgeStats, validation: RidgeStats | None) -> ShardedRidge:
        alphas = [float(a) for a in self.alphas]
        if len(alphas) > 1 and validation is None:
            raise ValueError("several alphas but no validation statistics")
        rows = []
        fits = []
        for alpha in alphas:
            coef, intercept = ridge_from_stats(train, alpha)
            fits.append((alpha, coef, intercept))
            if validation is not None:
                scores = validation.score(coef, intercept)
                rows.append({"alpha": alpha, **{k: scores[k] for k in ("pearson_r", "r2", "mse")}})
        if rows:
            mse = np.array([row["mse"] for row in rows])
            tied = np.flatnonzero(mse <= mse.min() * (1 + self.selection_tol))
            chosen = max(tied, key=lambda i: alphas[i])
        else:
            chosen = 0
        self.alpha_, self.coef_, self.intercept_ = fits[chosen]
        self.validation_scores_ = pd.DataFrame(rows).set_index("alpha") if rows else None
        self.n_train_ = int(train.n)
        self.stats_ = train
        vec = self._vectorizer()
        names = getattr(vec, "get_feature_names_out", None)
        self.feature_names_out_ = names() if names else np.arange(len(self.coef_))
        return self

    def predict(self, sequences: Any) -> np.ndarray:
        """Predict expression for sequences held in memory (a list or Series)."""
        check_is_fitted(self, "coef_")
        X = self._vectorizer().transform(sequences)
        return np.asarray(X @ self.coef_).ravel() + self.intercept_

    def score_shards(self, shards: Iterable[str | Path]) -> dict[str, float]:
        """Held-out metrics (``n``, ``pearson_r``, ``r2``, ``mse``) on other shards.

        Raises
        ------
        ValueError
            If a shard was used for fitting (training or validation).
        """
        check_is_fitted(self, "coef_")
        paths = _check_paths(shards, "test")
        stats = shard_stats(paths, self._vectorizer(), chunk_rows=self.chunk_rows)
        (total,) = compute(
            tree_reduce(stats, split_every=self.split_every),
            scheduler=self.scheduler,
            progress=self.progress,
        )
        return total.score(self.coef_, self.intercept_)


# --------------------------------------------------------------------------- #
# Streaming model for feature spaces too wide for XᵀX
# --------------------------------------------------------------------------- #


@dataclass
class _Moments:
    n: int
    sum_x: np.ndarray
    sum_xx: np.ndarray
    sum_y: float

    def __add__(self, other: _Moments) -> _Moments:
        return _Moments(
            self.n + other.n,
            self.sum_x + other.sum_x,
            self.sum_xx + other.sum_xx,
            self.sum_y + other.sum_y,
        )


def _shard_moments(path: str, vectorizer: Any) -> _Moments:
    frame = read_shard(path, columns=("sequence", "expression"))
    X = _vectorizer_matrix(vectorizer, frame["sequence"].tolist())
    sq = X.multiply(X)
    return _Moments(
        X.shape[0],
        np.asarray(X.sum(axis=0, dtype=np.float64)).ravel(),
        np.asarray(sq.sum(axis=0, dtype=np.float64)).ravel(),
        float(frame["expression"].sum()),
    )


@dataclass
class _PredStats:
    n: int
    sy: float
    sp: float
    syy: float
    spp: float
    syp: float

    def __add__(self, o: _PredStats) -> _PredStats:
        return _PredStats(
            self.n + o.n,
            self.sy + o.sy,
            self.sp + o.sp,
            self.syy + o.syy,
            self.spp + o.spp,
            self.syp + o.syp,
        )

    def score(self) -> dict[str, float]:
        n = self.n
        cyy = self.syy - self.sy**2 / n
        cpp = self.spp - self.sp**2 / n
        cyp = self.syp - self.sy * self.sp / n
        sse = self.syy - 2 * self.syp + self.spp
        return {
            "n": int(n),
            "pearson_r": float(cyp / math.sqrt(cyy * cpp)) if cyy > 0 and cpp > 0 else float("nan"),
            "r2": float(1 - sse / cyy) if cyy > 0 else float("nan"),
            "mse": float(sse / n),
        }


def _shard_pred_stats(path: str, model: Any) -> _PredStats:
    frame = read_shard(path, columns=("sequence", "expression"))
    y = frame["expression"].to_numpy(dtype=np.float64)
    p = model.predict(frame["sequence"].tolist())
    return _PredStats(len(y), y.sum(), p.sum(), y @ y, p @ p, y @ p)


class ShardedSGDRegressor(ParamsChecked, BaseEstimator):
    """Linear model trained by streaming shards through ``SGDRegressor.partial_fit``.

    For feature spaces too wide for a p × p Gram matrix (k = 8 has 65,536
    columns: XᵀX would take 34 GB). One Dask pass computes each column's
    scale and the mean of y: columns are divided by their root mean square
    (so sparse rows stay sparse) times the square root of the number of
    non-zero columns, which makes the mean squared row norm 1, so one
    learning rate suits any k. Then the shards are streamed in a fixed order,
    epoch after epoch, in mini-batches, through ``partial_fit`` in the calling
    process (the updates are sequential by nature; only one shard is in memory
    at a time).

    Training runs to a stated tolerance: it stops after the first epoch
    whose update changed the coefficients by less than ``tol`` relative to
    their norm, ``‖w_e − w_{e−1}‖ ≤ tol · ‖w_e‖``. A fit that reaches
    ``max_epochs`` first warns with
    :class:`~sklearn.exceptions.ConvergenceWarning`, as scikit-learn's
    iterative estimators do.

    Parameters
    ----------
    vectorizer : transformer, default=KmerVectorizer(k=6)
    max_epochs : int, default=20
        Cap on the passes over the training shards.
    tol : float, default=0.01
        Relative change of the coefficients over one epoch below which the
        fit has converged (> 0).
    batch_size : int, default=10_000
    alpha : float, default=1e-4
        L2 penalty of ``SGDRegressor``.
    eta0 : float, default=0.5
        Initial learning rate (``learning_rate="invscaling"``).
    random_state : int, default=0
    scheduler : str, optional
    progress : bool, default=False

    Attributes
    ----------
    sgd_ : sklearn.linear_model.SGDRegressor
    scale_ : numpy.ndarray
        Column scales the features are divided by.
    y_mean_ : float
    n_train_ : int
    n_epochs_ : int
        Epochs run.
    converged_ : bool
        Whether the last epoch changed the coefficients by less than ``tol``.
    coef_change_ : list of float
        Relative change of the coefficients in each epoch.

    Examples
    --------
    >>> import tempfile, warnings
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> shards = write_promoter_shards(tempfile.mkdtemp(), 4000, shard_size=1000,
    ...                                scheduler="synchronous")
    >>> model = ShardedSGDRegressor(KmerVectorizer(k=3), batch_size=500, tol=0.01,
    ...                             scheduler="synchronous").fit(shards[:3])
    >>> model.converged_, model.coef_change_[-1] <= 0.01
    (True, True)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = ShardedSGDRegressor(KmerVectorizer(k=3), max_epochs=1, tol=1e-9,
    ...                             scheduler="synchronous").fit(shards[:1])
    >>> [w.category.__name__ for w in caught]
    ['ConvergenceWarning']
    """

    _parameter_constraints: dict[str, list] = {
        **_SHARED_CONSTRAINTS,
        "max_epochs": [integers(1)],
        "tol": [numbers(0, None, closed="neither")],
        "batch_size": [integers(1)],
        "alpha": [numbers(0, None, closed="left")],
        "eta0": [numbers(0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        vectorizer: Any = None,
        *,
        max_epochs: int = 20,
        tol: float = 0.01,
        batch_size: int = 10_000,
        alpha: float = 1e-4,
        eta0: float = 0.5,
        random_state: int = 0,
        scheduler: str | None = None,
        progress: bool = False,
    ) -> None:
        self.vectorizer = vectorizer
        self.max_epochs = max_epochs
        self.tol = tol
        self.batch_size = batch_size
        self.alpha = alpha
        self.eta0 = eta0
        self.random_state = random_state
        self.scheduler = scheduler
        self.progress = progress

    def _vectorizer(self) -> Any:
        return _ready(self.vectorizer if self.vectorizer is not None else KmerVectorizer(k=6))

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, train_shards: Iterable[str | Path]) -> ShardedSGDRegressor:
        """Stream the training shards through ``partial_fit``; returns self."""
        from sklearn.linear_model import SGDRegressor

        paths = _check_paths(train_shards, "training")
        vec = self._vectorizer()
        parts = [dask.delayed(_shard_moments, pure=True)(p, vec) for p in paths]
        (m,) = compute(tree_reduce(parts), scheduler=self.scheduler, progress=self.progress)
        rms = np.sqrt(m.sum_xx / m.n)
        self.scale_ = np.where(rms > 0, rms * math.sqrt(max(1, int((rms > 0).sum()))), 1.0)
        self.y_mean_ = m.sum_y / m.n
        self.n_train_ = int(m.n)
        sgd = SGDRegressor(
            alpha=self.alpha,
            eta0=self.eta0,
            learning_rate="invscaling",
            random_state=self.random_state,
        )
        inv = sp.diags(1.0 / self.scale_)
        previous = np.zeros(len(self.scale_))
        self.coef_change_: list[float] = []
        self.converged_ = False
        for _ in range(int(self.max_epochs)):
            for path in paths:
                frame = read_shard(path, columns=("sequence", "expression"))
                seqs = frame["sequence"].tolist()
                y = frame["expression"].to_numpy(dtype=np.float64) - self.y_mean_
                for r in range(0, len(seqs), int(self.batch_size)):
                    X = _vectorizer_matrix(vec, seqs[r : r + int(self.batch_size)]) @ inv
                    sgd.partial_fit(X, y[r : r + int(self.batch_size)])
            norm = float(np.linalg.norm(sgd.coef_))
            change = float(np.linalg.norm(sgd.coef_ - previous)) / norm if norm > 0 else 0.0
            self.coef_change_.append(change)
            previous = sgd.coef_.copy()
            if change <= self.tol:
                self.converged_ = True
                break
        self.n_epochs_ = len(self.coef_change_)
        if not self.converged_:
            warnings.warn(
                f"ShardedSGDRegressor stopped at max_epochs={self.max_epochs} before "
                f"converging: the last epoch changed the coefficients by "
                f"{self.coef_change_[-1]:.2g} (relative), tol={self.tol:g}. Raise max_epochs "
                "or eta0.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.sgd_ = sgd
        return self

    def predict(self, sequences: Any) -> np.ndarray:
        """Predict expression for sequences held in memory."""
        check_is_fitted(self, "sgd_")
        X = _vectorizer_matrix(self._vectorizer(), check_list(sequences)) @ sp.diags(
            1.0 / self.scale_
        )
        return self.sgd_.predict(X) + self.y_mean_

    def score_shards(self, shards: Iterable[str | Path]) -> dict[str, float]:
        """Held-out metrics (``n``, ``pearson_r``, ``r2``, ``mse``) on other shards."""
        check_is_fitted(self, "sgd_")
        paths = _check_paths(shards, "test")
        parts = [dask.delayed(_shard_pred_stats, pure=True)(p, self) for p in paths]
        (total,) = compute(tree_reduce(parts), scheduler=self.scheduler, progress=self.progress)
        return total.score()


def check_list(sequences: Any) -> list[str]:
    """Sequences as a list of str (a Series, array or list)."""
    if isinstance(sequences, pd.Series):
        return sequences.tolist()
    return list(sequences)
