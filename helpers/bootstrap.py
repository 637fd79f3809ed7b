"""Install only what a runtime lacks: the set-up cell's second half (standard library only).

Every chapter starts with a set-up cell (rendered by ``tools/notebooks.py``).
In the book's environment (``make venv``, Binder) it does nothing visible. In
Colab, or in a notebook downloaded on its own, it first fetches the book (the
``helpers`` package and ``data/``) and puts it first on ``sys.path``, then calls
:func:`install_missing`, which installs the packages the helpers need (and the
chapter's extras, e.g. ``cnn``) **only where they are missing**:

* a package the runtime already has is never upgraded, downgraded or
  re-pinned, even when its version lies outside the book's range (Colab's own
  numpy, pandas, scikit-learn or matplotlib may already be imported; replacing
  them would need a restart). :func:`install_missing` says which versions
  differ from the ones the book was executed with;
* pip receives every installed distribution as a constraint (``name==version``),
  so a missing package that would need another version of an installed one
  fails with a message instead of silently replacing it;
* nothing here imports numpy, pandas or anything outside the standard library.

The requirements come from the book's ``pyproject.toml`` (next to the
``helpers`` package in a clone) or, for an installed package, from its
metadata.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "READER_PACKAGES",
    "Requirement",
    "book_requirements",
    "constraints_text",
    "install_missing",
    "installed_versions",
    "missing_requirements",
    "parse_requirement",
]

#: Packages the chapters import beyond the helpers' dependencies (``glue``).
READER_PACKAGES: tuple[str, ...] = ("myst-nb",)

#: The distribution name of the helpers (``pyproject.toml``'s ``[project] name``).
DISTRIBUTION: str = "seq2expr-helpers"

_REQUIREMENT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[(?P<extras>[^\]]*)\])?"
    r"\s*(?P<spec>[^;]*?)\s*(?:;\s*(?P<marker>.*))?$"
)
_EXTRA_CLAUSE = re.compile(r"""\(?\s*extra\s*==\s*["'](?P<extra>[^"']+)["']\s*\)?""")
#: A version pip accepts in a ``==`` constraint (PEP 440, with a local part).
_VERSION = re.compile(r"^[0-9][0-9A-Za-z.+!_-]*$")


def _canonical(name: str) -> str:
    """PEP 503 normalised name: ``Scikit_Learn`` -> ``scikit-learn``."""
    return re.sub(r"[-_.]+", "-", name).lower()


class Requirement(NamedTuple):
    """A parsed requirement.

    Attributes
    ----------
    name : str
        Normalised distribution name (``scikit-learn``).
    text : str
        The requirement as pip takes it, without a marker (``numpy==2.4.*``).
    extra : str or None
        The optional-dependency group it belongs to; ``None`` for a core one.
    """

    name: str
    text: str
    extra: str | None = None


def parse_requirement(line: str) -> Requirement:
    """Parse one requirement string (PEP 508: name, extras, version, marker).

    An ``extra == "..."`` clause of the marker names the group the requirement
    belongs to; any other marker (``python_version < "3.13"``) stays in the
    text, for pip to evaluate.

    Parameters
    ----------
    line : str
        E.g. ``"jax[cpu]==0.10.2; extra == 'cnn'"``.

    Returns
    -------
    Requirement
        Normalised name, the requirement as pip takes it, and its extra.

    Raises
    ------
    ValueError
        If ``line`` does not start with a distribution name.

    Examples
    --------
    >>> parse_requirement('jax[cpu]==0.10.2; extra == "cnn"')
    Requirement(name='jax', text='jax[cpu]==0.10.2', extra='cnn')
    >>> parse_requirement("scikit_learn == 1.9.*").text
    'scikit_learn==1.9.*'
    >>> parse_requirement('tomli>=2; python_version < "3.11" and extra == "dev"')
    Requirement(name='tomli', text='tomli>=2; python_version < "3.11"', extra='dev')
    """
    match = _REQUIREMENT.match(line)
    if not match:
        raise ValueError(f"parse_requirement: line must be a requirement, got {line!r}")
    extras = f"[{match['extras']}]" if match["extras"] else ""
    text = f"{match['name']}{extras}{match['spec'].replace(' ', '')}"
    extra, marker = None, (match["marker"] or "").strip()
    clause = _EXTRA_CLAUSE.search(marker)
    if clause:
        extra = clause.group("extra")
        marker = _EXTRA_CLAUSE.sub("", marker)
        marker = re.sub(r"^\s*and\s+|\s+and\s*$", "", marker).strip()
    if marker:
        text = f"{text}; {marker}"
    return Requirement(_canonical(match["name"]), text, extra)


def book_requirements(package_dir: str | Path | None = None) -> list[Requirement]:
    """Every requirement of the helpers, core and extras.

    Read from ``pyproject.toml`` in the folder above the ``helpers`` package
    (a clone, or an editable install); for a regular install, from the
    installed distribution's metadata.

    Parameters
    ----------
    package_dir : str or pathlib.Path, optional
        Folder of the ``helpers`` package (default: where this module is).

    Returns
    -------
    list of Requirement
        Core requirements (``extra`` is ``None``) and each extra's.

    Raises
    ------
    FileNotFoundError
        If neither a ``pyproject.toml`` nor installed metadata is found.

    Examples
    --------
    >>> requirements = book_requirements()
    >>> [r.text for r in requirements if r.name == "numpy"]
    ['numpy==2.4.*']
    >>> sorted({r.extra for r in requirements if r.extra})
    ['book', 'cnn', 'dev', 'scale']
    """
    folder = Path(package_dir) if package_dir is not None else Path(__file__).resolve().parent
    pyproject = folder.parent / "pyproject.toml"
    if pyproject.is_file():
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        lines = [(line, None) for line in project.get("dependencies", [])]
        for extra, group in project.get("optional-dependencies", {}).items():
            lines += [(line, extra) for line in group]
        requirements = []
        for line, extra in lines:
            parsed = parse_requirement(line)
            requirements.append(Requirement(parsed.name, parsed.text, extra))
        return requirements
    try:
        lines = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        raise FileNotFoundError(
            f"book_requirements: no {pyproject} and no installed {DISTRIBUTION!r}; "
            "run the set-up cell from a clone of the book"
        ) from None
    return [parse_requirement(line) for line in lines]


def installed_versions() -> dict[str, str]:
    """Normalised name -> version of every distribution this Python can import.

    Returns
    -------
    dict
        E.g. ``{"numpy": "2.4.1", ...}``; the first found wins for a name
        installed twice (the one that imports).

    Examples
    --------
    >>> "pip" in installed_versions() or "numpy" in installed_versions()
    True
    """
    versions: dict[str, str] = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            versions.setdefault(_canonical(name), dist.version)
    return versions


def missing_requirements(
    requirements: Iterable[Requirement],
    installed: Mapping[str, str],
    extras: Sequence[str] = (),
    also: Sequence[str] = READER_PACKAGES,
) -> list[str]:
    """The requirements to install: core, ``extras`` and ``also``, minus what is installed.

    A requirement counts as present when a distribution of its name is
    installed, whatever its version (the runtime's version is kept).

    Parameters
    ----------
    requirements : iterable of Requirement
        From :func:`book_requirements`.
    installed : mapping
        Normalised name -> version (:func:`installed_versions`).
    extras : sequence of str
        Optional-dependency groups the chapter needs, e.g. ``["cnn"]``.
    also : sequence of str
        Further requirement strings (default :data:`READER_PACKAGES`).

    Returns
    -------
    list of str
        Requirement strings for pip, in the order given.

    Raises
    ------
    ValueError
        If an extra is not one of the groups in ``requirements``.

    Examples
    --------
    >>> reqs = [parse_requirement("numpy==2.4.*"), parse_requirement("logomaker>=0.8,<0.9"),
    ...         parse_requirement('keras==3.15.1; extra == "cnn"')]
    >>> missing_requirements(reqs, {"numpy": "2.0.2", "myst-nb": "1.4.0"}, extras=["cnn"])
    ['logomaker>=0.8,<0.9', 'keras==3.15.1']
    """
    requirements = list(requirements)
    known = {r.extra for r in requirements if r.extra}
    unknown = [extra for extra in extras if extra not in known]
    if unknown:
        raise ValueError(
            f"missing_requirements: extras must be among {sorted(known)}, got {unknown}"
        )
    wanted = [r for r in requirements if r.extra is None or r.extra in extras]
    wanted += [parse_requirement(line) for line in also]
    missing: list[str] = []
    for requirement in wanted:
        if requirement.name not in installed and requirement.text not in missing:
            missing.append(requirement.text)
    return missing


def constraints_text(installed: Mapping[str, str]) -> str:
    """A pip constraints file holding every installed version (``name==version`` lines).

    Parameters
    ----------
    installed : mapping
        Normalised name -> version.

    Returns
    -------
    str
        One line per distribution whose version pip can parse, sorted.

    Examples
    --------
    >>> print(constraints_text({"numpy": "2.0.2", "torch": "2.5.1+cu121", "odd": "dev"}))
    numpy==2.0.2
    torch==2.5.1+cu121
    """
    return "".join(
        f"{name}=={version}\n"
        for name, version in sorted(installed.items())
        if _VERSION.match(version)
    ).rstrip("\n")


def _outside_range(
    requirements: Iterable[Requirement], installed: Mapping[str, str], extras: Sequence[str]
) -> list[str]:
    """``"numpy 2.0.2 (book: numpy==2.4.*)"`` for each kept version outside the book's range."""
    try:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import InvalidVersion
    except ImportError:  # without packaging, say nothing rather than guess
        return []
    notes = []
    for requirement in requirements:
        if requirement.extra is not None and requirement.extra not in extras:
            continue
        version = installed.get(requirement.name)
        spec = re.sub(r"^[A-Za-z0-9._-]+(\[[^\]]*\])?", "", requirement.text)
        if version is None or not spec:
            continue
        try:
            inside = SpecifierSet(spec).contains(version, prereleases=True)
        except (InvalidSpecifier, InvalidVersion):
            continue
        if not inside:
            notes.append(f"{requirement.name} {version} (book: {requirement.text})")
    return notes


def _pip(arguments: list[str]) -> subprocess.CompletedProcess:
    """Run this Python's pip."""
    return subprocess.run(
        [sys.executable, "-m", "pip", *arguments], capture_output=True, text=True, check=False
    )


def install_missing(
    extras: Sequence[str] = (),
    *,
    requirements: Sequence[Requirement] | None = None,
    installed: Mapping[str, str] | None = None,
    pip: Callable[[list[str]], subprocess.CompletedProcess] = _pip,
    quiet: bool = False,
) -> None:
    """Install the helpers' missing dependencies (and ``extras``') without touching installed ones.

    Parameters
    ----------
    extras : sequence of str
        The chapter's optional-dependency groups (``"cnn"``, ``"scale"``).
    requirements : sequence of Requirement, optional
        Default :func:`book_requirements`.
    installed : mapping, optional
        Default :func:`installed_versions`.
    pip : callable, optional
        Runs ``pip`` with a list of arguments (tests pass a fake).
    quiet : bool, default False
        Print nothing (the notes about kept versions included).

    Returns nothing (so that, as a cell's last line, it displays nothing):
    it prints what it installs, and which kept versions differ from the
    book's; in the book's environment it prints nothing.

    Raises
    ------
    RuntimeError
        If pip fails, e.g. because a missing package needs another version of
        one the runtime has; the message gives pip's reason and what to do.

    Examples
    --------
    >>> install_missing(["cnn"])  # the book's environment: nothing missing, nothing printed
    """
    requirements = list(book_requirements() if requirements is None else requirements)
    installed = installed_versions() if installed is None else dict(installed)
    missing = missing_requirements(requirements, installed, extras)
    if missing:
        with tempfile.TemporaryDirectory() as folder:
            constraints = Path(folder, "runtime-constraints.txt")
            constraints.write_text(constraints_text(installed) + "\n", encoding="utf-8")
            if not quiet:
                print(f"Installing what this runtime lacks: {', '.join(missing)}")
            result = pip(["install", "--quiet", "--constraint", str(constraints), *missing])
        if result.returncode != 0:
            raise RuntimeError(
                "The book's set-up could not install "
                f"{', '.join(missing)} without changing a package this runtime already has "
                f"(pip: {(result.stderr or result.stdout).strip()[-1500:]}). To install them "
                f"anyway, run `%pip install {' '.join(missing)}` in a cell, then restart the "
                "runtime (Colab: Runtime > Restart session) and run the notebook again."
            )
        importlib.invalidate_caches()
    if not quiet:
        kept = _outside_range(requirements, installed, extras)
        if kept:
            print(
                "Kept this runtime's versions (the book was executed with the ones in "
                f"brackets; printed numbers may differ in their last digits): {'; '.join(kept)}"
            )
