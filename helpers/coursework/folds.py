"""Cross-validation folds that keep related sequences together, and say how.

``plan_folds``  folds from your groups or similarity groups, with a stated
                fallback when grouping gives too few groups, and a fold table
``FoldPlan``    the folds, how they were made, and their sizes and flags
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from helpers.core.checks import check_params, integers
from helpers.evaluation import similarity_groups

__all__ = [
    "FALLBACK_THRESHOLDS",
    "FoldPlan",
    "plan_folds",
]


#: Similarity thresholds tried, in order, when grouping gives too few groups.
FALLBACK_THRESHOLDS: tuple[float, ...] = (0.6, 0.7, 0.8, 0.9, 1.0)


# ---------------------------------------------------------------------------
# folds
# ---------------------------------------------------------------------------


@dataclass
class FoldPlan:
    """The folds :func:`plan_folds` chose, and why.

    Attributes
    ----------
    groups : numpy.ndarray
        Group label of every row (rows of a group share a fold).
    splits : list of (train, test) index arrays
        One pair per fold.
    method : str
        ``"your groups"``, ``"similarity groups"`` or ``"identical sequences"``.
    threshold : float or None
        Similarity threshold used (``None`` for the other methods).
    notes : list of str
        What was done and why, in plain words (fallbacks included).
    table : pandas.DataFrame
        One row per fold: ``fold``, ``n_test``, ``share`` (of all rows),
        ``n_groups``, ``largest_group`` (share of the fold held by its largest
        group), ``target_mean`` and ``flag`` (``""`` or why the fold is odd:
        tiny, dominated by one group, or unusual targets).
    """

    groups: np.ndarray
    splits: list[tuple[np.ndarray, np.ndarray]]
    method: str
    threshold: float | None
    notes: list[str] = field(default_factory=list)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def n_folds(self) -> int:
        """Number of folds."""
        return len(self.splits)

    @property
    def flagged(self) -> pd.DataFrame:
        """The rows of :attr:`table` with a flag."""
        return self.table[self.table["flag"] != ""]


def _trim_flanks(sequences: list[str], keep: int) -> tuple[list[str], int, int]:
    """Cut the prefix and suffix shared by every sequence, leaving at least ``keep`` bases."""
    shortest = min(len(s) for s in sequences)
    room = max(0, shortest - keep)
    left = min(len(os.path.commonprefix(sequences)), room)
    reversed_seqs = [s[::-1] for s in sequences]
    right = min(len(os.path.commonprefix(reversed_seqs)), room - left)
    if left == 0 and right == 0:
        return sequences, 0, 0
    return [s[left : len(s) - right] for s in sequences], left, right


def _largest_share(groups: np.ndarray) -> float:
    return float(pd.Series(groups).value_counts().iloc[0] / len(groups))


def _whole_groups_note(
    splits: list[tuple[np.ndarray, np.ndarray]], groups: np.ndarray, what: str
) -> str:
    """A note when groups are so few that each fold is one or two whole groups, else ``""``."""
    n_groups, n_folds = int(groups.max()) + 1, len(splits)
    if n_groups > 2 * n_folds:
        return ""
    per_fold = sorted({len(np.unique(groups[test])) for _, test in splits})
    holds = (
        "one whole group" if per_fold == [1] else f"{per_fold[0]} to {per_fold[-1]} whole groups"
    )
    return (
        f"The {n_groups} {what} are few and large, as in a designed library built on "
        f"{n_groups} backgrounds: each fold holds {holds}, so this cross-validation amounts "
        "to leave-one-background-out. Every score is for a background the model never saw, "
        "which is harder than predicting new variants of backgrounds it has seen; a fold "
        "made of one group is expected here, not odd."
    )


def _fold_table(
    splits: list[tuple[np.ndarray, np.ndarray]],
    groups: np.ndarray,
    y: np.ndarray,
    whole_groups: bool = False,
) -> pd.DataFrame:
    """Fold sizes and balance, with a flag for tiny, one-group or unusual folds.

    With ``whole_groups`` (few groups, each fold one or two of them by
    design) a fold dominated by one group is not flagged.
    """
    n = len(y)
    mean_size = n / len(splits)
    overall_mean, overall_sd = float(np.mean(y)), float(np.std(y))
    rows = []
    for fold, (_, test) in enumerate(splits):
        counts = pd.Series(groups[test]).value_counts()
        largest = float(counts.iloc[0] / len(test))
        target_mean = float(np.mean(y[test]))
        flags = []
        if len(test) < 0.5 * mean_size or len(test) < 20:
            flags.append(f"tiny ({len(test)} rows, {len(test) / mean_size:.0%} of an even share)")
        one_group = largest > 0.5 and len(counts) > 1 or (len(counts) == 1 and len(test) > 1)
        if one_group and not whole_groups:
            flags.append(f"one group is {largest:.0%} of the fold")
        if overall_sd > 0 and abs(target_mean - overall_mean) > 0.5 * overall_sd:
            shift = (target_mean - overall_mean) / overall_sd
            flags.append(f"unusual targets (mean {shift:+.1f} sd from all rows)")
        rows.append(
            {
                "fold": fold,
                "n_test": len(test),
                "share": round(len(test) / n, 3),
                "n_groups": len(counts),
                "largest_group": round(largest, 3),
                "target_mean": round(target_mean, 3),
                "flag": "; ".join(flags),
            }
        )
    return pd.DataFrame(rows)


def plan_folds(
    sequences: Sequence[str],
    y: Sequence[float] | np.ndarray,
    *,
    n_folds: int = 5,
    groups: Sequence[Any] | None = None,
    similarity_threshold: float = 0.5,
    similarity_k: int = 8,
    max_group_share: float = 0.5,
) -> FoldPlan:
    """Choose cross-validation folds that keep related sequences together, and say how.

    1. If you give ``groups`` (e.g. a column of genomic backgrounds or design
       families) and there are at least ``n_folds`` of them, ``GroupKFold``
       uses them. With 2 to ``n_folds - 1`` groups, each group becomes one fold
       (leave-one-group-out). With one group, similarity grouping is used.
    2. Otherwise sequences are grouped by similarity
       (:func:`helpers.evaluation.similarity_groups`, after cutting the
       flanks that every sequence shares). If that gives fewer groups than
       folds, or one group holds more than ``max_group_share`` of the rows (a
       designed library of near-identical variants is often one connected
       group), the threshold is raised step by step
       (:data:`FALLBACK_THRESHOLDS`), which links fewer pairs; as a last
       resort only identical sequences share a fold.
    3. Groups go to folds by ``GroupKFold`` (largest groups first, each to the
       smallest fold, so fold sizes are as even as the groups allow).

    Every fallback is written to ``notes``, and the fold table flags folds
    that are tiny, dominated by one group, or whose targets differ from the
    rest (mean more than half a standard deviation away). When the groups
    are few (at most two per fold, as when a designed library's variants
    group by their backgrounds), the notes say in words that the folds
    amount to leave-one-background-out, and a fold of one group is not
    flagged.

    Parameters
    ----------
    sequences : sequence of str
        Upper-case sequences (A, C, G, T, N).
    y : array-like of float
        The target, for the fold table.
    n_folds : int, default=5
        Number of folds wanted (at least 2).
    groups : sequence, optional
        Your group label per row.
    similarity_threshold : float, default=0.5
        First Jaccard threshold for similarity grouping.
    similarity_k : int, default=8
        k-mer length for similarity grouping (lowered for short sequences).
    max_group_share : float, default=0.5
        Largest share of rows one similarity group may hold before the
        threshold is raised.

    Returns
    -------
    FoldPlan

    Raises
    ------
    ValueError
        If ``n_folds`` < 2, lengths differ, or there are fewer distinct
        sequences than folds.

    Examples
    --------
    Eleven single-base variants of one sequence are one similarity group;
    the plan raises the threshold and says so.

    >>> base = "ACGTTGCAAGCTTACGGATCCATGCAGGTACCTTAGCAAT"
    >>> seqs = [base[:i] + "AT"[base[i] == "A"] + base[i + 1 :] for i in range(0, 40, 4)]
    >>> seqs.append(base[:-1] + "G")
    >>> plan = plan_folds(seqs, np.arange(11.0), n_folds=2)
    >>> plan.method, plan.n_folds, plan.table["n_test"].tolist()
    ('similarity groups', 2, [6, 5])
    >>> print(plan.notes[0])  # doctest: +NORMALIZE_WHITESPACE
    Similarity grouping at threshold 0.5 gave 1 group(s), the largest holding 100% of
    the rows (too few groups for 2 folds, or one dominates); raised the threshold to
    0.6, which gave 7 groups.
    """
    sequences = list(sequences)
    y = np.asarray(y, dtype=float)
    check_params("plan_folds", {"n_folds": n_folds}, {"n_folds": [integers(2)]})
    if len(sequences) != len(y):
        raise ValueError(f"{len(sequences)} sequences but {len(y)} targets.")
    notes: list[str] = []

    if groups is not None:
        labels = pd.Series(list(groups), dtype=object).fillna("").astype(str)
        if len(labels) != len(sequences):
            raise ValueError(f"groups has {len(labels)} labels for {len(sequences)} rows.")
        # a row without a label is a group of its own
        blank = labels == ""
        labels[blank] = [f"__row{i}" for i in np.flatnonzero(blank.to_numpy())]
        codes = pd.factorize(labels)[0]
        n_groups = int(codes.max()) + 1
        if n_groups >= 2:
            folds = min(n_folds, n_groups)
            if folds < n_folds:
                notes.append(
                    f"Your group column has only {n_groups} groups, fewer than the {n_folds} "
                    f"folds asked for: each group is one fold (leave-one-group-out, "
                    f"{folds} folds), so every score is for a group the model never saw."
                )
            else:
                notes.append(f"Folds keep each of your {n_groups} groups together.")
            splits = list(GroupKFold(n_splits=folds).split(sequences, y, codes))
            whole = folds == n_folds and _whole_groups_note(splits, codes, "groups of your column")
            if whole:
                notes.append(whole)
            return FoldPlan(
                groups=codes,
                splits=splits,
                method="your groups",
                threshold=None,
                notes=notes,
                table=_fold_table(splits, codes, y, whole_groups=folds < n_folds or bool(whole)),
            )
        notes.append(
            "Your group column has a single group, which cannot be split into folds; "
            "similar sequences are grouped instead."
        )

    shortest = min(len(s) for s in sequences)
    k = max(1, min(similarity_k, shortest))
    trimmed, left, right = _trim_flanks(sequences, keep=max(k, 2 * k))
    if left or right:
        notes.append(
            f"Every sequence shares the same first {left} and last {right} bases; these "
            "constant flanks were ignored when grouping similar sequences."
        )
    tried: list[tuple[float, int, float]] = []
    method, threshold, codes = "identical sequences", None, None
    for t in (similarity_threshold, *(f for f in FALLBACK_THRESHOLDS if f > similarity_threshold)):
        candidate = similarity_groups(trimmed, k=k, threshold=t)
        n_groups, share = int(candidate.max()) + 1, _largest_share(candidate)
        tried.append((t, n_groups, share))
        if n_groups >= n_folds and share <= max_group_share:
            method, threshold, codes = "similarity groups", t, candidate
            break
    first_t, first_n, first_share = tried[0]
    if len(tried) > 1 or codes is None:
        problem = (
            f"Similarity grouping at threshold {first_t:g} gave {first_n} group(s), the "
            f"largest holding {first_share:.0%} of the rows (too few groups for {n_folds} "
            "folds, or one dominates)"
        )
        if codes is not None:
            notes.append(
                f"{problem}; raised the threshold to {threshold:g}, which gave "
                f"{int(codes.max()) + 1} groups."
            )
        else:
            codes = pd.factorize(pd.Series(sequences))[0]
            notes.append(
                f"{problem}, and raising it up to {tried[-1][0]:g} did not help; only "
                "identical sequences share a fold. Near-identical variants are now split "
                "between training and test folds, so the scores are optimistic for "
                "sequences unlike these."
            )
    else:
        largest = int(np.bincount(codes).max())
        notes.append(
            f"Similar sequences (Jaccard index of {k}-mer sets ≥ {threshold:g}) share a fold: "
            f"{int(codes.max()) + 1} groups, the largest holding {largest} of the "
            f"{len(codes)} rows."
        )
    n_groups = int(codes.max()) + 1
    if n_groups < n_folds:
        raise ValueError(
            f"only {n_groups} distinct sequences, fewer than n_folds={n_folds}: lower n_folds."
        )
    splits = list(GroupKFold(n_splits=n_folds).split(sequences, y, codes))
    whole = method == "similarity groups" and _whole_groups_note(splits, codes, "similarity groups")
    if whole:
        notes.append(whole)
    return FoldPlan(
        groups=codes,
        splits=splits,
        method=method,
        threshold=threshold,
        notes=notes,
        table=_fold_table(splits, codes, y, whole_groups=bool(whole)),
    )
