"""Any file layout, one table: :func:`load_table` reads a file as a :class:`TableSpec` describes.

Sequences come from a delimited text table (any separator, with or without
a header, with or without an id column) or from a FASTA file (also one-line
``>name<TAB>sequence`` records). Measurements come from the same table or
from a second one, joined on a key. The result is one
:class:`~helpers.data.table.SequenceTable`: the frame, its provenance and
its QC report. Nothing is dropped here: :func:`~helpers.data.clean.quality_control`
decides, and counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from helpers.data.cells import bad_cell_error
from helpers.data.read import (
    _existing_file,
    _one_column_hint,
    _text_head,
    _to_numbers,
    one_line_records,
    read_fasta,
    read_text_table,
)
from helpers.data.table import Provenance, QCReport, SequenceTable, TableSpec

__all__ = ["FASTA_SUFFIXES", "load_table"]

#: File name endings read as FASTA (also with ``.gz``); everything else is a table.
FASTA_SUFFIXES: frozenset[str] = frozenset({".fa", ".fasta", ".fna", ".fas", ".ffn"})

_ONE_LINE = "one-line '>name<TAB>sequence' records"


def _format_of(path: Path, fmt: str | None) -> tuple[Literal["table", "fasta"], str]:
    """``"table"`` or ``"fasta"`` and a layout note: as set, else guessed from name and content.

    A format that is set always wins; the guess is FASTA for a FASTA file
    name or one-line ``>name<TAB>sequence`` records.
    """
    if fmt in ("csv", "table"):
        return "table", ""
    if fmt == "fasta":
        return "fasta", _ONE_LINE if one_line_records(path) else ""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in FASTA_SUFFIXES:
        return "fasta", _ONE_LINE if one_line_records(path) else ""
    if _text_head(path, 4096).lstrip().startswith(">"):
        if one_line_records(path):
            return "fasta", _ONE_LINE
        raise ValueError(
            f"{path} looks like a FASTA file (it starts with a '>' header line), but is "
            "read as a table: set fmt='fasta' in the settings (the TableSpec) "
            "and give the measurements in targets_path; or set fmt='table' to read it "
            "as a table all the same."
        )
    return "table", ""


def _column(found: Sequence[str], col: str | int, path: Path, what: str) -> str:
    """The name of column ``col`` (a name, or a 0-based position) of a table."""
    if isinstance(col, bool) or not isinstance(col, str | int | np.integer):
        raise ValueError(f"{what} must be a column name or a 0-based position, got {col!r}.")
    if isinstance(col, str):
        if col in found:
            return col
        hint = _one_column_hint(found, ",")
        if found and str(found[0]).startswith(">"):
            hint += (
                " The first line starts with '>': one-line '>name<TAB>sequence' records have "
                "no header, so set header=False and name the columns by position."
            )
        raise ValueError(
            f"{path} has no column {col!r} ({what}); found {list(found)}. Name one of these "
            "in the settings (or a 0-based position)." + hint
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
        " If it is a table (e.g. name<TAB>sequence lines), set fmt='table' in the "
        "settings (the TableSpec) and name its columns."
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


def _measurements(
    raw: pd.DataFrame, path: Path, sep: str, *, ids: pd.Series, spec: TableSpec, group: bool
) -> tuple[pd.DataFrame, str, tuple[str, ...]]:
    """``target``, the replicates (and ``group``, if asked) of a table, as numbers.

    Returns the frame (``target``, ``replicate_1``..., ``group``), the
    target's name and the replicate columns' names in the file.
    """
    found = list(raw.columns)
    decimal = "," if sep == ";" else "."

    def numbers(name: str) -> pd.Series:
        return _to_numbers(raw[name], column=name, ids=ids, path=path, decimal=decimal)

    replicates = tuple(_column(found, c, path, "a replicate column") for c in spec.replicate_cols)
    out = pd.DataFrame(index=raw.index)
    for i, name in enumerate(replicates, start=1):
        out[f"replicate_{i}"] = numbers(name)
    if spec.target_col is None:
        out.insert(
            0, "target", out[[f"replicate_{i}" for i in range(1, len(replicates) + 1)]].mean(axis=1)
        )
        target_name = f"mean of {', '.join(replicates)}"
    else:
        target_name = _column(found, spec.target_col, path, "target_col")
        out.insert(0, "target", numbers(target_name))
    if group:
        name = _column(found, spec.group_col, path, "group_col")
        out["group"] = raw[name].astype(str).str.strip().to_numpy()
    return out, target_name, replicates


def _transformed(table: pd.DataFrame, spec: TableSpec, source: Path, target_name: str) -> str:
    """Apply the pseudocount, the transform and the sign to ``target``; the target's new name."""
    if spec.target_transform is not None:
        shifted = table["target"] + spec.pseudocount
        bad = (shifted <= 0).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            plus = f" with pseudocount={spec.pseudocount:g}" if spec.pseudocount else ""
            raise bad_cell_error(
                source,
                column=target_name,
                row=i,
                row_id=table["id"].iloc[i],
                value=float(table["target"].iloc[i]),
                n_bad=int(bad.sum()),
                problem=f"must be above {0 - spec.pseudocount:g} for "
                f"target_transform={spec.target_transform!r}{plus}",
                advice="Set a pseudocount in the settings (pseudocount=1 for counts), "
                "which is added before the transform, or set no transform.",
            )
        table["target"] = spec.transform(table["target"].to_numpy())
        plus = f" + {spec.pseudocount:g}" if spec.pseudocount else ""
        target_name = f"{spec.target_transform}({target_name}{plus})"
    if not spec.higher_is_stronger:
        table["target"] = -table["target"]
        target_name = f"−({target_name}), sign flipped so that higher = stronger"
    return target_name


def load_table(path: str | Path, spec: TableSpec | None = None, **settings: Any) -> SequenceTable:
    r"""Read sequences and one measurement per sequence, from any layout, into one table.

    Parameters
    ----------
    path : str or pathlib.Path
        A text table (``.gz`` is fine) or a FASTA file; a file that is not
        FASTA although read as FASTA is refused with a message saying what to set.
    spec : TableSpec, optional
        How to read the file (see :class:`~helpers.data.table.TableSpec` for
        every setting); by default ``TableSpec()``.
    **settings
        Settings of :class:`~helpers.data.table.TableSpec`, instead of or on
        top of ``spec`` (``load_table(path, sequence_col="seq")``).

    Returns
    -------
    SequenceTable
        ``frame``: columns ``id``, ``sequence`` (as written), ``target``
        (float, NaN where missing), then ``replicate_1``... (on the file's
        scale) and ``group`` if asked, in file order. ``provenance``: the
        settings, the separator used, what the target is, generated ids, and
        what a join matched. ``qc``: the rows read (quality control adds
        what it changes, drops and flags).

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
        value ≤ 0 (plus the pseudocount); messages name the file, column, row,
        id and value.

    Examples
    --------
    A whitespace-separated table without ids, on a linear scale:

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "mine.txt").write_text("seq   tpm\nACGT  10\nGGCA  100\n")
    >>> spec = TableSpec(id_col=None, sequence_col="seq", target_col="tpm", target_transform="log10")
    >>> table = load_table(folder / "mine.txt", spec)
    >>> table.frame
         id sequence  target
    0  row1     ACGT     1.0
    1  row2     GGCA     2.0
    >>> table.provenance.ids_generated, table.provenance.sep, table.provenance.target_name
    (True, '\\s+', 'log10(tpm)')
    """
    spec = (spec or TableSpec()).replace(**settings) if settings else (spec or TableSpec())
    path = Path(path)
    kind, layout = _format_of(_existing_file(path), spec.fmt)
    ids_generated, sep = False, None
    group_here = spec.group_col is not None

    # 1. sequences (and ids)
    if kind == "fasta":
        if spec.targets_path is None:
            raise ValueError(
                f"{path} is FASTA, which holds no measurements: pass targets_path= "
                f"(a table with an id column and the measurement column {spec.target_col!r})."
            )
        raw = _read_fasta_records(path)
        ids, sequences = raw["id"].astype(str), raw["sequence"]
        group_here = False
    else:
        raw, sep = read_text_table(path, sep=spec.sep, header=spec.header)
        found = list(raw.columns)
        sequences = raw[_column(found, spec.sequence_col, path, "sequence_col")].str.strip()
        if spec.id_col is None:
            ids = pd.Series([f"row{i + 1}" for i in range(len(raw))], index=raw.index)
            ids_generated = True
        else:
            ids = raw[_column(found, spec.id_col, path, "id_col")].str.strip()
            if len(ids) and ids.str.startswith(">").all():
                ids, layout = ids.str[1:], _ONE_LINE + " read as a table ('>' removed from ids)"
        if group_here and spec.targets_path is not None:
            group_here = not isinstance(spec.group_col, int) and spec.group_col in found
    table = pd.DataFrame({"id": ids.to_numpy(), "sequence": sequences.to_numpy()})
    if group_here:
        group = _column(list(raw.columns), spec.group_col, path, "group_col")
        groups = raw[group].astype(str).str.strip().to_numpy()

    # 2. measurements: from the same table, or a second one joined on a key
    join: dict[str, Any] = {}
    if spec.targets_path is None:
        values, target_name, replicates = _measurements(
            raw, path, sep, ids=ids, spec=spec, group=False
        )
        table = pd.concat([table, values.reset_index(drop=True)], axis=1)
    else:
        if spec.id_col is None and kind != "fasta":
            raise ValueError(
                f"{path} has no id column (id_col=None), so its rows cannot be matched to the "
                f"measurements in {spec.targets_path}: name the column that both tables share."
            )
        tpath = Path(spec.targets_path)
        targets, tsep = read_text_table(tpath, sep=spec.targets_sep, header=spec.targets_header)
        key_default = spec.id_col if isinstance(spec.id_col, str) else "id"
        key = _column(
            list(targets.columns),
            key_default if spec.join_key is None else spec.join_key,
            tpath,
            "join_key",
        )
        keys = targets[key].str.strip()
        wants_group = spec.group_col is not None and not group_here
        values, target_name, replicates = _measurements(
            targets, tpath, tsep, ids=keys, spec=spec, group=wants_group
        )
        repeated = keys[keys.duplicated(keep=False)].unique().tolist()
        if repeated:
            raise ValueError(
                f"{tpath}: id(s) {repeated[:10]} appear more than once in column {key!r}; "
                "each sequence needs exactly one row of measurements."
            )
        values.index = keys.to_numpy()
        joined = values.reindex(table["id"].to_numpy())
        if wants_group:
            joined["group"] = joined["group"].fillna("")
        table = pd.concat([table, joined.reset_index(drop=True)], axis=1)
        join = {
            "targets_source": str(tpath),
            "targets_sep": tsep,
            "join_key": key,
            "targets_without_sequence": int((~keys.isin(set(table["id"]))).sum()),
            "sequences_without_target": int((~table["id"].isin(set(keys))).sum()),
        }
    if group_here:
        table["group"] = groups

    # 3. pseudocount, transform and direction
    target_source = Path(join.get("targets_source", path))
    target_name = _transformed(table, spec, target_source, target_name)
    provenance = Provenance(
        spec=spec,
        source=str(path),
        sep=sep,
        target_name=target_name,
        replicate_names=replicates,
        ids_generated=ids_generated,
        layout=layout,
        n_read=len(table),
        **join,
    )
    qc = QCReport(n_input=len(table))
    return SequenceTable(frame=table, provenance=provenance, qc=qc)
