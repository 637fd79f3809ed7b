"""The embedded, simulated promoter dataset and what the simulator planted in it.

``load_promoters``     the embedded dataset, validated
``load_ground_truth``  the planted elements and motifs
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from helpers.data.clean import validate_sequences
from helpers.data.read import read_sequences_csv
from helpers.paths import data_path
from helpers.sequences import DNA

__all__ = ["PROMOTER_TARGETS", "GroundTruth", "load_ground_truth", "load_promoters"]

#: Columns of the embedded dataset's measurement table.
PROMOTER_TARGETS: tuple[str, ...] = ("rep1", "rep2", "rep3", "expression")


class GroundTruth(NamedTuple):
    """What the simulator planted in the embedded dataset.

    Attributes
    ----------
    elements : pandas.DataFrame
        Per promoter: where each element was planted and what it contributed
        (``data/ground_truth_elements.csv``).
    motifs : pandas.DataFrame
        Per element and motif position: consensus base and effect
        (``data/ground_truth_motifs.csv``).
    """

    elements: pd.DataFrame
    motifs: pd.DataFrame


def load_promoters() -> pd.DataFrame:
    """Load the embedded, simulated promoter dataset, validated.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``sequence`` (uppercase ``ACGT``, all one length),
        ``rep1``, ``rep2``, ``rep3`` (replicate measurements, linear units)
        and ``expression`` (log10 of the replicates' mean: the target).

    Raises
    ------
    ValueError
        If the shipped file fails validation (it should not: regenerate it
        with ``make data``).

    See Also
    --------
    load_ground_truth : what the simulator planted.

    Examples
    --------
    >>> promoters = load_promoters()
    >>> list(promoters.columns)
    ['id', 'sequence', 'rep1', 'rep2', 'rep3', 'expression']
    >>> promoters["id"].is_unique
    True
    """
    path = data_path("promoters.csv")
    table = read_sequences_csv(path, target_cols=PROMOTER_TARGETS)
    table = table[["id", "sequence", *PROMOTER_TARGETS]]
    lengths = table["sequence"].str.len()
    validate_sequences(
        table["sequence"], DNA, ids=table["id"], column="sequence", length=int(lengths.iloc[0])
    )
    if not table["id"].is_unique:
        repeated = table.loc[table["id"].duplicated(), "id"].tolist()
        raise ValueError(f"{path}: duplicate ids {repeated[:10]}; regenerate with `make data`.")
    gaps = table[list(PROMOTER_TARGETS)].isna().sum()
    if gaps.any():
        raise ValueError(
            f"{path}: missing measurements {gaps[gaps > 0].to_dict()}; regenerate with `make data`."
        )
    return table


def load_ground_truth() -> GroundTruth:
    """Load the ground truth of the embedded dataset.

    Returns
    -------
    GroundTruth
        A named tuple of two DataFrames, ``elements`` and ``motifs``.

    Examples
    --------
    >>> truth = load_ground_truth()
    >>> truth._fields
    ('elements', 'motifs')
    """
    return GroundTruth(
        elements=pd.read_csv(data_path("ground_truth_elements.csv")),
        motifs=pd.read_csv(data_path("ground_truth_motifs.csv")),
    )
