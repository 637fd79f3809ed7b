"""The simulated promoter's biology: its layout, its parameters and its planted motifs.

Layout of every sequence (``length=100``, 0-based indices, the transcription
start site +1 at index 80)::

    background | UP element | -35 box | spacer (15-19) | ext -10 | -10 box | discriminator | +1 ...
                                                          TGn      TATAAT    6 nt

The −10 box sits at a fixed distance from the start site (positions −12 to −7);
the −35 box and the UP element move with the spacer length, as in real
promoters. :class:`PromoterModel` holds every parameter (the rules that turn
them into expression are :mod:`helpers.simulate.rules`); :func:`motif_table`
lists the planted motifs as ``data/ground_truth_motifs.csv`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["UP_MUTATION_RATE", "PromoterModel", "motif_table"]


@dataclass(frozen=True)
class PromoterModel:
    """Parameters of the simulated promoter biology.

    All effects are in natural-log units of the transcription rate, so an
    effect of ``-0.69`` halves expression in the linear (unsaturated) regime.

    Attributes
    ----------
    length : int
        Length of every promoter sequence.
    tss_index : int
        0-based index of the transcription start site (+1).
    minus10_consensus, minus35_consensus : str
        Consensus hexamers of the −10 and −35 boxes.
    minus10_penalties, minus35_penalties : tuple of float
        Loss of log-rate for a mismatch at each position of the box.
    spacer_effects : dict
        Effect of each allowed spacer length (15–19 nt; 17 is best).
    extended10_effect : float
        Bonus for a ``TG`` at positions −15/−14.
    up_consensus : str
        UP element consensus (−57 to −38 for a 17-nt spacer) in IUPAC letters.
    up_max_effect : float
        Bonus of a perfect UP element; scaled linearly from 0 at a match
        fraction of ``up_threshold`` to the maximum at a perfect match.
    discriminator_gc_penalty : float
        Loss of log-rate per G or C in the 6-nt discriminator.
    offset : float
        Log-rate of a promoter with consensus boxes and no other effects,
        before saturation.
    vmax, basal : float
        Saturating maximum and background of the expression readout (au).
    noise_sigma : float
        Standard deviation of the multiplicative (log-normal) noise of each
        replicate, in natural-log units.
    mutation_rate : float
        Probability that each position of a planted box differs from the
        consensus in the library.
    """

    length: int = 100
    tss_index: int = 80
    minus10_consensus: str = "TATAAT"
    minus10_penalties: tuple[float, ...] = (1.6, 1.9, 0.7, 0.8, 1.0, 1.8)
    minus35_consensus: str = "TTGACA"
    minus35_penalties: tuple[float, ...] = (1.3, 1.4, 1.2, 0.6, 0.5, 0.4)
    spacer_effects: dict[int, float] = field(
        default_factory=lambda: {15: -2.0, 16: -0.7, 17: 0.0, 18: -0.6, 19: -1.8}
    )
    spacer_probabilities: dict[int, float] = field(
        default_factory=lambda: {15: 0.1, 16: 0.2, 17: 0.4, 18: 0.2, 19: 0.1}
    )
    extended10_effect: float = 1.2
    extended10_probability: float = 0.3
    up_consensus: str = "AAAWWTWTTTTNNAAAANNN"
    up_max_effect: float = 2.0
    up_threshold: float = 0.4
    up_probability: float = 0.4
    discriminator_gc_penalty: float = 0.25
    offset: float = 0.5
    vmax: float = 1000.0
    basal: float = 0.5
    noise_sigma: float = 0.5
    mutation_rate: float = 0.3

    @property
    def minus10_start(self) -> int:
        """0-based index of the first base of the −10 box (position −12)."""
        return self.tss_index - 12

    @property
    def discriminator_start(self) -> int:
        """0-based index of the first base of the discriminator (position −6)."""
        return self.tss_index - 6

    def minus35_start(self, spacer: int | np.ndarray) -> int | np.ndarray:
        """0-based index of the first base of the −35 box for a spacer length."""
        return self.minus10_start - spacer - 6

    def up_start(self, spacer: int | np.ndarray) -> int | np.ndarray:
        """0-based index of the first base of the UP element (2 nt gap to −35)."""
        return self.minus35_start(spacer) - 2 - len(self.up_consensus)


#: Mutation rate of the planted UP element (the boxes use ``PromoterModel.mutation_rate``).
UP_MUTATION_RATE: float = 0.2


def motif_table(model: PromoterModel | None = None) -> pd.DataFrame:
    """The planted motifs as a tidy table: one row per element and motif position.

    Positions are given relative to the transcription start site for the
    optimal 17-nt spacer (the −35 box and UP element shift with the spacer).

    Parameters
    ----------
    model : PromoterModel, optional
        Defaults to ``PromoterModel()``.

    Returns
    -------
    pandas.DataFrame
        Columns ``element``, ``motif_position`` (1-based), ``tss_position``,
        ``consensus_base`` and ``effect`` (the mismatch penalty for the boxes;
        the bonus of the whole element for the others).

    Examples
    --------
    >>> table = motif_table()
    >>> table.loc[table["element"] == "minus10", "consensus_base"].str.cat()
    'TATAAT'
    """
    model = model or PromoterModel()

    def tss_pos(index: int) -> int:
        return index - model.tss_index + (1 if index >= model.tss_index else 0)

    rows = []

    def add(element: str, start: int, consensus: str, effects) -> None:
        for j, (base, eff) in enumerate(zip(consensus, effects, strict=True)):
            rows.append((element, j + 1, tss_pos(start + j), base, eff))

    add(
        "up_element",
        model.up_start(17),
        model.up_consensus,
        [model.up_max_effect] * len(model.up_consensus),
    )
    add("minus35", model.minus35_start(17), model.minus35_consensus, model.minus35_penalties)
    ext = model.minus10_start - 3
    add("extended10", ext, "TG", [model.extended10_effect] * 2)
    add("minus10", model.minus10_start, model.minus10_consensus, model.minus10_penalties)
    add("discriminator", model.discriminator_start, "WWWWWW", [model.discriminator_gc_penalty] * 6)
    return pd.DataFrame(
        rows, columns=["element", "motif_position", "tss_position", "consensus_base", "effect"]
    )
