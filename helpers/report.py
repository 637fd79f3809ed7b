"""Assemble and write a coursework report for any sequence-to-expression file.

The "use your own data" chapter runs the book's whole pipeline on a file the
reader chooses. The pipeline's parts live where they belong: reading any
table layout and quality control in :mod:`helpers.io`
(:func:`~helpers.io.load_table`, :func:`~helpers.io.quality_control`), the
candidate models, the folds and the cross-validation in :mod:`helpers.models`,
the figures in :mod:`helpers.plotting`. This module only puts their results
together, states what they do not show, and writes them to a folder:

``CourseworkReport``       everything one run computed
``compute_noise_ceiling``  the noise ceiling from replicate columns, or why there is none
``report_limits``          what the scores do and do not mean, in sentences
``markdown_table``         a table as GitHub-flavoured Markdown
``write_report``           tables, figures and ``report.md`` to a folder
``run_coursework_report``  read, clean, cross-validate, interpret and write, in one call
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.evaluation import NoiseCeiling, noise_ceiling
from helpers.io import TARGET_TRANSFORMS, QCReport, load_table, quality_control
from helpers.models import (
    CVResults,
    candidate_models,
    cross_validate_models,
    model_importance,
    one_hot_reason,
    plan_folds,
    scan_sequence,
)

__all__ = [
    "CourseworkReport",
    "compute_noise_ceiling",
    "report_limits",
    "markdown_table",
    "write_report",
    "run_coursework_report",
    # re-exported for callers of the old all-in-one module
    "load_table",
    "quality_control",
]


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


def compute_noise_ceiling(table: pd.DataFrame) -> tuple[NoiseCeiling | None, str]:
    """The noise ceiling of a :func:`~helpers.io.load_table` table with replicate columns.

    The replicates (``replicate_1``, ``replicate_2``, ...) are put on the
    target's scale (the same transform; the sign does not matter for
    correlations) and passed to :func:`helpers.evaluation.noise_ceiling`.

    Parameters
    ----------
    table : pandas.DataFrame
        A table from :func:`~helpers.io.load_table` (after quality control).

    Returns
    -------
    ceiling : helpers.evaluation.NoiseCeiling or None
        ``None`` when there are no replicate columns or they give no ceiling.
    note : str
        One sentence saying what was computed, or why nothing was.

    Examples
    --------
    >>> toy = pd.DataFrame({"replicate_1": [1.0, 2, 3, 4, 5], "replicate_2": [1.0, 3, 2, 4, 5]})
    >>> ceiling, note = compute_noise_ceiling(toy)
    >>> round(ceiling.r2, 3)
    0.947
    >>> compute_noise_ceiling(toy[[]])[1]
    'No replicate columns were given, so the noise ceiling (the best R² any model could reach) is unknown.'
    """
    columns = [c for c in table.columns if str(c).startswith("replicate_")]
    if len(columns) < 2:
        return None, (
            "No replicate columns were given, so the noise ceiling (the best R² any model "
            "could reach) is unknown."
        )
    transform_name = table.attrs.get("transform")
    transform = TARGET_TRANSFORMS[transform_name] if transform_name else None
    try:
        ceiling = noise_ceiling(table[columns].to_numpy(dtype=float), transform=transform)
    except ValueError as err:
        return None, f"The noise ceiling could not be computed from the replicates: {err}"
    return ceiling, (
        f"Noise ceiling from {ceiling.n_replicates} replicates (mean pairwise r = "
        f"{ceiling.replicate_r:.3f}): no model can expect an R² above {ceiling.r2:.3f} "
        f"(r above {ceiling.r:.3f}) against these measurements."
    )


@dataclass
class CourseworkReport:
    """Everything :func:`run_coursework_report` computed and wrote.

    Attributes
    ----------
    data : pandas.DataFrame
        The rows kept by quality control (``.attrs`` describe the source).
    qc : helpers.io.QCReport
        What quality control changed, dropped and flagged.
    cv : helpers.models.CVResults
        Cross-validation results, including the fold plan (``cv.plan``).
    importance : pandas.DataFrame or None
        Held-out permutation importance of the best model (``None`` if skipped).
    mutagenesis : pandas.DataFrame or None
        In-silico mutagenesis matrix of one sequence (``None`` if skipped).
    ceiling : helpers.evaluation.NoiseCeiling or None
        The noise ceiling, when replicate columns were given.
    notes : dict of str to str
        Sentences for the report: ``noise``, ``one_hot`` (why one-hot models
        were not offered, if so), ``subsample``.
    paths : dict of str to pathlib.Path
        Every file written, by name.
    """

    data: pd.DataFrame
    qc: QCReport
    cv: CVResults
    importance: pd.DataFrame | None = None
    mutagenesis: pd.DataFrame | None = None
    ceiling: NoiseCeiling | None = None
    notes: dict[str, str] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def metrics(self) -> pd.DataFrame:
        """The cross-validation summary (pooled, then mean and sd over folds), rounded."""
        return self.cv.summary.round(3)

    @property
    def best(self) -> pd.Series:
        """The best model's row of :attr:`metrics`, with its name as ``.name``."""
        return self.metrics.loc[self.cv.best_model]


def report_limits(report: CourseworkReport) -> list[str]:
    """What the report's scores mean and do not mean, one sentence (or two) per point.

    Parameters
    ----------
    report : CourseworkReport

    Returns
    -------
    list of str
        Where the scores hold (new sequences like these, same assay), the
        noise ceiling or its absence, how the folds were made and which are
        odd, which rows were dropped and why, generated ids, subsampling, and
        where to read on about other libraries (the transfer chapter).
    """
    attrs = report.data.attrs
    plan = report.cv.plan
    best = report.cv.best_model
    summary = report.cv.summary
    lines = [
        f"The scores hold for new sequences *like these*: from the same library, measured "
        f"in the same assay. The best model, {best}, reached a pooled out-of-fold R² of "
        f"{summary.loc[best, 'r2_pooled']:.3f} here; on another library, organism or "
        "measurement it may do much worse (see the book's transfer chapter).",
        report.notes.get("noise", ""),
    ]
    if report.ceiling is not None:
        share = summary.loc[best, "r2_pooled"] / report.ceiling.r2
        lines.append(
            f"The best model explains {share:.0%} of the explainable variance "
            f"(R² {summary.loc[best, 'r2_pooled']:.3f} of a ceiling of {report.ceiling.r2:.3f}); "
            "a large gap means the model, or the features it sees, miss something the "
            "measurements capture: noise cannot be blamed for it."
        )
    lines.append(
        f"Folds: {plan.n_folds}, made by {plan.method}. "
        + " ".join(plan.notes)
        + " Fold sizes: "
        + ", ".join(str(n) for n in plan.table["n_test"])
        + " rows."
    )
    flagged = plan.flagged
    if len(flagged):
        lines.append(
            "Odd folds (their scores are less comparable): "
            + "; ".join(f"fold {r.fold}: {r.flag}" for r in flagged.itertuples())
            + ". The pooled out-of-fold scores weigh every row once; the per-fold mean weighs "
            "every fold once, however small."
        )
    else:
        lines.append("No fold is tiny, dominated by one group, or has unusual targets.")
    counts = {why: n for why, n in report.qc.counts().items() if n}
    dropped = ", ".join(f"{n} {why}" for why, n in counts.items()) or "none"
    lines.append(
        f"Rows: {report.qc.n_input} read, {report.qc.n_output} kept; dropped: {dropped} "
        "(every dropped row and why in `dropped.csv`)."
    )
    if attrs.get("targets_source"):
        lines.append(
            f"Joining sequences and measurements on `{attrs.get('join_key')}`: "
            f"{attrs.get('sequences_without_target', 0)} sequence(s) had no measurement "
            f"(dropped as missing target) and {attrs.get('targets_without_sequence', 0)} "
            "measurement row(s) had no sequence (ignored)."
        )
    if attrs.get("ids_generated"):
        lines.append(
            "The file has no id column: ids row1, row2, ... (file row numbers) were generated."
        )
    if not attrs.get("higher_is_stronger", True):
        lines.append(
            "Lower measured values mean stronger promoters here, so the target's sign was "
            "flipped: in every table and figure, higher = stronger."
        )
    for key in ("one_hot", "subsample"):
        if report.notes.get(key):
            lines.append(report.notes[key])
    return [line for line in lines if line]


def _figures(report: CourseworkReport) -> dict[str, plt.Figure]:
    """The report's figures, from its tables."""
    from helpers.plotting import (
        plot_cv_summary,
        plot_data_overview,
        plot_fold_sizes,
        plot_importance_bars,
        plot_mutagenesis_heatmap,
        plot_observed_vs_predicted,
    )

    target = report.data.attrs.get("target_name", "target")
    figures: dict[str, plt.Figure] = {
        "data_overview": plot_data_overview(
            report.data["sequence"].str.len(), report.data["target"], target_name=target
        )
    }
    ceiling = report.ceiling.r2 if report.ceiling is not None else None
    ax = plot_cv_summary(report.cv.summary, n_folds=report.cv.plan.n_folds, ceiling=ceiling)
    ax.figure.tight_layout()
    figures["model_comparison"] = ax.figure

    ax = plot_fold_sizes(report.cv.plan.table)
    ax.figure.tight_layout()
    figures["fold_sizes"] = ax.figure

    best = report.cv.best_model
    ax = plot_observed_vs_predicted(
        report.cv.predictions["measured"],
        report.cv.predictions[best],
        title=f"{best}, out-of-fold predictions",
        label=target,
    )
    ax.figure.tight_layout()
    figures["observed_vs_predicted"] = ax.figure

    if report.importance is not None:
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
        ``folds_csv`` (metrics per model and fold), ``fold_sizes_csv``,
        ``predictions_csv``, ``qc_csv``, ``dropped_csv``, ``importance_csv``
        (if computed), one entry per figure, and ``report_md``.
    """
    out = Path(output_dir)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}

    def save_csv(name: str, frame: pd.DataFrame, index: bool = False) -> None:
        paths[f"{name}_csv"] = out / f"{name}.csv"
        frame.to_csv(paths[f"{name}_csv"], index=index, float_format="%.6g")

    metrics = report.metrics
    save_csv("metrics", metrics, index=True)
    shown = metrics[["r2_pooled", "pearson_r_pooled", "r2_mean", "r2_std", "rmse_pooled"]]
    paths["metrics_md"] = out / "metrics.md"
    paths["metrics_md"].write_text(markdown_table(shown) + "\n")
    save_csv("folds", report.cv.folds)
    save_csv("fold_sizes", report.cv.plan.table)
    save_csv("predictions", report.cv.predictions)
    save_csv("qc", report.qc.summary())
    save_csv("dropped", report.qc.dropped)
    if report.importance is not None:
        save_csv("importance", report.importance)

    figures = _figures(report)
    for name, fig in figures.items():
        paths[name] = out / "figures" / f"{name}.png"
        fig.savefig(paths[name], dpi=120, bbox_inches="tight")
        if close:
            plt.close(fig)

    attrs = report.data.attrs
    best = report.cv.best_model
    source = attrs.get("source", "?")
    if attrs.get("targets_source"):
        source += f"` + `{attrs['targets_source']}"
    lines = [
        "# Sequence-to-expression report",
        "",
        f"- input: `{source}`",
        f"- target: {attrs.get('target_name', 'target')}",
        f"- rows: {report.qc.n_input} read, {report.qc.n_output} kept, "
        f"{report.qc.n_dropped} dropped (reasons in `qc.csv`, rows in `dropped.csv`)",
        f"- cross-validation: {report.cv.plan.n_folds} folds by {report.cv.plan.method} "
        f"(fold sizes {', '.join(str(n) for n in report.cv.plan.table['n_test'])})",
        "",
        "## Models",
        "",
        "Pooled: every row's out-of-fold prediction scored at once. Mean and sd: over folds.",
        "",
        markdown_table(shown),
        "",
        f"Best model (pooled out-of-fold R²): **{best}**.",
        "",
        "![model comparison](figures/model_comparison.png)",
        "",
        "![observed vs predicted](figures/observed_vs_predicted.png)",
        "",
        "## What these scores do not tell you",
        "",
        *[f"- {line}" for line in report_limits(report)],
        "",
        markdown_table(report.cv.plan.table, index=False),
        "",
        "![fold sizes](figures/fold_sizes.png)",
        "",
    ]
    if report.importance is not None:
        lines += [
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
    fmt: Literal["table", "csv", "fasta"] | None = None,
    sep: str | None = None,
    header: bool = True,
    id_col: str | int | None = "id",
    sequence_col: str | int = "sequence",
    target_col: str | int | None = "expression",
    replicate_cols: Sequence[str | int] | None = None,
    group_col: str | int | None = None,
    targets_path: str | Path | None = None,
    targets_sep: str | None = None,
    targets_header: bool = True,
    join_key: str | int | None = None,
    target_transform: Literal["log10", "log2", "ln"] | None = None,
    log10_target: bool = False,
    higher_is_stronger: bool = True,
    output_dir: str | Path = "reports/coursework",
    k: int | tuple[int, int] = (1, 4),
    n_folds: int = 5,
    similarity_threshold: float = 0.5,
    one_hot: bool | Literal["auto"] = "auto",
    max_iter: int = 100,
    length: int | Literal["mode"] | None = None,
    max_n_fraction: float = 0.05,
    subsample: int | None = None,
    models: Mapping[str, Any] | None = None,
    importance: bool = True,
    mutagenesis: bool = True,
    random_state: int = 0,
) -> CourseworkReport:
    r"""Run the whole pipeline on a file and write a report to ``output_dir``.

    Reads the file (:func:`~helpers.io.load_table`), optionally keeps a random
    subset, cleans it (:func:`~helpers.io.quality_control`), computes the noise
    ceiling when there are replicates (:func:`compute_noise_ceiling`), makes
    folds (:func:`~helpers.models.plan_folds`), cross-validates the
    :func:`~helpers.models.candidate_models` (or ``models``), computes the best
    model's permutation importance and a mutagenesis scan, then writes
    everything with :func:`write_report`.

    Parameters
    ----------
    path, fmt, sep, header, id_col, sequence_col, target_col, replicate_cols, group_col
        As in :func:`~helpers.io.load_table`.
    targets_path, targets_sep, targets_header, join_key
        As in :func:`~helpers.io.load_table`: measurements in a second table.
    target_transform, log10_target, higher_is_stronger
        As in :func:`~helpers.io.load_table`.
    output_dir : str or pathlib.Path, default="reports/coursework"
        Where the report goes (``reports/`` is ignored by git).
    k : int or (int, int), default=(1, 4)
        k-mer lengths of the k-mer models.
    n_folds : int, default=5
        Number of cross-validation folds.
    similarity_threshold : float, default=0.5
        First threshold of similarity grouping (see
        :func:`~helpers.models.plan_folds`, which raises it, and says so, when it
        gives too few groups). Ignored when ``group_col`` gives enough groups.
    one_hot : bool or "auto", default="auto"
        Offer one-hot (position-aware) models: ``"auto"`` when all sequences
        have one length after quality control (otherwise the report says why
        not).
    max_iter : int, default=100
        Boosting rounds.
    length : int, "mode" or None, default=None
        Required sequence length, as in :func:`~helpers.io.quality_control`
        (``"mode"`` keeps the most common length, which makes one-hot models
        possible on a library with a few odd lengths).
    max_n_fraction : float, default=0.05
        Largest fraction of ``N`` in a kept sequence.
    subsample : int, optional
        Keep a random subset of this many rows first (try a big file quickly).
    models : mapping of str to estimator, optional
        Models to compare instead of the candidates.
    importance, mutagenesis : bool, default=True
        Compute the permutation importance and the mutagenesis scan.
    random_state : int, default=0
        Seed of the subsample, the boosting models and the shuffles.

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
    >>> rows = [f"{s} {s.count('A')}" for s in seqs]
    >>> _ = (folder / "mine.txt").write_text("dna a_count\n" + "\n".join(rows))
    >>> report = run_coursework_report(
    ...     folder / "mine.txt", id_col=None, sequence_col="dna", target_col="a_count",
    ...     output_dir=folder / "report", k=1, n_folds=3, max_iter=20)
    >>> report.cv.best_model, report.qc.n_output
    ('k-mer ridge', 60)
    >>> sorted(p.name for p in (folder / "report").iterdir())[:4]
    ['dropped.csv', 'figures', 'fold_sizes.csv', 'folds.csv']
    """
    table = load_table(
        path,
        fmt=fmt,
        sep=sep,
        header=header,
        id_col=id_col,
        sequence_col=sequence_col,
        target_col=target_col,
        replicate_cols=replicate_cols,
        group_col=group_col,
        targets_path=targets_path,
        targets_sep=targets_sep,
        targets_header=targets_header,
        join_key=join_key,
        target_transform=target_transform,
        log10_target=log10_target,
        higher_is_stronger=higher_is_stronger,
    )
    notes: dict[str, str] = {}
    if subsample is not None and len(table) > subsample:
        attrs = dict(table.attrs)
        n_read = len(table)
        table = table.sample(n=subsample, random_state=random_state).sort_index()
        table.attrs.update(attrs)
        notes["subsample"] = (
            f"Only a random {subsample} of the {n_read} rows were used (setting SUBSAMPLE): "
            "with all rows, scores are usually a little higher."
        )
    clean, qc = quality_control(table, length=length, max_n_fraction=max_n_fraction, cv=n_folds)
    ceiling, notes["noise"] = compute_noise_ceiling(clean)
    reason = one_hot_reason(clean["sequence"].tolist())
    use_one_hot = reason is None if one_hot == "auto" else bool(one_hot)
    if models is None and reason is not None:
        notes["one_hot"] = f"One-hot (position-aware) models were not offered: {reason}"
    chosen = (
        models
        if models is not None
        else candidate_models(k, one_hot=use_one_hot, max_iter=max_iter, random_state=random_state)
    )
    plan = plan_folds(
        clean["sequence"].tolist(),
        clean["target"].to_numpy(dtype=float),
        n_folds=n_folds,
        groups=clean["group"].tolist() if "group" in clean.columns else None,
        similarity_threshold=similarity_threshold,
    )
    results = cross_validate_models(chosen, clean, plan=plan)
    report = CourseworkReport(
        data=clean,
        qc=qc,
        cv=results,
        importance=model_importance(results, clean, random_state=random_state)
        if importance
        else None,
        mutagenesis=scan_sequence(results, clean) if mutagenesis else None,
        ceiling=ceiling,
        notes=notes,
    )
    write_report(report, output_dir)
    return report
