"""One call at the top of every chapter: display options, seeds and threads.

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
from threadpoolctl import threadpool_limits

#: Seed used by every chapter.
SEED: int = 0


#: Compute threads for numpy's BLAS and scikit-learn's OpenMP code in a chapter.
THREADS: int = 1


def setup_notebook(precision: int = 3, random_state: int = SEED) -> np.random.Generator:
    """Set display precision, figure style, seeds and compute threads for a chapter.

    Compute threads are limited to :data:`THREADS` (one): on a small shared
    machine (two cores, as on Binder and in CI) multi-threaded gradient boosting
    and linear algebra wait on each other and run several times slower than
    with one thread, and one thread also makes floating-point sums happen in
    the same order on every machine.

    Parameters
    ----------
    precision : int, default=3
        Number of decimals pandas and numpy show.
    random_state : int, default=0
        Seed for Python's and numpy's global random state.

    Returns
    -------
    numpy.random.Generator
        A generator seeded with ``random_state`` for the chapter's own random draws.

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
    threadpool_limits(limits=THREADS)  # lasts for the whole kernel session
    random.seed(random_state)
    np.random.seed(random_state)  # noqa: NPY002 - seeds legacy np.random calls in readers' own cells
    return np.random.default_rng(random_state)
