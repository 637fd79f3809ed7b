"""Compare notebook outputs the way nbval does (streams coalesced, images and
metadata skipped, ``tests/nbval_sanitize.cfg`` patterns masked).

Used by the chapter budget (``--check-outputs``) and the determinism check.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections import defaultdict
from pathlib import Path

import nbformat
from nbval.plugin import (
    coalesce_streams,
    find_comment_markers,
    find_metadata_tags,
    get_sanitize_patterns,
    transform_streams_for_comparison,
)

from tools.notebooks import ROOT

SANITIZE_CFG = ROOT / "tests" / "nbval_sanitize.cfg"

#: Output keys nbval does not compare (its defaults, images included).
SKIP_COMPARE = frozenset(
    {
        "metadata",
        "traceback",
        "prompt_number",
        "output_type",
        "name",
        "execution_count",
        "application/vnd.jupyter.widget-view+json",
        "image/png",
        "image/jpeg",
    }
)


def nbval_options(cell: nbformat.NotebookNode) -> dict[str, bool]:
    """nbval's options for a cell (``check``, ``skip``, ``check_exception``)."""
    options = {"check": True, "skip": False, "check_exception": False}
    options.update(find_comment_markers(cell.source))
    options.update(find_metadata_tags(cell.metadata))
    return options


def cell_markers(cell: nbformat.NotebookNode) -> list[str]:
    """The nbval tags and comment markers on a cell, as written."""
    tags = [t for t in cell.metadata.get("tags", []) if t.startswith("nbval-")]
    comments = [
        line.strip().lstrip("#").strip()
        for line in cell.source.splitlines()
        if line.strip().lstrip("#").strip().startswith(("NBVAL_", "PYTEST_VALIDATE"))
    ]
    return tags + [f"# {c}" for c in comments]


def load_sanitizer(path: Path = SANITIZE_CFG):
    """A function masking ``path``'s regex patterns, as nbval does."""
    patterns = get_sanitize_patterns(path.read_text(encoding="utf-8"))

    def sanitize(value):
        if not isinstance(value, str):
            return value
        for regex, replace in patterns:
            value = re.sub(regex, replace, value)
        return value

    return sanitize


def comparable(outputs: list, sanitize) -> dict[str, list]:
    """Flatten a cell's outputs the way nbval compares them."""
    outputs = transform_streams_for_comparison(coalesce_streams(copy.deepcopy(outputs)))
    flat: dict[str, list] = defaultdict(list)
    for output in outputs:
        for key, value in output.items():
            if key in SKIP_COMPARE:
                continue
            if key == "data":
                for mime, content in value.items():
                    if mime not in SKIP_COMPARE:
                        flat[mime].append(sanitize(_text(content)))
            else:
                flat[key].append(sanitize(_text(value)))
    return dict(flat)


def _text(value):
    return "".join(value) if isinstance(value, list) else value


def describe_difference(a: dict[str, list], b: dict[str, list], max_lines: int = 12) -> str:
    """A short, readable diff of two flattened outputs."""
    parts = []
    for key in sorted(set(a) | set(b)):
        if a.get(key) == b.get(key):
            continue
        if key not in a or key not in b:
            parts.append(f"output {key!r} only in {'first' if key in a else 'second'}")
            continue
        left = "\n".join(map(str, a[key])).splitlines()
        right = "\n".join(map(str, b[key])).splitlines()
        diff = list(difflib.unified_diff(left, right, lineterm="", n=0))[2:]
        shown = diff[:max_lines] + (["..."] if len(diff) > max_lines else [])
        parts.append(f"{key}:\n" + "\n".join("    " + line for line in shown))
    return "\n".join(parts)


def compare_runs(
    stored: nbformat.NotebookNode, executed: list[nbformat.NotebookNode], sanitize
) -> tuple[list[str], list[str]]:
    """Compare fresh executions with the stored notebook, cell by cell, as nbval does.

    Returns
    -------
    problems : list of str
        One entry (with a short diff) per compared cell and run that differs.
    notes : list of str
        For each cell nbval does not compare (``nbval-ignore-output``), whether
        its outputs differed anyway (the tag is justified) or reproduced.
    """
    labels = ["stored"] + [f"run {i + 1}" for i in range(len(executed))]
    versions = [stored, *executed]
    problems: list[str] = []
    notes: list[str] = []
    for index, cell in enumerate(stored.cells):
        if cell.cell_type != "code":
            continue
        options = nbval_options(cell)
        if options["skip"]:
            continue
        flats = [comparable(nb.cells[index].get("outputs", []), sanitize) for nb in versions]
        pair_labels = labels
        if cell.get("execution_count") is None and not cell.get("outputs"):
            # nbval does not compare cells that were never run in the stored copy
            flats, pair_labels = flats[1:], labels[1:]
        diffs = [
            (pair_labels[0], pair_labels[j], describe_difference(flats[0], flats[j]))
            for j in range(1, len(flats))
            if flats[0] != flats[j]
        ]
        cid = cell.get("id", "")
        if not options["check"]:
            verdict = (
                "differs (volatile: tag justified)" if diffs else "reproduces: tag unnecessary?"
            )
            notes.append(f"cell {index} ({cid}): {verdict}")
            continue
        for left, right, text in diffs:
            problems.append(f"cell {index} ({cid}): {left} vs {right}\n{text}")
    return problems, notes
