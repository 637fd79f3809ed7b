"""Text-first chapters: the MyST Markdown source and its executed ``.ipynb`` twin.

Each chapter is a pair. ``chapters/NN_name.md`` (jupytext MyST Markdown) is the
source reviewers read and contributors edit; ``chapters/NN_name.ipynb`` is the
same notebook executed, with outputs, which nbval, the book build, Binder, Colab
and the download button use. This module keeps the pair in step:

``python -m tools.notebooks execute chapters/04_training.md``
    Read the Markdown source, execute it top to bottom in a fresh kernel, strip
    volatile metadata, write the ``.ipynb`` and rewrite the ``.md`` from it (so
    both are in jupytext's canonical form). On an unchanged chapter ``git diff``
    stays empty. Accepts either file of a pair and several chapters.
``python -m tools.notebooks check``
    Fail (exit 1) when a pair is out of step, a notebook carries volatile
    metadata, a chapter's first cell differs from the set-up cell rendered
    from ``_config.yml`` (with the chapter's ``EXTRAS``), an exercise title
    holds parentheses or a difficulty, or a notebook is not executed in order.
``python -m tools.notebooks setup-cell [cnn] [scale]``
    Print the set-up cell for a chapter needing the given extras.
``python -m tools.notebooks sync chapters/X.md``
    Carry a prose-only edit of the ``.md`` into the ``.ipynb``, keeping its
    outputs (refuses when a code cell changed: then execute).
``python -m tools.notebooks pair chapters/X.ipynb``
    Write the ``.md`` of an existing ``.ipynb`` (no execution); used once when
    a notebook-only chapter becomes text-first.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

from tools.prose_values import problems_of as prose_problems
from tools.prose_values import refresh_notebook

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
TEXT_FORMAT = "md:myst"
#: Notebook metadata kept in the executed notebook; everything else is dropped.
KEEP_NOTEBOOK_METADATA = ("kernelspec", "jupytext")
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}

#: The first code cell of every chapter, rendered with the repository URL of
#: ``_config.yml`` (the one place that names it) and the chapter's extras, the
#: only part that differs between chapters. Plain Python (no ``!``/``%`` magics),
#: so that ``tests/test_install.py`` runs it in a fake reader's environment.
SETUP_CELL_TEMPLATE = """\
# Set-up. In the book's environment (Binder, `make venv`) this cell changes nothing.
# In Colab, or in a notebook downloaded on its own, it fetches the book (its helpers and
# data; no git needed) unless a clone is found, puts it first on sys.path (ahead of any
# helpers.py of your own), then installs only the packages this runtime lacks, never
# replacing a version it already has. No restart needed.
EXTRAS = {extras}  # this chapter's optional dependencies (pyproject.toml)
import importlib.util
import os
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path


def is_book(folder):  # a clone of the book: its helpers package and its data
    return all(Path(folder, f).is_file() for f in ("helpers/paths.py", "data/promoters.csv"))


spec = importlib.util.find_spec("helpers")  # the book's package, or a helpers.py of your own?
if not (spec and any(Path(p, "paths.py").is_file() for p in spec.submodule_search_locations or [])):
    here = Path.cwd().resolve()
    candidates = [os.environ.get("SEQ2EXPR_BOOK_ROOT"), "sequence-to-expression", here, *here.parents]
    book = next((Path(c).resolve() for c in candidates if c and is_book(c)), None)
    if book is None:  # download the repository's archive: what `git clone` would bring
        book, url = Path("sequence-to-expression").resolve(), "{url}/archive/refs/heads/{branch}.tar.gz"
        download = Path(tempfile.mkdtemp(prefix=".seq2expr-", dir=book.parent))
        with urllib.request.urlopen(os.environ.get("SEQ2EXPR_ARCHIVE_URL", url)) as archive:
            with tarfile.open(fileobj=archive, mode="r|gz") as tar:
                tar.extractall(download, filter="data")
        next(download.iterdir()).rename(book)
        download.rmdir()
    sys.path.insert(0, str(book))
    for name in [n for n in sys.modules if n == "helpers" or n.startswith("helpers.")]:
        del sys.modules[name]  # a reader's own `helpers` imported earlier
    importlib.invalidate_caches()
    print(f"The book's helpers and data: {{book}}")

from helpers.bootstrap import install_missing

install_missing(EXTRAS)"""

#: Optional-dependency groups (``pyproject.toml``) and what in a chapter's code needs each.
EXTRA_IMPORTS: dict[str, tuple[str, ...]] = {
    "cnn": ("helpers.cnn", "helpers.estimators.cnn", "keras", "jax"),
    "scale": (
        "helpers.scale",
        "helpers.estimators.sharded",
        "helpers.estimators.ridge_stats",
        "dask",
        "distributed",
        "pyarrow",
    ),
}


def repository_url() -> str:
    """The repository URL from ``_config.yml`` (``repository.url``)."""
    return str(_config()["repository"]["url"])


def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def setup_cell_source(extras: list[str] | tuple[str, ...] = ()) -> str:
    """Source of the first code cell every chapter must start with.

    Parameters
    ----------
    extras : sequence of str
        The chapter's optional-dependency groups, e.g. ``["cnn"]``.
    """
    repository = _config()["repository"]
    return SETUP_CELL_TEMPLATE.format(
        url=repository["url"],
        branch=repository.get("branch", "main"),
        extras=json.dumps(list(extras)),
    )


_EXTRAS_LINE = re.compile(r"^EXTRAS = (\[[^\]\n]*\])", re.MULTILINE)


def declared_extras(source: str) -> list[str] | None:
    """The ``EXTRAS = [...]`` list of a set-up cell's source (``None`` without one)."""
    match = _EXTRAS_LINE.search(source)
    if not match:
        return None
    try:
        value = json.loads(match.group(1))
    except ValueError:
        return None
    return [str(v) for v in value] if isinstance(value, list) else None


def needed_extras(cells: list) -> list[str]:
    """The extras a chapter's code imports (by :data:`EXTRA_IMPORTS`), in that order."""
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    return [
        extra
        for extra, modules in EXTRA_IMPORTS.items()
        if any(
            re.search(rf"^\s*(?:from|import)\s+{re.escape(m)}\b", code, re.MULTILINE)
            for m in modules
        )
    ]


#: The one form of an exercise's difficulty: the first line of its body.
DIFFICULTIES: tuple[str, ...] = ("★ easy", "★★ medium", "★★★ hard", "★★★ project")
_EXERCISE = re.compile(
    r"^```\{exercise\}(?P<title>[^\n]*)\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL
)


def exercise_problems(name: str, cells: list) -> list[str]:
    """Exercises whose title holds parentheses or a difficulty, or whose body does not start with one.

    sphinx-exercise renders a title as ``Exercise 4.1 (title)``: parentheses or
    stars in the title would be doubled. The difficulty is the body's first
    line, ``*Difficulty:* ★ easy`` (one of :data:`DIFFICULTIES`).
    """
    text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    problems = []
    for match in _EXERCISE.finditer(text):
        title = match["title"].strip()
        lines = [line for line in match["body"].splitlines() if not line.startswith(":")]
        first = next((line.strip() for line in lines if line.strip()), "")
        if not title or re.search(r"[()★]|\b(easy|medium|hard)\b", title):
            problems.append(
                f"{name}: exercise title {title!r} must be plain words: no parentheses, "
                "no stars, no difficulty (sphinx-exercise adds its own parentheses)"
            )
        if first.removeprefix("*Difficulty:* ") not in DIFFICULTIES or not first.startswith(
            "*Difficulty:* "
        ):
            problems.append(
                f"{name}: exercise {title!r} must start its text with a line "
                f"`*Difficulty:* <one of {', '.join(DIFFICULTIES)}>`, got {first[:40]!r}"
            )
    return problems


def setup_cell_problems(name: str, cells: list) -> list[str]:
    """What is wrong with a chapter's first code cell (empty when it is the canonical one)."""
    code = [c for c in cells if c.cell_type == "code"]
    if not code:
        return []
    extras = declared_extras(code[0].source)
    if extras is None or code[0].source != setup_cell_source(extras):
        shown = extras if extras is not None else needed_extras(cells)
        return [
            f"{name}: first code cell differs from the set-up cell in tools/notebooks.py "
            f"(print it with `python -m tools.notebooks setup-cell {' '.join(shown)}`)"
        ]
    lacking = [extra for extra in needed_extras(cells) if extra not in extras]
    if lacking:
        return [f"{name}: the set-up cell's EXTRAS lacks {lacking}, which the chapter imports"]
    return []


def _shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def pair_of(path: str | Path) -> tuple[Path, Path]:
    """``(markdown, notebook)`` paths of the chapter that ``path`` belongs to."""
    path = Path(path).resolve()
    return path.with_suffix(".md"), path.with_suffix(".ipynb")


def chapter_pairs() -> list[tuple[Path, Path]]:
    """Every chapter pair, found from either half."""
    stems = sorted(
        {p.with_suffix("") for p in CHAPTERS.glob("[0-9][0-9]_*.md")}
        | {p.with_suffix("") for p in CHAPTERS.glob("[0-9][0-9]_*.ipynb")}
    )
    return [pair_of(stem.with_suffix(".md")) for stem in stems]


def _cell_id(cell: nbformat.NotebookNode, seen: dict[str, int]) -> str:
    """A stable id: a hash of the cell's type and source (numbered when repeated)."""
    digest = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:8]
    seen[digest] = seen.get(digest, 0) + 1
    return digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip volatile metadata in place: timings, kernel versions, random cell ids."""
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = nbformat.from_dict(
        {key: nb.metadata[key] for key in KEEP_NOTEBOOK_METADATA if key in nb.metadata}
    )
    nb.metadata["kernelspec"] = nbformat.from_dict(KERNELSPEC)
    nb.metadata["jupytext"] = nbformat.from_dict({"formats": f"ipynb,{TEXT_FORMAT}"})
    seen: dict[str, int] = {}
    for cell in nb.cells:
        cell.id = _cell_id(cell, seen)
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        cell.metadata.pop("jp-MarkdownHeadingCollapsed", None)
        if cell.cell_type == "code":
            for output in cell.outputs:
                output.get("metadata", {}).pop("execution", None)
    return nb


def markdown_text(nb: nbformat.NotebookNode) -> str:
    """The MyST Markdown text of a notebook (inputs only), as jupytext writes it."""
    text_nb = nbformat.from_dict(nb)
    text_nb.metadata = nbformat.from_dict(
        {"jupytext": {"formats": f"ipynb,{TEXT_FORMAT}"}, "kernelspec": KERNELSPEC}
    )
    text = jupytext.writes(text_nb, fmt=TEXT_FORMAT)
    # The jupytext version would change every source file on an upgrade.
    return re.sub(r"\n +jupytext_version: [^\n]*", "", text, count=1)


def read_source(md_path: Path) -> nbformat.NotebookNode:
    """The chapter's Markdown source as a notebook without outputs."""
    return jupytext.read(md_path, fmt=TEXT_FORMAT)


def write_pair(nb: nbformat.NotebookNode, md_path: Path, ipynb_path: Path) -> None:
    """Write the executed notebook and its Markdown twin."""
    normalise(nb)
    nbformat.validate(nb)
    ipynb_path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    md_path.write_text(markdown_text(nb), encoding="utf-8")


def kernel_env() -> dict[str, str]:
    """Environment for a chapter's kernel: ours, without a forced matplotlib backend.

    ipykernel selects the inline backend (figures as ``display_data`` outputs,
    as stored in the chapters) only when ``MPLBACKEND`` is unset.
    """
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def make_client(
    nb: nbformat.NotebookNode,
    cwd: Path,
    timeout: int = 300,
    kernel_name: str = "python3",
    **options,
):
    """An :class:`nbclient.NotebookClient` for ``nb``, run in ``cwd``, without timing metadata."""
    from nbclient import NotebookClient

    return NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
        **options,
    )


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 300) -> None:
    """Execute ``nb`` in place in a fresh ``python3`` kernel started in ``cwd``."""
    make_client(nb, cwd, timeout=timeout).execute(env=kernel_env())


def execute_chapter(path: str | Path, timeout: int = 300) -> None:
    """Execute a chapter from its Markdown source and write the synced pair."""
    md_path, ipynb_path = pair_of(path)
    if not md_path.exists():
        raise SystemExit(f"{_shown(md_path)}: no Markdown source (run `pair` first)")
    nb = read_source(md_path)
    print(f"executing {_shown(md_path)} ...", flush=True)
    execute(nb, md_path.parent, timeout=timeout)
    refresh_notebook(nb, md_path.parent)  # the prose's written values, from this run
    write_pair(nb, md_path, ipynb_path)
    print(f"wrote {_shown(ipynb_path)} and {_shown(md_path)}")


def sync_chapter(path: str | Path) -> None:
    """Carry a prose-only edit of the ``.md`` into the ``.ipynb`` without executing.

    The stored outputs are kept; if any code cell's source changed (or cells
    were added or removed), nothing is written and the chapter must be
    executed instead. The one exception is the set-up cell: a first code cell
    that printed nothing may be replaced by the canonical set-up cell
    (:func:`setup_cell_source`), which prints nothing in the book's
    environment either.
    """
    md_path, ipynb_path = pair_of(path)
    name = _shown(md_path.with_suffix(""))
    source = read_source(md_path)
    stored = nbformat.read(ipynb_path, as_version=4)
    new_code = [c for c in source.cells if c.cell_type == "code"]
    old_code = [c for c in stored.cells if c.cell_type == "code"]
    changed = [
        i
        for i, (new, old) in enumerate(zip(new_code, old_code, strict=False))
        if new.source != old.source
    ]
    if len(new_code) != len(old_code) or any(i > 0 for i in changed):
        raise SystemExit(f"{name}: code cells changed; run `make execute NB={name}.md` instead")
    if changed and (old_code[0].outputs or setup_cell_problems(name, source.cells)):
        # Only a new canonical set-up cell may replace one that printed nothing:
        # in the book's environment it prints nothing either (nbval checks that).
        raise SystemExit(f"{name}: code cells changed; run `make execute NB={name}.md` instead")
    for new, old in zip(new_code, old_code, strict=True):
        new.outputs, new.execution_count = old.outputs, old.execution_count
    refresh_notebook(source, md_path.parent)  # written values, from the stored outputs
    write_pair(source, md_path, ipynb_path)
    print(f"synced {_shown(ipynb_path)} from {_shown(md_path)} (outputs kept)")


def pair_chapter(path: str | Path) -> None:
    """Write the Markdown source of an executed notebook and normalise the notebook."""
    md_path, ipynb_path = pair_of(path)
    nb = nbformat.read(ipynb_path, as_version=4)
    write_pair(nb, md_path, ipynb_path)
    print(f"paired {_shown(ipynb_path)} -> {_shown(md_path)}")


def problems_of(md_path: Path, ipynb_path: Path) -> list[str]:
    """What is wrong with one chapter pair (empty when it is in step)."""
    name = _shown(md_path.with_suffix(""))
    if not md_path.exists():
        return [f"{name}: .ipynb without its .md source"]
    if not ipynb_path.exists():
        return [f"{name}: .md source never executed (make execute NB={name}.md)"]
    problems = []
    stored = nbformat.read(ipynb_path, as_version=4)
    if markdown_text(stored) != md_path.read_text(encoding="utf-8"):
        problems.append(
            f"{name}: .md and .ipynb differ; edit the .md, then `make execute NB={name}.md`"
        )
    fresh = normalise(nbformat.from_dict(stored))
    if nbformat.writes(fresh) + "\n" != ipynb_path.read_text(encoding="utf-8"):
        problems.append(f"{name}: .ipynb carries volatile metadata (make execute NB={name}.md)")
    code = [c for c in stored.cells if c.cell_type == "code"]
    problems += setup_cell_problems(name, stored.cells)
    problems += exercise_problems(name, stored.cells)
    counts = [c.execution_count for c in code]
    if counts != list(range(1, len(code) + 1)):
        problems.append(
            f"{name}: not executed top to bottom in one kernel (make execute NB={name}.md)"
        )
    return problems


def check(paths: list[str] | None = None) -> int:
    """Print every problem of the given chapters (all by default); 1 if any."""
    pairs = [pair_of(p) for p in paths] if paths else chapter_pairs()
    problems = [problem for md, nb in pairs for problem in problems_of(md, nb)]
    problems += [problem for _, nb in pairs if nb.exists() for problem in prose_problems(nb)]
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(pairs)} chapter pair(s) checked, {len(problems)} problem(s)")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="execute chapters from their .md and sync the pair")
    run.add_argument("paths", nargs="+")
    run.add_argument("--timeout", type=int, default=300)
    sub.add_parser("check", help="fail when a pair is out of step").add_argument("paths", nargs="*")
    sub.add_parser("pair", help="write the .md of an executed .ipynb").add_argument(
        "paths", nargs="+"
    )
    sub.add_parser("sync", help="carry a prose-only .md edit into the .ipynb").add_argument(
        "paths", nargs="+"
    )
    sub.add_parser("setup-cell", help="print the set-up cell for the given extras").add_argument(
        "extras", nargs="*"
    )
    args = parser.parse_args(argv)
    if args.command == "execute":
        for path in args.paths:
            execute_chapter(path, timeout=args.timeout)
        return 0
    if args.command == "setup-cell":
        print(setup_cell_source(args.extras))
        return 0
    if args.command in ("pair", "sync"):
        for path in args.paths:
            (pair_chapter if args.command == "pair" else sync_chapter)(path)
        return 0
    return check(args.paths)


if __name__ == "__main__":
    raise SystemExit(main())
