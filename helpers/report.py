"""Assemble and write a coursework report for any sequence-to-expression file.

The "use your own data" chapter runs the book's whole pipeline on a file the
reader chooses. The pipeline's parts live where they belong: reading any
table layout and quality control in :mod:`helpers.io`
(:func:`~helpers.io.load_table`, :func:`~helpers.io.quality_control`), the
candidate models and their cross-validation in :mod:`helpers.models`, the
figures in :mod:`helpers.plotting`. This module only puts their results
together and writes them to a folder:

``CourseworkReport``       everything one run computed
``markdown_table``         a table as GitHub-flavoured Markdown
``write_report``           tables, figures and ``report.md`` to a folder
``run_coursework_report``  read, clean, cross-validate, interpret and write, in one call
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.io import QCReport, load_table, quality_control
from helpers.models import (
    CVResults,
    candidate_models,
    cross_validate_models,
    model_importance,
    scan_sequence,
)

__all__ = [
    "CourseworkReport",
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
        plot_cv_summary,
        plot_data_overview,
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

    ax = plot_cv_summary(report.cv.summary, n_folds=len(report.cv.test_indices))
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
