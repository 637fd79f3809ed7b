"""Where the book's files live, independent of the current working directory."""

from __future__ import annotations

from pathlib import Path

#: Root of the book repository (the folder holding ``_config.yml``).
BOOK_ROOT: Path = Path(__file__).resolve().parent.parent

#: Folder of the embedded, simulated dataset.
DATA_DIR: Path = BOOK_ROOT / "data"

#: Folder of the shipped copies of the published datasets (gzip-compressed;
#: see ``data/real/README.md`` and :mod:`helpers.datasets`).
REAL_DATA_DIR: Path = DATA_DIR / "real"


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
    FileNotFoundError
        If no such file exists; the message lists the files that do.

    Examples
    --------
    >>> data_path("promoters.csv").name
    'promoters.csv'
    """
    path = DATA_DIR / name
    if not path.exists():
        available = sorted(p.name for p in DATA_DIR.glob("*") if p.is_file())
        raise FileNotFoundError(
            f"{path} does not exist. Files in {DATA_DIR}: {', '.join(available) or 'none'}. "
            "Regenerate the embedded dataset with `make data`."
        )
    return path
