"""Compare notebook outputs: the project's one comparator.

Outputs are flattened the way nbval does (streams coalesced, images and
metadata skipped, ``tests/nbval_sanitize.cfg`` patterns masked), then compared
by :func:`values_match`:

* text exactly, except that a run of whitespace equals any other run (the
  padding of a printed table changes with the width of its numbers);
* integers (``42``, ``-3``) exactly: counts, shapes, seeds and ids;
* decimal numbers (``0.548``, ``-1.2e-05``, ``53.2``) within
  :data:`ABS_TOL` or :data:`REL_TOL`, whichever is larger. Another CPU (another
  BLAS kernel, SIMD path or thread count) sums in another order, so a stored
  ``0.548`` may print as ``0.546`` there; a difference that large is noise, a
  larger one is a change. A number printed with few decimals may also differ by
  one unit in its last decimal (``2.3`` and ``2.4`` can both be 2.35 rounded),
  since a tiny change can cross a rounding boundary.

Used by nbval (``conftest.py`` installs it, so ``make test`` and
``make test-elsewhere`` use it), the chapter budget (``--check-outputs``) and
the determinism check.
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

#: Absolute tolerance for decimal numbers in compared outputs (the project's one tolerance).
ABS_TOL: float = 0.005
#: Relative tolerance for decimal numbers in compared outputs (the larger of the two applies).
REL_TOL: float = 0.01

#: A number standing on its own: not part of a word (``P0001``, ``ch04_r2``) or of a longer number.
NUMBER = re.compile(r"(?<![\w.])[-+\u2212]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?!\w)")
_SPACE = re.compile(r"\s+")


def _is_decimal(token: str) -> bool:
    return any(c in token for c in ".eE")


def _to_float(token: str) -> float:
    return float(token.replace("\u2212", "-"))


def _last_place(token: str) -> float:
    """One unit in the last decimal place a token was printed with (0 if in exponent form)."""
    if "e" in token.lower() or "." not in token:
        return 0.0
    return 10.0 ** -len(token.split(".")[1])


def numbers_close(ref: float, test: float, last_place: float = 0.0) -> bool:
    """Whether two decimal numbers agree within :data:`ABS_TOL` or :data:`REL_TOL`.

    Parameters
    ----------
    ref, test : float
    last_place : float, default=0.0
        One unit in the last decimal place both were printed with: a difference
        of that size is a rounding-boundary flip and is allowed too.

    Examples
    --------
    >>> numbers_close(0.548, 0.546), numbers_close(0.548, 0.538)
    (True, False)
    >>> numbers_close(120.0, 121.0)
    True
    >>> numbers_close(2.3, 2.4), numbers_close(2.3, 2.4, last_place=0.1)
    (False, True)
    """
    allowed = max(ABS_TOL, REL_TOL * max(abs(ref), abs(test)), last_place)
    return abs(ref - test) <= allowed * (1 + 1e-9)


def split_numbers(text: str) -> tuple[list[str], list[str]]:
    """Split text into its pieces of text (whitespace runs collapsed) and its numbers.

    Returns
    -------
    texts : list of str
        ``len(numbers) + 1`` pieces: the text before, between and after the numbers.
    numbers : list of str
        The numbers, as written.

    Examples
    --------
    >>> split_numbers("r = 0.548  (n=35, P0001)")
    (['r = ', ' (n=', ', P0001)'], ['0.548', '35'])
    """
    texts, numbers, start = [], [], 0
    for match in NUMBER.finditer(text):
        texts.append(_SPACE.sub(" ", text[start : match.start()]))
        numbers.append(match.group())
        start = match.end()
    texts.append(_SPACE.sub(" ", text[start:]))
    texts[0] = texts[0].lstrip()
    texts[-1] = texts[-1].rstrip()
    return texts, numbers


def text_mismatch(ref: str, test: str) -> str | None:
    """Why two texts differ under the project's rules, or None if they match.

    Examples
    --------
    >>> text_mismatch("MSE: 0.548", "MSE:  0.546") is None
    True
    >>> text_mismatch("3 of 5 libraries", "2 of 5 libraries")
    "integer 1 differs: '3' vs '2'"
    >>> text_mismatch("target met", "target not met")
    "text differs: 'target met' vs 'target not met'"
    """
    ref_texts, ref_numbers = split_numbers(ref)
    test_texts, test_numbers = split_numbers(test)
    if ref_texts != test_texts:
        for a, b in zip(ref_texts, test_texts, strict=False):
            if a != b:
                return f"text differs: {a[:80]!r} vs {b[:80]!r}"
        return f"text differs: {len(ref_numbers)} numbers vs {len(test_numbers)}"
    for index, (a, b) in enumerate(zip(ref_numbers, test_numbers, strict=True), start=1):
        if _is_decimal(a) or _is_decimal(b):
            last_place = max(_last_place(a), _last_place(b))
            if not numbers_close(_to_float(a), _to_float(b), last_place):
                return f"number {index} differs beyond the tolerance: {a} vs {b}"
        elif a.replace("\u2212", "-") != b.replace("\u2212", "-"):
            return f"integer {index} differs: {a!r} vs {b!r}"
    return None


def value_mismatch(ref, test) -> str | None:
    """Why two output values (text, numbers, lists, dicts) differ, or None.

    Examples
    --------
    >>> value_mismatch(["R2 = 0.861"], ["R2 = 0.863"]) is None
    True
    >>> value_mismatch({"a": 1}, {"b": 1})
    "keys differ: ['a'] vs ['b']"
    """
    if isinstance(ref, str) and isinstance(test, str):
        return text_mismatch(ref, test)
    if isinstance(ref, bool) or isinstance(test, bool):
        return None if ref == test else f"{ref!r} vs {test!r}"
    if isinstance(ref, float) or isinstance(test, float):
        if isinstance(ref, int | float) and isinstance(test, int | float):
            return None if numbers_close(ref, test) else f"{ref!r} vs {test!r}"
    if isinstance(ref, list) and isinstance(test, list):
        if len(ref) != len(test):
            return f"{len(ref)} outputs vs {len(test)}"
        for a, b in zip(ref, test, strict=True):
            problem = value_mismatch(a, b)
            if problem:
                return problem
        return None
    if isinstance(ref, dict) and isinstance(test, dict):
        if sorted(ref) != sorted(test):
            return f"keys differ: {sorted(ref)} vs {sorted(test)}"
        for key in ref:
            problem = value_mismatch(ref[key], test[key])
            if problem:
                return f"{key}: {problem}"
        return None
    return None if ref == test else f"{ref!r} vs {test!r}"


def values_match(ref, test) -> bool:
    """Whether two output values match under the project's rules (see the module docstring).

    Examples
    --------
    >>> values_match("Mean squared error: 0.548", "Mean squared error: 0.546")
    True
    >>> values_match("stopped at epoch 55", "stopped at epoch 30")
    False
    """
    return value_mismatch(ref, test) is None


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


def comparable(outputs: list, sanitize, skip=SKIP_COMPARE) -> dict[str, list]:
    """Flatten a cell's outputs the way nbval compares them."""
    outputs = transform_streams_for_comparison(coalesce_streams(copy.deepcopy(outputs)))
    flat: dict[str, list] = defaultdict(list)
    for output in outputs:
        for key, value in output.items():
            if key in skip:
                continue
            if key == "data":
                for mime, content in value.items():
                    if mime not in skip:
                        flat[mime].append(sanitize(_text(content)))
            else:
                flat[key].append(sanitize(_text(value)))
    return dict(flat)


def outputs_mismatch(ref: dict[str, list], test: dict[str, list]) -> str | None:
    """Why two flattened outputs (from :func:`comparable`) differ, or None if they match."""
    if set(ref) != set(test):
        return f"output fields differ: {sorted(ref)} (stored) vs {sorted(test)} (run)"
    for key in sorted(ref):
        problem = value_mismatch(ref[key], test[key])
        if problem:
            return f"{key}: {problem}"
    return None


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
            (
                pair_labels[0],
                pair_labels[j],
                f"{outputs_mismatch(flats[0], flats[j])}\n{describe_difference(flats[0], flats[j])}",
            )
            for j in range(1, len(flats))
            if outputs_mismatch(flats[0], flats[j])
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
