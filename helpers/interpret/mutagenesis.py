"""In-silico saturation mutagenesis: the predicted effect of every single-base substitution.

``mutagenesis_scan``    predicted effect of every single-base substitution
``mutagenesis_matrix``  the scan as a (base x position) matrix for plotting
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.sequences import DNA, validate_sequence

__all__ = ["mutagenesis_matrix", "mutagenesis_scan"]


def mutagenesis_scan(pipeline: Any, sequence: str, *, alphabet: str = DNA) -> pd.DataFrame:
    """Predict the effect of every single-base substitution of a sequence.

    In-silico saturation mutagenesis: every position is changed to every
    other base, all variants are predicted in one call, and each prediction
    is compared to that of the unchanged sequence.

    Parameters
    ----------
    pipeline : fitted estimator
        Anything whose ``predict`` takes a list of sequence strings and
        returns one number per sequence, e.g. a ``Pipeline`` of an encoder
        and a regressor.
    sequence : str
        The sequence to scan, any length, letters from ``alphabet`` in either
        case (it is upper-cased).
    alphabet : str, default="ACGT"
        Bases to substitute.

    Returns
    -------
    pandas.DataFrame
        One row per substitution, ``len(sequence) * (len(alphabet) - 1)``
        rows: ``position`` (0-based), ``ref``, ``alt``, ``prediction`` and
        ``effect`` (prediction minus that of the reference sequence). The
        reference prediction is in ``.attrs["reference_prediction"]``.

    Raises
    ------
    ValueError
        If ``sequence`` is not a non-empty string of ``alphabet`` letters (the
        message names the character and its position), or the pipeline does
        not return one finite prediction per variant.

    Examples
    --------
    >>> class CountT:
    ...     def predict(self, seqs):
    ...         return np.array([s.count("T") for s in seqs], dtype=float)
    >>> scan = mutagenesis_scan(CountT(), "AT")
    >>> scan[["position", "ref", "alt", "effect"]]
       position ref alt  effect
    0         0   A   C     0.0
    1         0   A   G     0.0
    2         0   A   T     1.0
    3         1   T   A    -1.0
    4         1   T   C    -1.0
    5         1   T   G    -1.0
    >>> mutagenesis_scan(CountT(), "ATX")
    Traceback (most recent call last):
    ...
    ValueError: sequence: invalid character 'X' at position 2 (0-based); allowed: 'ACGT' (either case).
    """
    alphabet = alphabet.upper()
    seq = validate_sequence(sequence, alphabet=alphabet, ignore_case=True).upper()
    positions, refs, alts, variants = [], [], [], []
    for i, ref in enumerate(seq):
        for alt in alphabet:
            if alt != ref:
                positions.append(i)
                refs.append(ref)
                alts.append(alt)
                variants.append(seq[:i] + alt + seq[i + 1 :])
    predictions = np.asarray(pipeline.predict([seq, *variants]), dtype=float).ravel()
    if predictions.size != len(variants) + 1:
        raise ValueError(
            f"pipeline.predict returned {predictions.size} values for {len(variants) + 1} "
            "sequences; it must return one prediction per sequence"
        )
    if not np.all(np.isfinite(predictions)):
        bad = np.flatnonzero(~np.isfinite(predictions))
        i = int(bad[0]) - 1  # index into the variants; -1 is the reference
        which = (
            "the reference sequence"
            if i < 0
            else (f"the variant {refs[i]}>{alts[i]} at position {positions[i]}")
        )
        raise ValueError(
            f"pipeline.predict returned {predictions[i + 1]} for {which}: "
            f"{bad.size} of {predictions.size} predictions are NaN or infinite. "
            "Check that the pipeline was fitted on finite targets."
        )
    reference = float(predictions[0])
    scan = pd.DataFrame(
        {
            "position": positions,
            "ref": refs,
            "alt": alts,
            "prediction": predictions[1:],
            "effect": predictions[1:] - reference,
        }
    )
    scan.attrs["reference_prediction"] = reference
    scan.attrs["sequence"] = seq
    return scan


def mutagenesis_matrix(scan: pd.DataFrame, *, alphabet: str = DNA) -> pd.DataFrame:
    """Reshape a scan into a (base x position) matrix of effects.

    Parameters
    ----------
    scan : pandas.DataFrame
        Output of :func:`mutagenesis_scan`.
    alphabet : str, default="ACGT"
        Row order.

    Returns
    -------
    pandas.DataFrame
        Rows: bases; columns: positions; values: the predicted effect of
        changing that position to that base (0 for the reference base).

    Examples
    --------
    >>> class CountT:
    ...     def predict(self, seqs):
    ...         return np.array([s.count("T") for s in seqs], dtype=float)
    >>> mutagenesis_matrix(mutagenesis_scan(CountT(), "AT"))
    position    0    1
    A         0.0 -1.0
    C         0.0 -1.0
    G         0.0 -1.0
    T         1.0  0.0
    """
    required = {"position", "alt", "effect"}
    if not required <= set(scan.columns):
        raise ValueError(f"scan needs columns {sorted(required)}, got {list(scan.columns)}")
    matrix = scan.pivot(index="alt", columns="position", values="effect")
    matrix = matrix.reindex(index=list(alphabet.upper())).fillna(0.0)
    matrix.index.name = None
    return matrix
