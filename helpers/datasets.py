"""Published sequence-to-expression datasets, shipped with the book and hash-checked (old names).

The registry, hashes, :func:`fetch` and :func:`refresh` live in
:mod:`helpers.data.registry`, the loaders in :mod:`helpers.data.published`,
the template settings of the shipped files in
:mod:`helpers.coursework.settings`. This module re-exports them, and is what
``python -m helpers.datasets [refresh [NAME ...]]`` runs: it checks every
shipped copy (or downloads the files again).
"""

from __future__ import annotations

import sys

from helpers.coursework.settings import TEMPLATE_SETTINGS
from helpers.data import published, registry
from helpers.data.published import *  # noqa: F403 (the old names, listed in published.__all__)
from helpers.data.registry import *  # noqa: F403 (listed in registry.__all__)
from helpers.data.registry import (
    REGISTRY,
    DatasetHashError,
    DatasetUnavailableError,
    fetch,
    refresh,
)
from helpers.data.table import QCReport

#: The old name of the one QC report (:class:`helpers.data.table.QCReport`).
DatasetQC = QCReport

__all__ = [*registry.__all__, *published.__all__, "TEMPLATE_SETTINGS", "DatasetQC"]


def _main(argv: list[str]) -> int:
    """``python -m helpers.datasets [refresh [NAME ...]]``: check or re-download the files."""
    if argv[:1] == ["refresh"]:
        for path in refresh(argv[1:] or None):
            print(f"downloaded and verified {path}")
        return 0
    status = 0
    for name in REGISTRY:
        try:
            print(f"ok       {fetch(name)}")
        except (DatasetHashError, DatasetUnavailableError) as error:
            print(f"PROBLEM  {name}: {error}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))

# ---------------------------------------------------------------------------
