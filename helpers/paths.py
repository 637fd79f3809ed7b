"""Where the book's files live, whichever way ``helpers`` was installed.

The book's data (``data/``) is not part of the installed package: it stays in
the book's folder, the clone of its repository. One lookup,
:func:`find_book_root`, finds that folder, the first of these that holds
``_config.yml`` and ``data/promoters.csv``:

1. the folder named by the environment variable ``SEQ2EXPR_BOOK_ROOT``, if it
   is set (it must then be such a folder);
2. the folder above the ``helpers`` package: an editable install
   (``pip install -e .``, what ``make venv`` and Binder do), or ``helpers``
   imported from a clone (a downloaded notebook's set-up cell);
3. the current folder, then each of its parents: a regular install
   (``pip install .`` puts the package in ``site-packages``) used from inside
   the clone, e.g. a chapter run in ``chapters/``.

The lookup runs once, when this module is imported. Other modules bind
:data:`BOOK_ROOT`, :data:`DATA_DIR` and :data:`REAL_DATA_DIR` at their own
import, so a failed lookup does not fail the import: those names then hold a
placeholder path, and the first call that needs a file of the book
(:func:`data_path`, :func:`book_root`) raises :class:`BookRootNotFoundError`,
whose message says what to do.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "BOOK_ROOT",
    "DATA_DIR",
    "ENV_VAR",
    "MARKERS",
    "REAL_DATA_DIR",
    "BookRootNotFoundError",
    "book_root",
    "data_path",
    "find_book_root",
    "is_book_root",
]

#: Environment variable naming the book's folder (the clone of its repository).
ENV_VAR: str = "SEQ2EXPR_BOOK_ROOT"

#: Files, relative to a folder, that make it the book's folder.
MARKERS: tuple[str, ...] = ("_config.yml", "data/promoters.csv")

#: Where the book's repository is published (also in ``_config.yml``).
REPOSITORY_URL: str = "https://github.com/seq2expr/sequence-to-expression"

#: What :data:`BOOK_ROOT` holds when the lookup failed: a relative path whose
#: name says so in any path printed from it, and that holds no data.
NOT_FOUND: Path = Path("SEQ2EXPR_BOOK_ROOT-not-found")

_PACKAGE_DIR: Path = Path(__file__).resolve().parent


class BookRootNotFoundError(FileNotFoundError):
    """The book's folder (``_config.yml`` and ``data/``) was not found."""


def is_book_root(folder: str | Path) -> bool:
    """Return whether ``folder`` holds every file of :data:`MARKERS`.

    Parameters
    ----------
    folder : str or pathlib.Path
        Candidate folder.

    Returns
    -------
    bool
        True if ``folder/_config.yml`` and ``folder/data/promoters.csv`` exist.

    Examples
    --------
    >>> is_book_root(BOOK_ROOT)
    True
    >>> is_book_root(BOOK_ROOT / "data")
    False
    """
    folder = Path(folder)
    return all((folder / marker).is_file() for marker in MARKERS)


def _how_to_fix() -> str:
    return (
        f"To fix: run the notebook from inside a clone of the book (for example its "
        f"chapters/ folder), or set {ENV_VAR} to the clone's folder before importing "
        f"helpers (in a notebook: `import os; os.environ[{ENV_VAR!r}] = '/path/to/clone'`, "
        f"then restart the kernel if helpers was already imported). Get a clone with "
        f"`git clone {REPOSITORY_URL}`."
    )


def find_book_root(
    *,
    environ: Mapping[str, str] | None = None,
    package_dir: str | Path | None = None,
    cwd: str | Path | None = None,
) -> Path:
    """Find the book's folder: ``$SEQ2EXPR_BOOK_ROOT``, the package's parent, or the current folder up.

    Parameters
    ----------
    environ : mapping, optional
        Environment variables (default :data:`os.environ`).
    package_dir : str or pathlib.Path, optional
        Folder of the ``helpers`` package (default: where this module is).
    cwd : str or pathlib.Path, optional
        Folder to start the upward search from (default: the current folder).

    Returns
    -------
    pathlib.Path
        Absolute path of the first candidate holding every file of
        :data:`MARKERS`.

    Raises
    ------
    BookRootNotFoundError
        If ``$SEQ2EXPR_BOOK_ROOT`` is set to a folder that is not the book's
        (it is not silently ignored), or if no candidate is; the message
        names the folders looked in and what to do.

    Examples
    --------
    >>> find_book_root() == BOOK_ROOT
    True
    >>> find_book_root(environ={ENV_VAR: str(BOOK_ROOT / "data")})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.paths.BookRootNotFoundError: SEQ2EXPR_BOOK_ROOT is set to ...
    """
    environ = os.environ if environ is None else environ
    value = environ.get(ENV_VAR, "").strip()
    if value:
        folder = Path(value).expanduser().resolve()
        if is_book_root(folder):
            return folder
        missing = [marker for marker in MARKERS if not (folder / marker).is_file()]
        raise BookRootNotFoundError(
            f"{ENV_VAR} is set to {value!r}, but {folder} is not the book's folder: it has "
            f"no {' and no '.join(missing)}. Set {ENV_VAR} to the folder of your clone of "
            f"the book (the one holding _config.yml and data/), or unset it. {_how_to_fix()}"
        )
    package_parent = Path(package_dir if package_dir is not None else _PACKAGE_DIR).resolve().parent
    start = Path(cwd if cwd is not None else Path.cwd()).resolve()
    for candidate in (package_parent, start, *start.parents):
        if is_book_root(candidate):
            return candidate
    raise BookRootNotFoundError(
        f"helpers cannot find the book's folder (one holding {' and '.join(MARKERS)}): "
        f"{ENV_VAR} is not set; {package_parent}, where helpers is installed, is not it; "
        f"nor is {start} or any folder above it. {_how_to_fix()}"
    )


try:
    _ROOT: Path = find_book_root()
    _LOOKUP_ERROR: BookRootNotFoundError | None = None
except BookRootNotFoundError as _error:
    _ROOT = NOT_FOUND
    _LOOKUP_ERROR = _error

#: Root of the book (the folder holding ``_config.yml``), as found at import;
#: :data:`NOT_FOUND` if the lookup failed (then :func:`book_root` raises).
BOOK_ROOT: Path = _ROOT

#: Folder of the embedded, simulated dataset.
DATA_DIR: Path = BOOK_ROOT / "data"

#: Folder of the shipped copies of the published datasets (gzip-compressed;
#: see ``data/real/README.md`` and :mod:`helpers.datasets`).
REAL_DATA_DIR: Path = DATA_DIR / "real"


def book_root() -> Path:
    """Return :data:`BOOK_ROOT`, or raise the lookup's error if it failed at import.

    Returns
    -------
    pathlib.Path
        The book's folder.

    Raises
    ------
    BookRootNotFoundError
        If the lookup at import found no book folder; the message says what to do.

    Examples
    --------
    >>> (book_root() / "_config.yml").is_file()
    True
    """
    if _LOOKUP_ERROR is not None:
        raise BookRootNotFoundError(str(_LOOKUP_ERROR))
    return BOOK_ROOT


def data_path(name: str) -> Path:
    """Return the path of a file of the embedded dataset.

    Parameters
    ----------
    name : str
        File name inside ``data/``, e.g. ``"promoters.csv"``.

    Returns
    -------
    pathlib.Path
        Absolute path to the file.

    Raises
    ------
    BookRootNotFoundError
        If the book's folder was not found (see :func:`find_book_root`).
    FileNotFoundError
        If no such file exists; the message lists the files that do.

    Examples
    --------
    >>> data_path("promoters.csv").name
    'promoters.csv'
    """
    data_dir = book_root() / "data"
    path = data_dir / name
    if not path.exists():
        available = sorted(p.name for p in data_dir.glob("*") if p.is_file())
        raise FileNotFoundError(
            f"{path} does not exist. Files in {data_dir}: {', '.join(available) or 'none'}. "
            "Regenerate the embedded dataset with `make data`."
        )
    return path
