"""Computed numbers written into the chapters' prose, readable in every front end.

A chapter computes a value in a (hidden) cell and glues it under a name
(``glue("ch04_best_r2", ...)``); the executed notebook stores it as a glue
output under that name, which nbval compares on every test run. The prose
quotes it between two HTML comments that name it::

    The best model reaches R² = <!--glue ch04_best_r2-->0.634<!--/glue-->.

Every Markdown renderer hides HTML comments, so the rendered book, JupyterLab,
Binder, Colab and GitHub all show ``0.634`` and no front end shows a
placeholder. The value between the comments is never typed: ``make execute``
rewrites it from the notebook it has just executed (:func:`refresh_notebook`),
and ``make lint`` and the test suite fail when a written value differs from
the stored glue output (:func:`problems_of`), so text and results cannot drift.

Marker syntax (the name part is that of myst-nb's glue roles):

``<!--glue NAME-->``, ``<!--glue NAME:FORMAT-->``
    the glued value's ``text/plain`` form (quotes of a string removed),
    formatted with a Python format spec if given, as ``{glue:text}`` does;
``<!--glue:md NAME-->``
    the glued value's ``text/markdown`` form, as ``{glue:md}`` does;
``<!--glue OTHER.ipynb::NAME:FORMAT-->``
    a value glued by another chapter (its stored notebook).

``python -m tools.prose_values convert chapters/X.md``
    Replace the chapter's ``{glue:text}`` and ``{glue:md}`` roles with markers
    (used once per chapter; then ``make sync``).
``python -m tools.prose_values check [chapters/X.ipynb ...]``
    Fail (exit 1) on a written value that differs from its stored glue output,
    a name that no glue output carries, or a ``{glue:text}``/``{glue:md}``
    role left in a chapter.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"

#: A written value: ``<!--glue[:md] SPEC-->VALUE<!--/glue-->``.
MARKER = re.compile(r"<!--glue(?P<md>:md)? (?P<spec>[^ >]+?)-->(?P<value>.*?)<!--/glue-->", re.S)
#: The myst-nb roles the markers replace.
ROLE = re.compile(r"\{glue:(?P<kind>text|md)\}`(?P<spec>[^`]+)`")
#: Characters escaped in a ``text/plain`` value so Markdown shows them literally.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|$])")

Glued = Mapping[str, Mapping[str, str]]


def glue_outputs(nb: nbformat.NotebookNode) -> dict[str, dict[str, str]]:
    """The glue outputs of an executed notebook: name -> {mime type: data}."""
    glued: dict[str, dict[str, str]] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if not scrapbook:
                continue
            prefix = scrapbook.get("mime_prefix", "")
            glued[scrapbook["name"]] = {
                mime.removeprefix(prefix): data for mime, data in output.get("data", {}).items()
            }
    return glued


def _split_spec(spec: str) -> tuple[str | None, str, str]:
    """``[DOC::]NAME[:FORMAT]`` -> (doc or None, name, format)."""
    doc, _, rest = spec.rpartition("::")
    name, _, fmt = rest.partition(":")
    return (doc or None), name, fmt


def render_value(spec: str, markdown: bool, glued: Glued) -> str:
    """The text a marker holds for ``spec``, from the glue outputs ``glued``.

    Raises
    ------
    KeyError
        If no glue output carries the name, or it has no text of the kind asked.
    """
    _, name, fmt = _split_spec(spec)
    if name not in glued:
        raise KeyError(f"no glue output named {name!r}")
    data = glued[name]
    if markdown:
        if "text/markdown" not in data:
            raise KeyError(f"glue output {name!r} has no text/markdown")
        return str(data["text/markdown"]).strip()
    if "text/plain" not in data:
        raise KeyError(f"glue output {name!r} has no text/plain")
    # imported here: myst_nb pulls in jupyter-cache and SQLAlchemy (about 1 s),
    # which every test session would pay through the root conftest otherwise
    from myst_nb.core.variables import format_plain_text

    text = format_plain_text(str(data["text/plain"]), fmt or "s")
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _marker(spec: str, markdown: bool, value: str) -> str:
    return f"<!--glue{':md' if markdown else ''} {spec}-->{value}<!--/glue-->"


class GlueLookup:
    """Glue outputs of one notebook, and of the chapters its prose refers to."""

    def __init__(self, nb: nbformat.NotebookNode, folder: Path = CHAPTERS) -> None:
        self.own = glue_outputs(nb)
        self.folder = folder
        self.others: dict[str, dict[str, dict[str, str]]] = {}

    def __call__(self, spec: str) -> Glued:
        doc, _, _ = _split_spec(spec)
        if doc is None:
            return self.own
        if doc not in self.others:
            path = self.folder / doc
            if not path.exists():
                raise KeyError(f"{doc} (referred to by {spec!r}) does not exist")
            self.others[doc] = glue_outputs(nbformat.read(path, as_version=4))
        return self.others[doc]


def _is_markdown(match: re.Match[str]) -> bool:
    """Whether a role or a marker pastes Markdown (``{glue:md}``, ``<!--glue:md``)."""
    groups = match.groupdict()
    return groups.get("kind") == "md" or bool(groups.get("md"))


def _filled(match: re.Match[str], lookup: Callable[[str], Glued]) -> str:
    """The marker, holding its current value, for a matched role or marker."""
    spec, markdown = match["spec"], _is_markdown(match)
    return _marker(spec, markdown, render_value(spec, markdown, lookup(spec)))


def convert_text(text: str, lookup: Callable[[str], Glued]) -> str:
    """Replace ``{glue:text}``/``{glue:md}`` roles in ``text`` with filled markers."""
    return ROLE.sub(lambda match: _filled(match, lookup), text)


def refresh_text(text: str, lookup: Callable[[str], Glued]) -> str:
    """Rewrite the value inside every marker of ``text`` from the glue outputs."""
    return MARKER.sub(lambda match: _filled(match, lookup), text)


def refresh_notebook(nb: nbformat.NotebookNode, folder: Path = CHAPTERS) -> None:
    """Rewrite, in place, the written values of an executed notebook's prose."""
    lookup = GlueLookup(nb, folder)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = refresh_text(cell.source, lookup)


def problems_of(ipynb_path: Path) -> list[str]:
    """Written values of one executed chapter that differ from its glue outputs."""
    nb = nbformat.read(ipynb_path, as_version=4)
    lookup = GlueLookup(nb, ipynb_path.parent)
    shown = ipynb_path.relative_to(ROOT) if ipynb_path.is_relative_to(ROOT) else ipynb_path
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for match in ROLE.finditer(cell.source):
            problems.append(
                f"{shown}, cell {index}: {match[0]} is a placeholder outside the book; "
                f"run `python -m tools.prose_values convert {shown.with_suffix('.md')}`"
            )
        for match in MARKER.finditer(cell.source):
            spec, markdown = match["spec"], _is_markdown(match)
            try:
                expected = render_value(spec, markdown, lookup(spec))
            except KeyError as exc:
                problems.append(f"{shown}, cell {index}: {spec}: {exc.args[0]}")
                continue
            if match["value"] != expected:
                problems.append(
                    f"{shown}, cell {index}: {spec} reads {match['value']!r} but the stored "
                    f"output is {expected!r}; run `make execute NB={shown.with_suffix('.md')}`"
                )
    return problems


def convert_chapter(md_path: Path) -> int:
    """Replace the glue roles of a chapter's Markdown source; returns how many."""
    ipynb_path = md_path.with_suffix(".ipynb")
    lookup = GlueLookup(nbformat.read(ipynb_path, as_version=4), md_path.parent)
    text = md_path.read_text(encoding="utf-8")
    count = len(ROLE.findall(text))
    md_path.write_text(convert_text(text, lookup), encoding="utf-8")
    return count


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("convert", help="replace glue roles with markers").add_argument(
        "paths", nargs="+"
    )
    sub.add_parser("check", help="fail on a written value that differs").add_argument(
        "paths", nargs="*"
    )
    args = parser.parse_args(argv)
    if args.command == "convert":
        for path in args.paths:
            md_path = Path(path).with_suffix(".md")
            print(f"{md_path}: {convert_chapter(md_path)} role(s) replaced")
        return 0
    paths = [Path(p).with_suffix(".ipynb").resolve() for p in args.paths] or sorted(
        CHAPTERS.glob("[0-9]*.ipynb")
    )
    problems = [problem for path in paths for problem in problems_of(path)]
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(paths)} chapter(s) checked, {len(problems)} written value(s) out of step")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
