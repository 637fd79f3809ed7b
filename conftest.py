"""Project-wide pytest set-up: nbval compares outputs with the project's comparator.

nbval executes every chapter and compares each cell's fresh outputs with the
stored ones. Out of the box it compares text character by character, so a
number printed as ``0.546`` on one CPU and ``0.548`` on another fails. This
file replaces nbval's comparison (``IPyNbCell.compare_outputs``) with
:func:`tools.outputs.outputs_mismatch`: text exactly (whitespace runs
collapsed), integers exactly, decimal numbers within the one tolerance
stated in :mod:`tools.outputs`. nbval still executes the cells, masks the
patterns of ``tests/nbval_sanitize.cfg`` and skips the output fields it
skips (images, metadata).
"""

from __future__ import annotations

import nbformat
import pytest
from nbval.plugin import IPyNbCell

from tools.outputs import ABS_TOL, REL_TOL, comparable, describe_difference, outputs_mismatch


def _compare_outputs(self: IPyNbCell, test: list, ref: list, skip_compare=None) -> bool:
    """nbval's comparison, with numbers compared within the project's tolerance."""
    skip = skip_compare or self.parent.skip_compare
    fresh = comparable([nbformat.from_dict(o) for o in test], self.sanitize, skip)
    stored = comparable([nbformat.from_dict(o) for o in ref], self.sanitize, skip)
    problem = outputs_mismatch(stored, fresh)
    self.comparison_traceback = []
    if problem is None:
        return True
    self.comparison_traceback.append(
        f"Outputs differ (decimals compared within abs {ABS_TOL} or rel {REL_TOL:.0%}; "
        f"text and integers exactly): {problem}\n"
        f"stored (-) vs this run (+):\n{describe_difference(stored, fresh)}"
    )
    return False


IPyNbCell.compare_outputs = _compare_outputs


#: Doctests that train a model on real data, with the seconds of CPU each
#: took on 2 cores (quiet machine). They document how to call the estimator,
#: so they stay as they are and run in ``make test``; ``make test-fast``
#: (at most 30 s of CPU in all) skips them through the ``slow`` marker.
#: Matched on the documented object's name, so a module move keeps it.
SLOW_DOCTESTS = {
    "ManyLibraryRegressor": 15.0,  # fits on all six shipped libraries
    "CNNRegressor": 4.8,  # loads Keras/JAX and trains a small network
    "LatentSiteRegressor": 2.2,  # fits on La Fleur's library
    "run_coursework_report": 1.2,  # the whole coursework report
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the doctests of :data:`SLOW_DOCTESTS` ``slow`` (before ``-m`` deselects)."""
    for item in items:
        if isinstance(item, pytest.DoctestItem) and item.name.rsplit(".", 1)[-1] in SLOW_DOCTESTS:
            item.add_marker(pytest.mark.slow)
