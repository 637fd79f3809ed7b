"""One call at the top of every chapter: display options, seeds and threads.

Stored notebook outputs are compared with the ones a fresh run prints: text
exactly, decimal numbers within the project's tolerance
(:data:`tools.outputs.ABS_TOL`, :data:`tools.outputs.REL_TOL`). Seeds make a
run repeatable on one machine; they do not make it bit-identical on another.
Another CPU (or another BLAS kernel, SIMD path or thread count) adds and
multiplies in another order, so the last digits of every fit differ a little,
and an optimiser or an early-stopping rule can amplify that. Chapters
therefore round what they print and state verdicts that hold over seeds.
"""

from __future__ import annotations

import os
import random

import matplotlib
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

#: Seed used by every chapter.
SEED: int = 0


#: Environment variable that overrides :data:`THREADS` (``make test-elsewhere`` sets 2).
THREADS_ENV: str = "SEQ2EXPR_THREADS"

#: Compute threads for numpy's BLAS and scikit-learn's OpenMP code in a chapter.
THREADS: int = 1


def compute_threads() -> int:
    """The number of compute threads a chapter uses.

    :data:`THREADS`, unless the environment variable named by
    :data:`THREADS_ENV` holds a positive integer.

    Returns
    -------
    int
        The thread limit passed to :func:`threadpoolctl.threadpool_limits`.

    Raises
    ------
    ValueError
        If the environment variable is set to anything but a positive integer.

    Examples
    --------
    >>> import os
    >>> os.environ.pop(THREADS_ENV, None) and None
    >>> compute_threads()
    1
    """
    value = os.environ.get(THREADS_ENV, "").strip()
    if not value:
        return THREADS
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{THREADS_ENV} must be a positive integer, got {value!r}")
    return int(value)


def setup_notebook(precision: int = 3, random_state: int = SEED) -> np.random.Generator:
    """Set display precision, figure style, seeds and compute threads for a chapter.

    Compute threads are limited to :func:`compute_threads` (one by default):
    on a small shared machine (two cores, as on Binder and in CI)
    multi-threaded gradient boosting and linear algebra wait on each other and
    run several times slower than with one thread. One thread does **not**
    make results bit-identical across machines: another CPU's BLAS kernels and
    SIMD paths still sum in another order, which is why stored outputs are
    compared within a tolerance.

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
    threadpool_limits(limits=compute_threads())  # lasts for the whole kernel session
    random.seed(random_state)
    np.random.seed(random_state)  # noqa: NPY002 - seeds legacy np.random calls in readers' own cells
    return np.random.default_rng(random_state)
