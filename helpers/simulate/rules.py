"""The simulator's rules: the log transcription rate of a promoter, read off its bases.

Model (natural-log units of transcription rate, all effects additive)::

    E = offset
        - sum of mismatch penalties in the −10 box     (Harley & Reynolds 1987)
        - sum of mismatch penalties in the −35 box     (Kinney et al. 2010)
        + spacer effect (17 nt best)                   (Hook-Barnard & Hinton 2007)
        + extended −10 'TG' bonus                      (Hook-Barnard & Hinton 2007)
        + UP element bonus, scaled by its AT match     (Ross et al. 1993; Estrem et al. 1998)
        - discriminator GC penalty                     (Haugen et al. 2006)

The parameters are :class:`~helpers.simulate.model.PromoterModel`'s; the
saturating readout and the noisy replicates that follow are in
:mod:`helpers.simulate.library`. Sequences are base codes
(:mod:`helpers.core.alphabet`).
"""

from __future__ import annotations

import numpy as np

from helpers.core.alphabet import DNA, iupac_codes
from helpers.simulate.model import PromoterModel

__all__ = ["log_rate"]

_A, _C, _G, _T = range(4)


def _segment(codes: np.ndarray, start: np.ndarray | int, width: int) -> np.ndarray:
    """The ``width`` codes of each row from its own ``start`` (one start or one per row)."""
    n, length = codes.shape
    row_start = np.arange(n, dtype=np.int64) * length + np.asarray(start, dtype=np.int64)
    return codes.ravel().take(row_start[:, None] + np.arange(width))


def _match_fraction(segments: np.ndarray, consensus: str) -> np.ndarray:
    """Fraction of the specified consensus positions a segment of codes matches.

    ``N`` positions are left out: every base matches them, so they say nothing.
    """
    matches = iupac_codes(consensus)
    scored = [j for j, letter in enumerate(consensus) if letter != "N"]
    hits = np.zeros(segments.shape[0])
    for j in scored:
        hits += np.isin(segments[:, j], matches[j])
    return hits / len(scored)


def _penalty(segments: np.ndarray, consensus: str, penalties: tuple[float, ...]) -> np.ndarray:
    """Sum of mismatch penalties of each segment of codes against an ACGT consensus."""
    target = np.array([DNA.index(b) for b in consensus])
    return (segments != target).astype(float) @ np.asarray(penalties)


def _effects(codes: np.ndarray, spacer: np.ndarray, model: PromoterModel) -> dict[str, np.ndarray]:
    """Every rule of the model (module docstring) read off the sequences' codes."""
    up_match = _match_fraction(
        _segment(codes, model.up_start(spacer), len(model.up_consensus)), model.up_consensus
    )
    m35 = _segment(codes, model.minus35_start(spacer), 6)
    m10 = codes[:, model.minus10_start : model.minus10_start + 6]
    lengths = np.array(sorted(model.spacer_effects))
    effects = np.array([model.spacer_effects[s] for s in lengths])
    ext = model.minus10_start - 3
    ext_tg = (codes[:, ext] == _T) & (codes[:, ext + 1] == _G)
    disc = codes[:, model.discriminator_start : model.tss_index]
    return {
        "up_match": up_match,
        "effect_up": model.up_max_effect
        * np.clip((up_match - model.up_threshold) / (1 - model.up_threshold), 0, 1),
        "effect_minus35": -_penalty(m35, model.minus35_consensus, model.minus35_penalties),
        "effect_minus10": -_penalty(m10, model.minus10_consensus, model.minus10_penalties),
        "effect_spacer": effects[np.searchsorted(lengths, spacer)],
        "extended10_tg": ext_tg,
        "effect_extended10": model.extended10_effect * ext_tg,
        "effect_discriminator": -model.discriminator_gc_penalty
        * ((disc == _C) | (disc == _G)).sum(axis=1),
    }


def _total(effects: dict[str, np.ndarray], model: PromoterModel) -> np.ndarray:
    """The log-rate ``E``: the effects summed in one fixed order."""
    total = model.offset + effects["effect_up"] + effects["effect_minus35"]
    total = total + effects["effect_minus10"] + effects["effect_spacer"]
    return total + effects["effect_extended10"] + effects["effect_discriminator"]


def log_rate(
    codes: np.ndarray, spacer: np.ndarray, model: PromoterModel | None = None
) -> np.ndarray:
    """Log transcription rate of promoters given as base codes (the simulator's model).

    Parameters
    ----------
    codes : numpy.ndarray of shape (n, model.length)
        Base codes, 0-3 for A, C, G, T (:mod:`helpers.core.alphabet`).
    spacer : numpy.ndarray of shape (n,)
        Spacer length of each promoter (where its −35 box and UP element sit).
    model : PromoterModel, optional
        Defaults to ``PromoterModel()``.

    Returns
    -------
    numpy.ndarray of shape (n,)
        The log-rate ``E`` of the module docstring (before saturation).

    Examples
    --------
    >>> m = PromoterModel()
    >>> codes = np.zeros((1, m.length), dtype=np.uint8)  # poly-A
    >>> float(np.round(log_rate(codes, np.array([17]), m), 3)[0])
    -7.111
    """
    model = model or PromoterModel()
    return _total(_effects(np.asarray(codes), np.asarray(spacer), model), model)
