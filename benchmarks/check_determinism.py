"""Check that every chapter gives the same outputs each time it is executed.

nbval (``make test``) compares one fresh execution with the stored outputs.
This script goes further and makes the exceptions visible:

1. It lists every cell whose outputs nbval does not compare: cells tagged
   ``nbval-ignore-output`` or ``nbval-skip`` (or carrying the equivalent
   ``# NBVAL_IGNORE_OUTPUT`` / ``# NBVAL_SKIP`` comment). Such a tag is only
   acceptable where a value is truly volatile (a timing); the list goes into
   the closing note of a pull request.
2. Unless ``--list-only`` is given, it executes each chapter ``--runs`` times
   in fresh kernels (in memory: files are never modified) and compares, cell by
   cell, every run with the stored outputs and the runs with each other, using
   nbval's own rules: streams coalesced, PNG/JPEG and metadata not compared,
   and the patterns of ``tests/nbval_sanitize.cfg`` masked first. For the
   ignored cells it also reports whether their outputs reproduce anyway, in
   which case the tag is probably unnecessary.

Results are printed and written to ``benchmarks/results/determinism.md`` and
``benchmarks/results/nbval_ignored_cells.md``. Exit status 1 if any compared
cell differs.

Examples
--------
::

    python benchmarks/check_determinism.py --list-only       # just the tagged cells
    python benchmarks/check_determinism.py                   # 2 runs vs stored
    python benchmarks/check_determinism.py --runs 1 --chapters 'chapters/03_*.ipynb'
"""

from __future__ import annotations

import argparse
import glob
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.execution import execute_notebook  # noqa: E402
from tools.outputs import cell_markers, compare_runs, load_sanitizer, nbval_options  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


@dataclass
class TaggedCell:
    """A code cell whose outputs nbval does not compare."""

    notebook: str
    index: int
    cell_id: str
    markers: list[str]
    first_line: str


def tagged_cells(paths: list[Path]) -> list[TaggedCell]:
    """Every code cell of ``paths`` that nbval skips or does not compare."""
    found = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            options = nbval_options(cell)
            if options["skip"] or not options["check"]:
                lines = [line for line in cell.source.splitlines() if line.strip()]
                found.append(
                    TaggedCell(
                        notebook=_rel(path),
                        index=index,
                        cell_id=str(cell.get("id", "")),
                        markers=cell_markers(cell),
                        first_line=(lines[0][:70] if lines else ""),
                    )
                )
    return found


def _rel(path: Path) -> str:
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def check_notebook(path: Path, runs: int, timeout: int, sanitize) -> tuple[list[str], list[str]]:
    """Execute ``path`` ``runs`` times; return (differences, notes on ignored cells)."""
    stored = nbformat.read(path, as_version=4)
    executed = []
    problems: list[str] = []
    for run in range(runs):
        nb, result = execute_notebook(path, timeout=timeout, skip_tag="nbval-skip")
        if result.status != "ok":
            problems.append(f"run {run + 1}: {result.status}")
        executed.append(nb)
    if problems:
        return problems, []
    return compare_runs(stored, executed, sanitize)


def execution_order_problems(paths: list[Path]) -> list[str]:
    """Notebooks not committed as one top-to-bottom run (nbval compares stored outputs)."""
    problems = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        counts = [c.get("execution_count") for c in nb.cells if c.cell_type == "code"]
        if any(c is None for c in counts):
            missing = sum(c is None for c in counts)
            problems.append(f"{_rel(path)}: {missing} code cell(s) never executed")
        elif counts != list(range(1, len(counts) + 1)):
            problems.append(f"{_rel(path)}: execution counts are not 1..{len(counts)} in order")
    return problems


def tagged_table(cells: list[TaggedCell]) -> str:
    """Markdown table of the tagged cells."""
    if not cells:
        return "No cell is tagged `nbval-ignore-output` or `nbval-skip`.\n"
    lines = ["| notebook | cell | id | markers | first line |", "|---|---|---|---|---|"]
    for c in cells:
        first = c.first_line.replace("|", "\\|")
        lines.append(
            f"| {c.notebook} | {c.index} | {c.cell_id} | {', '.join(c.markers)} | `{first}` |"
        )
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--chapters", default="chapters/*.ipynb", help="glob (default: %(default)s)"
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=2,
        help="fresh executions per chapter, each compared with the stored outputs "
        "and with each other (default: %(default)s)",
    )
    parser.add_argument("--timeout", type=int, default=300, help="per-cell timeout in seconds")
    parser.add_argument("--list-only", action="store_true", help="only list the nbval-tagged cells")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the reports")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    paths = sorted(Path(p) for p in glob.glob(str(ROOT / args.chapters)))
    if not paths:
        print(f"No notebooks match {args.chapters!r}.", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)

    tagged = tagged_cells(paths)
    table = tagged_table(tagged)
    (args.out / "nbval_ignored_cells.md").write_text(
        "# Cells whose outputs nbval does not compare\n\n" + table, encoding="utf-8"
    )
    print("Cells whose outputs nbval does not compare:\n")
    print(table)
    order = execution_order_problems(paths)
    if order:
        print("Not committed as one top-to-bottom run (restart and run all):")
        print("\n".join(f"- {line}" for line in order) + "\n")
    if args.list_only:
        return 1 if order else 0

    sanitize = load_sanitizer()
    report = [f"# Determinism: {args.runs} fresh run(s) per chapter vs stored outputs\n"]
    failed = []
    for path in paths:
        print(f"executing {_rel(path)} x{args.runs} ...", file=sys.stderr, flush=True)
        problems, notes = check_notebook(path, args.runs, args.timeout, sanitize)
        verdict = "identical" if not problems else f"{len(problems)} difference(s)"
        report.append(f"## {_rel(path)}: {verdict}\n")
        report.extend(f"- ignored {note}" for note in notes)
        report.extend(f"```\n{problem}\n```" for problem in problems)
        report.append("")
        if problems:
            failed.append(_rel(path))
    text = "\n".join(report)
    (args.out / "determinism.md").write_text(text, encoding="utf-8")
    print(text)
    if failed:
        print("NOT DETERMINISTIC: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed or order else 0


if __name__ == "__main__":
    sys.exit(main())
