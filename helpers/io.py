"""Reading, validating and cleaning sequence-to-expression tables.

Every function here either returns data it has checked or raises a
:class:`ValueError` (or :class:`FileNotFoundError`) whose message names the
file, the row, the column and the offending value, so that a reader loading
their own file knows what to fix. Cleaning never drops a row silently: every
dropped row is listed, with its reason, in the returned :class:`QCReport`.

The functions, in the order a chapter uses them:

``read_sequences_csv``  a CSV/TSV of ids, sequences and measurements -> DataFrame
``read_fasta``          a FASTA file -> DataFrame (id, sequence, description)
``sequence_stats``      per-sequence QC numbers (length, N, lowercase, invalid)
``validate_sequences``  raise on empty sequences or characters outside an alphabet
``clean_sequences``     normalise, drop bad rows, return ``(clean_df, QCReport)``
``load_promoters``      the embedded, validated dataset
``load_ground_truth``   what the simulator planted (elements and motifs)
``load_table``          any file (CSV/TSV, FASTA + targets) -> table ``id, sequence, target``
``quality_control``     :func:`clean_sequences` plus the checks a model comparison needs
"""

from __future__ import annotations

import csv
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from helpers.paths import data_path
from helpers.sequences import DNA, DNA_N
from helpers.sequences import validate_sequences as _validate_sequences

__all__ = [
    "DNA",
    "DNA_N",
    "QCReport",
    "GroundTruth",
    "read_sequences_csv",
    "read_fasta",
    "sequence_stats",
    "validate_sequences",
    "clean_sequences",
    "load_promoters",
    "load_ground_truth",
    "load_table",
    "quality_control",
]

#: Cell values read as a missing measurement (besides an empty cell).
MISSING_TOKENS: frozenset[str] = frozenset(
    {"", "na", "nan", "n/a", "null", "none", "-", "?", "#n/a"}
)

#: Columns of the embedded dataset's measurement table.
PROMOTER_TARGETS: tuple[str, ...] = ("rep1", "rep2", "rep3", "expression")


# ---------------------------------------------------------------------------
# reading files
# ---------------------------------------------------------------------------


def _existing_file(path: str | Path) -> Path:
    """Return ``path`` as a Path, or raise naming it and its folder's files."""
    path = Path(path)
    if not path.is_file():
        folder = path.parent if str(path.parent) else Path(".")
        if folder.is_dir():
            names = sorted(p.name for p in folder.iterdir() if p.is_file())
            hint = f"Files in {folder}: {', '.join(names[:20]) or 'none'}"
            if len(names) > 20:
                hint += f", ... ({len(names)} files)"
        else:
            hint = f"The folder {folder} does not exist either"
        raise FileNotFoundError(f"No such file: {path}. {hint}.")
    return path


def _sniff_separator(header: str) -> str:
    """Pick ``','``, ``';'`` or a tab: whichever the header line uses most."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _header_names(text_head: str, sep: str) -> list[str]:
    """The header line's column names, as written (stripped), duplicates included."""
    return [name.strip() for name in next(csv.reader(text_head.splitlines(), delimiter=sep))]


def _check_unique_columns(names: Sequence[str], path: Path) -> None:
    """Raise naming the column names that occur more than once in a header."""
    repeated = [n for n in dict.fromkeys(names) if n and list(names).count(n) > 1]
    if repeated:
        listed = ", ".join(repr(n) for n in repeated)
        raise ValueError(
            f"{path} has duplicate column name(s) in its header: {listed} (header {list(names)}). "
            "Which of them holds the data is a guess: rename or delete the extra column(s)."
        )


def _bad_cells_error(
    mask: np.ndarray,
    values: pd.Series,
    *,
    column: str,
    ids: pd.Series,
    path: Path,
    problem: str,
    advice: str,
    detail: str = "",
) -> ValueError:
    """An error naming the file, column, first bad row, its id and value, and the count."""
    positions = np.flatnonzero(mask)
    i = positions[0]
    count = f" ({len(positions)} such cells in this column)" if len(positions) > 1 else ""
    return ValueError(
        f"{path}: column {column!r} {problem}, but row {i} "
        f"(id {ids.iloc[i]!r}) holds {values.iloc[i]!r}{detail}{count}. {advice}"
    )


def _to_numbers(
    values: pd.Series, *, column: str, ids: pd.Series, path: Path, decimal: str
) -> pd.Series:
    """Convert text cells to floats; missing tokens become NaN, anything else raises."""
    text = values.astype(str).str.strip()
    missing = text.str.lower().isin(MISSING_TOKENS)
    if decimal != ".":
        text = text.str.replace(decimal, ".", regex=False)
    numbers = pd.to_numeric(text.where(~missing), errors="coerce").astype(float)
    bad = (numbers.isna() & ~missing).to_numpy()
    if bad.any():
        raise _bad_cells_error(
            bad,
            values,
            column=column,
            ids=ids,
            path=path,
            problem="must hold numbers",
            advice="Fix the value, leave the cell empty for a missing measurement, or pass "
            "`target_cols=` without this column if it is not a measurement.",
        )
    infinite = np.isinf(numbers.to_numpy())
    if infinite.any():
        raise _bad_cells_error(
            infinite,
            values,
            column=column,
            ids=ids,
            path=path,
            problem="must hold finite numbers",
            detail=", which is infinite",
            advice="An infinite measurement is often the log of 0: leave the cell empty for a "
            "missing measurement, or log-transform with a pseudocount, log10(x + c).",
        )
    return numbers


def read_sequences_csv(
    path: str | Path,
    sequence_col: str | None = "sequence",
    id_col: str = "id",
    target_cols: Sequence[str] | None = None,
    *,
    sep: str | None = None,
) -> pd.DataFrame:
    r"""Read a table of sequences and their measurements.

    Parameters
    ----------
    path : str or pathlib.Path
        A comma-, semicolon- or tab-separated text file with a header line.
        A UTF-8 byte-order mark (as written by Excel) is ignored.
    sequence_col : str or None, default="sequence"
        Column holding the DNA sequences; ``None`` for a table of
        measurements only (to be joined to sequences read from FASTA).
    id_col : str, default="id"
        Column holding a name for each sequence.
    target_cols : sequence of str, optional
        Columns holding measurements; each must be numeric (empty cells and
        tokens such as ``NA`` become ``NaN``; ``inf`` is an error). By default
        every column other than ``id_col`` and ``sequence_col``.
    sep : str, optional
        Column separator. By default it is sniffed from the header line:
        whichever of ``,``, ``;`` or tab occurs most. With ``;`` a decimal
        comma (``1,5``) is read as a decimal point, as European spreadsheets
        write it.

    Returns
    -------
    pandas.DataFrame
        ``id_col`` and ``sequence_col`` as text (missing ones as ``""``),
        then the target columns as floats, then any other columns as text, in
        file order. Sequences are returned as written: see
        :func:`clean_sequences` to normalise them.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist (the message lists the folder's files).
    ValueError
        If the file is empty, has a header but no rows, or cannot be parsed;
        if a column name occurs twice in the header; if a required column is
        missing (the message names expected and found columns); or if a
        target cell is not a finite number (the message names file, row, id,
        column and value).

    See Also
    --------
    read_fasta : read sequences from a FASTA file.
    clean_sequences : normalise and filter the table, with a report.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "mini.csv").write_text("id,sequence,expression\nA1,ACGT,1.5\nA2,GGCA,\n")
    >>> read_sequences_csv(folder / "mini.csv")
       id sequence  expression
    0  A1     ACGT         1.5
    1  A2     GGCA         NaN
    """
    path = _existing_file(path)
    text_head = path.read_bytes()[:65536].decode("utf-8-sig", errors="replace")
    if not text_head.strip():
        raise ValueError(
            f"{path} is empty: expected a header line such as 'id,sequence,expression'."
        )
    if sep is None:
        sep = _sniff_separator(text_head.splitlines()[0])
    decimal = "," if sep == ";" else "."
    _check_unique_columns(_header_names(text_head, sep), path)
    try:
        with warnings.catch_warnings():
            # a row with more fields than the header must fail, not lose data
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(
                path,
                sep=sep,
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                index_col=False,
            )
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{path} is not UTF-8 text ({err.reason} at byte {err.start}). If it is a "
            "spreadsheet (.xlsx), export it as 'CSV UTF-8'; if it is a CSV in another "
            "encoding, re-save it as UTF-8."
        ) from err
    except (pd.errors.ParserError, pd.errors.ParserWarning) as err:
        raise ValueError(
            f"{path} could not be read as a {sep!r}-separated table with one field per "
            f"header column: {err}"
        ) from err
    table.columns = [str(c).strip() for c in table.columns]
    if table.empty:
        raise ValueError(
            f"{path} has a header line but no data rows: found columns {list(table.columns)} "
            "and nothing below them. Is this the right file, or was the export cut short?"
        )

    found = list(table.columns)
    key_cols = [id_col] if sequence_col is None else [id_col, sequence_col]
    others = [c for c in found if c not in key_cols]
    targets = list(others if target_cols is None else target_cols)
    expected = [*key_cols, *([] if target_cols is None else targets)]
    missing_cols = [c for c in expected if c not in found]
    if missing_cols:
        raise ValueError(
            f"{path} is missing column(s) {missing_cols}. Expected {expected}"
            + (" and measurement columns" if target_cols is None else "")
            + f"; found {found} (separator {sep!r}). Pass `id_col=`, `sequence_col=` or "
            "`target_cols=` to name the columns of your file."
        )

    for column in key_cols:
        table[column] = table[column].fillna("").astype(str).str.strip()
    for column in targets:
        table[column] = _to_numbers(
            table[column].fillna(""), column=column, ids=table[id_col], path=path, decimal=decimal
        )
    rest = [c for c in found if c not in (*key_cols, *targets)]
    return table[[*key_cols, *targets, *rest]]


def _check_fasta_start(path: Path) -> int:
    """Raise unless the first non-blank line of ``path`` is a ``>`` header.

    Returns the number of blank lines before it, for the caller to skip.
    """
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if not line.strip():
                continue
            if line.startswith(">"):
                return number
            first = line.rstrip("\r\n")[:60]
            raise ValueError(
                f"{path} is not a FASTA file: line {number + 1} is {first!r}, but a FASTA "
                "file starts with a '>id' header line. "
                "For a table of sequences use read_sequences_csv."
            )
    raise ValueError(
        f"{path} is empty: it holds no FASTA records (lines of '>id' headers "
        "followed by sequence lines)."
    )


def _fasta_records(path: Path, *, skip: int) -> list[tuple[str, str, str]]:
    """``(id, sequence, description)`` of each record, after ``skip`` lines, by Biopython."""
    from Bio import SeqIO

    with path.open(encoding="utf-8") as handle:
        for _ in range(skip):
            handle.readline()
        try:
            return [
                (rec.id, str(rec.seq), rec.description[len(rec.id) :].strip())
                for rec in SeqIO.parse(handle, "fasta")
            ]
        except UnicodeDecodeError:
            raise
        except ValueError as err:
            raise ValueError(
                f"{path} is not a valid FASTA file (each record starts with a '>id' header "
                f"line): {err}"
            ) from err


def read_fasta(path: str | Path, *, strict: bool = True) -> pd.DataFrame:
    r"""Read a FASTA file with Biopython into a table.

    Parameters
    ----------
    path : str or pathlib.Path
        A FASTA file (UTF-8 or ASCII): records of a ``>id optional
        description`` header line followed by sequence lines. Blank lines
        before the first record are skipped.
    strict : bool, default=True
        Raise on duplicate ids and empty sequences. With ``strict=False``
        such records are returned as they are, for :func:`clean_sequences`
        to count and drop.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``sequence`` (as written, line breaks removed) and
        ``description`` (the header after the id, ``""`` if none), one row per
        record in file order.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is empty (or blank), is not FASTA (the message names the
        first line that is not a ``>`` header), or (with ``strict=True``) if
        an id occurs twice or a record has no sequence; the message names the
        ids.

    See Also
    --------
    Bio.SeqIO.parse : the parser used.
    read_sequences_csv : read a table of sequences and measurements.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> fasta = pathlib.Path(tempfile.mkdtemp()) / "mini.fasta"
    >>> _ = fasta.write_text(">A1 strong\nACGT\nTT\n>A2\nGGCA\n")
    >>> read_fasta(fasta)  # doctest: +NORMALIZE_WHITESPACE
       id sequence description
    0  A1   ACGTTT      strong
    1  A2     GGCA
    """
    path = _existing_file(path)
    try:
        records = _fasta_records(path, skip=_check_fasta_start(path))
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{path} is not a valid FASTA file: it is not UTF-8 text ({err.reason} at byte "
            f"{err.start}). Is it compressed (.gz) or binary?"
        ) from err
    if not records:
        raise ValueError(
            f"{path} holds no FASTA records: a FASTA file has header lines starting with '>'."
        )
    table = pd.DataFrame(records, columns=["id", "sequence", "description"])
    if strict:
        counts = table["id"].value_counts()
        repeated = counts[counts > 1]
        if len(repeated):
            listed = ", ".join(f"{i!r} ({n}x)" for i, n in repeated.head(10).items())
            raise ValueError(
                f"{path} has {len(repeated)} duplicate id(s): {listed}. Ids must be unique; "
                "read with strict=False and use clean_sequences to drop duplicates with a report."
            )
        empty = table.loc[table["sequence"].str.len() == 0, "id"].tolist()
        if empty:
            raise ValueError(
                f"{path} has {len(empty)} record(s) with an empty sequence: {empty[:10]}. "
                "Is the file truncated? Read with strict=False and use clean_sequences to drop them."
            )
    return table


# ---------------------------------------------------------------------------
# checking sequences
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# cleaning with a report
# ---------------------------------------------------------------------------

#: The checks of :func:`clean_sequences`, in the order they are applied. A row
#: failing several checks is dropped for (and counted under) the first one.
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


@dataclass
class QCReport:
    """What :func:`clean_sequences` changed, dropped and flagged, and why.

    Attributes
    ----------
    n_input : int
        Rows given to the cleaning.
    dropped : pandas.DataFrame
        One row per dropped input row: ``row`` (its index in the input),
        ``id``, ``reason`` (one of :data:`DROP_REASONS`) and ``detail``.
    modified : dict of str to int
        Rows changed but kept, by kind of change (e.g. upper-cased).
    flagged : dict of str to int
        Rows kept but worth knowing about (e.g. missing targets kept for
        imputation, one sequence under several ids).

    Examples
    --------
    >>> report = QCReport(n_input=3, dropped=pd.DataFrame(
    ...     {"row": [2], "id": ["s3"], "reason": ["empty sequence"], "detail": [""]}))
    >>> report
    QCReport(3 rows in, 2 kept, 1 dropped: empty sequence 1)
    >>> report.n_output
    2
    """

    n_input: int
    dropped: pd.DataFrame
    modified: dict[str, int] = field(default_factory=dict)
    flagged: dict[str, int] = field(default_factory=dict)

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

    def __repr__(self) -> str:
        """One line: rows in, kept and dropped, then the non-zero counts."""
        drops = ", ".join(f"{reason} {n}" for reason, n in self.counts().items() if n)
        text = f"QCReport({self.n_input} rows in, {self.n_output} kept, {self.n_dropped} dropped"
        text += f": {drops}" if drops else ""
        for name, counts in (("modified", self.modified), ("flagged", self.flagged)):
            parts = ", ".join(f"{reason} {n}" for reason, n in counts.items() if n)
            text += f"; {name}: {parts}" if parts else ""
        return text + ")"


def _drop_table(rows: list[tuple[object, str, str, str]]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["row", "id", "reason", "detail"])
    return table.astype({"id": object, "reason": object, "detail": object})


def _check_finite_numbers(values: pd.Series, *, ids: pd.Series) -> None:
    """Raise naming the column, row and value unless ``values`` are numbers, finite or NaN."""
    column = values.name
    if not pd.api.types.is_numeric_dtype(values):
        numbers = pd.to_numeric(values, errors="coerce")
        not_numbers = np.flatnonzero((numbers.isna() & values.notna()).to_numpy())
        i = not_numbers[0] if len(not_numbers) else 0
        raise ValueError(
            f"clean_sequences: target column {column!r} must be numeric, but its dtype is "
            f"{values.dtype}: row {i} (id {ids.iloc[i]!r}) holds {values.iloc[i]!r}. "
            "Read the file with read_sequences_csv, or convert the column with "
            "pd.to_numeric, deciding what each non-number means."
        )
    infinite = np.flatnonzero(np.isinf(values.to_numpy(dtype=float, na_value=np.nan)))
    if len(infinite):
        i = infinite[0]
        raise ValueError(
            f"clean_sequences: target column {column!r} holds {len(infinite)} infinite "
            f"value(s), the first {float(values.iloc[i])} in row {i} (id {ids.iloc[i]!r}). "
            "An infinite target is often the log of 0: replace it with NaN to count it as "
            "missing, or log-transform with a pseudocount, log10(x + c)."
        )


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
    if not 0 <= max_n_fraction <= 1:
        raise ValueError(f"max_n_fraction must be between 0 and 1, got {max_n_fraction!r}.")
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
        _check_finite_numbers(df[column], ids=df[id_col])

    n_targets = len(target_cols)
    if min_measured is None:
        min_measured = n_targets
    if not 0 <= min_measured <= n_targets:
        raise ValueError(
            f"min_measured must be between 0 and the number of target columns ({n_targets}), "
            f"got {min_measured!r}."
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


# ---------------------------------------------------------------------------
# the embedded dataset
# ---------------------------------------------------------------------------


class GroundTruth(NamedTuple):
    """What the simulator planted in the embedded dataset.

    Attributes
    ----------
    elements : pandas.DataFrame
        Per promoter: where each element was planted and what it contributed
        (``data/ground_truth_elements.csv``).
    motifs : pandas.DataFrame
        Per element and motif position: consensus base and effect
        (``data/ground_truth_motifs.csv``).
    """

    elements: pd.DataFrame
    motifs: pd.DataFrame


def load_promoters() -> pd.DataFrame:
    """Load the embedded, simulated promoter dataset, validated.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``sequence`` (uppercase ``ACGT``, all one length),
        ``rep1``, ``rep2``, ``rep3`` (replicate measurements, linear units)
        and ``expression`` (log10 of the replicates' mean: the target).

    Raises
    ------
    ValueError
        If the shipped file fails validation (it should not: regenerate it
        with ``make data``).

    See Also
    --------
    load_ground_truth : what the simulator planted.

    Examples
    --------
    >>> promoters = load_promoters()
    >>> list(promoters.columns)
    ['id', 'sequence', 'rep1', 'rep2', 'rep3', 'expression']
    >>> promoters["id"].is_unique
    True
    """
    path = data_path("promoters.csv")
    table = read_sequences_csv(path, target_cols=PROMOTER_TARGETS)
    table = table[["id", "sequence", *PROMOTER_TARGETS]]
    lengths = table["sequence"].str.len()
    validate_sequences(
        table["sequence"], DNA, ids=table["id"], column="sequence", length=int(lengths.iloc[0])
    )
    if not table["id"].is_unique:
        repeated = table.loc[table["id"].duplicated(), "id"].tolist()
        raise ValueError(f"{path}: duplicate ids {repeated[:10]}; regenerate with `make data`.")
    gaps = table[list(PROMOTER_TARGETS)].isna().sum()
    if gaps.any():
        raise ValueError(
            f"{path}: missing measurements {gaps[gaps > 0].to_dict()}; regenerate with `make data`."
        )
    return table


def load_ground_truth() -> GroundTruth:
    """Load the ground truth of the embedded dataset.

    Returns
    -------
    GroundTruth
        A named tuple of two DataFrames, ``elements`` and ``motifs``.

    Examples
    --------
    >>> truth = load_ground_truth()
    >>> truth._fields
    ('elements', 'motifs')
    """
    return GroundTruth(
        elements=pd.read_csv(data_path("ground_truth_elements.csv")),
        motifs=pd.read_csv(data_path("ground_truth_motifs.csv")),
    )


# ---------------------------------------------------------------------------
# any table layout, one standard table (the "use your own data" template)
# ---------------------------------------------------------------------------

#: File name endings read as FASTA; everything else is read as a table.
FASTA_SUFFIXES: frozenset[str] = frozenset({".fa", ".fasta", ".fna", ".fas", ".ffn"})


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
        :func:`read_sequences_csv`, so ``,``, ``;`` or tab
        separated), or a FASTA file (read by :func:`read_fasta`).
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

    The file is read by :func:`read_sequences_csv` with no
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
        :func:`clean_sequences` (``None``: any length; k-mer counts
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
    report : QCReport
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
