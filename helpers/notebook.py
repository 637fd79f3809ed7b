"""One call at the top of every chapter: display options and seeds.

Stored notebook outputs are compared by nbval, so everything a chapter prints
must be reproducible to the last digit shown. Rounding what is displayed keeps
the last bits of floating-point arithmetic (which can differ between BLAS
builds) out of the comparison.
"""

from __future__ import annotations

import random

import matplotlib
import numpy as np
import pandas as pd

#: Seed used by every chapter.
SEED: int = 0


def setup_notebook(precision: int = 3, seed: int = SEED) -> np.random.Generator:
    """Set display precision, figure style and seeds for a chapter.

    Parameters
    ----------
    precision : int, default=3
        Number of decimals pandas and numpy show.
    seed : int, default=0
        Seed for Python's and numpy's global random state.

    Returns
    -------
    numpy.random.Generator
        A generator seeded with ``seed`` for the chapter's own random draws.

    Examples
    --------
    >>> rng = setup_notebook()
    >>> float(round(rng.random(), 3))
    0.637
    """
    import seaborn as sns

    pd.options.display.precision = precision
    pd.options.display.max_columns = 20
    pd.options.display.width = 120
    np.set_printoptions(precision=precision, suppress=True)
    sns.set_theme(context="notebook", style="whitegrid")
    matplotlib.rcParams["figure.dpi"] = 80
    matplotlib.rcParams["figure.figsize"] = (6.4, 4.0)
    matplotlib.rcParams["svg.hashsalt"] = "seq2expr"
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - seeds legacy np.random calls in readers' own cells
    return np.random.default_rng(seed)
