"""The text-first chapter tooling: a .md and its .ipynb must stay in step."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from tools.notebooks import CHAPTERS, markdown_text, normalise, pair_of, problems_of, sync_chapter

CHAPTER = CHAPTERS / "01_loading.md"


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of chapter 01's pair in a temporary folder."""
    md, nb = pair_of(CHAPTER)
    shutil.copy(md, tmp_path / md.name)
    shutil.copy(nb, tmp_path / nb.name)
    return pair_of(tmp_path / md.name)


def test_committed_pair_is_in_step(pair):
    assert problems_of(*pair) == []


def test_prose_edit_of_the_markdown_is_caught_and_synced(pair):
    md, nb = pair
    md.write_text(
        md.read_text(encoding="utf-8").replace("# Loading", "# Reading", 1), encoding="utf-8"
    )
    assert any(".md and .ipynb differ" in p for p in problems_of(md, nb))
    sync_chapter(md)
    assert problems_of(md, nb) == []
    assert "# Reading" in nbformat.read(nb, as_version=4).cells[0].source


def test_code_edit_cannot_be_synced_without_executing(pair):
    md, nb = pair
    md.write_text(
        md.read_text(encoding="utf-8").replace("rng = setup_notebook()", "rng = None", 1),
        encoding="utf-8",
    )
    with pytest.raises(SystemExit, match="code cells changed"):
        sync_chapter(md)


def test_volatile_metadata_is_caught(pair):
    md, nb = pair
    notebook = nbformat.read(nb, as_version=4)
    notebook.cells[1].metadata["execution"] = {"iopub.status.busy": "2026-11-24T06:02:20Z"}
    nbformat.write(notebook, nb)
    assert any("volatile metadata" in p for p in problems_of(md, nb))


def test_normalise_gives_stable_content_ids():
    notebook = nbformat.read(pair_of(CHAPTER)[1], as_version=4)
    first = [c.id for c in normalise(nbformat.from_dict(notebook)).cells]
    again = [c.id for c in normalise(nbformat.from_dict(notebook)).cells]
    assert first == again and len(set(first)) == len(first)
    assert markdown_text(notebook).startswith("---\njupytext:")


# --- the set-up cell and the exercise titles -------------------------------------------


def _first_code_cell(md: Path) -> str:
    text = md.read_text(encoding="utf-8")
    return text.split("```{code-cell}\n:tags: [remove-cell]\n\n", 1)[1].split("\n```\n", 1)[0]


def test_every_owned_chapter_starts_with_the_canonical_setup_cell():
    from tools.notebooks import declared_extras, setup_cell_source

    for md in sorted(CHAPTERS.glob("[0-9][0-9]_*.md")):
        cell = _first_code_cell(md)
        extras = declared_extras(cell)
        if extras is None:  # a chapter not yet converted is reported by `check`
            continue
        assert cell == setup_cell_source(extras), md.name


def test_a_chapter_importing_the_cnn_needs_the_cnn_extra(pair):
    from tools.notebooks import setup_cell_problems

    md, nb = pair
    notebook = nbformat.read(nb, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert setup_cell_problems("ch01", notebook.cells) == []
    code[-1].source += "\nfrom helpers.cnn import CNNRegressor"
    assert setup_cell_problems("ch01", notebook.cells) == [
        "ch01: the set-up cell's EXTRAS lacks ['cnn'], which the chapter imports"
    ]
    from tools.notebooks import setup_cell_source

    code[0].source = setup_cell_source(["cnn"])
    assert setup_cell_problems("ch01", notebook.cells) == []
    code[0].source = code[0].source.replace("helpers.py of your own", "your helpers.py")
    (problem,) = setup_cell_problems("ch01", notebook.cells)
    assert "differs from the set-up cell" in problem and "setup-cell cnn" in problem


@pytest.mark.parametrize(
    ("line", "extras"),
    [
        ("from helpers.estimators.cnn import CNNRegressor", ["cnn"]),
        ("from helpers.estimators.cnn_filters import filter_to_pwm", []),
        ("from helpers.estimators.sharded import ShardedRidge", ["scale"]),
        ("from helpers.estimators.ridge_stats import RidgeStats", ["scale"]),
        ("import helpers.scale", ["scale"]),
    ],
)
def test_extras_follow_the_estimators_new_paths(line, extras):
    from tools.notebooks import needed_extras

    assert needed_extras([nbformat.v4.new_code_cell(line)]) == extras


def test_sync_accepts_a_new_canonical_setup_cell_only(pair):
    from tools.notebooks import setup_cell_source

    md, nb = pair
    text = md.read_text(encoding="utf-8")
    old = _first_code_cell(md)
    # An old-style set-up cell in the stored notebook (it printed nothing)...
    notebook = nbformat.read(nb, as_version=4)
    first = next(c for c in notebook.cells if c.cell_type == "code")
    first.source = "import sys"
    nbformat.write(notebook, nb)
    # ...may be replaced by the canonical one without executing the chapter.
    sync_chapter(md)
    assert next(
        c for c in nbformat.read(nb, as_version=4).cells if c.cell_type == "code"
    ).source == setup_cell_source([])
    # Any other first cell is a code change.
    md.write_text(text.replace(old, old + "\nprint('hello')"), encoding="utf-8")
    with pytest.raises(SystemExit, match="code cells changed"):
        sync_chapter(md)


def test_exercise_titles_hold_no_parentheses_and_the_difficulty_comes_first(pair):
    from tools.notebooks import exercise_problems

    md, nb = pair
    notebook = nbformat.read(nb, as_version=4)
    assert exercise_problems("ch01", notebook.cells) == []
    cell = next(c for c in notebook.cells if "```{exercise}" in c.source)
    title = cell.source.split("```{exercise} ", 1)[1].split("\n", 1)[0]
    cell.source = cell.source.replace(title, f"(★) {title}", 1)
    cell.source = cell.source.replace("*Difficulty:* ★ easy\n\n", "", 1)
    problems = exercise_problems("ch01", notebook.cells)
    assert len(problems) == 2
    assert "must be plain words" in problems[0]
    assert "*Difficulty:* <one of ★ easy" in problems[1]
