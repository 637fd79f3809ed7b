"""The coursework template in one call, and the noise ceiling of a table.

``compute_noise_ceiling``  the noise ceiling from replicate columns, or why there is none
``run_coursework_report``  read, clean, cross-validate, interpret and write, in one call
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np

from helpers.coursework.candidates import candidate_models, one_hot_reason
from helpers.coursework.cross_validation import cross_validate_models
from helpers.coursework.explain import model_importance, scan_sequence
from helpers.coursework.folds import plan_folds
from helpers.coursework.report import CourseworkReport, write_report
from helpers.data.clean import quality_control
from helpers.data.load import load_table
from helpers.data.table import SequenceTable, TableSpec
from helpers.evaluation import NoiseCeiling, noise_ceiling

__all__ = ["compute_noise_ceiling", "run_coursework_report"]


def compute_noise_ceiling(table: SequenceTable) -> tuple[NoiseCeiling | None, str]:
    """The noise ceiling of a table with replicate columns, or why there is none.

    The replicates (``replicate_1``, ``replicate_2``, ...) are put on the
    target's scale (the table's pseudocount and transform; the sign does not
    matter for correlations) and passed to :func:`helpers.evaluation.noise_ceiling`.

    Parameters
    ----------
    table : helpers.data.table.SequenceTable
        A table from :func:`~helpers.data.load.load_table` (after quality control).

    Returns
    -------
    ceiling : helpers.evaluation.NoiseCeiling or None
        ``None`` when there are no replicate columns or they give no ceiling.
    note : str
        One sentence saying what was computed, or why nothing was (naming
        the id, the file's column and the setting to change).

    Examples
    --------
    >>> import pandas as pd
    >>> toy = pd.DataFrame({"id": list("abcde"), "sequence": ["ACGT"] * 5, "target": 1.0,
    ...                     "replicate_1": [1.0, 2, 3, 4, 5], "replicate_2": [1.0, 3, 2, 4, 5]})
    >>> ceiling, note = compute_noise_ceiling(SequenceTable.from_frame(toy))
    >>> round(ceiling.r2, 3)
    0.947
    >>> compute_noise_ceiling(SequenceTable.from_frame(toy.iloc[:, :3]))[1]
    'No replicate columns were given, so the noise ceiling (the best R² any model could reach) is unknown.'
    """
    columns = [c for c in table.columns if str(c).startswith("replicate_")]
    if len(columns) < 2:
        return None, (
            "No replicate columns were given, so the noise ceiling (the best R² any model "
            "could reach) is unknown."
        )
    spec = table.spec
    values = table.frame[columns].to_numpy(dtype=float)
    if spec.target_transform is not None:
        bad = values + spec.pseudocount <= 0
        if bad.any():
            row, col = (int(i[0]) for i in np.nonzero(bad))
            names = table.provenance.replicate_names or tuple(columns)
            return None, (
                f"The noise ceiling could not be computed: the {spec.target_transform} "
                f"transform needs replicate values above {0 - spec.pseudocount:g}, but id "
                f"{table['id'].iloc[row]!r} has {values[row, col]:g} in column "
                f"{names[col]!r} ({int(bad.sum())} such value(s)). Set a pseudocount "
                "in the settings (pseudocount=1 for counts) to add before the transform."
            )
    try:
        ceiling = noise_ceiling(values, transform=spec.transform)
    except ValueError as err:
        return None, f"The noise ceiling could not be computed from the replicates: {err}"
    return ceiling, (
        f"Noise ceiling from {ceiling.n_replicates} replicates (mean pairwise r = "
        f"{ceiling.replicate_r:.3f}): no model can expect an R² above {ceiling.r2:.3f} "
        f"(r above {ceiling.r:.3f}) against these measurements."
    )


def run_coursework_report(
    path: str | Path,
    spec: TableSpec | None = None,
    *,
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
    **settings: Any,
) -> CourseworkReport:
    r"""Run the whole pipeline on a file and write a report to ``output_dir``.

    Reads the file (:func:`~helpers.data.load.load_table`), optionally keeps a random
    subset, cleans it (:func:`~helpers.data.clean.quality_control`), computes the noise
    ceiling when there are replicates (:func:`compute_noise_ceiling`), makes
    folds (:func:`~helpers.coursework.folds.plan_folds`), cross-validates the
    :func:`~helpers.coursework.folds.candidate_models` (or ``models``), computes the best
    model's permutation importance and a mutagenesis scan, then writes
    everything with :func:`write_report`.

    Parameters
    ----------
    path : str or pathlib.Path
        The file of sequences.
    spec : helpers.data.table.TableSpec, optional
        How to read it (chapter 09's settings cell); by default ``TableSpec()``.
    output_dir : str or pathlib.Path, default="reports/coursework"
        Where the report goes (``reports/`` is ignored by git).
    k : int or (int, int), default=(1, 4)
        k-mer lengths of the k-mer models.
    n_folds : int, default=5
        Number of cross-validation folds.
    similarity_threshold : float, default=0.5
        First threshold of similarity grouping (see
        :func:`~helpers.coursework.folds.plan_folds`, which raises it, and says so, when it
        gives too few groups). Ignored when ``group_col`` gives enough groups.
    one_hot : bool or "auto", default="auto"
        Offer one-hot (position-aware) models: ``"auto"`` when all sequences
        have one length after quality control (otherwise the report says why
        not).
    max_iter : int, default=100
        Boosting rounds.
    length : int, "mode" or None, default=None
        Required sequence length, as in :func:`~helpers.data.clean.quality_control`
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
    **settings
        Settings of :class:`~helpers.data.table.TableSpec`, instead of or on
        top of ``spec``, as for :func:`~helpers.data.load.load_table`.

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
    table = load_table(path, spec, **settings)
    notes: dict[str, str] = {}
    if subsample is not None and len(table) > subsample:
        notes["subsample"] = (
            f"Only a random {subsample} of the {len(table)} rows were used (setting SUBSAMPLE): "
            "with all rows, scores are usually a little higher."
        )
        table = table.subsample(subsample, random_state=random_state)
    clean = quality_control(table, length=length, max_n_fraction=max_n_fraction, cv=n_folds)
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
