"""DNA sequences: the alphabet, the IUPAC table, reverse complement and the one validator.

Every module of ``helpers`` takes these from here:

``DNA``, ``DNA_N``          the four bases ``ACGT``, and the same plus ``N``
``IUPAC``                   IUPAC letter -> the bases it stands for
``reverse_complement``      one sequence, read from the other strand
``validate_sequences``      check many sequences; raise one uniform error
``validate_sequence``       the same for one sequence

What ``N`` means
----------------
There is one table, and in it ``N`` stands for *any base*:
``IUPAC["N"] == "ACGT"``. The two places ``N`` occurs read that one meaning
in the way their task needs:

- **In a consensus or motif** (``helpers.simulate``, ``helpers.interpret``)
  an ``N`` position is satisfied by every base. The simulator therefore plants
  a random base there. Because every base satisfies it, an ``N`` position
  carries no evidence: scores of how well a site matches a motif count only
  the *specified* positions (``simulate.rules._match_fraction``,
  ``interpret.map_kmers_to_motifs``), and a k-mer is never assigned to a motif
  on the strength of its ``N`` positions.
- **In a sequence** (data: reads, promoters) an ``N`` is a base that could
  not be called: it may be any base, so it is *unknown*. Features that need
  the actual base leave it out rather than guess: k-mers that touch an ``N``
  are not counted (``KmerVectorizer``, ``kmer_counts``, and so the k-mer sets
  of ``evaluation.similarity_groups``), one-hot encoding gives it
  ``n_value`` in all four columns, and GC content ignores it.

The validator
-------------
One function checks sequences, and every error it raises has one format: the
place (``source`` file, ``row`` label, ``column``), what is wrong, and how
many rows share the problem, for example::

    row 's2', column 'seq': invalid character 'X' at position 2 (0-based);
    allowed: 'ACGTN'. 1 of 2 sequences have invalid characters.

Checks run in this order, each over all rows, and the first failing one
raises: not a string (missing values named), empty, invalid character,
wrong length.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import pandas as pd

__all__ = [
    "DNA",
    "DNA_N",
    "IUPAC",
    "reverse_complement",
    "validate_sequence",
    "validate_sequences",
]

#: The four DNA bases, in the order of k-mer columns and one-hot blocks.
DNA: str = "ACGT"

#: The four bases plus ``N`` (a base that could not be called).
DNA_N: str = "ACGTN"

#: IUPAC nucleotide letters and the bases each stands for (``N``: any base;
#: see the module docstring for how consensus matching and features use it).
IUPAC: Mapping[str, str] = MappingProxyType(
    {
        "A": "A",
        "C": "C",
        "G": "G",
        "T": "T",
        "R": "AG",
        "Y": "CT",
        "S": "CG",
        "W": "AT",
        "K": "GT",
        "M": "AC",
        "B": "CGT",
        "D": "AGT",
        "H": "ACT",
        "V": "ACG",
        "N": "ACGT",
    }
)

_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _describe(value: Any) -> str:
    """How a non-string value is named in messages."""
    if _is_missing(value):
        return "a missing value"
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{type(value).__name__} {shown}"


class _Place:
    """Builds the 'where' prefix of every message: ``file: row 'x', column 'c'``."""

    def __init__(
        self,
        labels: Sequence[Any] | None,
        column: str | None,
        source: str | os.PathLike | None,
        what: str,
    ) -> None:
        self.labels = labels
        self.column = column
        self.source = source
        self.what = what

    def __call__(self, row: int) -> str:
        parts = []
        if self.labels is None:  # a single sequence: no row
            parts.append(self.what)
        else:
            parts.append(f"row {self.labels[row]!r}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        where = ", ".join(parts)
        return f"{os.fspath(self.source)}: {where}" if self.source is not None else where


def _first_invalid(seq: str, allowed: frozenset[str]) -> tuple[int, str]:
    return next((i, c) for i, c in enumerate(seq) if c not in allowed)


def _check(
    values: list[Any],
    place: _Place,
    *,
    alphabet: str,
    ignore_case: bool,
    allow_empty: bool,
    length: int | None,
) -> list[str]:
    """All checks; ``place.labels is None`` means one sequence (no counts in messages)."""
    n = len(values)
    what = place.what
    single = place.labels is None

    def share(count: int, problem: str) -> str:
        return "" if single else f" {count} of {n} {what}s {problem}."

    not_str = [i for i, v in enumerate(values) if not isinstance(v, str)]
    if not_str:
        i = not_str[0]
        raise ValueError(
            f"{place(i)}: expected a {what} string, got {_describe(values[i])}."
            + share(len(not_str), "are not strings")
        )
    seqs = [str(v) for v in values]  # str subclasses such as numpy.str_ -> str

    if not allow_empty:
        empty = [i for i, s in enumerate(seqs) if not s]
        if empty:
            if single:
                raise ValueError(f"{place(0)}: empty {what}.")
            labels = [place.labels[i] for i in empty]
            raise ValueError(
                f"{place(empty[0])}: empty {what} ({len(empty)} of {n} {what}s are "
                f"empty: {labels[:10]})."
            )

    allowed_chars = alphabet + (alphabet.lower() + alphabet.upper() if ignore_case else "")
    delete = str.maketrans("", "", allowed_chars)
    invalid = [i for i, s in enumerate(seqs) if s.translate(delete)]
    if invalid:
        i = invalid[0]
        position, char = _first_invalid(seqs[i], frozenset(allowed_chars))
        case = " (either case)" if ignore_case else ""
        hint = ""
        if not ignore_case and char.upper() in alphabet:
            hint = f" Upper-case the {what}s first" + (
                " (or use clean_sequences)." if what == "sequence" else "."
            )
        raise ValueError(
            f"{place(i)}: invalid character {char!r} at position {position} (0-based); "
            f"allowed: {alphabet!r}{case}." + share(len(invalid), "have invalid characters") + hint
        )

    if length is not None:
        wrong = [i for i, s in enumerate(seqs) if len(s) != length]
        if wrong:
            i = wrong[0]
            raise ValueError(
                f"{place(i)}: length {len(seqs[i])}, expected {length}."
                + share(len(wrong), "have another length")
            )
    return seqs


def validate_sequences(
    seqs: pd.Series | Iterable[Any],
    *,
    alphabet: str = DNA_N,
    ignore_case: bool = False,
    allow_empty: bool = False,
    length: int | None = None,
    ids: Iterable[Any] | None = None,
    column: str | None = None,
    source: str | os.PathLike | None = None,
    what: str = "sequence",
) -> list[str]:
    """Check sequences and raise one uniform error naming row, position and character.

    Parameters
    ----------
    seqs : pandas.Series or iterable
        The sequences. A Series' index labels the rows in messages; otherwise
        rows are numbered from 0.
    alphabet : str, default="ACGTN"
        The allowed characters (``DNA`` for the four bases only).
    ignore_case : bool, default=False
        Accept ``alphabet`` in lowercase too. When False, a lowercase base is
        invalid and the message suggests upper-casing.
    allow_empty : bool, default=False
        Accept empty strings.
    length : int, optional
        If given, every sequence must have exactly this length.
    ids : iterable, optional
        Row labels for messages (for example ``df["id"]``), overriding the
        Series index.
    column : str, optional
        Column name for messages.
    source : str or path, optional
        File the sequences came from, put first in messages.
    what : str, default="sequence"
        What one item is called in messages (e.g. ``"k-mer"``).

    Returns
    -------
    list of str
        The sequences, unchanged (as plain ``str``).

    Raises
    ------
    ValueError
        On the first problem, in this order: a value that is not a string
        (missing values are named as such), an empty sequence, an invalid
        character, a wrong length. The message names the row (and the file and
        column if given), the character and its 0-based position, and how many
        rows share the problem.

    Examples
    --------
    >>> validate_sequences(["ACGT", "ACNT"])
    ['ACGT', 'ACNT']
    >>> validate_sequences(["ACGT", "ACXT"], ids=["s1", "s2"], column="seq", source="mine.csv")
    Traceback (most recent call last):
    ...
    ValueError: mine.csv: row 's2', column 'seq': invalid character 'X' at position 2 (0-based); allowed: 'ACGTN'. 1 of 2 sequences have invalid characters.
    >>> validate_sequences(["acgt", None], ignore_case=True)
    Traceback (most recent call last):
    ...
    ValueError: row 1: expected a sequence string, got a missing value. 1 of 2 sequences are not strings.
    """
    if isinstance(seqs, str | bytes):
        raise ValueError(
            f"expected a list, array or Series of {what}s, got a single "
            f"{type(seqs).__name__}; wrap it in a list"
        )
    if isinstance(seqs, pd.Series):
        values = seqs.tolist()
        labels = list(seqs.index)
    else:
        values = list(seqs)
        labels = list(range(len(values)))
    if ids is not None:
        labels = list(ids)
        if len(labels) != len(values):
            raise ValueError(f"ids has {len(labels)} labels for {len(values)} {what}s")
    place = _Place(labels, column, source, what)
    return _check(
        values,
        place,
        alphabet=alphabet,
        ignore_case=ignore_case,
        allow_empty=allow_empty,
        length=length,
    )


def validate_sequence(
    seq: Any,
    *,
    alphabet: str = DNA_N,
    ignore_case: bool = False,
    allow_empty: bool = False,
    what: str = "sequence",
) -> str:
    """Check one sequence (see :func:`validate_sequences`); messages name no row.

    Examples
    --------
    >>> validate_sequence("acgt", alphabet="ACGT", ignore_case=True)
    'acgt'
    >>> validate_sequence("ATX", alphabet="ACGT", ignore_case=True)
    Traceback (most recent call last):
    ...
    ValueError: sequence: invalid character 'X' at position 2 (0-based); allowed: 'ACGT' (either case).
    >>> validate_sequence(["ACGT"])
    Traceback (most recent call last):
    ...
    ValueError: expected one sequence as a str, got list
    """
    if not isinstance(seq, str):
        raise ValueError(f"expected one {what} as a str, got {type(seq).__name__}")
    place = _Place(None, None, None, what)
    return _check(
        [seq],
        place,
        alphabet=alphabet,
        ignore_case=ignore_case,
        allow_empty=allow_empty,
        length=None,
    )[0]


def reverse_complement(seq: str) -> str:
    """Reverse complement of a DNA sequence (case is kept, ``N`` stays ``N``).

    Raises
    ------
    ValueError
        If ``seq`` is not a ``str`` (e.g. a list of sequences) or contains a
        character other than A, C, G, T, N (either case).

    Examples
    --------
    >>> reverse_complement("AACGTN")
    'NACGTT'
    >>> reverse_complement("acgT")
    'Acgt'
    >>> reverse_complement(["ACGT"])
    Traceback (most recent call last):
    ...
    ValueError: expected one sequence as a str, got list; for several sequences use [reverse_complement(s) for s in seqs]
    """
    if not isinstance(seq, str):
        raise ValueError(
            f"expected one sequence as a str, got {type(seq).__name__}; for several "
            "sequences use [reverse_complement(s) for s in seqs]"
        )
    validate_sequence(seq, alphabet=DNA_N, ignore_case=True, allow_empty=True)
    return str(seq).translate(_COMPLEMENT)[::-1]
