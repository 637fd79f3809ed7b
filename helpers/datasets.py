"""Published sequence-to-expression datasets, downloaded once and hash-checked.

Each dataset is one file at a pinned URL with a known SHA-256. :func:`fetch`
returns the path of a verified local copy, downloading it with :mod:`pooch`
only when no copy is present; the loaders turn the file into a tidy DataFrame
with a ``sequence`` column and a clearly named target.

Where the files live
--------------------
The cache folder is the environment variable ``SEQ2EXPR_DATA_DIR`` if it is
set, otherwise ``pooch.os_cache("seq2expr")`` (for example
``~/.cache/seq2expr`` on Linux). A file already in that folder, under the name
used in :data:`REGISTRY`, is used without any download as long as its SHA-256
matches; so to work offline, put copies of the files in a folder and point the
variable at it::

    export SEQ2EXPR_DATA_DIR=/path/to/folder/with/the/files

The book's CI does exactly that with ``../shared/data/real``.

Errors
------
A local file whose hash does not match raises :class:`DatasetHashError` (a
:class:`ValueError`) naming the file, the expected and the actual hash; it is
never overwritten. A missing file that cannot be downloaded raises
:class:`DatasetUnavailableError` (a :class:`ConnectionError`) naming the file,
its URL and ``SEQ2EXPR_DATA_DIR``.

The loaders
-----------
``load_lafleur2022``         *E. coli* σ70 promoters, La Fleur et al. 2022
``load_vaishnav2022_random`` yeast random promoters (high-quality test set), Vaishnav et al. 2022
``load_vaishnav2022_native`` yeast native promoters with the published model's predictions
``load_dream2022_demo``      demo sample of the DREAM 2022 challenge training data
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

with warnings.catch_warnings():
    # pooch imports tqdm.auto, which warns in a notebook without ipywidgets;
    # it then falls back to a text progress bar, which is all we need.
    warnings.filterwarnings("ignore", message="IProgress not found")
    import pooch

__all__ = [
    "ENV_VAR",
    "REGISTRY",
    "DatasetHashError",
    "DatasetUnavailableError",
    "RemoteFile",
    "data_dir",
    "fetch",
    "file_sha256",
    "load_dream2022_demo",
    "load_lafleur2022",
    "load_vaishnav2022_native",
    "load_vaishnav2022_random",
]

#: Environment variable naming the folder that holds (or will hold) the files.
ENV_VAR: str = "SEQ2EXPR_DATA_DIR"


class RemoteFile(NamedTuple):
    """A published file: where it comes from and what its bytes must hash to."""

    url: str
    sha256: str


_LAFLEUR_URL = (
    "https://raw.githubusercontent.com/Rhys-sg/promoter-sequence-transcription-rates/"
    "3d39ab2d0b2174d23e3e436d9a9cb0b61014ebbd/v2/Data/LaFleur/41467_2022_32829_MOESM5_ESM.csv"
)
_VAISHNAV_BASE = (
    "https://raw.githubusercontent.com/1edv/evolution/"
    "bf4a41983a82ac81b3ef60fa33fc0e253760c73d/manuscript_code/model/"
)
_DREAM_URL = (
    "https://raw.githubusercontent.com/de-Boer-Lab/random-promoter-dream-challenge-2022/"
    "f7b2e197f673319aaae3ef460b7f9980f74304af/data/demo_train.txt"
)

#: Local file name -> pinned URL and SHA-256 of every published file.
REGISTRY: dict[str, RemoteFile] = {
    "lafleur2022_supp_data_5.csv": RemoteFile(
        _LAFLEUR_URL, "236e74970a14d0c59849069ab20e8750985414c99e227bf3b1d291bb5ff4c430"
    ),
    "vaishnav2022_hq_random_complex.txt": RemoteFile(
        _VAISHNAV_BASE + "benchmarking_models/HQ_testdata.txt",
        "094961bd5f207958306d663123f3150a201566bba9f8eb0b2924dd5e3bd693d6",
    ),
    "vaishnav2022_native_complex.csv": RemoteFile(
        _VAISHNAV_BASE + "reproduce_test_data_performance/Native_complex.csv",
        "59d81b20739815108de4ecf095f78a96042685ee14ed32b95d3ae37242f569b0",
    ),
    "dream2022_demo_train.txt": RemoteFile(
        _DREAM_URL, "277090c096efb1592d1b017fffef6d83d96817ae4430109ddc5ba45b66dd8ede"
    ),
}


class DatasetHashError(ValueError):
    """A local copy of a dataset file does not have the published SHA-256."""


class DatasetUnavailableError(ConnectionError):
    """A dataset file is not available locally and could not be downloaded."""


def data_dir() -> Path:
    """Return the folder where dataset files are looked for and downloaded to.

    Returns
    -------
    pathlib.Path
        ``$SEQ2EXPR_DATA_DIR`` if that variable is set and not empty,
        otherwise ``pooch.os_cache("seq2expr")``.

    Examples
    --------
    >>> import os
    >>> saved = os.environ.pop("SEQ2EXPR_DATA_DIR", None)
    >>> data_dir().name
    'seq2expr'
    >>> os.environ["SEQ2EXPR_DATA_DIR"] = "/data/seq2expr"
    >>> str(data_dir())
    '/data/seq2expr'
    >>> if saved is None:
    ...     del os.environ["SEQ2EXPR_DATA_DIR"]
    ... else:
    ...     os.environ["SEQ2EXPR_DATA_DIR"] = saved
    """
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        return Path(value).expanduser()
    return Path(pooch.os_cache("seq2expr"))


def file_sha256(path: str | Path) -> str:
    r"""Return the SHA-256 hex digest of a file's bytes.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to hash.

    Returns
    -------
    str
        64 lowercase hexadecimal characters.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "x.txt"
    ...     _ = path.write_bytes(b"ACGT\n")
    ...     file_sha256(path)[:12]
    'a4b0723993d3'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _hash_error(name: str, path: Path, actual: str) -> DatasetHashError:
    expected = REGISTRY[name].sha256
    return DatasetHashError(
        f"{path} does not have the published SHA-256 of {name}: expected {expected} "
        f"but the file hashes to {actual}. The file is corrupted, truncated or a "
        f"different version. Delete it to download it again from {REGISTRY[name].url}, "
        f"or replace it with a correct copy (check with `sha256sum`)."
    )


def fetch(name: str, *, directory: str | Path | None = None, progressbar: bool = True) -> Path:
    """Return the path of a verified local copy of a published dataset file.

    A file already present in the cache folder is hash-checked and used as is;
    a missing file is downloaded from its pinned URL (with a progress bar) and
    checked before it is kept.

    Parameters
    ----------
    name : str
        A key of :data:`REGISTRY`, e.g. ``"lafleur2022_supp_data_5.csv"``.
    directory : str or pathlib.Path, optional
        Cache folder; default :func:`data_dir` (``$SEQ2EXPR_DATA_DIR`` or the
        operating system's cache folder).
    progressbar : bool, default=True
        Show a tqdm progress bar while downloading (nothing is shown when the
        file is already there).

    Returns
    -------
    pathlib.Path
        The local file, whose SHA-256 matches the registry.

    Raises
    ------
    ValueError
        If ``name`` is not in the registry.
    DatasetHashError
        If the local copy (or the downloaded file) has the wrong SHA-256.
    DatasetUnavailableError
        If the file is not in the folder and cannot be downloaded.

    Examples
    --------
    >>> path = fetch("vaishnav2022_native_complex.csv")  # doctest: +SKIP
    >>> path.name  # doctest: +SKIP
    'vaishnav2022_native_complex.csv'
    """
    if name not in REGISTRY:
        raise ValueError(f"Unknown dataset file {name!r}. Known files: {', '.join(REGISTRY)}.")
    folder = Path(directory) if directory is not None else data_dir()
    path = folder / name
    remote = REGISTRY[name]
    if path.exists():
        actual = file_sha256(path)
        if actual != remote.sha256:
            raise _hash_error(name, path, actual)
        return path
    registry = pooch.create(
        path=folder,
        base_url="",
        registry={key: f"sha256:{value.sha256}" for key, value in REGISTRY.items()},
        urls={key: value.url for key, value in REGISTRY.items()},
        allow_updates=False,
    )
    try:
        return Path(registry.fetch(name, progressbar=progressbar))
    except ValueError as error:  # pooch: the downloaded bytes have the wrong hash
        match = re.search(r"but got ([0-9a-f]{64})", str(error))
        raise _hash_error(name, path, match.group(1) if match else "unknown") from error
    except Exception as error:  # requests' network errors, or an unwritable folder
        raise DatasetUnavailableError(
            f"{name} is not in {folder} and could not be downloaded from {remote.url} "
            f"({type(error).__name__}: {error}). If you are offline, copy the file "
            f"(SHA-256 {remote.sha256}) into a folder and set the environment variable "
            f"{ENV_VAR} to that folder."
        ) from error


def _require_columns(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{path}: missing column(s) {missing}; the file has {list(frame.columns)}."
        )


def _check_sequences(sequences: pd.Series, path: Path, alphabet: str = "ACGT") -> None:
    bad = sequences.str.contains(f"[^{alphabet}]", regex=True) | (sequences.str.len() == 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        value = sequences.iloc[row]
        character = next((c for c in value if c not in alphabet), "")
        raise ValueError(
            f"{path}: {int(bad.sum())} sequence(s) are empty or have characters outside "
            f"{alphabet}; first at data row {row} ({character!r} in {value[:40]!r}...)."
        )


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
        Cache folder, see :func:`fetch`.

    Returns
    -------
    pandas.DataFrame
        One row per promoter (13,481), columns:

        - ``id`` (int), ``sequence`` (str): ``up + box35 + spacer + box10 +
          discriminator + itr``, 57–87 nt;
        - ``observed`` (float): the paper's target, on the Promoter
          Calculator's free-energy-like scale, **lower = stronger** promoter
          (it equals ``-ln(tx_mean)`` up to a constant);
        - ``tx1``, ``tx2``, ``tx3`` (float, arbitrary units): the three
          replicate transcription rates, with ``tx_mean``, ``tx_sd``;
          ``dna1..3`` and ``rna1..3``, the read counts behind them;
        - ``high_quality`` (bool): the paper's well-measured flag;
        - ``predicted_biophysical`` (float): the Promoter Calculator
          prediction of ``observed``, and its terms ``dg10``, ``dg35``,
          ``dg_discriminator``, ``dg_itr``, ``dg_ext10``, ``dg_spacer``,
          ``dg_up``;
        - the parts ``up``, ``box35``, ``spacer``, ``box10``,
          ``discriminator``, ``itr`` (str).

    Raises
    ------
    ValueError
        If a column is missing, a sequence has a character other than ACGT,
        or ``high quality`` is not Yes/No.

    Examples
    --------
    >>> df = load_lafleur2022()  # doctest: +SKIP
    >>> df.loc[0, "sequence"] == "".join(df.loc[0, list(LAFLEUR_PARTS.values())])  # doctest: +SKIP
    True
    """
    path = fetch("lafleur2022_supp_data_5.csv", directory=directory)
    raw = pd.read_csv(path)
    _require_columns(raw, list(_LAFLEUR_RENAME), path)
    frame = raw.rename(columns=_LAFLEUR_RENAME)[list(_LAFLEUR_RENAME.values())]
    parts = list(LAFLEUR_PARTS.values())
    for column in parts:
        frame[column] = frame[column].astype(str).str.upper()
    frame.insert(1, "sequence", frame[parts].agg("".join, axis=1))
    _check_sequences(frame["sequence"], path)
    flags = frame["high_quality"].astype(str)
    unknown = ~flags.isin(["Yes", "No"])
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise ValueError(
            f"{path}: column 'high quality' must be Yes or No; data row {row} has {flags.iloc[row]!r}."
        )
    frame["high_quality"] = flags.eq("Yes")
    first = ["id", "sequence", "observed", "tx1", "tx2", "tx3", "tx_mean", "tx_sd"]
    first += ["high_quality", "predicted_biophysical"]
    return frame[first + [c for c in frame.columns if c not in first]]


def _read_two_column_tsv(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, sep="\t", header=None, names=["sequence", "expression"])
    if frame["expression"].isna().any():
        row = int(np.flatnonzero(frame["expression"].isna().to_numpy())[0])
        raise ValueError(f"{path}: data row {row} has no expression value (expected 2 columns).")
    frame["sequence"] = frame["sequence"].astype(str).str.upper()
    return frame


def load_vaishnav2022_random(directory: str | Path | None = None) -> pd.DataFrame:
    """Load Vaishnav et al. (2022) high-quality random yeast promoters (complex medium).

    These 3,331 sequences are the paper's high-quality *test* measurements: an
    80-nt random region inside a fixed plasmid context (about 110 nt in all).

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        Cache folder, see :func:`fetch`.

    Returns
    -------
    pandas.DataFrame
        Columns ``sequence`` (str, ACGT) and ``expression`` (float, the
        paper's log-scale expression, about 1.5 to 16.7).

    Raises
    ------
    ValueError
        If a row has no expression or a sequence has a character other than ACGT.

    Examples
    --------
    >>> load_vaishnav2022_random().shape  # doctest: +SKIP
    (3331, 2)
    """
    path = fetch("vaishnav2022_hq_random_complex.txt", directory=directory)
    frame = _read_two_column_tsv(path)
    _check_sequences(frame["sequence"], path)
    return frame


def load_vaishnav2022_native(directory: str | Path | None = None) -> pd.DataFrame:
    """Load Vaishnav et al. (2022) native yeast promoters with the published predictions.

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        Cache folder, see :func:`fetch`.

    Returns
    -------
    pandas.DataFrame
        3,733 rows, columns ``sequence`` (str, 110 nt), ``expression``
        (float, measured in complex medium) and ``predicted_published``
        (float, the paper's transformer model, trained on ~20 million random
        promoters).

    Raises
    ------
    ValueError
        If a column is missing or a sequence has a character other than ACGT.

    Examples
    --------
    >>> load_vaishnav2022_native().columns.tolist()  # doctest: +SKIP
    ['sequence', 'expression', 'predicted_published']
    """
    path = fetch("vaishnav2022_native_complex.csv", directory=directory)
    raw = pd.read_csv(path, index_col=0)
    rename = {
        "sequence": "sequence",
        "Measured Expression": "expression",
        "Predicted Expression": "predicted_published",
    }
    _require_columns(raw, list(rename), path)
    frame = raw.rename(columns=rename)[list(rename.values())].reset_index(drop=True)
    frame["sequence"] = frame["sequence"].astype(str).str.upper()
    _check_sequences(frame["sequence"], path)
    return frame


def load_dream2022_demo(directory: str | Path | None = None) -> pd.DataFrame:
    """Load the demo sample of the DREAM 2022 random-promoter challenge training data.

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        Cache folder, see :func:`fetch`.

    Returns
    -------
    pandas.DataFrame
        6,370 rows, columns ``sequence`` (str, 87–135 nt including the
        constant flanks; 25 sequences contain ``N``, kept as is) and
        ``expression`` (float, expression bin on a 0–17 scale; most values
        are whole bins).

    Raises
    ------
    ValueError
        If a row has no expression or a sequence has a character other than ACGTN.

    Examples
    --------
    >>> load_dream2022_demo()["expression"].max()  # doctest: +SKIP
    np.float64(17.0)
    """
    path = fetch("dream2022_demo_train.txt", directory=directory)
    frame = _read_two_column_tsv(path)
    _check_sequences(frame["sequence"], path, alphabet="ACGTN")
    return frame
