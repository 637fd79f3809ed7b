"""The planted motifs and the k-mers that belong to them.

``planted_motifs``         consensus of each planted element (from the simulator)
``map_kmers_to_motifs``    which planted element each k-mer belongs to
``motif_recovery``         how well a ranking recovers the planted elements
``planted_spans``          where the elements sit in one simulated promoter
``kmer_position_profile``  where in the sequences a k-mer occurs

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

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.core.checks import check_params, integers
from helpers.sequences import DNA, DNA_N, IUPAC, validate_sequences

__all__ = [
    "kmer_position_profile",
    "map_kmers_to_motifs",
    "motif_recovery",
    "planted_motifs",
    "planted_spans",
]


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
    check_params(
        "map_kmers_to_motifs", {"max_mismatches": max_mismatches}, {"max_mismatches": [integers(0)]}
    )
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
    >>> from helpers.interpret.importance import importance_table
    >>> kmap = map_kmers_to_motifs(["TATAA", "GGCCC", "TTGAC", "CCCGG"])
    >>> ranking = importance_table([0.5, 0.2, 0.1, 0.0], kmap["kmer"])
    >>> motif_recovery(ranking, kmap, top=2)["precision"]
    0.5
    """
    check_params("motif_recovery", {"top": top}, {"top": [integers(1)]})
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
