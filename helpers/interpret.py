"""Interpreting fitted sequence models: importance tables, motifs, mutagenesis.

The functions, in the order chapter 06 uses them:

``importance_table``               any importance vector -> ranked, tidy table
``restricted_permutation_importance``  permutation importance of chosen columns only
``planted_motifs``                 consensus of each planted element (from the simulator)
``map_kmers_to_motifs``            which planted element each k-mer belongs to
``motif_recovery``                 how well a ranking recovers the planted elements
``planted_spans``                  where the elements sit in one simulated promoter
``kmer_position_profile``          where in the sequences a k-mer occurs
``mutagenesis_scan``               predicted effect of every single-base substitution
``mutagenesis_matrix``             the scan as a (base x position) matrix for plotting

The k-mer -> motif rule
-----------------------
A k-mer *belongs* to an element if it can be aligned (same strand, no gaps)
to the element's consensus so that at least ``k - max_mismatches`` of its
bases agree with a specified consensus letter. IUPAC letters count as
agreeing with every base they stand for (``W`` = A or T; the table is
:data:`helpers.sequences.IUPAC`). ``N`` stands for any base, so agreeing with
it is no evidence: ``N`` positions and positions hanging over either end of
the element (at most ``max_mismatches`` bases) never count as agreeing, and a
k-mer must be supported by bases the element actually specifies. With the
default ``max_mismatches=1`` the 5-mer ``CTATA`` belongs to the −10 box
(``TATA`` agrees, ``C`` hangs over its left end), ``TGCTA`` to the extended
−10 (``TG.TA``), and ``GGCCC`` to nothing.
When a k-mer fits several elements, the one with the most agreeing bases
wins, ties going to the element listed first. :func:`map_kmers_to_motifs`
applied to all ``4**k`` k-mers gives the rate at which the rule assigns a
k-mer by chance, the baseline that every recovery score must beat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils import get_tags

from helpers.sequences import DNA, DNA_N, IUPAC, validate_sequence, validate_sequences

__all__ = [
    "IUPAC",
    "importance_table",
    "restricted_permutation_importance",
    "planted_motifs",
    "map_kmers_to_motifs",
    "motif_recovery",
    "planted_spans",
    "kmer_position_profile",
    "mutagenesis_scan",
    "mutagenesis_matrix",
    "shuffled_target_null",
    "null_p_value",
]


# ---------------------------------------------------------------------------
# importance tables
# ---------------------------------------------------------------------------


def _as_floats(values: Any, name: str) -> np.ndarray:
    """``values`` as a flat float array, or a ValueError naming ``name`` and the entry."""
    try:
        return np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as err:
        flat = np.asarray(values, dtype=object).ravel()
        for index, value in enumerate(flat):
            try:
                float(value)
            except (TypeError, ValueError):
                raise ValueError(
                    f"{name} must hold numbers, but entry {index} is {value!r}"
                ) from err
        raise ValueError(f"{name} must be a flat array of numbers: {err}") from err


def importance_table(
    importances: Sequence[float] | np.ndarray,
    feature_names: Sequence[str] | np.ndarray,
    *,
    std: Sequence[float] | np.ndarray | None = None,
    sort_by: str = "value",
    top: int | None = None,
) -> pd.DataFrame:
    """Rank features by an importance score, as a tidy table.

    Works for any score with one value per feature: a forest's
    ``feature_importances_``, the ``importances_mean`` of
    :func:`sklearn.inspection.permutation_importance`, or linear coefficients.

    Parameters
    ----------
    importances : array-like of shape (n_features,)
        One score per feature.
    feature_names : array-like of str, shape (n_features,)
        Names of the features, e.g. ``vectorizer.get_feature_names_out()``.
    std : array-like of shape (n_features,), optional
        Spread of each score (e.g. ``importances_std``), kept as column ``std``.
    sort_by : {"value", "abs"}, default="value"
        Rank by the score itself (importances, where negative means useless)
        or by its absolute value (signed coefficients).
    top : int, optional
        Keep only the ``top`` best-ranked features.

    Returns
    -------
    pandas.DataFrame
        Columns ``rank`` (1 = most important), ``feature``, ``importance``
        and, if given, ``std``; ties keep the input order.

    Raises
    ------
    ValueError
        If a score is not a number or not finite, the lengths differ,
        ``sort_by`` is unknown or ``top`` is not a positive integer.

    Examples
    --------
    >>> importance_table([0.1, -0.5, 0.3], ["AAT", "TTG", "GCC"], sort_by="abs")
       rank feature  importance
    0     1     TTG        -0.5
    1     2     GCC         0.3
    2     3     AAT         0.1
    """
    values = _as_floats(importances, "importances")
    names = np.asarray(feature_names, dtype=object).ravel()
    if values.shape != names.shape:
        raise ValueError(
            f"importances has {values.size} values but feature_names has {names.size} names"
        )
    if not np.all(np.isfinite(values)):
        bad = int(np.flatnonzero(~np.isfinite(values))[0])
        raise ValueError(f"importance of feature {names[bad]!r} (index {bad}) is not finite")
    if sort_by not in ("value", "abs"):
        raise ValueError(f"sort_by must be 'value' or 'abs', got {sort_by!r}")
    if top is not None and (not isinstance(top, int | np.integer) or top < 1):
        raise ValueError(f"top must be a positive integer, got {top!r}")
    key = np.abs(values) if sort_by == "abs" else values
    order = np.argsort(-key, kind="stable")
    if top is not None:
        order = order[:top]
    table = pd.DataFrame(
        {
            "rank": np.arange(1, order.size + 1),
            "feature": names[order].astype(str),
            "importance": values[order],
        }
    )
    if std is not None:
        spread = _as_floats(std, "std")
        if spread.shape != values.shape:
            raise ValueError(f"std has {spread.size} values, expected {values.size}")
        table["std"] = spread[order]
    return table


class _ColumnEmbedder(BaseEstimator):
    """Predict with ``estimator`` after writing the given columns into ``X_full``.

    ``permutation_importance`` shuffles one column of the matrix it is given;
    giving it only the candidate columns and embedding them back into the
    full (unshuffled) matrix shuffles just the candidates, row order intact.
    """

    def __init__(self, estimator: Any, X_full: np.ndarray, columns: np.ndarray) -> None:
        self.estimator = estimator
        self.X_full = X_full
        self.columns = columns

    def __sklearn_tags__(self):  # the wrapped estimator's tags
        return get_tags(self.estimator)

    def fit(self, X: Any, y: Any = None) -> _ColumnEmbedder:
        """Nothing to fit: the wrapped estimator is already fitted."""
        return self

    def _embed(self, X_candidates: np.ndarray) -> np.ndarray:
        X = self.X_full.copy()
        X[:, self.columns] = X_candidates
        return X

    def predict(self, X_candidates: np.ndarray) -> np.ndarray:
        return self.estimator.predict(self._embed(X_candidates))

    def score(self, X_candidates: np.ndarray, y: Any) -> float:
        return self.estimator.score(self._embed(X_candidates), y)


def restricted_permutation_importance(
    estimator: Any,
    X: Any,
    y: Sequence[float] | np.ndarray,
    columns: Sequence[int] | np.ndarray,
    *,
    n_repeats: int = 5,
    random_state: int = 0,
    scoring: str | Callable | None = None,
) -> pd.DataFrame:
    """Permutation importance of a subset of columns, via scikit-learn.

    Shuffling every one of thousands of k-mer columns costs one prediction
    per column and repeat; shuffling a shortlist of candidates gives the same
    numbers for those columns (each column is shuffled on its own, the
    others keep their values) at a fraction of the cost.

    Parameters
    ----------
    estimator : fitted estimator with ``predict``
        Takes the full feature matrix (not sequences).
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Held-out features (densified internally).
    y : array-like of shape (n_samples,)
        Held-out targets.
    columns : array-like of int
        Indices of the columns to shuffle.
    n_repeats : int, default=5
        Shuffles per column.
    random_state : int, default=0
        Seed of the shuffles.
    scoring : str or callable, optional
        As in :func:`sklearn.inspection.permutation_importance` (default: the
        estimator's ``score``, R² for regressors).

    Returns
    -------
    pandas.DataFrame
        One row per requested column, in the given order: ``column``,
        ``importance`` (mean drop of the score) and ``std``.

    Raises
    ------
    ValueError
        If ``columns`` is empty or holds an index outside ``X``.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> X = np.random.default_rng(0).normal(size=(200, 3))
    >>> y = 2 * X[:, 0]
    >>> model = LinearRegression().fit(X, y)
    >>> table = restricted_permutation_importance(model, X, y, [0, 2], n_repeats=3)
    >>> table["column"].tolist(), bool(table["importance"].iloc[0] > 1)
    ([0, 2], True)
    """
    from sklearn.inspection import permutation_importance

    X_full = X.toarray() if hasattr(X, "toarray") else np.asarray(X, dtype=float)
    X_full = np.array(X_full, dtype=float)
    cols = np.asarray(columns, dtype=int).ravel()
    if cols.size == 0:
        raise ValueError("columns is empty: give at least one column index to shuffle")
    if cols.min() < 0 or cols.max() >= X_full.shape[1]:
        bad = int(cols[(cols < 0) | (cols >= X_full.shape[1])][0])
        raise ValueError(f"column index {bad} is outside X, which has {X_full.shape[1]} columns")
    wrapper = _ColumnEmbedder(estimator, X_full, cols)
    result = permutation_importance(
        wrapper,
        X_full[:, cols],
        np.asarray(y, dtype=float),
        scoring=scoring,
        n_repeats=n_repeats,
        random_state=random_state,
    )
    return pd.DataFrame(
        {
            "column": cols,
            "importance": result.importances_mean,
            "std": result.importances_std,
        }
    )


# ---------------------------------------------------------------------------
# k-mers and the planted motifs
# ---------------------------------------------------------------------------


def planted_motifs(model: Any | None = None) -> dict[str, str]:
    """Consensus of each element planted by the simulator, for k-mer mapping.

    Parameters
    ----------
    model : helpers.simulate.PromoterModel, optional
        Defaults to the model behind the embedded dataset.

    Returns
    -------
    dict of str to str
        Element name to IUPAC consensus, most specific first (the order
        breaks ties in :func:`map_kmers_to_motifs`): the fixed-position
        ``minus10`` and ``extended10`` (``TG``, any base, then the −10 box,
        since a two-base element is shorter than any useful k-mer), then
        ``minus35`` and ``up_element`` (its trailing ``N`` removed). The discriminator is a
        GC-content penalty, not a motif, and is left out.

    Examples
    --------
    >>> planted_motifs()
    {'minus10': 'TATAAT', 'extended10': 'TGNTATAAT', 'minus35': 'TTGACA', 'up_element': 'AAAWWTWTTTTNNAAAA'}
    """
    from helpers.simulate import PromoterModel

    model = model or PromoterModel()
    return {
        "minus10": model.minus10_consensus,
        "extended10": "TGN" + model.minus10_consensus,
        "minus35": model.minus35_consensus,
        "up_element": model.up_consensus.rstrip("N"),
    }


def _check_consensus(name: str, consensus: str) -> str:
    consensus = consensus.upper()
    bad = sorted(set(consensus) - set(IUPAC))
    if not consensus or bad:
        raise ValueError(
            f"motif {name!r}: consensus {consensus!r} must be non-empty IUPAC letters "
            f"({''.join(IUPAC)}); found {bad}"
        )
    return consensus


def _supports(base: str, letter: str) -> bool:
    """Whether ``base`` is evidence for consensus ``letter``.

    It must be one of the bases the letter stands for, and the letter must be
    specified: ``N`` stands for every base, so agreeing with it says nothing
    (and overhang padding, ``-``, stands for none).
    """
    return letter != "N" and base in IUPAC.get(letter, "")


def _best_agreement(kmer: str, consensus: str, overhang: int) -> tuple[int, int]:
    """Most agreeing bases of ``kmer`` over all alignments, and that offset."""
    padded = "-" * overhang + consensus + "-" * overhang
    best, best_offset = -1, 0
    for offset in range(len(padded) - len(kmer) + 1):
        window = padded[offset : offset + len(kmer)]
        agree = sum(_supports(base, letter) for base, letter in zip(kmer, window, strict=True))
        if agree > best:
            best, best_offset = agree, offset - overhang
    return best, best_offset


def map_kmers_to_motifs(
    kmers: Iterable[str],
    motifs: Mapping[str, str] | None = None,
    *,
    max_mismatches: int = 1,
) -> pd.DataFrame:
    """Assign each k-mer to the planted element it is part of, if any.

    The rule is in the module docstring: a k-mer belongs to an element if at
    least ``len(kmer) - max_mismatches`` of its bases agree with the
    element's consensus in some gapless, same-strand alignment.

    Parameters
    ----------
    kmers : iterable of str
        K-mers (``ACGT``, any mix of lengths).
    motifs : mapping of str to str, optional
        Element name to IUPAC consensus; defaults to :func:`planted_motifs`.
        Earlier elements win ties.
    max_mismatches : int, default=1
        How many bases of a k-mer may disagree (or hang over an end).

    Returns
    -------
    pandas.DataFrame
        One row per k-mer, in input order: ``kmer``, ``element`` (the best
        element, or ``"none"``), ``mismatches`` (of that element, or the
        fewest over all elements if none qualifies), ``offset`` (0-based start
        of the k-mer relative to the element's first base; negative when it
        hangs over the left end) and ``also`` (other qualifying elements,
        comma-separated).

    Raises
    ------
    ValueError
        If a k-mer has a character other than A, C, G, T, a consensus is
        not IUPAC, or ``max_mismatches`` is negative.

    Examples
    --------
    >>> map_kmers_to_motifs(["TATAAT", "CTATA", "TGCTA", "GGCCC"])  # doctest: +NORMALIZE_WHITESPACE
         kmer     element  mismatches  offset                   also
    0  TATAAT     minus10           0       0  extended10,up_element
    1   CTATA     minus10           1      -1  extended10,up_element
    2   TGCTA  extended10           1       0
    3   GGCCC        none           3       0
    """
    if not isinstance(max_mismatches, int | np.integer) or max_mismatches < 0:
        raise ValueError(f"max_mismatches must be a non-negative integer, got {max_mismatches!r}")
    motifs = planted_motifs() if motifs is None else motifs
    checked = {name: _check_consensus(name, cons) for name, cons in motifs.items()}
    rows = []
    for kmer in validate_sequences(list(kmers), alphabet=DNA, what="k-mer"):
        scores = {
            name: _best_agreement(kmer, cons, max_mismatches) for name, cons in checked.items()
        }
        qualifying = [n for n, (agree, _) in scores.items() if len(kmer) - agree <= max_mismatches]
        if qualifying:
            best = max(qualifying, key=lambda n: scores[n][0])  # first of equals wins
            agree, offset = scores[best]
            also = ",".join(n for n in qualifying if n != best)
        else:
            best, also = "none", ""
            agree = max((a for a, _ in scores.values()), default=0)
            offset = 0
        rows.append((kmer, best, len(kmer) - agree, offset, also))
    return pd.DataFrame(rows, columns=["kmer", "element", "mismatches", "offset", "also"])


def motif_recovery(
    ranking: pd.DataFrame,
    kmer_map: pd.DataFrame,
    *,
    top: int = 20,
    elements: Sequence[str] = ("minus35", "minus10"),
) -> dict[str, float]:
    """Score a feature ranking against the planted elements.

    Parameters
    ----------
    ranking : pandas.DataFrame
        Output of :func:`importance_table` (columns ``rank``, ``feature``).
    kmer_map : pandas.DataFrame
        Output of :func:`map_kmers_to_motifs` for *all* candidate features
        (the whole vocabulary), which also gives the chance rate.
    top : int, default=20
        How many best-ranked features count.
    elements : sequence of str, default=("minus35", "minus10")
        Elements whose recovery is reported one by one.

    Returns
    -------
    dict
        ``precision``: fraction of the ``top`` features that belong to any
        planted element; ``chance``: the same fraction over the whole
        vocabulary; ``enrichment``: their ratio; for each element ``e``,
        ``found_e`` (1.0 if one of the ``top`` features belongs to it, else
        0.0) and ``rank_e`` (rank of its best-ranked k-mer, ``nan`` if absent).

    Raises
    ------
    ValueError
        If a ranked feature is missing from ``kmer_map``, ``top`` < 1, or the
        ranking has fewer than ``top`` features.

    Examples
    --------
    >>> kmap = map_kmers_to_motifs(["TATAA", "GGCCC", "TTGAC", "CCCGG"])
    >>> ranking = importance_table([0.5, 0.2, 0.1, 0.0], kmap["kmer"])
    >>> motif_recovery(ranking, kmap, top=2)["precision"]
    0.5
    """
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    if len(ranking) < top:
        raise ValueError(
            f"the ranking has only {len(ranking)} features, fewer than top={top}; "
            "rank more features (e.g. a longer permutation shortlist) or lower top"
        )
    lookup = kmer_map.set_index("kmer")["element"]
    missing = sorted(set(ranking["feature"]) - set(lookup.index))
    if missing:
        raise ValueError(
            f"{len(missing)} ranked features are not in kmer_map (e.g. {missing[:3]}); "
            "map the whole vocabulary"
        )
    head = ranking.nsmallest(top, "rank")
    found = lookup.loc[head["feature"]].to_numpy()
    precision = float(np.mean(found != "none"))
    chance = float(np.mean(lookup.to_numpy() != "none"))
    result = {
        "precision": precision,
        "chance": chance,
        "enrichment": precision / chance if chance > 0 else float("nan"),
    }
    all_elements = lookup.loc[ranking["feature"]].to_numpy()
    for element in elements:
        result[f"found_{element}"] = float(element in set(found))
        hits = ranking["rank"].to_numpy()[all_elements == element]
        result[f"rank_{element}"] = float(hits.min()) if hits.size else float("nan")
    return result


def planted_spans(element_row: Mapping[str, Any] | pd.Series) -> dict[str, tuple[int, int]]:
    """Where each element was planted in one promoter of the embedded dataset.

    Parameters
    ----------
    element_row : pandas.Series or mapping
        One row of ``data/ground_truth_elements.csv`` (see
        :func:`helpers.io.load_ground_truth`).

    Returns
    -------
    dict of str to (int, int)
        Element name to 0-based ``(start, stop)`` (stop exclusive), for the
        elements present in this promoter: ``up_element`` (only if planted),
        ``minus35``, ``extended10`` (only if its ``TG`` is there),
        ``minus10`` and ``discriminator``.

    Raises
    ------
    ValueError
        If a needed column is missing (the message lists them).

    Examples
    --------
    >>> row = {"up_planted": False, "up_start": 23, "minus35_start": 45,
    ...        "extended10_tg": True, "minus10_start": 68}
    >>> planted_spans(row)
    {'minus35': (45, 51), 'extended10': (65, 67), 'minus10': (68, 74), 'discriminator': (74, 80)}
    """
    needed = ["up_planted", "up_start", "minus35_start", "extended10_tg", "minus10_start"]
    missing = [c for c in needed if c not in element_row]
    if missing:
        raise ValueError(
            f"element_row lacks columns {missing}; pass a row of ground_truth_elements.csv"
        )
    m10 = int(element_row["minus10_start"])
    spans: dict[str, tuple[int, int]] = {}
    if bool(element_row["up_planted"]):
        up = int(element_row["up_start"])
        spans["up_element"] = (up, up + 20)
    m35 = int(element_row["minus35_start"])
    spans["minus35"] = (m35, m35 + 6)
    if bool(element_row["extended10_tg"]):
        spans["extended10"] = (m10 - 3, m10 - 1)
    spans["minus10"] = (m10, m10 + 6)
    spans["discriminator"] = (m10 + 6, m10 + 12)
    return spans


def kmer_position_profile(sequences: Iterable[str], kmers: Iterable[str]) -> pd.DataFrame:
    """Count, for each k-mer, how often it starts at each position.

    A k-mer that a model finds important because of a planted element piles
    up at that element's positions; one that is important by accident is
    spread evenly over the sequence.

    Parameters
    ----------
    sequences : iterable of str
        Sequences (any lengths; overlapping occurrences all count; case is
        ignored).
    kmers : iterable of str
        The k-mers to locate (case is ignored).

    Returns
    -------
    pandas.DataFrame
        Index: the k-mers, as given; columns: 0-based start positions up to
        the longest sequence; values: number of sequences with the k-mer there.

    Raises
    ------
    ValueError
        If a sequence or k-mer is not a string (e.g. a missing value, NaN),
        a k-mer is empty, or either has a character other than A, C, G, T
        (and ``N`` in sequences), in either case; the message of
        :func:`helpers.sequences.validate_sequences` names the row.

    Examples
    --------
    >>> kmer_position_profile(["AATAA", "TAATA"], ["TAA", "AAT"])
         0  1  2  3  4
    TAA  1  0  1  0  0
    AAT  1  1  0  0  0
    """
    seqs = validate_sequences(
        sequences if isinstance(sequences, pd.Series) else list(sequences),
        alphabet=DNA_N,
        ignore_case=True,
        allow_empty=True,
    )
    seqs = [seq.upper() for seq in seqs]
    kmers = validate_sequences(list(kmers), alphabet=DNA, ignore_case=True, what="k-mer")
    width = max((len(s) for s in seqs), default=0)
    counts = np.zeros((len(kmers), width), dtype=int)
    for i, kmer in enumerate(kmers):
        upper = kmer.upper()
        for seq in seqs:
            start = seq.find(upper)
            while start != -1:
                counts[i, start] += 1
                start = seq.find(upper, start + 1)
    return pd.DataFrame(counts, index=pd.Index(kmers), columns=range(width))


# ---------------------------------------------------------------------------
# in-silico saturation mutagenesis
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# shuffled-target nulls
# ---------------------------------------------------------------------------


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
    target = _as_floats(y, "y")
    if target.size < 2 or not np.all(np.isfinite(target)):
        raise ValueError("y must hold at least 2 finite values to shuffle")
    if not isinstance(n_shuffles, int | np.integer) or n_shuffles < 1:
        raise ValueError(f"n_shuffles must be a positive integer, got {n_shuffles!r}")
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
