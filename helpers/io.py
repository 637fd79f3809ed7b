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
from collections.abc import Callable, Iterable, Sequence
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
    "read_table",
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


#: Column separators by name; ``sep=`` takes a name or the character itself.
SEPARATORS: dict[str, str] = {
    "comma": ",",
    "semicolon": ";",
    "tab": "\t",
    "whitespace": r"\s+",
}
_WHITESPACE = SEPARATORS["whitespace"]


def _separator(sep: str | None) -> str | None:
    """``sep`` as pandas needs it: separator names, a space and whitespace resolved."""
    if sep is None:
        return None
    if sep in SEPARATORS:
        return SEPARATORS[sep]
    if sep in (" ", _WHITESPACE):
        return _WHITESPACE
    if sep in (",", ";", "\t", "|"):
        return sep
    raise ValueError(
        f"sep must be one of {sorted(SEPARATORS)}, ',', ';', a tab, '|' or None (sniff it "
        f"from the file), got {sep!r}."
    )


def _separator_name(sep: str) -> str:
    """How a separator is named in messages."""
    names = {v: k for k, v in SEPARATORS.items()}
    return names.get(sep, repr(sep))


def _n_fields(line: str, sep: str) -> int:
    if sep == _WHITESPACE:
        return len(line.split())
    return len(next(csv.reader([line], delimiter=sep)))


def _sniff_separator(text_head: str) -> str:
    """The separator of a table, from its first lines.

    The separator is the one that splits every sampled line into the same
    number of fields, more than one (tab, comma, semicolon, then runs of
    whitespace; with ties the earlier one). If none is consistent, the one the
    first line uses most (comma if it uses none).
    """
    lines = [line for line in text_head.splitlines() if line.strip()][:50]
    if len(lines) > 2:
        lines = lines[:-1]  # the last line of a head may be cut mid-line
    best, best_n = None, 1
    for sep in ("\t", ",", ";", _WHITESPACE):
        counts = {_n_fields(line, sep) for line in lines}
        if len(counts) == 1 and (n := counts.pop()) > best_n:
            best, best_n = sep, n
    if best is not None:
        return best
    first = lines[0] if lines else ""
    uses = {sep: first.count(sep) for sep in (",", ";", "\t")}
    most = max(uses, key=lambda sep: uses[sep])
    return most if uses[most] > 0 else ","


def _header_names(text_head: str, sep: str) -> list[str]:
    """The header line's column names, as written (stripped), duplicates included."""
    first = text_head.splitlines()[0] if text_head else ""
    if sep == _WHITESPACE:
        return first.split()
    return [name.strip() for name in next(csv.reader([first], delimiter=sep))]


def _text_head(path: Path, n_bytes: int = 65536) -> str:
    """The first ``n_bytes`` of a text file (gzip-compressed or not), decoded."""
    import gzip

    with path.open("rb") as handle:
        magic = handle.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rb") as handle:
        return handle.read(n_bytes).decode("utf-8-sig", errors="replace")


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


def _one_column_hint(found: Sequence[str], sep: str) -> str:
    """A hint when a whole line was read as one column: the separator is wrong."""
    if len(found) != 1:
        return ""
    return (
        f" The file was read as a single column, so its separator is probably not "
        f"{_separator_name(sep)}: pass `sep=` (',', ';', 'tab' or 'whitespace')."
    )


def read_table(path: str | Path, *, sep: str | None = None, header: bool = True) -> pd.DataFrame:
    r"""Read any delimited text table as text, with its separator sniffed or given.

    Parameters
    ----------
    path : str or pathlib.Path
        A text table, possibly gzip-compressed (``.gz``). A UTF-8 byte-order
        mark (as written by Excel) is ignored.
    sep : str, optional
        ``","``, ``";"``, a tab, ``"|"``, or a name of :data:`SEPARATORS`
        (``"comma"``, ``"semicolon"``, ``"tab"``, ``"whitespace"``). By
        default the separator is sniffed: the one that splits every one of the
        first lines into the same number of fields (more than one).
    header : bool, default=True
        Whether the first line names the columns; without one, columns are
        named by position from 0: ``"0"``, ``"1"``, ...

    Returns
    -------
    pandas.DataFrame
        Every cell as text (``""`` when empty), column names stripped;
        ``.attrs`` holds ``source`` (the path) and ``sep`` (the separator used).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist (the message lists the folder's files).
    ValueError
        If ``sep`` is unknown, the file is empty, not UTF-8 text, has a header
        but no rows, a column name occurs twice, or a row has more fields than
        the header.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "t.txt").write_text("name  value\nA1    1.5\nA2    2\n")
    >>> table = read_table(folder / "t.txt")
    >>> table.attrs["sep"], table.columns.tolist(), table["value"].tolist()
    ('\\s+', ['name', 'value'], ['1.5', '2'])
    """
    path = _existing_file(path)
    sep = _separator(sep)
    text_head = _text_head(path)
    if not text_head.strip():
        raise ValueError(
            f"{path} is empty: expected a header line such as 'id,sequence,expression'."
        )
    if sep is None:
        sep = _sniff_separator(text_head)
    if header:
        _check_unique_columns(_header_names(text_head, sep), path)
    try:
        with warnings.catch_warnings():
            # a row with more fields than the header must fail, not lose data
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(
                path,
                sep=sep,
                header=0 if header else None,
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
            f"{path} could not be read as a {_separator_name(sep)}-separated table with one "
            f"field per header column: {err}"
        ) from err
    table.columns = [str(c).strip() for c in table.columns]
    if table.empty:
        raise ValueError(
            f"{path} has a header line but no data rows: found columns {list(table.columns)} "
            "and nothing below them. Is this the right file, or was the export cut short?"
        )
    table.attrs.update(source=str(path), sep=sep)
    return table


def read_sequences_csv(
    path: str | Path,
    sequence_col: str | None = "sequence",
    id_col: str = "id",
    target_cols: Sequence[str] | None = None,
    *,
    sep: str | None = None,
    header: bool = True,
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
        Column separator: ``","``, ``";"``, a tab, ``"|"``, or a name of
        :data:`SEPARATORS` (``"whitespace"``: runs of spaces or tabs). By
        default it is sniffed from the first lines (see :func:`read_table`).
        With ``;`` a decimal comma (``1,5``) is read as a decimal point, as
        European spreadsheets write it.
    header : bool, default=True
        Whether the first line names the columns. Without one, columns are
        named by position from 0: ``"0"``, ``"1"``, ...

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
    table = read_table(path, sep=sep, header=header)
    path, sep = Path(table.attrs["source"]), table.attrs["sep"]
    decimal = "," if sep == ";" else "."

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
            + f"; found {found} (separator {_separator_name(sep)}). Pass `id_col=`, "
            "`sequence_col=` or `target_cols=` to name the columns of your file."
            + _one_column_hint(found, sep)
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

#: File name endings read as FASTA (also with ``.gz``); everything else is a table.
FASTA_SUFFIXES: frozenset[str] = frozenset({".fa", ".fasta", ".fna", ".fas", ".ffn"})

#: Target transforms by name: what :func:`load_table` applies to the measurement.
TARGET_TRANSFORMS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "log10": np.log10,
    "log2": np.log2,
    "ln": np.log,
}


def _format_of(path: Path, fmt: str | None) -> Literal["table", "fasta"]:
    """``"table"`` or ``"fasta"``: as given, or guessed from the file name."""
    if fmt is None:
        suffixes = [s.lower() for s in path.suffixes]
        if suffixes and suffixes[-1] == ".gz":
            suffixes = suffixes[:-1]
        return "fasta" if suffixes and suffixes[-1] in FASTA_SUFFIXES else "table"
    if fmt in ("csv", "table"):
        return "table"
    if fmt == "fasta":
        return "fasta"
    raise ValueError(
        f"fmt must be 'table' (or 'csv': any delimited text table), 'fasta' or None (guess "
        f"from the name), got {fmt!r}."
    )


def _column(found: Sequence[str], col: str | int, path: Path, what: str) -> str:
    """The name of column ``col`` (a name, or a 0-based position) of a table."""
    if isinstance(col, bool) or not isinstance(col, str | int | np.integer):
        raise ValueError(f"{what} must be a column name or a 0-based position, got {col!r}.")
    if isinstance(col, str):
        if col in found:
            return col
        raise ValueError(
            f"{path} has no column {col!r} ({what}); found {list(found)}. Name one of these "
            "in the settings (or a 0-based position)." + _one_column_hint(found, ",")
        )
    if not 0 <= int(col) < len(found):
        raise ValueError(
            f"{path} has {len(found)} column(s) {list(found)}, so {what}={col} (a 0-based "
            "position) does not exist."
        )
    return found[int(col)]


def _read_fasta_records(path: Path) -> pd.DataFrame:
    """Read ``path`` as FASTA, refusing files that are not, with a message saying what to set."""
    hint = (
        " If it is a table (e.g. name<TAB>sequence lines), set fmt='table' (FORMAT = "
        '"table" in the settings cell) and name its columns.'
    )
    try:
        records = read_fasta(path, strict=False)
    except ValueError as err:
        raise ValueError(f"{err}{hint}") from err
    empty = records["sequence"].str.len() == 0
    if empty.mean() > 0.5:
        example = records.loc[empty, ["id", "description"]].iloc[0]
        header = f">{example['id']} {example['description']}".strip()
        raise ValueError(
            f"{path} is not a usable FASTA file: {int(empty.sum())} of {len(records)} records "
            f"have an empty sequence (e.g. the header line {header[:70]!r}), so sequences are "
            "probably on the header lines, not below them." + hint
        )
    return records


def _numbers(table: pd.DataFrame, column: str, ids: pd.Series, path: Path, sep: str) -> pd.Series:
    return _to_numbers(
        table[column], column=column, ids=ids, path=path, decimal="," if sep == ";" else "."
    )


def _measurements(
    raw: pd.DataFrame,
    path: Path,
    *,
    ids: pd.Series,
    target_col: str | int | None,
    replicate_cols: Sequence[str | int] | None,
) -> tuple[pd.DataFrame, str, list[str]]:
    """``target`` and the replicate columns of a table, as numbers.

    Returns the frame (``target`` and ``replicate_1``...), the target's name
    and the replicate columns' names in the file.
    """
    found = list(raw.columns)
    sep = raw.attrs.get("sep", ",")
    replicates = [_column(found, c, path, "a replicate column") for c in replicate_cols or []]
    if len(replicates) == 1:
        raise ValueError(
            f"replicate_cols names one column ({replicates[0]!r}); replicates are two or more "
            "measurements of the same sequence."
        )
    out = pd.DataFrame(index=raw.index)
    for i, name in enumerate(replicates, start=1):
        out[f"replicate_{i}"] = _numbers(raw, name, ids, path, sep)
    if target_col is None:
        if not replicates:
            raise ValueError(
                "target_col is None but no replicate_cols are given: name the measurement "
                "column, or the replicate columns whose mean is the target."
            )
        out["target"] = out[[f"replicate_{i}" for i in range(1, len(replicates) + 1)]].mean(axis=1)
        target_name = f"mean of {', '.join(replicates)}"
    else:
        name = _column(found, target_col, path, "target_col")
        out["target"] = _numbers(raw, name, ids, path, sep)
        target_name = name
    return out, target_name, replicates


def load_table(
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
) -> pd.DataFrame:
    r"""Read sequences and one measurement per sequence, from any layout, into one table.

    Sequences come from a delimited text table (any separator, with or
    without a header, with or without an id column) or from a FASTA file.
    Measurements come from the same table or from a second one
    (``targets_path``), joined on a key; rows that match nothing are counted.

    Parameters
    ----------
    path : str or pathlib.Path
        A text table (read by :func:`read_table`; ``.gz`` is fine) or a FASTA
        file (read by :func:`read_fasta`; a file that is not FASTA is refused
        with a message saying what to set).
    fmt : {"table", "csv", "fasta"}, optional
        File format (``"csv"`` means any delimited table); by default FASTA if
        the name ends in ``.fa``, ``.fasta``, ``.fna``, ``.fas`` or ``.ffn``
        (optionally ``.gz``), else a table.
    sep : str, optional
        Separator of the table: ``","``, ``";"``, ``"tab"``, ``"whitespace"``
        ... (see :data:`SEPARATORS`); by default sniffed from the file.
    header : bool, default=True
        Whether the table's first line names its columns. Without a header,
        columns are named ``"0"``, ``"1"``, ... and may be given as positions.
    id_col : str, int or None, default="id"
        Column of sequence names. ``None``: the file has none, and ids
        ``row1``, ``row2``, ... (1-based file rows) are generated, which
        ``.attrs["ids_generated"]`` records and the QC report states. Every
        column setting takes a name or a 0-based position.
    sequence_col : str or int, default="sequence"
        Column of DNA sequences (tables only).
    target_col : str, int or None, default="expression"
        Column of the measurement; ``None`` to use the mean of
        ``replicate_cols``.
    replicate_cols : sequence of str or int, optional
        Two or more columns measuring the same sequence again. They are kept
        as ``replicate_1``, ``replicate_2``, ... (on the file's scale, before
        any transform) so that a noise ceiling can be computed.
    group_col : str or int, optional
        A column of group labels (e.g. genomic background, design family):
        rows of a group always share a cross-validation fold. Kept as
        ``group``.
    targets_path : str or pathlib.Path, optional
        A second table holding the measurements (needed for FASTA input):
        ``target_col``, ``replicate_cols`` and ``group_col`` are then read
        from it, and its ``join_key`` column is matched to the sequences' ids.
    targets_sep, targets_header
        ``sep`` and ``header`` of ``targets_path``.
    join_key : str or int, optional
        Column of ``targets_path`` holding the sequence ids; by default the
        column named like ``id_col`` (for FASTA input, whose ids come from the
        headers, ``id_col`` names this column; ``"id"`` if it is not a name).
    target_transform : {"log10", "log2", "ln"}, optional
        Transform of the measurement (expression is usually compared on a log
        scale); every value must then be positive.
    log10_target : bool, default=False
        Shorthand for ``target_transform="log10"``.
    higher_is_stronger : bool, default=True
        Whether a higher measurement means a stronger promoter. ``False`` (as
        for log(TX/TXref) in La Fleur et al. 2022, where more negative is
        stronger) flips the sign of the target, so that in every later table and
        figure higher means stronger. Correlations and R² do not change.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``sequence`` (as written), ``target`` (float, NaN where
        missing), then ``replicate_1``... and ``group`` if asked, in file
        order. ``.attrs`` records ``source``, ``target_name``, ``transform``,
        ``higher_is_stronger``, ``replicate_cols``, ``sep``,
        ``ids_generated``, and for two tables ``targets_source``,
        ``targets_without_sequence`` and ``sequences_without_target``.
        Nothing is dropped here: :func:`quality_control` decides, and counts.

    Raises
    ------
    FileNotFoundError
        If a file does not exist.
    ValueError
        If a setting is unknown, FASTA input has no ``targets_path``, a file
        is not FASTA although read as FASTA, a column is missing (the message
        lists the columns found and, when a whole line was read as one column,
        suggests ``sep=``), a file is empty, a key repeats in the targets
        table, a measurement is not a finite number, or a log transform meets a
        value ≤ 0; messages name the file, column, row and value.

    Examples
    --------
    A whitespace-separated table without ids, on a linear scale:

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "mine.txt").write_text("seq   tpm\nACGT  10\nGGCA  100\n")
    >>> table = load_table(folder / "mine.txt", id_col=None, sequence_col="seq",
    ...                    target_col="tpm", target_transform="log10")
    >>> table
         id sequence  target
    0  row1     ACGT     1.0
    1  row2     GGCA     2.0
    >>> table.attrs["ids_generated"], table.attrs["sep"]
    (True, '\\s+')
    """
    path = Path(path)
    if log10_target:
        if target_transform not in (None, "log10"):
            raise ValueError("log10_target=True contradicts target_transform; set only one.")
        target_transform = "log10"
    if target_transform is not None and target_transform not in TARGET_TRANSFORMS:
        raise ValueError(
            f"target_transform must be one of {sorted(TARGET_TRANSFORMS)} or None, got "
            f"{target_transform!r}."
        )
    kind = _format_of(path, fmt)
    attrs: dict[str, object] = {"source": str(path), "ids_generated": False}

    # 1. sequences (and ids)
    if kind == "fasta":
        if targets_path is None:
            raise ValueError(
                f"{path} is FASTA, which holds no measurements: pass targets_path= "
                f"(a table with an id column and a {target_col!r} column)."
            )
        records = _read_fasta_records(_existing_file(path))
        raw = records
        ids = records["id"].astype(str)
        sequences = records["sequence"]
        attrs["sep"] = None
    else:
        if _text_head(_existing_file(path), 4096).lstrip().startswith(">"):
            raise ValueError(
                f"{path} looks like a FASTA file (it starts with a '>' header line), but is "
                "read as a table: set fmt='fasta' (FORMAT = \"fasta\" in the settings cell) "
                "and give the measurements in targets_path."
            )
        raw = read_table(path, sep=sep, header=header)
        found = list(raw.columns)
        attrs["sep"] = raw.attrs["sep"]
        seq_name = _column(found, sequence_col, path, "sequence_col")
        sequences = raw[seq_name].str.strip()
        if id_col is None:
            ids = pd.Series([f"row{i + 1}" for i in range(len(raw))], index=raw.index)
            attrs["ids_generated"] = True
        else:
            ids = raw[_column(found, id_col, path, "id_col")].str.strip()
    table = pd.DataFrame({"id": ids.to_numpy(), "sequence": sequences.to_numpy()})

    # 2. measurements: from the same table, or a second one joined on a key
    if targets_path is None:
        values, target_name, replicates = _measurements(
            raw, path, ids=ids, target_col=target_col, replicate_cols=replicate_cols
        )
        table = pd.concat([table, values.reset_index(drop=True)], axis=1)
    else:
        if id_col is None and kind != "fasta":
            raise ValueError(
                f"{path} has no id column (id_col=None), so its rows cannot be matched to the "
                f"measurements in {targets_path}: name the column that both tables share."
            )
        tpath = Path(targets_path)
        targets = read_table(tpath, sep=targets_sep, header=targets_header)
        key_default = id_col if isinstance(id_col, str) else "id"
        key = _column(
            list(targets.columns), key_default if join_key is None else join_key, tpath, "join_key"
        )
        keys = targets[key].str.strip()
        values, target_name, replicates = _measurements(
            targets, tpath, ids=keys, target_col=target_col, replicate_cols=replicate_cols
        )
        repeated = keys[keys.duplicated(keep=False)].unique().tolist()
        if repeated:
            raise ValueError(
                f"{tpath}: id(s) {repeated[:10]} appear more than once in column {key!r}; "
                "each sequence needs exactly one row of measurements."
            )
        values.index = keys.to_numpy()
        joined = values.reindex(table["id"].to_numpy())
        table = pd.concat([table, joined.reset_index(drop=True)], axis=1)
        matched = set(table["id"])
        attrs.update(
            targets_source=str(tpath),
            targets_sep=targets.attrs["sep"],
            targets_header=targets_header,
            join_key=key,
            targets_without_sequence=int((~keys.isin(matched)).sum()),
            sequences_without_target=int((~table["id"].isin(set(keys))).sum()),
        )
    if group_col is not None:
        table["group"] = _groups(table, raw if kind != "fasta" else None, path, group_col, attrs)

    # 3. transform and direction
    if target_transform is not None:
        bad = table["target"] <= 0
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{attrs.get('targets_source', path)}: target_transform={target_transform!r} "
                f"needs positive values, but {target_name!r} of id {table['id'].iloc[i]!r} is "
                f"{float(table['target'].iloc[i]):g} ({int(bad.sum())} value(s) <= 0). "
                "Set no transform, or fix the values (a pseudocount: x + c)."
            )
        table["target"] = TARGET_TRANSFORMS[target_transform](table["target"].to_numpy())
        target_name = f"{target_transform} {target_name}"
    if not higher_is_stronger:
        table["target"] = -table["target"]
        target_name = f"−({target_name}), sign flipped so that higher = stronger"
    attrs.update(
        target_name=target_name,
        transform=target_transform,
        higher_is_stronger=higher_is_stronger,
        replicate_cols=replicates,
    )
    table.attrs.update(attrs)
    return table


def _groups(
    table: pd.DataFrame,
    raw: pd.DataFrame | None,
    path: Path,
    group_col: str | int,
    attrs: dict[str, object],
) -> np.ndarray:
    """The ``group_col`` label of every row: from the sequence table, else the targets table."""
    if raw is not None and (
        (isinstance(group_col, str) and group_col in raw.columns) or "targets_source" not in attrs
    ):
        name = _column(list(raw.columns), group_col, path, "group_col")
        return raw[name].astype(str).str.strip().to_numpy()
    tpath = Path(str(attrs["targets_source"]))
    targets = read_table(tpath, sep=attrs.get("targets_sep"), header=bool(attrs["targets_header"]))
    name = _column(list(targets.columns), group_col, tpath, "group_col")
    labels = pd.Series(
        targets[name].astype(str).str.strip().to_numpy(),
        index=targets[str(attrs["join_key"])].str.strip().to_numpy(),
    )
    return labels.reindex(table["id"].to_numpy()).fillna("").to_numpy()


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
    clean : pandas.DataFrame
        The rows kept, with a fresh index and the input's ``.attrs``.
    report : QCReport
        What was changed, dropped and flagged, and why; generated ids are
        counted under *modified* (``id generated (no id column)``).

    Raises
    ------
    ValueError
        If fewer than ``cv * min_per_fold`` rows survive (the message counts
        the rows dropped per reason), or the target is constant.

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
    if table.attrs.get("ids_generated"):
        report.modified["id generated (no id column)"] = len(table)
    source = table.attrs.get("source", "the table")
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
    return clean, report
