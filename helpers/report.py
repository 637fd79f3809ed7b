"""Assemble and write a coursework report for any sequence-to-expression file (the old names).

The code lives in :mod:`helpers.coursework.report` (the report, its limits,
writing it) and :mod:`helpers.coursework.pipeline` (the noise ceiling, the
whole run in one call); this module re-exports them, with
:func:`~helpers.data.load.load_table` and
:func:`~helpers.data.clean.quality_control`.
"""

from __future__ import annotations

from helpers.coursework.pipeline import compute_noise_ceiling, run_coursework_report
from helpers.coursework.report import (
    CourseworkReport,
    markdown_table,
    report_limits,
    write_report,
)
from helpers.data.clean import quality_control
from helpers.data.load import load_table
from helpers.data.table import TableSpec

__all__ = [
    "CourseworkReport",
    "TableSpec",
    "compute_noise_ceiling",
    "load_table",
    "markdown_table",
    "quality_control",
    "report_limits",
    "run_coursework_report",
    "write_report",
]
