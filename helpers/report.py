"""A coursework report for any sequence-to-expression file, in one call.

The "use your own data" chapter runs the book's whole pipeline on a file the
reader chooses. This module holds the parts of that pipeline that the other
modules do not: reading a CSV *or* FASTA file with any column names into one
standard table, comparing a few models by leakage-aware cross-validation, and
writing the results (tables as CSV and Markdown, figures as PNG) to a folder.
Reading, cleaning, encoding, scoring and importance all go through the
book's helpers, so a bad file fails with their clear messages.

The functions, in the order the chapter uses them:

``load_table``             CSV or FASTA (+ targets CSV) -> table ``id, sequence, target``
``quality_control``        :func:`helpers.io.clean_sequences` plus size checks
``candidate_models``       baseline, ridge and random forest on k-mer counts
``cross_validate_models``  grouped k-fold CV: per-fold metrics, summary, predictions
``model_importance``       held-out permutation importance of the best model
``scan_sequence``          in-silico mutagenesis of one sequence
``write_report``           tables, figures and ``report.md`` to a folder
``run_coursework_report``  all of the above
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from helpers.encoding import KmerVectorizer
from helpers.evaluation import METRICS, regression_report, similarity_groups
from helpers.interpret import (
    importance_table,
    mutagenesis_matrix,
    mutagenesis_scan,
    restricted_permutation_importance,
)
from helpers.io import (
    QCReport,
    clean_sequences,
    read_fasta,
    read_sequences_csv,
)

__all__ = [
    "CVResults",
    "CourseworkReport",
    "load_table",
    "quality_control",
    "candidate_models",
    "cross_validate_models",
    "model_importance",
    "scan_sequence",
    "markdown_table",
    "write_report",
    "run_coursework_report",
]

#: File name endings read as FASTA; everything else is read as a table.
FASTA_SUFFIXES: frozenset[str] = frozenset({".fa", ".fasta", ".fna", ".fas", ".ffn"})

#: Metrics summarised across folds, in display order.
SUMMARY_METRICS: tuple[str, ...] = ("r2", "pearson_r", "spearman_rho", "rmse", "mae")


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------


def _format_of(path: Path, fmt: str | None) -> Literal["csv", "fasta"]:
    """``"csv"`` or ``"fasta"``: as given, or guessed from the file name."""
    if fmt is None:
        return "fasta" if path.suffix.lower() in FASTA_SUFFIXES else "csv"
    if fmt not in ("csv", "fasta"):
        raise ValueError(f"fmt must be 'csv', 'fasta' or None (guess from the name), got {fmt!r}.")
    return fmt


def load_table(
    path: str | Path,
    *,
    fmt: Literal["csv", "fasta"] | None = None,
    id_col: str = "id",
    sequence_col: str = "sequence",
    target_col: str = "expression",
    targets_path: str | Path | None = None,
    log10_target: bool = False,
) -> pd.DataFrame:
    r"""Read sequences and one measurement per sequence into a standard table.

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV/TSV file with a header (read by
        :func:`helpers.io.read_sequences_csv`, so ``,``, ``;`` or tab
        separated), or a FASTA file (read by :func:`helpers.io.read_fasta`).
    fmt : {"csv", "fasta"}, optional
        File format; by default FASTA if the name ends in ``.fa``, ``.fasta``,
        ``.fna``, ``.fas`` or ``.ffn``, else CSV.
    id_col, sequence_col, target_col : str
        Names of the id, sequence and measurement columns of your file. For
        FASTA, ``id_col`` and ``target_col`` name the columns of
        ``targets_path`` (the FASTA header gives the id).
    targets_path : str or pathlib.Path, optional
        For FASTA input: a table with an ``id_col`` and a ``target_col``
        column, matched to the FASTA records by id, read like a CSV ``path``
        (``,``, ``;`` with decimal commas, or tab). Ignored for CSV input.
    log10_target : bool, default=False
        Take log10 of the measurement (expression is usually compared on a log
        scale). Every value must then be positive.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``sequence`` (as written) and ``target`` (float, NaN
        where missing), in file order; ``.attrs`` records the source file, the
        target's name and, for FASTA input, how many targets matched no record.
        Nothing is dropped here: :func:`quality_control` decides, and counts.

    Raises
    ------
    FileNotFoundError
        If a file does not exist.
    ValueError
        If ``fmt`` is unknown, FASTA input has no ``targets_path``, a column
        is missing, a file is empty, a measurement is not a number or is
        infinite, or ``log10_target`` meets a value ≤ 0; messages name the
        file, column, row and value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "mine.csv").write_text("name,seq,tpm\nA1,ACGT,10\nA2,GGCA,100\n")
    >>> load_table(folder / "mine.csv", id_col="name", sequence_col="seq",
    ...            target_col="tpm", log10_target=True)
       id sequence  target
    0  A1     ACGT     1.0
    1  A2     GGCA     2.0
    """
    path = Path(path)
    kind = _format_of(path, fmt)
    if kind == "csv":
        raw = read_sequences_csv(
            path, sequence_col=sequence_col, id_col=id_col, target_cols=[target_col]
        )
        table = pd.DataFrame(
            {"id": raw[id_col], "sequence": raw[sequence_col], "target": raw[target_col]}
        )
        unmatched = 0
        source = path
    else:
        if targets_path is None:
            raise ValueError(
                f"{path} is FASTA, which holds no measurements: pass targets_path= "
                f"(a table with columns {id_col!r} and {target_col!r})."
            )
        records = read_fasta(path, strict=False)
        targets = _read_targets(Path(targets_path), id_col, target_col)
        values = targets.drop_duplicates(subset="id", keep=False).set_index("id")["target"]
        repeated = targets.loc[targets["id"].duplicated(keep=False), "id"].unique().tolist()
        if repeated:
            raise ValueError(
                f"{targets_path}: id(s) {repeated[:10]} appear more than once in column "
                f"{id_col!r}; each sequence needs exactly one {target_col!r} value."
            )
        table = pd.DataFrame(
            {
                "id": records["id"],
                "sequence": records["sequence"],
                "target": records["id"].map(values).astype(float),
            }
        )
        unmatched = int((~values.index.isin(set(records["id"]))).sum())
        source = path
    if log10_target:
        bad = table["target"] <= 0
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{source}: log10_target=True needs positive values, but {target_col!r} of "
                f"id {table['id'].iloc[i]!r} is {float(table['target'].iloc[i]):g} "
                f"({int(bad.sum())} value(s) <= 0). Set log10_target=False or fix the values."
            )
        table["target"] = np.log10(table["target"])
    table.attrs.update(
        source=str(source),
        target_name=f"log10 {target_col}" if log10_target else target_col,
        targets_without_sequence=unmatched,
    )
    return table


def _read_targets(path: Path, id_col: str, target_col: str) -> pd.DataFrame:
    """Read the ``id_col`` and ``target_col`` columns of a table of measurements.

    The file is read by :func:`helpers.io.read_sequences_csv` with no
    sequence column, so a byte-order mark, ``;`` or tab separators and decimal
    commas are handled as for sequence tables, and its messages (a missing
    column, a non-numeric or infinite value) name the file, row, id and value.
    """
    raw = read_sequences_csv(path, sequence_col=None, id_col=id_col, target_cols=[target_col])
    return pd.DataFrame(
        {"id": raw[id_col].to_numpy(), "target": raw[target_col].to_numpy(dtype=float)}
    )


def quality_control(
    table: pd.DataFrame,
    *,
    length: int | Literal["mode"] | None = None,
    max_n_fraction: float = 0.05,
    cv: int = 5,
    min_per_fold: int = 10,
) -> tuple[pd.DataFrame, QCReport]:
    """Clean a :func:`load_table` table and check it is big enough to model.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``id``, ``sequence`` and ``target``.
    length : int, "mode" or None, default=None
        Required sequence length, passed to
        :func:`helpers.io.clean_sequences` (``None``: any length; k-mer counts
        do not need one length, but in-silico mutagenesis is easiest to read
        on designed libraries of one length).
    max_n_fraction : float, default=0.05
        Largest fraction of ``N`` allowed in a sequence.
    cv : int, default=5
        Number of cross-validation folds that will be used.
    min_per_fold : int, default=10
        Fewest rows each test fold must get.

    Returns
    -------
    clean : pandas.DataFrame
        The rows kept, with a fresh index.
    report : helpers.io.QCReport
        What was changed, dropped and flagged, and why.

    Raises
    ------
    ValueError
        If fewer than ``cv * min_per_fold`` rows survive, or the target is
        constant (nothing to predict).

    Examples
    --------
    >>> raw = pd.DataFrame({"id": ["a", "b", "c"], "sequence": ["ACGT", "ACXT", "acga"],
    ...                     "target": [1.0, 2.0, 3.0]})
    >>> clean, report = quality_control(raw, cv=2, min_per_fold=1)
    >>> clean["id"].tolist(), report.n_dropped
    (['a', 'c'], 1)
    """
    clean, report = clean_sequences(
        table,
        sequence_col="sequence",
        id_col="id",
        target_cols=["target"],
        length=length,
        max_n_fraction=max_n_fraction,
    )
    clean.attrs.update(table.attrs)
    needed = cv * min_per_fold
    if len(clean) < needed:
        raise ValueError(
            f"{table.attrs.get('source', 'the table')}: only {len(clean)} of {len(table)} rows "
            f"passed quality control ({report!r}); {cv}-fold cross-validation needs at least "
            f"{needed}. See report.dropped for why rows were dropped."
        )
    if clean["target"].nunique() < 2:
        raise ValueError(
            f"{table.attrs.get('source', 'the table')}: the target is constant after quality "
            "control, so there is nothing to predict."
        )
    return clean, report


# ---------------------------------------------------------------------------
# models and cross-validation
# ---------------------------------------------------------------------------


def to_dense(X: Any) -> np.ndarray:
    """Return ``X`` as a dense array (for estimators that need one).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> to_dense(sp.csr_matrix([[0, 1]])).tolist()
    [[0, 1]]
    """
    return X.toarray() if hasattr(X, "toarray") else np.asarray(X)


def candidate_models(
    k: int | tuple[int, int] = (1, 4), *, n_trees: int = 50, random_state: int = 0
) -> dict[str, Pipeline]:
    """The models the report compares, each a sequence -> prediction ``Pipeline``.

    Parameters
    ----------
    k : int or (int, int), default=(1, 4)
        k-mer length(s) for :class:`helpers.encoding.KmerVectorizer`; the
        default counts all 1- to 4-mers (340 features).
    n_trees : int, default=50
        Trees in the random forest (more trees smooth its predictions but
        cost time; 50 is enough for a few hundred k-mer features).
    random_state : int, default=0
        Seed of the random forest.

    Returns
    -------
    dict of str to sklearn.pipeline.Pipeline
        ``"mean baseline"`` (predicts the training mean: the score to beat),
        ``"ridge"`` (standardised k-mer counts, penalty chosen by internal
        leave-one-out CV) and ``"random forest"``. The counts are made dense
        for ridge and the forest: with a few hundred features that is small,
        and trees grow several times faster on dense input.

    Examples
    --------
    >>> list(candidate_models(k=3))
    ['mean baseline', 'ridge', 'random forest']
    """
    return {
        "mean baseline": Pipeline(
            [("kmers", KmerVectorizer(k=k)), ("model", DummyRegressor(strategy="mean"))]
        ),
        "ridge": Pipeline(
            [
                ("kmers", KmerVectorizer(k=k)),
                (
                    "dense",
                    FunctionTransformer(
                        to_dense, accept_sparse=True, feature_names_out="one-to-one"
                    ),
                ),
                ("scale", StandardScaler()),
                ("model", RidgeCV(alphas=np.logspace(-1, 5, 13))),
            ]
        ),
        "random forest": Pipeline(
            [
                ("kmers", KmerVectorizer(k=k)),
                (
                    "dense",
                    FunctionTransformer(
                        to_dense, accept_sparse=True, feature_names_out="one-to-one"
                    ),
                ),
                (
                    "model",
                    RandomForestRegressor(
                        n_estimators=n_trees,
                        max_features="sqrt",
                        min_samples_leaf=5,
                        n_jobs=1,
                        random_state=random_state,
                    ),
                ),
            ]
        ),
    }


@dataclass
class CVResults:
    """What :func:`cross_validate_models` measured.

    Attributes
    ----------
    folds : pandas.DataFrame
        One row per model and fold: ``model``, ``fold``, ``n_test`` and every
        metric of :data:`helpers.evaluation.METRICS` on that fold's test rows.
    summary : pandas.DataFrame
        One row per model (index ``model``), best mean R² first: the mean and
        standard deviation over folds of each metric of
        :data:`SUMMARY_METRICS` (``r2_mean``, ``r2_std``, ...).
    predictions : pandas.DataFrame
        Out-of-fold predictions: ``id``, ``fold``, ``measured`` and one column
        per model (each row predicted by the models that did not see it).
    estimators : dict of str to list
        The fitted pipeline of every fold, per model.
    test_indices : list of numpy.ndarray
        Row positions of each fold's test set.
    groups : numpy.ndarray
        Similarity group of every row (rows of a group share a fold).
    """

    folds: pd.DataFrame
    summary: pd.DataFrame
    predictions: pd.DataFrame
    estimators: dict[str, list[Any]]
    test_indices: list[np.ndarray]
    groups: np.ndarray

    @property
    def best_model(self) -> str:
        """Name of the model with the best mean R² (the baseline is never chosen)."""
        names = [name for name in self.summary.index if name != "mean baseline"]
        return names[0] if names else str(self.summary.index[0])


def cross_validate_models(
    models: Mapping[str, Any],
    table: pd.DataFrame,
    *,
    cv: int = 5,
    similarity_k: int = 8,
    similarity_threshold: float = 0.5,
    random_state: int = 0,
) -> CVResults:
    """Compare models by k-fold cross-validation that keeps similar sequences together.

    Near-identical sequences (see :func:`helpers.evaluation.similarity_groups`)
    always land in the same fold, so no test sequence has a near-copy in its
    training set: the scores estimate performance on new sequences.

    Parameters
    ----------
    models : mapping of str to estimator
        Name to an unfitted estimator that takes a list of sequences, e.g.
        from :func:`candidate_models`. Each is cloned for every fold.
    table : pandas.DataFrame
        Columns ``id``, ``sequence`` and ``target``, e.g. from
        :func:`quality_control`.
    cv : int, default=5
        Number of folds.
    similarity_k, similarity_threshold : int, float
        Passed to :func:`helpers.evaluation.similarity_groups` (``k`` is
        lowered to the shortest sequence's length if needed).
    random_state : int, default=0
        Seed of the fold assignment.

    Returns
    -------
    CVResults

    Raises
    ------
    ValueError
        If ``models`` is empty, ``table`` lacks a column, or there are fewer
        groups of similar sequences than folds.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> seqs = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(60)]
    >>> toy = pd.DataFrame({"id": [f"s{i}" for i in range(60)], "sequence": seqs,
    ...                     "target": [s.count("A") / 30 for s in seqs]})
    >>> models = {"mean baseline": candidate_models(k=1)["mean baseline"],
    ...           "ridge": candidate_models(k=1)["ridge"]}
    >>> result = cross_validate_models(models, toy, cv=3)
    >>> result.best_model, result.summary.loc["ridge", "r2_mean"] > 0.9
    ('ridge', np.True_)
    """
    if not models:
        raise ValueError("models is empty: give at least one estimator to compare.")
    absent = [c for c in ("id", "sequence", "target") if c not in table.columns]
    if absent:
        raise ValueError(f"table is missing column(s) {absent}; found {list(table.columns)}.")
    sequences = table["sequence"].tolist()
    y = table["target"].to_numpy(dtype=float)
    k = max(1, min(similarity_k, min(len(s) for s in sequences)))
    groups = similarity_groups(sequences, k=k, threshold=similarity_threshold)
    n_groups = int(groups.max()) + 1
    if n_groups < cv:
        raise ValueError(
            f"only {n_groups} groups of dissimilar sequences, fewer than cv={cv} folds; "
            "lower cv or raise similarity_threshold."
        )
    splitter = GroupKFold(n_splits=cv, shuffle=True, random_state=random_state)
    splits = list(splitter.split(sequences, y, groups))

    rows: list[pd.DataFrame] = []
    oof = {name: np.full(len(y), np.nan) for name in models}
    fold_of = np.full(len(y), -1)
    estimators: dict[str, list[Any]] = {name: [] for name in models}
    for fold, (train, test) in enumerate(splits):
        fold_of[test] = fold
        train_seqs = [sequences[i] for i in train]
        test_seqs = [sequences[i] for i in test]
        for name, model in models.items():
            fitted = clone(model).fit(train_seqs, y[train])
            predicted = np.asarray(fitted.predict(test_seqs), dtype=float)
            oof[name][test] = predicted
            estimators[name].append(fitted)
            report = regression_report(y[test], predicted, model=name).reset_index()
            report.insert(1, "fold", fold)
            rows.append(report)
    folds = pd.concat(rows, ignore_index=True).rename(columns={"n": "n_test"})
    folds = folds[["model", "fold", "n_test", *METRICS]]
    grouped = folds.groupby("model", sort=False)[list(SUMMARY_METRICS)]
    mean, std = grouped.mean(), grouped.std(ddof=1)
    summary = pd.concat(
        {
            f"{m}_{stat}": frame[m]
            for m in SUMMARY_METRICS
            for stat, frame in (("mean", mean), ("std", std))
        },
        axis=1,
    ).sort_values("r2_mean", ascending=False, kind="stable")
    summary.index.name = "model"
    predictions = pd.DataFrame({"id": table["id"].to_numpy(), "fold": fold_of, "measured": y})
    for name, values in oof.items():
        predictions[name] = values
    return CVResults(
        folds=folds,
        summary=summary,
        predictions=predictions,
        estimators=estimators,
        test_indices=[test for _, test in splits],
        groups=groups,
    )


# ---------------------------------------------------------------------------
# interpretation
# ---------------------------------------------------------------------------


def _own_ranking(estimator: Any) -> np.ndarray:
    """The model's own importance per feature: impurity importance or |coefficient|."""
    if hasattr(estimator, "feature_importances_"):
        return np.asarray(estimator.feature_importances_, dtype=float)
    if hasattr(estimator, "coef_"):
        return np.abs(np.asarray(estimator.coef_, dtype=float).ravel())
    raise ValueError(
        f"{type(estimator).__name__} has neither feature_importances_ nor coef_; "
        "cannot shortlist features for permutation importance."
    )


def model_importance(
    results: CVResults,
    table: pd.DataFrame,
    model: str | None = None,
    *,
    fold: int = 0,
    n_candidates: int = 40,
    n_repeats: int = 5,
    random_state: int = 0,
) -> pd.DataFrame:
    """Held-out permutation importance of one model's features.

    The pipeline fitted on the training folds of ``fold`` is scored on that
    fold's test rows; each feature is shuffled in turn and the drop in R² is
    its importance. To keep this quick, only the ``n_candidates`` features the
    model itself ranks highest (impurity importance for a forest, absolute
    standardised coefficient for ridge) are shuffled, with
    :func:`helpers.interpret.restricted_permutation_importance`.

    Parameters
    ----------
    results : CVResults
        From :func:`cross_validate_models`.
    table : pandas.DataFrame
        The table that was cross-validated.
    model : str, optional
        Which model; by default ``results.best_model``.
    fold : int, default=0
        Which fold's fitted pipeline and test rows to use.
    n_candidates : int, default=40
        Size of the shortlist of features to shuffle.
    n_repeats : int, default=5
        Shuffles per feature.
    random_state : int, default=0
        Seed of the shuffles.

    Returns
    -------
    pandas.DataFrame
        From :func:`helpers.interpret.importance_table`: ``rank``,
        ``feature``, ``importance`` (mean drop in held-out R²), ``std``, plus
        ``own_rank`` (the model's own ranking of the feature).

    Raises
    ------
    ValueError
        If ``model`` or ``fold`` does not exist or the model cannot rank its
        features.

    Examples
    --------
    A target that counts ``A``: shuffling the ``A`` column hurts most.

    >>> rng = np.random.default_rng(0)
    >>> seqs = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(60)]
    >>> toy = pd.DataFrame({"id": [f"s{i}" for i in range(60)], "sequence": seqs,
    ...                     "target": [s.count("A") / 30 for s in seqs]})
    >>> result = cross_validate_models({"ridge": candidate_models(k=1)["ridge"]}, toy, cv=3)
    >>> table = model_importance(result, toy)
    >>> table.loc[0, "feature"], bool(table.loc[0, "importance"] > 0.5)
    ('A', True)
    """
    name = results.best_model if model is None else model
    if name not in results.estimators:
        raise ValueError(f"no model {name!r}; cross-validated: {list(results.estimators)}.")
    if not 0 <= fold < len(results.test_indices):
        raise ValueError(f"fold must be in 0..{len(results.test_indices) - 1}, got {fold}.")
    pipeline = results.estimators[name][fold]
    test = results.test_indices[fold]
    features = pipeline[:-1].transform([table["sequence"].iloc[i] for i in test])
    names = np.asarray(pipeline[:-1].get_feature_names_out(), dtype=object)
    own = _own_ranking(pipeline[-1])
    shortlist = np.argsort(-own, kind="stable")[:n_candidates]
    shuffled = restricted_permutation_importance(
        pipeline[-1],
        features,
        table["target"].to_numpy(dtype=float)[test],
        shortlist,
        n_repeats=n_repeats,
        random_state=random_state,
    )
    ranked = importance_table(
        shuffled["importance"].to_numpy(), names[shortlist], std=shuffled["std"].to_numpy()
    )
    own_rank = {names[j]: r for r, j in enumerate(shortlist, start=1)}
    ranked["own_rank"] = ranked["feature"].map(own_rank).astype(int)
    ranked.attrs.update(model=name, fold=fold, n_test=len(test))
    return ranked


def scan_sequence(
    results: CVResults, table: pd.DataFrame, model: str | None = None, *, fold: int = 0
) -> pd.DataFrame:
    """In-silico mutagenesis of the most highly expressed clean test sequence.

    Parameters
    ----------
    results : CVResults
        From :func:`cross_validate_models`.
    table : pandas.DataFrame
        The table that was cross-validated.
    model : str, optional
        Which model; by default ``results.best_model``.
    fold : int, default=0
        The scanned sequence is the one with the highest measured target
        among that fold's test rows without ``N``, and the pipeline is the
        one fitted without it.

    Returns
    -------
    pandas.DataFrame
        The (base x position) matrix of :func:`helpers.interpret.mutagenesis_matrix`;
        ``.attrs`` holds ``id``, ``sequence`` and ``model``.

    Raises
    ------
    ValueError
        If every test sequence of the fold contains ``N``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> seqs = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(60)]
    >>> toy = pd.DataFrame({"id": [f"s{i}" for i in range(60)], "sequence": seqs,
    ...                     "target": [s.count("A") / 30 for s in seqs]})
    >>> result = cross_validate_models({"ridge": candidate_models(k=1)["ridge"]}, toy, cv=3)
    >>> matrix = scan_sequence(result, toy)
    >>> matrix.shape, matrix.attrs["model"]
    ((4, 30), 'ridge')
    >>> bool((matrix.loc["A"] >= 0).all())  # gaining an A raises the prediction
    True
    """
    name = results.best_model if model is None else model
    test = results.test_indices[fold]
    candidates = table.iloc[test]
    candidates = candidates[~candidates["sequence"].str.contains("N")]
    if candidates.empty:
        raise ValueError(f"every test sequence of fold {fold} contains N; nothing to scan.")
    best = candidates.sort_values("target", ascending=False, kind="stable").iloc[0]
    scan = mutagenesis_scan(results.estimators[name][fold], best["sequence"])
    matrix = mutagenesis_matrix(scan)
    matrix.attrs.update(id=best["id"], sequence=best["sequence"], model=name)
    return matrix


# ---------------------------------------------------------------------------
# writing the report
# ---------------------------------------------------------------------------


def markdown_table(frame: pd.DataFrame, decimals: int = 3, index: bool = True) -> str:
    """A GitHub-flavoured Markdown table (no extra dependency).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    decimals : int, default=3
        Decimals shown for floats; NaN is shown as ``–``.
    index : bool, default=True
        Include the index as the first column.

    Returns
    -------
    str

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"r2": [0.51234, np.nan]}, index=["a", "b"])))
    |   | r2 |
    |---|---|
    | a | 0.512 |
    | b | – |
    """
    data = frame.reset_index() if index else frame

    def cell(value: object) -> str:
        if isinstance(value, float | np.floating):
            return "–" if np.isnan(value) else f"{value:.{decimals}f}"
        return str(value).replace("|", "\\|")

    header = [str(c) if c is not None else "" for c in data.columns]
    if index and frame.index.name is None:
        header[0] = " "
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += [
        "| " + " | ".join(cell(v) for v in row) + " |" for row in data.itertuples(index=False)
    ]
    return "\n".join(lines)


@dataclass
class CourseworkReport:
    """Everything :func:`run_coursework_report` computed and wrote.

    Attributes
    ----------
    data : pandas.DataFrame
        The rows kept by quality control.
    qc : helpers.io.QCReport
        What quality control changed, dropped and flagged.
    cv : CVResults
        Cross-validation results.
    importance : pandas.DataFrame
        Held-out permutation importance of the best model.
    mutagenesis : pandas.DataFrame or None
        In-silico mutagenesis matrix of one sequence (``None`` if skipped).
    paths : dict of str to pathlib.Path
        Every file written, by name.
    """

    data: pd.DataFrame
    qc: QCReport
    cv: CVResults
    importance: pd.DataFrame
    mutagenesis: pd.DataFrame | None
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def metrics(self) -> pd.DataFrame:
        """The cross-validation summary, rounded to 3 decimals."""
        return self.cv.summary.round(3)


def _figures(report: CourseworkReport) -> dict[str, plt.Figure]:
    """The report's figures, from its tables."""
    from helpers.plotting import (
        plot_importance_bars,
        plot_model_scores,
        plot_mutagenesis_heatmap,
        plot_observed_vs_predicted,
    )

    target = report.data.attrs.get("target_name", "target")
    figures: dict[str, plt.Figure] = {}

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
    left.hist(report.data["sequence"].str.len(), bins=30, color="C0")
    left.set_xlabel("sequence length (nt)")
    left.set_ylabel("sequences")
    right.hist(report.data["target"], bins=30, color="C1")
    right.set_xlabel(target)
    right.set_ylabel("sequences")
    fig.suptitle(f"{len(report.data)} sequences after quality control")
    fig.tight_layout()
    figures["data_overview"] = fig

    summary = report.cv.summary
    errors = {
        name: (
            summary.loc[name, "r2_mean"] - summary.loc[name, "r2_std"],
            summary.loc[name, "r2_mean"] + summary.loc[name, "r2_std"],
        )
        for name in summary.index
    }
    ax = plot_model_scores(summary.rename(columns={"r2_mean": "r2"}), metric="r2", errors=errors)
    ax.set_xlabel(f"R² (mean ± sd over {len(report.cv.test_indices)} folds)")
    ax.figure.tight_layout()
    figures["model_comparison"] = ax.figure

    best = report.cv.best_model
    ax = plot_observed_vs_predicted(
        report.cv.predictions["measured"],
        report.cv.predictions[best],
        title=f"{best}, out-of-fold predictions",
        label=target,
    )
    ax.figure.tight_layout()
    figures["observed_vs_predicted"] = ax.figure

    ax = plot_importance_bars(
        report.importance,
        top=15,
        xlabel="drop in held-out R² when shuffled",
        title=f"{best}: permutation importance",
    )
    ax.figure.tight_layout()
    figures["importance"] = ax.figure

    if report.mutagenesis is not None:
        attrs = report.mutagenesis.attrs
        width = min(14.0, max(4.0, 0.1 * report.mutagenesis.shape[1] + 1.5))
        _, ax = plt.subplots(figsize=(width, 2.4))
        ax = plot_mutagenesis_heatmap(
            report.mutagenesis,
            ax=ax,
            sequence=attrs["sequence"],
            title=f"{attrs['model']}: in-silico mutagenesis of {attrs['id']}",
        )
        ax.figure.tight_layout()
        figures["mutagenesis"] = ax.figure
    return figures


def write_report(
    report: CourseworkReport, output_dir: str | Path, *, close: bool = True
) -> dict[str, Path]:
    """Write the report's tables (CSV and Markdown), figures (PNG) and ``report.md``.

    Parameters
    ----------
    report : CourseworkReport
        What to write; its ``paths`` are updated.
    output_dir : str or pathlib.Path
        Folder to write to (created if needed; files of the same names are
        overwritten).
    close : bool, default=True
        Close the figures after saving them (set ``False`` to show them).

    Returns
    -------
    dict of str to pathlib.Path
        Every file written, by name: ``metrics_csv``, ``metrics_md``,
        ``folds_csv``, ``predictions_csv``, ``qc_csv``, ``dropped_csv``,
        ``importance_csv``, one entry per figure, and ``report_md``.
    """
    out = Path(output_dir)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}

    def save_csv(name: str, frame: pd.DataFrame, index: bool = False) -> None:
        paths[f"{name}_csv"] = out / f"{name}.csv"
        frame.to_csv(paths[f"{name}_csv"], index=index, float_format="%.6g")

    metrics = report.metrics
    save_csv("metrics", metrics, index=True)
    paths["metrics_md"] = out / "metrics.md"
    paths["metrics_md"].write_text(markdown_table(metrics) + "\n")
    save_csv("folds", report.cv.folds)
    save_csv("predictions", report.cv.predictions)
    save_csv("qc", report.qc.summary())
    save_csv("dropped", report.qc.dropped)
    save_csv("importance", report.importance)

    figures = _figures(report)
    for name, fig in figures.items():
        paths[name] = out / "figures" / f"{name}.png"
        fig.savefig(paths[name], dpi=120, bbox_inches="tight")
        if close:
            plt.close(fig)

    attrs = report.data.attrs
    best = report.cv.best_model
    lines = [
        "# Sequence-to-expression report",
        "",
        f"- input: `{attrs.get('source', '?')}`",
        f"- target: {attrs.get('target_name', 'target')}",
        f"- rows: {report.qc.n_input} read, {report.qc.n_output} kept, {report.qc.n_dropped} dropped "
        "(reasons in `qc.csv`, rows in `dropped.csv`)",
        f"- measurements without a sequence (FASTA input): {attrs.get('targets_without_sequence', 0)}",
        f"- cross-validation: {len(report.cv.test_indices)} folds, similar sequences kept together "
        f"({int(report.cv.groups.max()) + 1} groups)",
        "",
        "## Models (mean and standard deviation over folds)",
        "",
        markdown_table(metrics),
        "",
        f"Best model: **{best}**.",
        "",
        "![model comparison](figures/model_comparison.png)",
        "",
        "![observed vs predicted](figures/observed_vs_predicted.png)",
        "",
        "## Which features matter",
        "",
        f"Permutation importance of the {best} model on the held-out rows of fold "
        f"{report.importance.attrs.get('fold', 0)} (drop in R² when a feature is shuffled).",
        "",
        markdown_table(report.importance.head(15), index=False),
        "",
        "![importance](figures/importance.png)",
        "",
    ]
    if "mutagenesis" in paths:
        lines += ["![mutagenesis](figures/mutagenesis.png)", ""]
    lines += ["![data overview](figures/data_overview.png)", ""]
    paths["report_md"] = out / "report.md"
    paths["report_md"].write_text("\n".join(lines))
    report.paths = paths
    return paths


def run_coursework_report(
    path: str | Path,
    *,
    fmt: Literal["csv", "fasta"] | None = None,
    id_col: str = "id",
    sequence_col: str = "sequence",
    target_col: str = "expression",
    targets_path: str | Path | None = None,
    log10_target: bool = False,
    output_dir: str | Path = "reports/coursework",
    k: int | tuple[int, int] = (1, 4),
    cv: int = 5,
    n_trees: int = 50,
    length: int | Literal["mode"] | None = None,
    models: Mapping[str, Any] | None = None,
    mutagenesis: bool = True,
    random_state: int = 0,
) -> CourseworkReport:
    r"""Run the whole pipeline on a file and write a report to ``output_dir``.

    Reads the file (:func:`load_table`), cleans it (:func:`quality_control`),
    cross-validates the :func:`candidate_models` (or ``models``), computes the
    best model's permutation importance (:func:`model_importance`) and, if
    asked, a mutagenesis scan (:func:`scan_sequence`), then writes everything
    with :func:`write_report`.

    Parameters
    ----------
    path, fmt, id_col, sequence_col, target_col, targets_path, log10_target
        As in :func:`load_table`.
    output_dir : str or pathlib.Path, default="reports/coursework"
        Where the report goes (relative paths are relative to the current
        folder; ``reports/`` is ignored by git).
    k, n_trees
        As in :func:`candidate_models`.
    cv : int, default=5
        Number of cross-validation folds.
    length : int, "mode" or None, default=None
        Required sequence length, as in :func:`quality_control`.
    models : mapping of str to estimator, optional
        Models to compare instead of :func:`candidate_models`; each must
        take sequences and end in a step with ``coef_`` or
        ``feature_importances_`` (a ``DummyRegressor`` named
        ``"mean baseline"`` is exempt).
    mutagenesis : bool, default=True
        Also scan one sequence by in-silico mutagenesis.
    random_state : int, default=0
        Seed for the folds, the forest and the shuffles.

    Returns
    -------
    CourseworkReport

    Raises
    ------
    FileNotFoundError, ValueError
        From the steps above, with messages naming the file and what to fix.
        Nothing is written if reading or quality control fails.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> rng = np.random.default_rng(0)
    >>> seqs = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(60)]
    >>> rows = [f"s{i},{s},{s.count('A')}" for i, s in enumerate(seqs)]
    >>> _ = (folder / "mine.csv").write_text("name,dna,a_count\n" + "\n".join(rows))
    >>> report = run_coursework_report(
    ...     folder / "mine.csv", id_col="name", sequence_col="dna", target_col="a_count",
    ...     output_dir=folder / "report", k=1, cv=3, n_trees=5)
    >>> report.cv.best_model, report.qc.n_output
    ('ridge', 60)
    >>> sorted(p.name for p in (folder / "report").iterdir())[:4]
    ['dropped.csv', 'figures', 'folds.csv', 'importance.csv']
    """
    table = load_table(
        path,
        fmt=fmt,
        id_col=id_col,
        sequence_col=sequence_col,
        target_col=target_col,
        targets_path=targets_path,
        log10_target=log10_target,
    )
    clean, qc = quality_control(table, length=length, cv=cv)
    chosen = (
        models
        if models is not None
        else candidate_models(k, n_trees=n_trees, random_state=random_state)
    )
    results = cross_validate_models(chosen, clean, cv=cv, random_state=random_state)
    importance = model_importance(results, clean, random_state=random_state)
    matrix = scan_sequence(results, clean) if mutagenesis else None
    report = CourseworkReport(
        data=clean, qc=qc, cv=results, importance=importance, mutagenesis=matrix
    )
    write_report(report, output_dir)
    return report
