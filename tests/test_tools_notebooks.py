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
