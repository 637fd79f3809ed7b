"""The coursework report: what one run computed, its limits in words, and the files.

``CourseworkReport``  everything one run computed
``report_limits``     what the scores do and do not mean, in sentences
``markdown_table``    a table as GitHub-flavoured Markdown
``write_report``      tables, figures and ``report.md`` to a folder
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.coursework.cross_validation import CVResults
from helpers.coursework.explain import Importance, Mutagenesis
from helpers.data.clean import ORIENTATION_FLAG
from helpers.data.table import QCReport, SequenceTable
from helpers.evaluation import NoiseCeiling

__all__ = ["CourseworkReport", "markdown_table", "report_limits", "write_report"]


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
    data : helpers.data.table.SequenceTable
        The rows kept by quality control, their provenance and the QC report.
    cv : helpers.coursework.cross_validation.CVResults
        Cross-validation results, including the fold plan (``cv.plan``).
    importance : helpers.coursework.explain.Importance or None
        Held-out permutation importance of the best model (``None`` if skipped).
    mutagenesis : helpers.coursework.explain.Mutagenesis or None
        In-silico mutagenesis of one sequence (``None`` if skipped).
    ceiling : helpers.evaluation.NoiseCeiling or None
        The noise ceiling, when replicate columns were given.
    notes : dict of str to str
        Sentences for the report: ``noise``, ``one_hot`` (why one-hot models
        were not offered, if so), ``subsample``.
    paths : dict of str to pathlib.Path
        Every file written, by name.
    """

    data: SequenceTable
    cv: CVResults
    importance: Importance | None = None
    mutagenesis: Mutagenesis | None = None
    ceiling: NoiseCeiling | None = None
    notes: dict[str, str] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def qc(self) -> QCReport:
        """What reading and quality control changed, dropped and flagged."""
        return self.data.qc

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
    source = report.data.provenance
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
    if source.targets_source:
        lines.append(
            f"Joining sequences and measurements on `{source.join_key}`: "
            f"{source.sequences_without_target} sequence(s) had no measurement "
            f"(dropped as missing target) and {source.targets_without_sequence} "
            "measurement row(s) had no sequence (ignored)."
        )
    if source.layout:
        lines.append(f"The file was read as {source.layout}.")
    if source.ids_generated:
        lines.append(
            "The file has no id column: ids row1, row2, ... (file row numbers) were generated."
        )
    if source.spec.pseudocount:
        lines.append(
            f"A pseudocount of {source.spec.pseudocount:g} was added before the "
            f"{source.spec.target_transform} transform (setting pseudocount): it compresses "
            "differences between weak promoters, and the scores depend on it."
        )
    if not source.spec.higher_is_stronger:
        lines.append(
            "Lower measured values mean stronger promoters here, so the target's sign was "
            "flipped: in every table and figure, higher = stronger."
        )
    n_other = report.qc.flagged.get(ORIENTATION_FLAG, 0)
    n_oriented = report.qc.modified.get("reverse-complemented to the library's orientation", 0)
    if n_other:
        lines.append(
            f"{n_other} of {report.qc.n_output} sequences are written in the other orientation "
            "(their ends match the reverse complement of the library's constant flanks), so "
            "positions (one-hot models, importance of `pos..` features, mutagenesis) mix two "
            "coordinate systems. Set orient=True to reverse-complement them."
        )
    elif n_oriented:
        lines.append(
            f"{n_oriented} sequences written in the other orientation were reverse-complemented "
            "(setting orient), so positions mean the same in every row."
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

    target = report.data.provenance.target_name
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
            report.importance.table,
            top=15,
            xlabel="drop in held-out R² when shuffled",
            title=f"{best}: permutation importance",
        )
        ax.figure.tight_layout()
        figures["importance"] = ax.figure

    if report.mutagenesis is not None:
        scan = report.mutagenesis
        width = min(14.0, max(4.0, 0.1 * scan.matrix.shape[1] + 1.5))
        _, ax = plt.subplots(figsize=(width, 2.4))
        ax = plot_mutagenesis_heatmap(
            scan.matrix,
            ax=ax,
            sequence=scan.sequence,
            title=f"{scan.model}: in-silico mutagenesis of {scan.id}",
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
        save_csv("importance", report.importance.table)

    figures = _figures(report)
    for name, fig in figures.items():
        paths[name] = out / "figures" / f"{name}.png"
        fig.savefig(paths[name], dpi=120, bbox_inches="tight")
        if close:
            plt.close(fig)

    provenance = report.data.provenance
    best = report.cv.best_model
    source = provenance.source
    if provenance.targets_source:
        source += f"` + `{provenance.targets_source}"
    lines = [
        "# Sequence-to-expression report",
        "",
        f"- input: `{source}`",
        f"- target: {provenance.target_name}",
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
            f"{report.importance.fold} (drop in R² when a feature is shuffled).",
            "",
            markdown_table(report.importance.table.head(15), index=False),
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
