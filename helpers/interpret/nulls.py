"""Shuffled-target nulls: what a method "finds" in noise, and an empirical p-value.

``shuffled_target_null``  statistics recomputed on shuffled targets
``null_p_value``          one-sided empirical p-value against that null
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.core.checks import check_params, integers
from helpers.interpret.importance import _as_floats

__all__ = ["null_p_value", "shuffled_target_null"]


def shuffled_target_null(
    statistic: Callable[[np.ndarray], Mapping[str, float]],
    y: Sequence[float] | np.ndarray,
    *,
    n_shuffles: int = 20,
    random_state: int = 0,
) -> pd.DataFrame:
    """Null distribution of statistics computed on shuffled targets.

    Shuffling the target breaks every link between features and target, so
    whatever a method still "finds" after a shuffle is what it finds in
    noise. One shuffle gives one draw; ``n_shuffles`` draws give a
    distribution to compare the real value with (see :func:`null_p_value`).

    Parameters
    ----------
    statistic : callable
        ``statistic(y_shuffled)`` refits whatever is needed and returns a
        mapping ``name -> number`` (e.g. the precision at 20 of each method).
    y : array-like of shape (n_samples,)
        The real target.
    n_shuffles : int, default=20
        Number of shuffles (independent permutations of ``y``).
    random_state : int, default=0
        Seed of the permutations.

    Returns
    -------
    pandas.DataFrame
        One row per shuffle (index ``shuffle``), one column per statistic.

    Raises
    ------
    ValueError
        If ``y`` holds a non-finite value or fewer than 2 values, or
        ``n_shuffles`` is not a positive integer.

    Examples
    --------
    >>> y = np.arange(10.0)
    >>> null = shuffled_target_null(lambda s: {"first": s[0]}, y, n_shuffles=3)
    >>> null.shape, sorted(null["first"]) != [0.0, 0.0, 0.0]
    ((3, 1), True)
    """
    check_params("shuffled_target_null", {"n_shuffles": n_shuffles}, {"n_shuffles": [integers(1)]})
    target = _as_floats(y, "y")
    if target.size < 2 or not np.all(np.isfinite(target)):
        raise ValueError("y must hold at least 2 finite values to shuffle")
    rng = np.random.default_rng(random_state)
    rows = [dict(statistic(rng.permutation(target))) for _ in range(int(n_shuffles))]
    return pd.DataFrame(rows).rename_axis("shuffle")


def null_p_value(observed: float, null: Sequence[float] | np.ndarray) -> float:
    """Empirical one-sided p-value of ``observed`` against a null sample.

    ``(1 + number of null values >= observed) / (1 + number of null values)``:
    the real value counts as one more draw, so the smallest possible value
    is ``1 / (n + 1)`` (0.048 with 20 shuffles), never 0.

    Examples
    --------
    >>> null_p_value(1.0, [0.2, 0.5, 0.9, 0.3])
    0.2
    >>> null_p_value(0.4, [0.2, 0.5, 0.9, 0.3])
    0.6
    """
    values = _as_floats(null, "null")
    if values.size == 0:
        raise ValueError("null is empty: compute at least one shuffled-target value")
    return float((1 + np.sum(values >= float(observed))) / (1 + values.size))
