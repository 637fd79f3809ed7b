"""The table contract: the reader's settings, what was read, and one QC report.

Every table of sequences and measurements the book reads travels as one
:class:`SequenceTable`: the frame (``id``, ``sequence``, ``target``, then
``replicate_1``... and ``group`` when asked), the :class:`Provenance` of its
rows (the :class:`TableSpec` it was read with, the file, the separator used,
what a join matched), and one :class:`QCReport` of what was changed, dropped
and flagged. Nothing travels in ``DataFrame.attrs``.

``TableSpec``        the reader's settings (chapter 09's settings cell), defined once
``Provenance``       where the rows came from and how they were read
``QCReport``         what reading and cleaning changed, dropped and flagged, and why
``SequenceTable``    frame + provenance + QC report

The one message for a bad cell of a file is in :mod:`helpers.data.cells`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from helpers.core.checks import StrOptions, check_params, numbers

__all__ = [
    "DROP_REASONS",
    "TARGET_TRANSFORMS",
    "Provenance",
    "QCReport",
    "SequenceTable",
    "TableSpec",
]

#: Target transforms by name: what :func:`helpers.data.load.load_table` applies.
TARGET_TRANSFORMS: dict[str, Any] = {"log10": np.log10, "log2": np.log2, "ln": np.log}

#: The checks of :func:`helpers.data.clean.clean_sequences`, in the order they
#: are applied. A row failing several checks is dropped for the first one.
DROP_REASONS: tuple[str, ...] = (
    "exact duplicate row",
    "conflicting duplicate id",
    "missing id",
    "empty sequence",
    "invalid character",
    "too many N",
    "wrong length",
    "missing target",
)


_FORMATS = (None, "table", "csv", "fasta")


@dataclass(frozen=True)
class TableSpec:
    """How to read a table of sequences and measurements: the reader's settings.

    Chapter 09's settings cell, the settings of the shipped published files
    (:data:`helpers.coursework.settings.TEMPLATE_SETTINGS`) and
    :func:`helpers.coursework.pipeline.run_coursework_report` all use this one
    object; :func:`helpers.data.load.load_table` reads it. Every column
    setting takes a name or a 0-based position.

    Attributes
    ----------
    fmt : {"table", "csv", "fasta"} or None, default=None
        File format (``"csv"``: any delimited table). ``None``: FASTA if the
        name ends in ``.fa``, ``.fasta``, ``.fna``, ``.fas`` or ``.ffn``
        (optionally ``.gz``) or the file holds one-line ``>name<TAB>sequence``
        records, else a table. A format you set always wins over the guess.
    sep : str or None, default=None
        The table's separator (``","``, ``";"``, ``"tab"``, ``"whitespace"``,
        ...); ``None``: sniffed.
    header : bool, default=True
        Whether the first line names the columns (else they are ``"0"``, ``"1"``...).
    id_col : str, int or None, default="id"
        Column of names; ``None``: ids ``row1``, ``row2``... are generated.
    sequence_col : str or int, default="sequence"
        Column of DNA sequences (tables only).
    target_col : str, int or None, default="expression"
        Column of the measurement; ``None``: the mean of ``replicate_cols``.
    replicate_cols : tuple of str or int, default=()
        Two or more columns measuring the same sequence again (kept as
        ``replicate_1``..., for the noise ceiling).
    group_col : str, int or None, default=None
        Column of group labels; rows of a group share a fold.
    targets_path : str, pathlib.Path or None, default=None
        A second table with the measurements (needed for FASTA input).
    targets_sep : str or None, default=None
        Its separator (``None``: sniffed).
    targets_header : bool, default=True
        Whether its first line names its columns.
    join_key : str, int or None, default=None
        Its column of ids (``None``: the column named like ``id_col``, else ``"id"``).
    target_transform : {"log10", "log2", "ln"} or None, default=None
        Transform of the measurement (and of the replicates, for the ceiling).
    pseudocount : float, default=0.0
        Added to the measurement and the replicates before ``target_transform``,
        for data with zeros: ``log10(x + pseudocount)``.
    higher_is_stronger : bool, default=True
        ``False`` flips the target's sign, so that higher means stronger.
    orient : bool, default=False
        Reverse-complement the rows written in the library's minority
        orientation (detected against its constant flanks by
        :func:`helpers.data.clean.detect_orientation`), so that positions
        mean the same in every row.

    Raises
    ------
    ValueError
        On an unknown format or transform, one replicate column, a negative
        pseudocount, a pseudocount without transform, or a flag that is not a bool.

    Examples
    --------
    >>> spec = TableSpec(id_col=None, sequence_col="seq", target_col="tpm",
    ...                  target_transform="log10", pseudocount=1)
    >>> spec.replace(sep="tab").sep
    'tab'
    >>> TableSpec(target_transform="log")
    Traceback (most recent call last):
    ...
    ValueError: TableSpec: target_transform must be one of 'ln', 'log10', 'log2' or None, got 'log'
    """

    fmt: Literal["table", "csv", "fasta"] | None = None
    sep: str | None = None
    header: bool = True
    id_col: str | int | None = "id"
    sequence_col: str | int = "sequence"
    target_col: str | int | None = "expression"
    replicate_cols: tuple[str | int, ...] = ()
    group_col: str | int | None = None
    targets_path: str | Path | None = None
    targets_sep: str | None = None
    targets_header: bool = True
    join_key: str | int | None = None
    target_transform: Literal["log10", "log2", "ln"] | None = None
    pseudocount: float = 0.0
    higher_is_stronger: bool = True
    orient: bool = False

    #: What each checked setting may be (:func:`helpers.core.checks.check_params`).
    _parameter_constraints: ClassVar[dict[str, list]] = {
        "fmt": [StrOptions(set(_FORMATS) - {None}), None],
        "target_transform": [StrOptions(set(TARGET_TRANSFORMS)), None],
        "header": ["boolean"],
        "targets_header": ["boolean"],
        "higher_is_stronger": ["boolean"],
        "orient": ["boolean"],
        "pseudocount": [numbers(0, None)],
    }

    def __post_init__(self) -> None:
        """Validate the settings that do not need the file."""
        object.__setattr__(self, "replicate_cols", tuple(self.replicate_cols or ()))
        check_params(
            "TableSpec",
            {name: getattr(self, name) for name in self._parameter_constraints},
            self._parameter_constraints,
        )
        if len(self.replicate_cols) == 1:
            raise ValueError(
                f"TableSpec: replicate_cols names one column ({self.replicate_cols[0]!r}); "
                "replicates are two or more measurements of the same sequence."
            )
        if self.target_col is None and not self.replicate_cols:
            raise ValueError(
                "TableSpec: target_col is None but no replicate_cols are given: name the "
                "measurement column, or the replicate columns whose mean is the target."
            )
        pseudo = self.pseudocount
        if pseudo and self.target_transform is None:
            raise ValueError(
                f"TableSpec: pseudocount={pseudo!r} is added before a log transform, but "
                "target_transform is None: set both, or neither."
            )

    def replace(self, **changes: Any) -> TableSpec:
        """A copy with some settings changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """The settings as a plain dict (paths as text), e.g. for JSON."""
        out = dataclasses.asdict(self)
        out["replicate_cols"] = list(self.replicate_cols)
        if self.targets_path is not None:
            out["targets_path"] = str(self.targets_path)
        return out

    def transform(self, values: np.ndarray) -> np.ndarray:
        """``values`` on the target's scale: the pseudocount added, then the transform."""
        values = np.asarray(values, dtype=float)
        if self.target_transform is None:
            return values
        return TARGET_TRANSFORMS[self.target_transform](values + self.pseudocount)


@dataclass(frozen=True)
class Provenance:
    """Where a :class:`SequenceTable`'s rows came from, and how they were read.

    Attributes
    ----------
    spec : TableSpec
        The settings the file was read with.
    source : str
        The file of sequences (or a description, for a table built in memory).
    sep : str or None
        The separator used (``None`` for FASTA).
    target_name : str
        What ``target`` is, in words (column, transform, sign).
    replicate_names : tuple of str
        The file's names of the replicate columns, in order.
    ids_generated : bool
        Whether ids were generated (no id column).
    layout : str
        How the file was read, in words, when it was not a plain table or
        FASTA (e.g. one-line ``>name<TAB>sequence`` records).
    targets_source, targets_sep, join_key : str or None
        The measurement table, its separator and key column, when joined.
    targets_without_sequence, sequences_without_target : int
        Rows of each table the join did not match.
    n_read : int
        Rows read (before any subsample).
    """

    spec: TableSpec
    source: str
    sep: str | None
    target_name: str
    replicate_names: tuple[str, ...] = ()
    ids_generated: bool = False
    layout: str = ""
    targets_source: str | None = None
    targets_sep: str | None = None
    join_key: str | None = None
    targets_without_sequence: int = 0
    sequences_without_target: int = 0
    n_read: int = 0


def _empty_drops() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": pd.Series(dtype=int),
            "id": pd.Series(dtype=object),
            "reason": pd.Series(dtype=object),
            "detail": pd.Series(dtype=object),
        }
    )


@dataclass(eq=False)
class QCReport:
    """What reading and cleaning changed, dropped and flagged, and why.

    The one QC report of the book: :func:`helpers.data.clean.clean_sequences`
    returns it, a :class:`SequenceTable` carries it, and the published
    loaders attach it to their frames (``frame.attrs["qc"]``).

    Attributes
    ----------
    n_input : int
        Rows read or given to the cleaning.
    dropped : pandas.DataFrame
        One row per dropped input row: ``row`` (its index in the input),
        ``id``, ``reason`` (one of :data:`DROP_REASONS`) and ``detail``.
    modified : dict of str to int
        Rows changed but kept, by kind of change (e.g. upper-cased).
    flagged : dict of str to int
        Rows kept but worth knowing about (e.g. one sequence under several ids).
    source : str, default=""
        The file read (named first in the one-line summary when given).
    sha256 : str, default=""
        The verified hash of a published file's content.

    Examples
    --------
    >>> report = QCReport(n_input=3, dropped=pd.DataFrame(
    ...     {"row": [2], "id": ["s3"], "reason": ["empty sequence"], "detail": [""]}))
    >>> report
    QCReport(3 rows in, 2 kept, 1 dropped: empty sequence 1)
    >>> report.n_output
    2
    >>> QCReport(4, modified={"upper-cased sequence": 4}, source="x.csv")
    QCReport(x.csv: 4 rows in, 4 kept, 0 dropped; modified: upper-cased sequence 4)
    """

    n_input: int
    dropped: pd.DataFrame = field(default_factory=_empty_drops)
    modified: dict[str, int] = field(default_factory=dict)
    flagged: dict[str, int] = field(default_factory=dict)
    source: str = ""
    sha256: str = ""

    @property
    def n_dropped(self) -> int:
        """Number of input rows dropped."""
        return len(self.dropped)

    @property
    def n_output(self) -> int:
        """Number of rows kept."""
        return self.n_input - self.n_dropped

    def counts(self) -> dict[str, int]:
        """Dropped rows per reason, for every check (zeros included)."""
        observed = self.dropped["reason"].value_counts()
        return {reason: int(observed.get(reason, 0)) for reason in DROP_REASONS} | {
            reason: int(n) for reason, n in observed.items() if reason not in DROP_REASONS
        }

    def summary(self) -> pd.DataFrame:
        """A tidy table: one line per check or change, with the rows affected.

        Returns
        -------
        pandas.DataFrame
            Columns ``action`` (``"modified"``, ``"dropped"``, ``"flagged"``
            or ``"kept"``), ``reason`` and ``rows``. The ``dropped`` lines list
            every check, including those that found nothing; the last line
            is the number of rows kept.
        """
        lines = (
            [("modified", reason, n) for reason, n in self.modified.items()]
            + [("dropped", reason, n) for reason, n in self.counts().items()]
            + [("flagged", reason, n) for reason, n in self.flagged.items()]
            + [("kept", "rows kept", self.n_output)]
        )
        return pd.DataFrame(lines, columns=["action", "reason", "rows"])

    def __deepcopy__(self, memo: dict) -> QCReport:
        """A copy that shares the ``dropped`` table (never modified in place).

        pandas deep-copies a frame's ``attrs`` (a loader's report) on every
        operation, so the copy must be cheap.
        """
        return dataclasses.replace(self, modified=dict(self.modified), flagged=dict(self.flagged))

    def including(self, earlier: QCReport) -> QCReport:
        """The report with an earlier step's changes and flags added (e.g. reading's)."""
        return dataclasses.replace(
            self,
            modified={**earlier.modified, **self.modified},
            flagged={**earlier.flagged, **self.flagged},
            source=self.source or earlier.source,
            sha256=self.sha256 or earlier.sha256,
        )

    def __repr__(self) -> str:
        """One line: rows in, kept and dropped, then the non-zero counts."""
        drops = ", ".join(f"{reason} {n}" for reason, n in self.counts().items() if n)
        where = f"{self.source}: " if self.source else ""
        text = f"QCReport({where}{self.n_input} rows in, {self.n_output} kept, "
        text += f"{self.n_dropped} dropped" + (f": {drops}" if drops else "")
        for name, counts in (("modified", self.modified), ("flagged", self.flagged)):
            parts = ", ".join(f"{reason} {n}" for reason, n in counts.items() if n)
            text += f"; {name}: {parts}" if parts else ""
        return text + ")"


@dataclass(frozen=True, eq=False)
class SequenceTable:
    """A table of sequences and measurements, where it came from, and its QC report.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns ``id``, ``sequence``, ``target``, then ``replicate_1``... and
        ``group`` when asked.
    provenance : Provenance
        The settings, the file and what reading it found.
    qc : QCReport
        What reading (and, after :func:`helpers.data.clean.quality_control`,
        cleaning) changed, dropped and flagged.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["a", "b"], "sequence": ["ACGT", "GGCA"], "target": [1.0, 2]})
    >>> table = SequenceTable.from_frame(frame)
    >>> len(table), table["target"].tolist(), table.qc
    (2, [1.0, 2.0], QCReport(2 rows in, 2 kept, 0 dropped))
    """

    frame: pd.DataFrame
    provenance: Provenance
    qc: QCReport

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, spec: TableSpec | None = None, source: str = "a DataFrame"
    ) -> SequenceTable:
        """Wrap a frame that already has the columns ``id``, ``sequence``, ``target``."""
        missing = [c for c in ("id", "sequence", "target") if c not in frame.columns]
        if missing:
            raise ValueError(
                f"SequenceTable: frame must have columns 'id', 'sequence' and 'target'; "
                f"missing {missing}, found {list(frame.columns)}."
            )
        provenance = Provenance(
            spec=spec or TableSpec(), source=source, sep=None, target_name="target",
            n_read=len(frame),
        )  # fmt: skip
        return cls(frame, provenance, QCReport(n_input=len(frame)))

    def __len__(self) -> int:
        """Number of rows."""
        return len(self.frame)

    def __getitem__(self, key: Any) -> Any:
        """A column (or columns) of :attr:`frame`."""
        return self.frame[key]

    @property
    def columns(self) -> pd.Index:
        """The frame's columns."""
        return self.frame.columns

    @property
    def spec(self) -> TableSpec:
        """The settings the table was read with."""
        return self.provenance.spec

    def replace(self, **changes: Any) -> SequenceTable:
        """A copy with ``frame``, ``provenance`` or ``qc`` replaced."""
        return dataclasses.replace(self, **changes)

    def subsample(self, n: int, random_state: int = 0) -> SequenceTable:
        """A random ``n`` of the rows (in file order); all rows when there are no more."""
        if len(self.frame) <= n:
            return self
        frame = self.frame.sample(n=n, random_state=random_state).sort_index()
        return self.replace(
            frame=frame.reset_index(drop=True), qc=dataclasses.replace(self.qc, n_input=n)
        )
