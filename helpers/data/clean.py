"""Checking and cleaning a table of sequences, and quality control before modelling.

Cleaning never drops a row silently: every dropped row is listed, with its
reason, in the returned :class:`~helpers.data.table.QCReport`.

``sequence_stats``      per-sequence QC numbers (length, N, lowercase, invalid)
``validate_sequences``  raise on empty sequences or characters outside an alphabet
``clean_sequences``     normalise, drop bad rows, return ``(clean_df, QCReport)``
``quality_control``     :func:`clean_sequences` on a :class:`~helpers.data.table.SequenceTable`,
                        orientation, and the checks a model comparison needs
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from helpers.core.checks import Rule, check_params, integers, numbers
from helpers.data.cells import check_finite_numbers
from helpers.data.orient import detect_orientation
from helpers.data.table import DROP_REASONS, QCReport, SequenceTable
from helpers.sequences import DNA, DNA_N, reverse_complement
from helpers.sequences import validate_sequences as _validate_sequences

__all__ = [
    "DROP_REASONS",
    "clean_sequences",
    "quality_control",
    "sequence_stats",
    "validate_sequences",
]


def _as_series(seqs: pd.Series | Iterable[str], ids: Iterable | None) -> pd.Series:
    """Sequences as a text Series whose index labels the rows in messages."""
    series = seqs if isinstance(seqs, pd.Series) else pd.Series(list(seqs), dtype=object)
    if ids is not None:
        series = pd.Series(series.to_numpy(), index=pd.Index(list(ids)), name=series.name)
    return series.fillna("").astype(str)


def sequence_stats(seqs: pd.Series | Iterable[str], alphabet: str = DNA) -> pd.DataFrame:
    """Per-sequence quality-control numbers.

    Parameters
    ----------
    seqs : pandas.Series or iterable of str
        Sequences; a Series keeps its index.
    alphabet : str, default="ACGT"
        Allowed characters besides ``N``; compared after upper-casing.

    Returns
    -------
    pandas.DataFrame
        One row per sequence with ``length``, ``n_lowercase`` (letters
        written in lowercase), ``n_N`` and ``frac_N`` (unknown bases),
        ``n_invalid`` (characters outside ``alphabet`` and ``N``) and
        ``invalid`` (those characters, sorted, as one string).

    Examples
    --------
    >>> sequence_stats(["ACGT", "acNN", "ACXT"])  # doctest: +NORMALIZE_WHITESPACE
       length  n_lowercase  n_N  frac_N  n_invalid invalid
    0       4            0    0     0.0          0
    1       4            2    2     0.5          0
    2       4            0    0     0.0          1       X
    """
    series = _as_series(seqs, None)
    upper = series.str.upper()
    allowed = re.escape("".join(sorted(set(alphabet.upper()) | {"N"})))
    invalid = upper.str.replace(f"[{allowed}]", "", regex=True)
    length = series.str.len()
    n_n = upper.str.count("N")
    return pd.DataFrame(
        {
            "length": length.astype(int),
            "n_lowercase": series.str.count("[a-z]").astype(int),
            "n_N": n_n.astype(int),
            "frac_N": (n_n / length.where(length > 0)).fillna(0.0).astype(float),
            "n_invalid": invalid.str.len().astype(int),
            "invalid": invalid.map(lambda s: "".join(sorted(set(s)))).astype(object),
        },
        index=series.index,
    )


def validate_sequences(
    seqs: pd.Series | Iterable[str],
    alphabet: str = DNA_N,
    *,
    ids: Iterable | None = None,
    column: str | None = None,
    length: int | None = None,
    source: str | Path | None = None,
) -> pd.Series:
    """Check that every sequence is non-empty and written in ``alphabet``.

    The check is case-sensitive: ``"acgt"`` fails with the default alphabet,
    with a hint to upper-case first. This is
    :func:`helpers.sequences.validate_sequences` (the one validator, with its
    one message format) for a table column.

    Parameters
    ----------
    seqs : pandas.Series or iterable of str
        Sequences. A Series' index labels the rows in error messages.
    alphabet : str, default="ACGTN"
        The allowed characters.
    ids : iterable, optional
        Row labels for error messages (for example ``df["id"]``), overriding
        the Series index.
    column : str, optional
        Column name for error messages; defaults to the Series name.
    length : int, optional
        If given, every sequence must have exactly this length.
    source : str or path, optional
        The file the sequences came from, named first in error messages.

    Returns
    -------
    pandas.Series
        The sequences, unchanged, indexed by ``ids`` if given.

    Raises
    ------
    ValueError
        On the first missing value, empty sequence, invalid character or
        wrong length, naming the row, the column, the character and its
        position, and how many rows share the problem.

    Examples
    --------
    >>> validate_sequences(["ACGT", "ACNT"]).tolist()
    ['ACGT', 'ACNT']
    >>> validate_sequences(["ACGT", "ACXT"], ids=["s1", "s2"], column="sequence")
    Traceback (most recent call last):
    ...
    ValueError: row 's2', column 'sequence': invalid character 'X' at position 2 (0-based); allowed: 'ACGTN'. 1 of 2 sequences have invalid characters.
    """
    series = seqs if isinstance(seqs, pd.Series) else pd.Series(list(seqs), dtype=object)
    if ids is not None:
        series = pd.Series(series.to_numpy(), index=pd.Index(list(ids)), name=series.name)
    _validate_sequences(
        series,
        alphabet=alphabet,
        length=length,
        column=column or series.name or "sequence",
        source=source,
    )
    return series


def _drop_table(rows: list[tuple[object, str, str, str]]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["row", "id", "reason", "detail"])
    return table.astype({"id": object, "reason": object, "detail": object})


def clean_sequences(
    df: pd.DataFrame,
    *,
    sequence_col: str = "sequence",
    id_col: str = "id",
    target_cols: Sequence[str] | None = None,
    alphabet: str = DNA,
    max_n_fraction: float = 0.05,
    length: int | Literal["mode"] | None = None,
    min_measured: int | None = None,
) -> tuple[pd.DataFrame, QCReport]:
    """Normalise sequences, drop unusable rows, and report every decision.

    The checks run in the order of :data:`DROP_REASONS`; a row that fails
    several is counted once, under the first:

    1. sequences are upper-cased and stripped of whitespace (counted as
       *modified*);
    2. **exact duplicate rows** (same id, sequence and targets) keep their
       first copy;
    3. **conflicting duplicate ids** (same id, different sequence or
       targets) are all dropped: there is no way to tell which is right;
    4. rows with a **missing id** or an **empty sequence** are dropped;
    5. sequences with an **invalid character** (outside ``alphabet`` and
       ``N``) are dropped;
    6. sequences whose fraction of ``N`` exceeds ``max_n_fraction`` are
       dropped (**too many N**);
    7. sequences of the **wrong length** are dropped, if ``length`` is set;
    8. rows with fewer than ``min_measured`` measured targets are dropped
       (**missing target**); rows kept despite a missing target are flagged.

    Identical sequences under different ids are kept and flagged: they are
    not errors, but they must land on the same side of a train/test split.

    Parameters
    ----------
    df : pandas.DataFrame
        A table as returned by :func:`read_sequences_csv` or :func:`read_fasta`.
    sequence_col, id_col : str
        Names of the sequence and id columns.
    target_cols : sequence of str, optional
        Measurement columns checked for missing values; they must be numeric
        and hold no infinite values. By default every numeric column.
    alphabet : str, default="ACGT"
        Allowed bases; ``N`` is always allowed (up to ``max_n_fraction``).
    max_n_fraction : float, default=0.05
        Largest allowed fraction of ``N`` in a sequence.
    length : int, "mode" or None, default=None
        Required sequence length; ``"mode"`` uses the most common length of
        the rows still kept at that step (libraries of designed sequences
        have one length, so a shorter one is a truncated record).
    min_measured : int, optional
        Fewest non-missing ``target_cols`` a row needs to be kept. By default
        all of them. With replicate columns, ``1`` keeps every promoter
        measured at least once (average what was measured); ``0`` keeps every
        row, for example to impute inside a scikit-learn ``Pipeline``.

    Returns
    -------
    clean_df : pandas.DataFrame
        The kept rows, in input order, with a fresh ``RangeIndex``.
    report : QCReport
        Counts and a row-by-row list of what was dropped and why.

    Raises
    ------
    ValueError
        If a named column is missing, if a target column is not numeric or
        holds an infinite value (dropping the rows of log(0) would bias the
        data, so the decision is left to you), or if ``min_measured`` or
        ``max_n_fraction`` is out of range.

    Examples
    --------
    >>> raw = pd.DataFrame({
    ...     "id": ["a", "b", "b", "c", "d"],
    ...     "sequence": ["acgt", "ACGA", "ACGA", "ACXT", "ACGG"],
    ...     "expression": [1.0, 2.0, 2.0, 3.0, None],
    ... })
    >>> clean, report = clean_sequences(raw)
    >>> clean
      id sequence  expression
    0  a     ACGT         1.0
    1  b     ACGA         2.0
    >>> report
    QCReport(5 rows in, 2 kept, 3 dropped: exact duplicate row 1, invalid character 1, missing target 1; modified: upper-cased 1)
    """
    check_params(
        "clean_sequences", {"max_n_fraction": max_n_fraction}, {"max_n_fraction": [numbers(0, 1)]}
    )
    if target_cols is None:
        target_cols = [
            c
            for c in df.columns
            if c not in (id_col, sequence_col) and pd.api.types.is_numeric_dtype(df[c])
        ]
    absent = [c for c in (id_col, sequence_col, *target_cols) if c not in df.columns]
    if absent:
        raise ValueError(
            f"clean_sequences: missing column(s) {absent}; found {list(df.columns)}. "
            "Pass `id_col=`, `sequence_col=` or `target_cols=`."
        )
    for column in target_cols:
        check_finite_numbers(df[column], ids=df[id_col], source="clean_sequences")

    n_targets = len(target_cols)
    if min_measured is None:
        min_measured = n_targets
    check_params(
        "clean_sequences",
        {"min_measured": min_measured},
        {
            "min_measured": [
                Rule(
                    lambda v: integers(0, None).is_satisfied_by(v) and v <= n_targets,
                    f"an int from 0 to the number of target columns ({n_targets})",
                )
            ]
        },
    )

    work = df.reset_index(drop=True).copy()
    raw_seq = work[sequence_col].fillna("").astype(str)
    stripped = raw_seq.str.replace(r"\s+", "", regex=True)
    work[sequence_col] = stripped.str.upper()
    work[id_col] = work[id_col].fillna("").astype(str).str.strip()
    modified = {
        "whitespace removed": int((raw_seq != stripped).sum()),
        "upper-cased": int((stripped != work[sequence_col]).sum()),
    }

    reason = pd.Series("", index=work.index, dtype=object)
    detail = pd.Series("", index=work.index, dtype=object)

    def mark(mask: pd.Series, why: str, details: pd.Series | str = "") -> None:
        new = mask & (reason == "")
        reason[new] = why
        detail[new] = details[new] if isinstance(details, pd.Series) else details

    # duplicates: on the normalised rows
    key_cols = [id_col, sequence_col, *target_cols]
    exact = work.duplicated(subset=key_cols, keep="first")
    first_row = work.groupby(key_cols, dropna=False, sort=False).ngroup()
    first_index = pd.Series(work.index, index=work.index).groupby(first_row).transform("min")
    mark(exact, "exact duplicate row", "copy of row " + first_index.astype(str))
    distinct = work[~exact]
    conflicting_ids = distinct.loc[
        distinct[id_col].duplicated(keep=False) & (distinct[id_col] != ""), id_col
    ]
    n_versions = conflicting_ids.value_counts()
    conflict = work[id_col].isin(set(conflicting_ids)) & ~exact
    mark(
        conflict,
        "conflicting duplicate id",
        work[id_col].map(lambda i: f"{n_versions.get(i, 0)} different records share this id"),
    )

    mark(work[id_col] == "", "missing id")
    seq = work[sequence_col]
    mark(seq.str.len() == 0, "empty sequence")

    stats = sequence_stats(seq, alphabet=alphabet)
    mark(stats["n_invalid"] > 0, "invalid character", "invalid: " + stats["invalid"].astype(str))
    mark(
        stats["frac_N"] > max_n_fraction,
        "too many N",
        stats["frac_N"].map(lambda f: f"N fraction {f:.3f} > {max_n_fraction}"),
    )

    if length is not None:
        if length == "mode":
            kept_lengths = stats.loc[reason == "", "length"]
            expected = int(kept_lengths.mode().min()) if len(kept_lengths) else 0
        else:
            expected = int(length)
        mark(
            stats["length"] != expected,
            "wrong length",
            stats["length"].map(lambda n: f"length {n}, expected {expected}"),
        )

    gaps = work[list(target_cols)].isna()
    gap_text = pd.Series(
        ["missing " + ", ".join(gaps.columns[row]) for row in gaps.to_numpy(dtype=bool)],
        index=work.index,
        dtype=object,
    )
    mark(n_targets - gaps.sum(axis=1) < min_measured, "missing target", gap_text)

    keep = reason == ""
    flagged = {"missing target (kept)": int((gaps.any(axis=1) & keep).sum())}

    shared = work.loc[keep, sequence_col].duplicated(keep=False)
    flagged["sequence shared by several ids"] = int(shared.sum())

    dropped = _drop_table(
        list(
            zip(
                work.index[~keep],
                work.loc[~keep, id_col],
                reason[~keep],
                detail[~keep],
                strict=True,
            )
        )
    )
    report = QCReport(n_input=len(work), dropped=dropped, modified=modified, flagged=flagged)
    clean = work[keep].reset_index(drop=True)
    assert report.n_output == len(clean)
    return clean, report


def _orient(clean: pd.DataFrame, orient: bool, modified: dict, flagged: dict) -> pd.DataFrame:
    """Detect rows on the other strand; reverse-complement them when ``orient``."""
    found = detect_orientation(clean["sequence"].tolist())
    if found is None or found.n_reverse == 0:
        return clean
    if orient:
        clean = clean.copy()
        rows = np.flatnonzero(found.reverse)
        column = clean.columns.get_loc("sequence")
        for i in rows:
            clean.iat[i, column] = reverse_complement(clean.iat[i, column])
        modified["reverse-complemented to the library's orientation"] = len(rows)
    else:
        flagged[ORIENTATION_FLAG] = found.n_reverse
    return clean


#: The QC flag of rows written on the other strand (and what to set).
ORIENTATION_FLAG = "other orientation (reverse complement; set orient=True)"


def quality_control(
    table: SequenceTable | pd.DataFrame,
    *,
    length: int | Literal["mode"] | None = None,
    max_n_fraction: float = 0.05,
    cv: int = 5,
    min_per_fold: int = 10,
) -> SequenceTable:
    """Clean a :func:`~helpers.data.load.load_table` table and check it is big enough to model.

    Runs :func:`clean_sequences` on the frame, then checks the orientation
    of its rows against the library's constant flanks
    (:func:`~helpers.data.orient.detect_orientation`): rows written on the
    other strand are reverse-complemented when the table's settings say
    ``orient=True``, and flagged otherwise.

    Parameters
    ----------
    table : SequenceTable or pandas.DataFrame
        Columns ``id``, ``sequence`` and ``target`` (other columns are kept).
    length : int, "mode" or None, default=None
        Required sequence length, passed to :func:`clean_sequences` (``None``:
        any length; k-mer counts do not need one length; one-hot models do).
    max_n_fraction : float, default=0.05
        Largest fraction of ``N`` allowed in a sequence.
    cv : int, default=5
        Number of cross-validation folds that will be used.
    min_per_fold : int, default=10
        Fewest rows each test fold must get.

    Returns
    -------
    SequenceTable
        The rows kept (fresh index), the input's provenance, and one QC
        report: what reading and cleaning changed, dropped and flagged
        (generated ids are counted under *modified*).

    Raises
    ------
    ValueError
        If fewer than ``cv * min_per_fold`` rows survive (the message counts
        the rows dropped per reason), or the target is constant.

    Examples
    --------
    >>> raw = pd.DataFrame({"id": ["a", "b", "c"], "sequence": ["ACGT", "ACXT", "acga"],
    ...                     "target": [1.0, 2.0, 3.0]})
    >>> clean = quality_control(raw, cv=2, min_per_fold=1)
    >>> clean["id"].tolist(), clean.qc.n_dropped
    (['a', 'c'], 1)
    """
    if isinstance(table, pd.DataFrame):
        table = SequenceTable.from_frame(table)
    clean, report = clean_sequences(
        table.frame,
        sequence_col="sequence",
        id_col="id",
        target_cols=["target"],
        length=length,
        max_n_fraction=max_n_fraction,
    )
    report = report.including(table.qc)
    if table.provenance.ids_generated:
        report.modified["id generated (no id column)"] = len(table)
    clean = _orient(clean, table.spec.orient, report.modified, report.flagged)
    source = table.provenance.source
    needed = cv * min_per_fold
    if len(clean) < needed:
        reasons = ", ".join(f"{n} {why}" for why, n in report.counts().items() if n) or "none"
        raise ValueError(
            f"{source}: only {len(clean)} of {len(table)} rows passed quality control "
            f"(dropped: {reasons}); {cv}-fold cross-validation needs at least {needed}. "
            "Check the settings (columns, separator, format) against the file, or lower the "
            "number of folds."
        )
    if clean["target"].nunique() < 2:
        raise ValueError(
            f"{source}: the target is constant after quality control, so there is nothing "
            "to predict."
        )
    return table.replace(frame=clean, qc=report)
