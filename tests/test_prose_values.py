"""Computed values written into the chapters' prose (tools/prose_values.py)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from docutils.core import publish_string
from myst_parser.parsers.docutils_ import Parser

from tools import prose_values
from tools.prose_values import (
    GlueLookup,
    convert_text,
    glue_outputs,
    problems_of,
    refresh_text,
    render_value,
)

CHAPTERS = sorted(prose_values.CHAPTERS.glob("[0-9]*.ipynb"))


def _glue_output(name: str, **data: str) -> nbformat.NotebookNode:
    prefix = "application/papermill.record/"
    return nbformat.v4.new_output(
        "display_data",
        data={prefix + mime.replace("_", "/"): value for mime, value in data.items()},
        metadata={"scrapbook": {"name": name, "mime_prefix": prefix}},
    )


def _notebook(prose: str) -> nbformat.NotebookNode:
    code = nbformat.v4.new_code_cell("glue(...)")
    code.outputs = [
        _glue_output("r2", text_plain="0.6347"),
        _glue_output("rows", text_plain="4010"),
        _glue_output("verdict", text_plain="'worse'", text_markdown="**worse**"),
        _glue_output("pattern", text_plain="'*_[x]'"),
    ]
    return nbformat.v4.new_notebook(cells=[code, nbformat.v4.new_markdown_cell(prose)])


GLUED = glue_outputs(_notebook(""))


def test_glue_outputs_strip_the_mime_prefix() -> None:
    assert GLUED["r2"] == {"text/plain": "0.6347"}
    assert GLUED["verdict"] == {"text/plain": "'worse'", "text/markdown": "**worse**"}


@pytest.mark.parametrize(
    ("spec", "markdown", "expected"),
    [
        ("r2", False, "0.6347"),
        ("r2:.2f", False, "0.63"),
        ("rows:,d", False, "4,010"),
        ("verdict", False, "worse"),
        ("verdict", True, "**worse**"),
        ("pattern", False, r"\*\_\[x\]"),
    ],
)
def test_render_value_follows_the_glue_roles(spec: str, markdown: bool, expected: str) -> None:
    assert render_value(spec, markdown, GLUED) == expected


def test_render_value_names_what_is_missing() -> None:
    with pytest.raises(KeyError, match="no glue output named 'nope'"):
        render_value("nope", False, GLUED)
    with pytest.raises(KeyError, match="'r2' has no text/markdown"):
        render_value("r2", True, GLUED)


def test_convert_then_refresh() -> None:
    prose = "R² = {glue:text}`r2:.2f` on {glue:text}`rows:,d` rows: {glue:md}`verdict`."
    converted = convert_text(prose, lambda spec: GLUED)
    assert converted == (
        "R² = <!--glue r2:.2f-->0.63<!--/glue--> on <!--glue rows:,d-->4,010<!--/glue--> "
        "rows: <!--glue:md verdict-->**worse**<!--/glue-->."
    )
    stale = converted.replace("0.63", "0.61")
    assert refresh_text(stale, lambda spec: GLUED) == converted


def test_markers_render_as_the_value_alone() -> None:
    prose = convert_text("R² = {glue:text}`r2:.2f`, {glue:md}`verdict`.", lambda spec: GLUED)
    html = publish_string(prose, parser=Parser(), writer_name="html5").decode()
    body = html.split("<main>")[1]
    assert "R² = <!--glue r2:.2f-->0.63<!--/glue-->, <!--glue:md verdict--><strong>worse" in body


def test_problems_name_the_cell_and_the_fix(tmp_path: Path) -> None:
    nb = _notebook(
        "<!--glue r2:.2f-->0.61<!--/glue--> <!--glue gone-->1<!--/glue--> {glue:text}`rows`"
    )
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    problems = problems_of(path)
    assert problems == [
        f"{path}, cell 1: {{glue:text}}`rows` is a placeholder outside the book; "
        f"run `python -m tools.prose_values convert {path.with_suffix('.md')}`",
        f"{path}, cell 1: r2:.2f reads '0.61' but the stored output is '0.63'; "
        f"run `make execute NB={path.with_suffix('.md')}`",
        f"{path}, cell 1: gone: no glue output named 'gone'",
    ]


def test_values_from_another_chapter(tmp_path: Path) -> None:
    nbformat.write(_notebook(""), tmp_path / "04_x.ipynb")
    lookup = GlueLookup(nbformat.v4.new_notebook(), tmp_path)
    text = convert_text("{glue:text}`04_x.ipynb::r2:.3f`", lookup)
    assert text == "<!--glue 04_x.ipynb::r2:.3f-->0.635<!--/glue-->"
    with pytest.raises(KeyError, match="does not exist"):
        lookup("05_y.ipynb::r2")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_chapter_prose_matches_its_stored_outputs(chapter: Path) -> None:
    assert problems_of(chapter) == []
