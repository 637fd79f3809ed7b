"""Reading text tables and FASTA files, with messages that say what to fix.

Every function here either returns what it read or raises a
:class:`ValueError` (or :class:`FileNotFoundError`) naming the file, the row,
the column and the offending value (:func:`helpers.data.cells.bad_cell_error`).

``read_table``          any delimited text table, separator sniffed or given -> text frame
``read_sequences_csv``  a table of ids, sequences and measurements -> DataFrame
``read_fasta``          a FASTA file (also one-line ``>name<TAB>sequence`` records) -> DataFrame
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from helpers.data.cells import raise_if_infinite, raise_if_not_numbers

__all__ = [
    "MISSING_TOKENS",
    "SEPARATORS",
    "one_line_records",
    "read_fasta",
    "read_text_table",
    "read_sequences_csv",
    "read_table",
]


#: Cell values read as a missing measurement (besides an empty cell).
MISSING_TOKENS: frozenset[str] = frozenset(
    {"", "na", "nan", "n/a", "null", "none", "-", "?", "#n/a"}
)


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


def _first_ragged_line(path: Path, sep: str) -> str:
    """Describe the first line whose number of fields differs from the header's ('' if none)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle, delimiter=sep)
        header = next(rows, [])
        for row in rows:
            if len(row) > len(header):
                return (
                    f"line {rows.line_num} has {len(row)} fields but the header has "
                    f"{len(header)} ({header}). A value may hold an unquoted "
                    f"{_separator_name(sep)}: quote it, or remove the extra field(s)."
                )
    return ""


def _check_unique_columns(names: Sequence[str], path: Path) -> None:
    """Raise naming the column names that occur more than once in a header."""
    repeated = [n for n in dict.fromkeys(names) if n and list(names).count(n) > 1]
    if repeated:
        listed = ", ".join(repr(n) for n in repeated)
        raise ValueError(
            f"{path} has duplicate column name(s) in its header: {listed} (header {list(names)}). "
            "Which of them holds the data is a guess: rename or delete the extra column(s)."
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
    raise_if_not_numbers(
        bad,
        values.rename(column),
        ids=ids,
        source=path,
        advice="Fix the value, leave the cell empty for a missing measurement, or pass "
        "`target_cols=` without this column if it is not a measurement.",
    )
    raise_if_infinite(numbers.to_numpy(), values.rename(column), ids=ids, source=path)
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
        Every cell as text (``""`` when empty), column names stripped.

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
    >>> table.columns.tolist(), table["value"].tolist()
    (['name', 'value'], ['1.5', '2'])
    >>> read_text_table(folder / "t.txt")[1]  # the separator used
    '\\s+'
    """
    return read_text_table(path, sep=sep, header=header)[0]


def read_text_table(
    path: str | Path, *, sep: str | None = None, header: bool = True
) -> tuple[pd.DataFrame, str]:
    """:func:`read_table`, and the separator it used (sniffed or given)."""
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
            f"field per header column: {_first_ragged_line(path, sep) or str(err).strip()}"
        ) from err
    table.columns = [str(c).strip() for c in table.columns]
    if table.empty:
        raise ValueError(
            f"{path} has a header line but no data rows: found columns {list(table.columns)} "
            "and nothing below them. Is this the right file, or was the export cut short?"
        )
    return table, sep


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
    path = Path(path)
    table, sep = read_text_table(path, sep=sep, header=header)
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


def one_line_records(path: str | Path) -> list[tuple[str, str, str]] | None:
    r"""The records of a file of one-line ``>name<TAB>sequence`` lines, else ``None``.

    A file is of this layout when every non-blank line starts with ``>`` and
    holds at least two whitespace-separated fields, the last made of letters
    only (the sequence). Such a file has no line below a header, so it is
    not FASTA for Biopython, and not a table for a reader expecting a header.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> lib = pathlib.Path(tempfile.mkdtemp()) / "lib.txt"
    >>> _ = lib.write_text(">A1\tACGT\n>A2 strong\tGGCA\n")
    >>> one_line_records(lib)
    [('A1', 'ACGT', ''), ('A2', 'GGCA', 'strong')]
    """
    path = Path(path)

    def non_blank(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    head = non_blank(_text_head(path, 4096))[:2]
    if not head or any(not line.startswith(">") or len(line.split()) < 2 for line in head):
        return None
    lines = non_blank(_text_head(path, -1))
    records = []
    for line in lines:
        fields = line[1:].split()
        if not line.startswith(">") or len(fields) < 2 or not fields[-1].isalpha():
            return None
        records.append((fields[0], fields[-1], " ".join(fields[1:-1])))
    return records or None


def read_fasta(path: str | Path, *, strict: bool = True) -> pd.DataFrame:
    r"""Read a FASTA file with Biopython into a table.

    Parameters
    ----------
    path : str or pathlib.Path
        A FASTA file (UTF-8 or ASCII): records of a ``>id optional
        description`` header line followed by sequence lines. Blank lines
        before the first record are skipped. A file of one-line records,
        ``>id<TAB>sequence`` (see :func:`one_line_records`), is read too.
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
        skip = _check_fasta_start(path)
        records = one_line_records(path) or _fasta_records(path, skip=skip)
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
