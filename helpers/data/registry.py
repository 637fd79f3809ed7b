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

The loaders are in :mod:`helpers.data.published`.

Run ``python -m helpers.datasets`` to check every copy (``refresh`` to
download them again).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import NamedTuple

from helpers.paths import REAL_DATA_DIR

with warnings.catch_warnings():
    # pooch imports tqdm.auto, which warns in a notebook without ipywidgets;
    # it then falls back to a text progress bar, which is all we need.
    warnings.filterwarnings("ignore", message="IProgress not found")
    import pooch

__all__ = [
    "ENV_VAR",
    "REGISTRY",
    "SHIPPED_DIR",
    "DatasetHashError",
    "DatasetUnavailableError",
    "RemoteFile",
    "data_dir",
    "fetch",
    "file_sha256",
    "gzip_bytes",
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
