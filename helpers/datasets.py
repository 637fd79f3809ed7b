"""Published sequence-to-expression datasets, shipped with the book and hash-checked.

Each dataset is one published file with a pinned source URL and a known
SHA-256 (:data:`REGISTRY`). The book ships a gzip-compressed copy of every
file in ``data/real/`` (:data:`helpers.paths.REAL_DATA_DIR`), so the loaders
work offline out of the box. :func:`fetch` returns the path of a verified
copy; the loaders turn it into a tidy DataFrame.

Where the files are looked for
------------------------------
1. The folder given as ``directory`` to a loader or to :func:`fetch`, else the
   folder named by the environment variable ``SEQ2EXPR_DATA_DIR`` (if set and
   not empty): the file under its registry name, plain or with ``.gz``.
2. The shipped copy, ``data/real/<name>.gz``.
3. Without an override: the download cache, ``pooch.os_cache("seq2expr")``
   (where :func:`refresh` writes by default).
4. Only if no copy exists: a download from the pinned URL (then its mirror)
   with :mod:`pooch`, into the override folder or the cache (:func:`data_dir`).

Every copy is hash-checked before use. The hash is the published one, of the
*uncompressed* bytes: a ``.gz`` copy is hashed after decompression
(:func:`file_sha256`), so the same pinned hash checks a shipped, a cached and
a freshly downloaded copy. :func:`refresh` re-downloads files from the pinned
URLs (to check that the sources are still there, or to rebuild ``data/real``).

Errors
------
A copy whose hash does not match raises :class:`DatasetHashError` (a
:class:`ValueError`) naming the file, the expected and the actual hash; it is
never overwritten or skipped. A file found nowhere and not downloadable
raises :class:`DatasetUnavailableError` (a :class:`ConnectionError`) with one
short message naming *every* missing file and how to restore them. In a
notebook both print as that message alone, without a traceback.

The loaders
-----------
Every loader returns the same core schema, ``id``, ``sequence`` (uppercase,
validated), ``expression`` (the target, unchanged from the file), plus extra
columns; and every loader attaches a :class:`DatasetQC` report, in
``frame.attrs["qc"]``, of what was dropped, changed and flagged.

``load_lafleur2022``            *E. coli* σ70 promoters, La Fleur et al. 2022
``load_lafleur2022_validation`` the other groups' *E. coli* libraries La Fleur et al. validated on
``load_vaishnav2022_random``    yeast random promoters (high-quality test set), Vaishnav et al. 2022
``load_vaishnav2022_native``    yeast native promoters with the published model's predictions
``load_dream2022_demo``         demo sample of the DREAM 2022 challenge training data

Run ``python -m helpers.datasets`` to check every copy (``refresh`` to
download them again).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import operator
import os
import re
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.paths import REAL_DATA_DIR
from helpers.sequences import validate_sequences

with warnings.catch_warnings():
    # pooch imports tqdm.auto, which warns in a notebook without ipywidgets;
    # it then falls back to a text progress bar, which is all we need.
    warnings.filterwarnings("ignore", message="IProgress not found")
    import pooch

__all__ = [
    "ENV_VAR",
    "REGISTRY",
    "SHIPPED_DIR",
    "VALIDATION_LIBRARIES",
    "DatasetHashError",
    "DatasetQC",
    "DatasetUnavailableError",
    "RemoteFile",
    "data_dir",
    "fetch",
    "file_sha256",
    "gzip_bytes",
    "load_dream2022_demo",
    "load_lafleur2022",
    "load_lafleur2022_validation",
    "load_vaishnav2022_native",
    "load_vaishnav2022_random",
    "missing_files",
    "refresh",
]

#: Environment variable naming a folder whose copies override the shipped ones.
ENV_VAR: str = "SEQ2EXPR_DATA_DIR"

#: Folder of the copies shipped with the book (``data/real``), gzip-compressed.
SHIPPED_DIR: Path = REAL_DATA_DIR


class RemoteFile(NamedTuple):
    """A published file: where it comes from and what its bytes must hash to.

    ``url`` is the pinned source; ``mirrors`` are other addresses serving the
    same bytes, tried in order when the source fails.
    """

    url: str
    sha256: str
    mirrors: tuple[str, ...] = ()


_RAW = "https://raw.githubusercontent.com/"
_JSDELIVR = "https://cdn.jsdelivr.net/gh/"


def _github(repo: str, commit: str, path: str, sha256: str) -> RemoteFile:
    """A file of a GitHub repository at a pinned commit, mirrored by jsDelivr's GitHub CDN."""
    return RemoteFile(
        f"{_RAW}{repo}/{commit}/{path}", sha256, (f"{_JSDELIVR}{repo}@{commit}/{path}",)
    )


_LAFLEUR_REPO = (
    "Rhys-sg/promoter-sequence-transcription-rates",
    "3d39ab2d0b2174d23e3e436d9a9cb0b61014ebbd",
)
_VAISHNAV_REPO = ("1edv/evolution", "bf4a41983a82ac81b3ef60fa33fc0e253760c73d")
_VAISHNAV_DIR = "manuscript_code/model/"
_DREAM_REPO = (
    "de-Boer-Lab/random-promoter-dream-challenge-2022",
    "f7b2e197f673319aaae3ef460b7f9980f74304af",
)

#: Local file name -> pinned URL, SHA-256 (of the uncompressed bytes) and mirrors.
REGISTRY: dict[str, RemoteFile] = {
    "lafleur2022_supp_data_5.csv": _github(
        *_LAFLEUR_REPO,
        "v2/Data/LaFleur/41467_2022_32829_MOESM5_ESM.csv",
        "236e74970a14d0c59849069ab20e8750985414c99e227bf3b1d291bb5ff4c430",
    ),
    "lafleur2022_validation_hossain2020.csv": _github(
        *_LAFLEUR_REPO,
        "v2/Data/LaFleur_supp/Hossain_et_al.csv",
        "5ac0b4a88861400394244a2a647892d17606d67a427cc885fcda744c185514cf",
    ),
    "lafleur2022_validation_yu2021.csv": _github(
        *_LAFLEUR_REPO,
        "v2/Data/LaFleur_supp/Yu_et_al.csv",
        "a9e92a311fd5b94efc49f02344515fb4f187a782b40cc2b74c8a5c093eca90a1",
    ),
    "lafleur2022_validation_lagator2022_pl.csv": _github(
        *_LAFLEUR_REPO,
        "v2/Data/LaFleur_supp/Lagator_Pl.csv",
        "778a8f29c8d9a609b476b55e3fea9faaab77c6cf698519793ce77f8615254a8c",
    ),
    "lafleur2022_validation_lagator2022_pr.csv": _github(
        *_LAFLEUR_REPO,
        "v2/Data/LaFleur_supp/Lagator_Pr.csv",
        "ca065cbee356eb1fd28d72d142342e72537b9d9e00885cd4aae5a28c92aa9d3d",
    ),
    "lafleur2022_validation_lagator2022_36n.csv": _github(
        *_LAFLEUR_REPO,
        "v2/Data/LaFleur_supp/Lagator_36N.csv",
        "7b9cc6fcb991c392ca03fd3d5a5aa598b51a861d03a2a922b01dae9dc58628f7",
    ),
    "lafleur2022_validation_anderson.csv": _github(
        *_LAFLEUR_REPO,
        "v2/Data/LaFleur_supp/Anderson_Series.csv",
        "c76d257537e3aea8703e5e30e94f094c02ffd4cfe9c20e4c90d90b1cadf7e456",
    ),
    "lafleur2022_validation_denovo.csv": _github(
        *_LAFLEUR_REPO,
        "v2/Data/LaFleur_supp/De_Novo_Designs.csv",
        "a4e1aebb73881931f47187716a676a3c39797d580b185140defad8573765dc11",
    ),
    "vaishnav2022_hq_random_complex.txt": _github(
        *_VAISHNAV_REPO,
        _VAISHNAV_DIR + "benchmarking_models/HQ_testdata.txt",
        "094961bd5f207958306d663123f3150a201566bba9f8eb0b2924dd5e3bd693d6",
    ),
    "vaishnav2022_native_complex.csv": _github(
        *_VAISHNAV_REPO,
        _VAISHNAV_DIR + "reproduce_test_data_performance/Native_complex.csv",
        "59d81b20739815108de4ecf095f78a96042685ee14ed32b95d3ae37242f569b0",
    ),
    "dream2022_demo_train.txt": _github(
        *_DREAM_REPO,
        "data/demo_train.txt",
        "277090c096efb1592d1b017fffef6d83d96817ae4430109ddc5ba45b66dd8ede",
    ),
}


class _ShortMessageError(Exception):
    """An error whose message says everything: notebooks show it without a traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython's hook for custom tracebacks
        return [f"{type(self).__name__}: {self}"]


class DatasetHashError(_ShortMessageError, ValueError):
    """A copy of a dataset file does not have the published SHA-256."""


class DatasetUnavailableError(_ShortMessageError, ConnectionError):
    """Dataset files are neither in the book, nor in the data folder, nor downloadable."""


def data_dir() -> Path:
    """Return the folder that overrides the shipped copies and receives downloads.

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
    r"""Return the SHA-256 hex digest of a file's content (decompressed if ``.gz``).

    A file whose name ends in ``.gz`` is hashed after gzip decompression, so
    a compressed copy has the hash of the published, uncompressed file.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to hash.

    Returns
    -------
    str
        64 lowercase hexadecimal characters.

    Raises
    ------
    DatasetHashError
        If a ``.gz`` file is not valid gzip (for example truncated).

    Examples
    --------
    >>> import gzip, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     plain, packed = Path(tmp) / "x.txt", Path(tmp) / "x.txt.gz"
    ...     _ = plain.write_bytes(b"ACGT\n")
    ...     _ = packed.write_bytes(gzip.compress(b"ACGT\n"))
    ...     file_sha256(plain)[:12], file_sha256(packed) == file_sha256(plain)
    ('a4b0723993d3', True)
    """
    path = Path(path)
    digest = hashlib.sha256()
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except (OSError, EOFError) as error:
        if not path.name.endswith(".gz"):
            raise
        raise DatasetHashError(
            f"{path} is not a readable gzip file ({error}). Replace it with a correct "
            f"copy: shipped copies with `git checkout -- data/real`, others by downloading "
            f"again (`python -m helpers.datasets refresh`)."
        ) from None
    return digest.hexdigest()


def gzip_bytes(data: bytes) -> bytes:
    """Compress ``data`` the way the shipped copies are: gzip level 9, no name, no timestamp.

    The output depends only on ``data`` (and zlib), so a refreshed copy is
    byte-identical to the shipped one.

    Examples
    --------
    >>> gzip_bytes(b"ACGT") == gzip_bytes(b"ACGT")
    True
    >>> gzip.decompress(gzip_bytes(b"ACGT"))
    b'ACGT'
    """
    return gzip.compress(data, compresslevel=9, mtime=0)


def _hash_error(name: str, path: Path, actual: str) -> DatasetHashError:
    remote = REGISTRY[name]
    return DatasetHashError(
        f"{path} does not have the published SHA-256 of {name}: expected {remote.sha256} "
        f"but its content hashes to {actual}. The copy is corrupted, truncated or a "
        f"different version. Delete it and restore it (shipped copies: `git checkout -- "
        f"data/real`; others: download again from {remote.url}), or replace it with a "
        f"correct copy (check with `sha256sum`, after `gunzip` for a .gz)."
    )


def _override_dir(directory: str | Path | None) -> Path | None:
    if directory is not None:
        return Path(directory)
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value).expanduser() if value else None


def _search_folders(directory: str | Path | None) -> list[Path]:
    """Where copies are looked for, in order: override folder, shipped copies, download cache."""
    folders = [_override_dir(directory), SHIPPED_DIR, data_dir() if directory is None else None]
    unique: list[Path] = []
    for folder in folders:
        if folder is not None and folder not in unique:
            unique.append(folder)
    return unique


def _find_copy(name: str, directory: str | Path | None = None) -> Path | None:
    """The first existing copy of ``name`` (plain, then ``.gz``) in :func:`_search_folders`."""
    for folder in _search_folders(directory):
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def missing_files(directory: str | Path | None = None) -> list[str]:
    """Return the registry names of which no copy exists (override, shipped or cache folder).

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        Override folder, as for :func:`fetch` (default ``$SEQ2EXPR_DATA_DIR``).

    Returns
    -------
    list of str
        Sorted names; empty when every file has a copy (hashes are not checked).

    Examples
    --------
    >>> missing_files()  # the book ships every file
    []
    """
    return sorted(name for name in REGISTRY if _find_copy(name, directory) is None)


def _check_known(name: str) -> RemoteFile:
    if name not in REGISTRY:
        raise ValueError(f"Unknown dataset file {name!r}. Known files: {', '.join(REGISTRY)}.")
    return REGISTRY[name]


def _download(name: str, folder: Path, *, progressbar: bool) -> Path:
    """Download ``name`` into ``folder`` from its URL, then its mirrors; hash-checked."""
    remote = REGISTRY[name]
    failures = []
    for url in (remote.url, *remote.mirrors):
        try:
            return Path(
                pooch.retrieve(
                    url,
                    known_hash=f"sha256:{remote.sha256}",
                    fname=name,
                    path=folder,
                    progressbar=progressbar,
                )
            )
        except ValueError as error:  # pooch: the downloaded bytes have the wrong hash
            match = re.search(r"but got ([0-9a-f]{64})", str(error))
            raise _hash_error(name, folder / name, match.group(1) if match else "unknown") from None
        except Exception as error:  # network errors, or an unwritable folder
            host = url.split("/")[2]
            failures.append(f"{host}: {type(error).__name__}")
    raise OSError("; ".join(failures))


def _unavailable(name: str, directory: str | Path | None, cause: str) -> DatasetUnavailableError:
    missing = missing_files(directory) or [name]
    folders = " or ".join(str(folder) for folder in _search_folders(directory))
    return DatasetUnavailableError(
        f"{len(missing)} dataset file(s) missing: {', '.join(missing)}. No copy is in "
        f"{folders}, and downloading {name} failed ({cause}). To fix: restore the "
        f"shipped copies with `git checkout -- data/real` (or use a fresh clone); or, "
        f"online, run `python -m helpers.datasets refresh`; or set {ENV_VAR} to a folder "
        f"holding the files (their SHA-256s are on the dataset pages)."
    )


def fetch(name: str, *, directory: str | Path | None = None, progressbar: bool = False) -> Path:
    """Return the path of a verified copy of a published dataset file.

    The copy in the override folder (``directory``, else ``$SEQ2EXPR_DATA_DIR``)
    is used if there is one, otherwise the copy shipped in ``data/real``;
    either is hash-checked. Only when neither exists is the file downloaded.

    Parameters
    ----------
    name : str
        A key of :data:`REGISTRY`, e.g. ``"lafleur2022_supp_data_5.csv"``.
    directory : str or pathlib.Path, optional
        Override folder; default ``$SEQ2EXPR_DATA_DIR`` if set. A download
        goes there too (default: the operating system's cache folder).
    progressbar : bool, default=False
        Show a progress bar while downloading.

    Returns
    -------
    pathlib.Path
        The copy (``.gz`` for a shipped one), whose content has the
        published SHA-256; :func:`pandas.read_csv` reads either form.

    Raises
    ------
    ValueError
        If ``name`` is not in the registry.
    DatasetHashError
        If the copy (or the downloaded file) has the wrong SHA-256.
    DatasetUnavailableError
        If no copy exists and the file cannot be downloaded; the message
        names every missing file and how to restore them.

    Examples
    --------
    >>> path = fetch("vaishnav2022_native_complex.csv", directory="/no/such/folder")
    >>> path.relative_to(SHIPPED_DIR.parent.parent).as_posix()
    'data/real/vaishnav2022_native_complex.csv.gz'
    """
    remote = _check_known(name)
    path = _find_copy(name, directory)
    if path is not None:
        actual = file_sha256(path)
        if actual != remote.sha256:
            raise _hash_error(name, path, actual)
        return path
    folder = _override_dir(directory) or data_dir()
    try:
        return _download(name, folder, progressbar=progressbar)
    except OSError as error:
        raise _unavailable(name, directory, str(error)) from None


def refresh(
    names: list[str] | None = None,
    *,
    directory: str | Path | None = None,
    compress: bool = False,
    progressbar: bool = True,
) -> list[Path]:
    """Download files again from their pinned URLs (or mirrors), hash-checked.

    Use it to check that the sources still serve the published bytes, or to
    rebuild the shipped copies: ``refresh(directory="data/real", compress=True)``.

    Parameters
    ----------
    names : list of str, optional
        Registry names; default all of them.
    directory : str or pathlib.Path, optional
        Where to write the files; default :func:`data_dir`.
    compress : bool, default=False
        Write ``<name>.gz`` (gzip, no timestamp: byte-reproducible) instead
        of the plain file.
    progressbar : bool, default=True
        Show download progress.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    DatasetHashError
        If a source serves bytes with another hash (nothing is written).
    DatasetUnavailableError
        If a file cannot be downloaded from its URL or mirrors.

    Examples
    --------
    >>> refresh(["lafleur2022_supp_data_5.csv"])  # doctest: +SKIP
    [PosixPath('/home/me/.cache/seq2expr/lafleur2022_supp_data_5.csv')]
    """
    folder = Path(directory) if directory is not None else data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names if names is not None else list(REGISTRY):
        _check_known(name)
        with tempfile.TemporaryDirectory() as tmp:
            try:
                downloaded = _download(name, Path(tmp), progressbar=progressbar)
            except OSError as error:
                raise DatasetUnavailableError(
                    f"{name} could not be downloaded ({error})."
                ) from None
            if compress:
                target = folder / f"{name}.gz"
                target.write_bytes(gzip_bytes(downloaded.read_bytes()))
            else:
                target = folder / name
                shutil.copyfile(downloaded, target)
        written.append(target)
    return written


# ---------------------------------------------------------------------------
# QC report and shared validation
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetQC:
    """What a loader dropped, changed and flagged, and why.

    Attached to every loaded frame as ``frame.attrs["qc"]``. It holds only
    plain values, so it survives pandas operations (and ``pd.concat`` of
    frames from different loaders simply drops it).

    Attributes
    ----------
    file : str
        Registry name of the file read.
    sha256 : str
        The verified hash of its content.
    n_read : int
        Data rows in the file.
    dropped : tuple of (str, int)
        Rows dropped, by reason (empty when nothing was dropped).
    modified : tuple of (str, int)
        Rows changed but kept, by kind of change (e.g. upper-cased).
    flagged : tuple of (str, int)
        Rows kept but worth knowing about (e.g. duplicated sequences).

    Examples
    --------
    >>> qc = DatasetQC("x.csv", "0" * 64, 3, modified=(("upper-cased sequence", 3),))
    >>> qc
    DatasetQC(x.csv: 3 rows read, 3 kept, 0 dropped; modified: upper-cased sequence 3)
    >>> qc.summary()["rows"].tolist()
    [3, 3]
    """

    file: str
    sha256: str
    n_read: int
    dropped: tuple[tuple[str, int], ...] = ()
    modified: tuple[tuple[str, int], ...] = ()
    flagged: tuple[tuple[str, int], ...] = ()

    @property
    def n_dropped(self) -> int:
        """Number of rows dropped."""
        return sum(n for _, n in self.dropped)

    @property
    def n_kept(self) -> int:
        """Number of rows returned."""
        return self.n_read - self.n_dropped

    def summary(self) -> pd.DataFrame:
        """One line per change, drop or flag with its row count, then the rows kept.

        Returns
        -------
        pandas.DataFrame
            Columns ``action`` (``"modified"``, ``"dropped"``, ``"flagged"``,
            ``"kept"``), ``reason``, ``rows`` (the layout of
            :meth:`helpers.io.QCReport.summary`).
        """
        lines = (
            [("modified", reason, n) for reason, n in self.modified]
            + [("dropped", reason, n) for reason, n in self.dropped]
            + [("flagged", reason, n) for reason, n in self.flagged]
            + [("kept", "rows kept", self.n_kept)]
        )
        return pd.DataFrame(lines, columns=["action", "reason", "rows"])

    def __repr__(self) -> str:
        """One line: rows read, kept and dropped, then the non-zero counts."""
        text = f"DatasetQC({self.file}: {self.n_read} rows read, {self.n_kept} kept, "
        text += f"{self.n_dropped} dropped"
        for label, counts in (("", self.dropped), ("modified", self.modified)):
            parts = ", ".join(f"{reason} {n}" for reason, n in counts if n)
            if parts:
                text += f"{'; ' + label if label else ''}: {parts}"
        parts = ", ".join(f"{reason} {n}" for reason, n in self.flagged if n)
        return text + (f"; flagged: {parts}" if parts else "") + ")"


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
    """Raise naming the file, column and data row of the first missing or non-finite value."""
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{path}: column {column!r} must hold finite numbers; {int(bad.sum())} "
                f"value(s) do not, first at data row {row} ({frame[column].iloc[row]!r})."
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
    frame.attrs["qc"] = DatasetQC(
        file=name,
        sha256=REGISTRY[name].sha256,
        n_read=len(frame),
        modified=(("upper-cased sequence", int((raw != frame["sequence"]).sum())),),
        flagged=tuple(flagged),
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
        Override folder, see :func:`fetch` (default: the shipped copy).

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

        ``attrs["qc"]`` holds the :class:`DatasetQC` report.

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
    DatasetQC(lafleur2022_supp_data_5.csv: 13481 rows read, 13481 kept, 0 dropped)
    """
    name = "lafleur2022_supp_data_5.csv"
    path = fetch(name, directory=directory)
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
        Override folder, see :func:`fetch` (default: the shipped copy).

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
        :class:`DatasetQC` report (nothing is dropped: the files are clean;
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
    path = fetch(library.file, directory=directory)
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
        Override folder, see :func:`fetch` (default: the shipped copy).

    Returns
    -------
    pandas.DataFrame
        Columns ``id`` (int, the 0-based data row: the file has no ids),
        ``sequence`` (str, ACGT) and ``expression`` (float, the paper's
        log-scale expression, about 1.5 to 16.7, unchanged).
        ``attrs["qc"]`` holds the :class:`DatasetQC` report.

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
    path = fetch(name, directory=directory)
    table = _read_two_column_tsv(path)
    frame = pd.DataFrame({"id": np.arange(len(table)), "expression": table["expression"]})
    return _finish(frame, table["sequence"], name=name, path=path, numeric=[])


def load_vaishnav2022_native(directory: str | Path | None = None) -> pd.DataFrame:
    """Load Vaishnav et al. (2022) native yeast promoters with the published predictions.

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        Override folder, see :func:`fetch` (default: the shipped copy).

    Returns
    -------
    pandas.DataFrame
        3,733 rows, columns ``id`` (int, the file's unnamed index column),
        ``sequence`` (str, 110 nt), ``expression`` (float, measured in
        complex medium, unchanged) and ``predicted_published`` (float, the
        paper's transformer model, trained on ~20 million random promoters).
        ``attrs["qc"]`` holds the :class:`DatasetQC` report.

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
    path = fetch(name, directory=directory)
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
        Override folder, see :func:`fetch` (default: the shipped copy).

    Returns
    -------
    pandas.DataFrame
        6,370 rows, columns ``id`` (int, the 0-based data row), ``sequence``
        (str, 87–135 nt including the constant flanks; 25 sequences contain
        ``N``, kept as is and counted in the QC report) and ``expression``
        (float, expression bin on a 0–17 scale; most values are whole bins).
        ``attrs["qc"]`` holds the :class:`DatasetQC` report.

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
    path = fetch(name, directory=directory)
    table = _read_two_column_tsv(path)
    frame = pd.DataFrame({"id": np.arange(len(table)), "expression": table["expression"]})
    return _finish(frame, table["sequence"], name=name, path=path, numeric=[], alphabet="ACGTN")


def _main(argv: list[str]) -> int:
    """``python -m helpers.datasets [refresh [NAME ...]]``: check or re-download the files."""
    if argv[:1] == ["refresh"]:
        for path in refresh(argv[1:] or None):
            print(f"downloaded and verified {path}")
        return 0
    status = 0
    for name in REGISTRY:
        try:
            print(f"ok       {fetch(name)}")
        except (DatasetHashError, DatasetUnavailableError) as error:
            print(f"PROBLEM  {name}: {error}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))

# ---------------------------------------------------------------------------
# The coursework template (chapter 09) on the shipped files
# ---------------------------------------------------------------------------

_LAFLEUR_TEMPLATE_SETTINGS = {
    "id_col": "ID",
    "sequence_col": "Promoter Sequence",
    "target_col": "Observed log(TX/Txref)",
    "higher_is_stronger": False,
}

#: Shipped file -> the settings of ``helpers.report.run_coursework_report``
#: (and of chapter 09's settings cell) a reader changes to run the template on
#: it: the layouts of real files, used by the tests and ``benchmarks/bench_report.py``.
TEMPLATE_SETTINGS: dict[str, dict] = {
    "lafleur2022_validation_hossain2020.csv": _LAFLEUR_TEMPLATE_SETTINGS,
    "lafleur2022_validation_yu2021.csv": _LAFLEUR_TEMPLATE_SETTINGS,
    "lafleur2022_validation_lagator2022_36n.csv": _LAFLEUR_TEMPLATE_SETTINGS,
    "dream2022_demo_train.txt": {
        "header": False,
        "id_col": None,
        "sequence_col": 0,
        "target_col": 1,
    },
    "vaishnav2022_native_complex.csv": {
        "id_col": None,
        "sequence_col": "sequence",
        "target_col": "Measured Expression",
    },
}
