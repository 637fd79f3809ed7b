"""Loaders of the published files: the core schema ``id, sequence, expression`` and a QC report.

Every loader returns ``id``, ``sequence`` (uppercase, validated),
``expression`` (the target, unchanged from the file), plus extra columns, and
attaches a :class:`~helpers.data.table.QCReport` of what was dropped, changed
and flagged in ``frame.attrs["qc"]`` (the one use of ``attrs`` in
:mod:`helpers.data`: these frames are plain DataFrames that chapters slice and join, and
the report is a plain value that pandas carries along or drops).

``load_lafleur2022``            *E. coli* σ70 promoters, La Fleur et al. 2022
``load_lafleur2022_validation`` the other groups' *E. coli* libraries La Fleur et al. validated on
``load_vaishnav2022_random``    yeast random promoters (high-quality test set), Vaishnav et al. 2022
``load_vaishnav2022_native``    yeast native promoters with the published model's predictions
``load_dream2022_demo``         demo sample of the DREAM 2022 challenge training data
"""

from __future__ import annotations

import functools
import operator
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.data import registry
from helpers.data.cells import check_finite_numbers
from helpers.data.table import QCReport
from helpers.sequences import validate_sequences

__all__ = [
    "LAFLEUR_PARTS",
    "VALIDATION_LIBRARIES",
    "load_dream2022_demo",
    "load_lafleur2022",
    "load_lafleur2022_validation",
    "load_vaishnav2022_native",
    "load_vaishnav2022_random",
]

# ---------------------------------------------------------------------------
# QC report and shared validation
# ---------------------------------------------------------------------------


def _require_columns(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{path}: missing column(s) {missing}; the file has {list(frame.columns)}."
        )


def _check_sequences(sequences: pd.Series, path: Path, alphabet: str = "ACGT") -> None:
    """The one sequence validator; rows are numbered from 0 among the data rows."""
    ids = range(len(sequences))
    validate_sequences(sequences, alphabet=alphabet, ids=ids, column="sequence", source=path)


def _check_numbers(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    """The one bad-cell message for the first missing or non-finite value of ``columns``."""
    for column in columns:
        check_finite_numbers(
            frame[column],
            ids=frame["id"],
            source=path,
            allow_missing=False,
        )


def _finish(
    frame: pd.DataFrame,
    raw_sequences: pd.Series,
    *,
    name: str,
    path: Path,
    numeric: list[str],
    alphabet: str = "ACGT",
) -> pd.DataFrame:
    """Shared tail of every loader: upper-case, validate, order columns, attach the QC.

    ``frame`` must hold ``id`` and ``expression``; ``raw_sequences`` are the
    file's sequences as read (positionally aligned with ``frame``).
    """
    if raw_sequences.isna().any():
        row = int(np.flatnonzero(raw_sequences.isna().to_numpy())[0])
        raise ValueError(f"{path}: data row {row} has no sequence.")
    raw = raw_sequences.astype(str).reset_index(drop=True)
    frame = frame.reset_index(drop=True)
    frame.insert(1, "sequence", raw.str.upper())
    _check_sequences(frame["sequence"], path, alphabet)
    _check_numbers(frame, ["expression", *numeric], path)
    if frame["id"].duplicated().any():
        row = int(np.flatnonzero(frame["id"].duplicated().to_numpy())[0])
        raise ValueError(f"{path}: id {frame['id'].iloc[row]!r} at data row {row} is not unique.")
    first = ["id", "sequence", "expression"]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    flagged = [("duplicated sequence (kept)", int(frame["sequence"].duplicated().sum()))]
    if "N" in alphabet:
        flagged.append(
            ("sequence contains N (kept)", int(frame["sequence"].str.contains("N").sum()))
        )
    frame.attrs["qc"] = QCReport(
        n_input=len(frame),
        modified={"upper-cased sequence": int((raw != frame["sequence"]).sum())},
        flagged=dict(flagged),
        source=name,
        sha256=registry.REGISTRY[name].sha256,
    )
    return frame


# ---------------------------------------------------------------------------
# La Fleur et al. 2022
# ---------------------------------------------------------------------------

#: La Fleur 2022 part columns in promoter order, with their tidy names.
LAFLEUR_PARTS: dict[str, str] = {
    "UP": "up",
    "h35": "box35",
    "spacs": "spacer",
    "h10": "box10",
    "disc": "discriminator",
    "ITR": "itr",
}

_LAFLEUR_RENAME: dict[str, str] = {
    "ID": "id",
    **{f"DNA{i} [counts]": f"dna{i}" for i in (1, 2, 3)},
    **{f"RNA{i} [counts]": f"rna{i}" for i in (1, 2, 3)},
    **{f"TX{i} [au]": f"tx{i}" for i in (1, 2, 3)},
    "Txave [au]": "tx_mean",
    "Txstddev [au]": "tx_sd",
    **LAFLEUR_PARTS,
    "high quality": "high_quality",
    "Observed": "observed",
    "Predicted log(TX/Txref)": "predicted_biophysical",
    "dG10": "dg10",
    "dG35": "dg35",
    "dGDisc": "dg_discriminator",
    "dGITR": "dg_itr",
    "dGEXT10": "dg_ext10",
    "dGSPAC": "dg_spacer",
    "dGUP": "dg_up",
}


def load_lafleur2022(directory: str | Path | None = None) -> pd.DataFrame:
    """Load La Fleur et al. (2022) *E. coli* σ70 promoters (Supplementary Data 5).

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        Override folder, see :func:`~helpers.data.registry.fetch` (default: the shipped copy).

    Returns
    -------
    pandas.DataFrame
        One row per promoter (13,481), columns:

        - ``id`` (int), ``sequence`` (str): ``up + box35 + spacer + box10 +
          discriminator + itr``, 57–87 nt, upper-cased and validated (ACGT);
        - ``expression`` (float): the target, the file's ``Observed`` column
          unchanged; ``observed`` is the same values under the file's name.
          **Lower = stronger** promoter: it is minus the natural log of the
          transcription rate up to a constant (the file labels it
          ``log(TX/Txref)``, but it falls as ``tx_mean`` rises);
        - ``tx1``, ``tx2``, ``tx3`` (float, arbitrary units): the three
          replicate transcription rates, with ``tx_mean``, ``tx_sd``;
          ``dna1..3`` and ``rna1..3``, the read counts behind them;
        - ``high_quality`` (bool): the paper's well-measured flag;
        - ``predicted_biophysical`` (float): the Promoter Calculator
          prediction of ``observed`` (same sign convention), and its terms
          ``dg10``, ``dg35``, ``dg_discriminator``, ``dg_itr``, ``dg_ext10``,
          ``dg_spacer``, ``dg_up``;
        - the parts ``up``, ``box35``, ``spacer``, ``box10``,
          ``discriminator``, ``itr`` (str, upper-cased).

        ``attrs["qc"]`` holds the :class:`~helpers.data.table.QCReport` report.

    Raises
    ------
    ValueError
        If a column is missing, a sequence has a character other than ACGT,
        a target is missing, or ``high quality`` is not Yes/No.

    Examples
    --------
    >>> df = load_lafleur2022()
    >>> df.columns[:4].tolist()
    ['id', 'sequence', 'expression', 'observed']
    >>> bool((df["sequence"] == df["up"] + df["box35"] + df["spacer"] + df["box10"]
    ...       + df["discriminator"] + df["itr"]).all())
    True
    >>> df.attrs["qc"]
    QCReport(lafleur2022_supp_data_5.csv: 13481 rows in, 13481 kept, 0 dropped)
    """
    name = "lafleur2022_supp_data_5.csv"
    path = registry.fetch(name, directory=directory)
    raw = pd.read_csv(path)
    _require_columns(raw, list(_LAFLEUR_RENAME), path)
    frame = raw.rename(columns=_LAFLEUR_RENAME)[list(_LAFLEUR_RENAME.values())]
    parts = list(LAFLEUR_PARTS.values())
    for column in parts:
        frame[column] = frame[column].astype(str).str.upper()
    part_columns = [raw[column].astype(str) for column in LAFLEUR_PARTS]
    sequences = functools.reduce(operator.add, part_columns)  # vectorised, not row by row
    flags = frame["high_quality"].astype(str)
    unknown = ~flags.isin(["Yes", "No"])
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise ValueError(
            f"{path}: column 'high quality' must be Yes or No; data row {row} has {flags.iloc[row]!r}."
        )
    frame["high_quality"] = flags.eq("Yes")
    frame.insert(1, "expression", frame["observed"])
    first = ["id", "expression", "observed", "tx1", "tx2", "tx3", "tx_mean", "tx_sd"]
    first += ["high_quality", "predicted_biophysical"]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    return _finish(frame, sequences, name=name, path=path, numeric=["tx1", "tx2", "tx3", "tx_mean"])


class _Library(NamedTuple):
    file: str
    raw_column: str
    raw_unit: str
    study: str


#: Validation libraries of La Fleur et al. 2022: short name -> file and what it holds.
VALIDATION_LIBRARIES: dict[str, _Library] = {
    "hossain": _Library(
        "lafleur2022_validation_hossain2020.csv",
        "Observed TX [au]",
        "transcription rate, au",
        "Hossain et al. 2020, non-repetitive σ70 promoters (78 nt)",
    ),
    "yu": _Library(
        "lafleur2022_validation_yu2021.csv",
        "Observed TX [au]",
        "transcription rate, au",
        "Yu et al. 2021, designed IPTG-inducible promoter architectures (150 nt)",
    ),
    "lagator_pl": _Library(
        "lafleur2022_validation_lagator2022_pl.csv",
        "Normalized Transcription Rates [TX/TXref]",
        "TX/TXref",
        "Lagator et al. 2022, mutants of the λ PL promoter (139 nt)",
    ),
    "lagator_pr": _Library(
        "lafleur2022_validation_lagator2022_pr.csv",
        "Normalized Transcription Rates [TX/TXref]",
        "TX/TXref",
        "Lagator et al. 2022, mutants of the λ PR promoter (139 nt)",
    ),
    "lagator_36n": _Library(
        "lafleur2022_validation_lagator2022_36n.csv",
        "Normalized Transcription Rates [TX/TXref]",
        "TX/TXref",
        "Lagator et al. 2022, random 36-nt regions (116 nt)",
    ),
    "anderson": _Library(
        "lafleur2022_validation_anderson.csv",
        "Observed Fluorescence [au]",
        "fluorescence, au",
        "the Anderson promoter collection, iGEM (35 nt)",
    ),
    "denovo": _Library(
        "lafleur2022_validation_denovo.csv",
        "Observed Fluorescence [au]",
        "fluorescence, au",
        "La Fleur et al. 2022, the model's own de novo designs (72–132 nt)",
    ),
}


def load_lafleur2022_validation(name: str, directory: str | Path | None = None) -> pd.DataFrame:
    """Load one of the other groups' *E. coli* libraries that La Fleur et al. (2022) validated on.

    Each library was measured in another design, length and context than
    La Fleur's own, and each row carries the Promoter Calculator's
    prediction (a model fitted on La Fleur's library only): the natural test
    of whether a model transfers.

    Parameters
    ----------
    name : str
        One of :data:`VALIDATION_LIBRARIES`: ``"hossain"``, ``"yu"``,
        ``"lagator_pl"``, ``"lagator_pr"``, ``"lagator_36n"``,
        ``"anderson"``, ``"denovo"``.
    directory : str or pathlib.Path, optional
        Override folder, see :func:`~helpers.data.registry.fetch` (default: the shipped copy).

    Returns
    -------
    pandas.DataFrame
        One row per promoter, columns:

        - ``id`` (str): the file's ``ID``, as text (Hossain's are names);
        - ``sequence`` (str): the file's ``Promoter Sequence``, upper-cased
          (the Lagator files are lowercase) and validated (ACGT);
        - ``expression`` (float): the file's ``Observed log(TX/Txref)``,
          **unchanged**. As in :func:`load_lafleur2022`, it is minus the log
          of the measured rate up to a constant, so **more negative =
          stronger** promoter;
        - ``calculator`` (float): the file's ``Predicted log(TX/Txref)``,
          the Promoter Calculator's prediction, same sign convention;
        - ``library`` (str): ``name``;
        - ``observed_raw`` (float): the measurement behind ``expression``,
          in the library's own unit (``VALIDATION_LIBRARIES[name].raw_unit``);
        - ``upstream``, ``downstream`` (str, or missing where the file has
          no such column): the constant DNA around the promoter.

        Residual and TIR columns of the file (computed by the repository's
        author) are not returned. ``attrs["qc"]`` holds the
        :class:`~helpers.data.table.QCReport` report (nothing is dropped: the files are clean;
        upper-cased and duplicated sequences are counted).

    Raises
    ------
    ValueError
        If ``name`` is unknown, a column is missing, a sequence has a
        character other than ACGT or a number is missing.

    Examples
    --------
    >>> df = load_lafleur2022_validation("anderson")
    >>> df.columns.tolist()
    ['id', 'sequence', 'expression', 'calculator', 'library', 'observed_raw', 'upstream', 'downstream']
    >>> len(df), round(float(df["expression"].corr(df["calculator"])), 3)
    (18, 0.889)
    """
    if name not in VALIDATION_LIBRARIES:
        raise ValueError(
            f"Unknown validation library {name!r}; choose one of {', '.join(VALIDATION_LIBRARIES)}."
        )
    library = VALIDATION_LIBRARIES[name]
    path = registry.fetch(library.file, directory=directory)
    raw = pd.read_csv(path, dtype={"ID": str})
    columns = ["ID", "Promoter Sequence", "Observed log(TX/Txref)", "Predicted log(TX/Txref)"]
    _require_columns(raw, [*columns, library.raw_column], path)
    frame = pd.DataFrame(
        {
            "id": raw["ID"].astype(str),
            "expression": raw["Observed log(TX/Txref)"],
            "calculator": raw["Predicted log(TX/Txref)"],
            "library": name,
            "observed_raw": raw[library.raw_column],
        }
    )
    for column, source in (("upstream", "Upstream DNA"), ("downstream", "Downstream DNA")):
        frame[column] = (
            raw[source].astype(str).str.upper()
            if source in raw
            else pd.Series(pd.NA, index=raw.index, dtype=object)
        )
    return _finish(
        frame,
        raw["Promoter Sequence"],
        name=library.file,
        path=path,
        numeric=["calculator", "observed_raw"],
    )


# ---------------------------------------------------------------------------
# Vaishnav et al. 2022 and DREAM 2022
# ---------------------------------------------------------------------------


def _read_two_column_tsv(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, sep="\t", header=None, names=["sequence", "expression"])
    if frame["expression"].isna().any():
        row = int(np.flatnonzero(frame["expression"].isna().to_numpy())[0])
        raise ValueError(f"{path}: data row {row} has no expression value (expected 2 columns).")
    return frame


def load_vaishnav2022_random(directory: str | Path | None = None) -> pd.DataFrame:
    """Load Vaishnav et al. (2022) high-quality random yeast promoters (complex medium).

    These 3,331 sequences are the paper's high-quality *test* measurements: an
    80-nt random region inside a fixed plasmid context (about 110 nt in all).

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        Override folder, see :func:`~helpers.data.registry.fetch` (default: the shipped copy).

    Returns
    -------
    pandas.DataFrame
        Columns ``id`` (int, the 0-based data row: the file has no ids),
        ``sequence`` (str, ACGT) and ``expression`` (float, the paper's
        log-scale expression, about 1.5 to 16.7, unchanged).
        ``attrs["qc"]`` holds the :class:`~helpers.data.table.QCReport` report.

    Raises
    ------
    ValueError
        If a row has no expression or a sequence has a character other than ACGT.

    Examples
    --------
    >>> load_vaishnav2022_random().shape
    (3331, 3)
    """
    name = "vaishnav2022_hq_random_complex.txt"
    path = registry.fetch(name, directory=directory)
    table = _read_two_column_tsv(path)
    frame = pd.DataFrame({"id": np.arange(len(table)), "expression": table["expression"]})
    return _finish(frame, table["sequence"], name=name, path=path, numeric=[])


def load_vaishnav2022_native(directory: str | Path | None = None) -> pd.DataFrame:
    """Load Vaishnav et al. (2022) native yeast promoters with the published predictions.

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        Override folder, see :func:`~helpers.data.registry.fetch` (default: the shipped copy).

    Returns
    -------
    pandas.DataFrame
        3,733 rows, columns ``id`` (int, the file's unnamed index column),
        ``sequence`` (str, 110 nt), ``expression`` (float, measured in
        complex medium, unchanged) and ``predicted_published`` (float, the
        paper's transformer model, trained on ~20 million random promoters).
        ``attrs["qc"]`` holds the :class:`~helpers.data.table.QCReport` report.

    Raises
    ------
    ValueError
        If a column is missing or a sequence has a character other than ACGT.

    Examples
    --------
    >>> load_vaishnav2022_native().columns.tolist()
    ['id', 'sequence', 'expression', 'predicted_published']
    """
    name = "vaishnav2022_native_complex.csv"
    path = registry.fetch(name, directory=directory)
    raw = pd.read_csv(path)
    columns = ["sequence", "Measured Expression", "Predicted Expression"]
    _require_columns(raw, columns, path)
    ids = raw[raw.columns[0]] if raw.columns[0] not in columns else pd.Series(range(len(raw)))
    frame = pd.DataFrame(
        {
            "id": ids.to_numpy(),
            "expression": raw["Measured Expression"],
            "predicted_published": raw["Predicted Expression"],
        }
    )
    return _finish(frame, raw["sequence"], name=name, path=path, numeric=["predicted_published"])


def load_dream2022_demo(directory: str | Path | None = None) -> pd.DataFrame:
    """Load the demo sample of the DREAM 2022 random-promoter challenge training data.

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        Override folder, see :func:`~helpers.data.registry.fetch` (default: the shipped copy).

    Returns
    -------
    pandas.DataFrame
        6,370 rows, columns ``id`` (int, the 0-based data row), ``sequence``
        (str, 87–135 nt including the constant flanks; 25 sequences contain
        ``N``, kept as is and counted in the QC report) and ``expression``
        (float, expression bin on a 0–17 scale; most values are whole bins).
        ``attrs["qc"]`` holds the :class:`~helpers.data.table.QCReport` report.

    Raises
    ------
    ValueError
        If a row has no expression or a sequence has a character other than ACGTN.

    Examples
    --------
    >>> demo = load_dream2022_demo()
    >>> float(demo["expression"].max()), dict(demo.attrs["qc"].flagged)["sequence contains N (kept)"]
    (17.0, 25)
    """
    name = "dream2022_demo_train.txt"
    path = registry.fetch(name, directory=directory)
    table = _read_two_column_tsv(path)
    frame = pd.DataFrame({"id": np.arange(len(table)), "expression": table["expression"]})
    return _finish(frame, table["sequence"], name=name, path=path, numeric=[], alphabet="ACGTN")
