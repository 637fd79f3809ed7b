"""The one byte-code table: DNA text <-> small integer codes.

Fast code paths (k-mer counting, one-hot encoding, site scanning, the
simulator) work on ``uint8`` arrays of base codes rather than on strings.
The letters and their meaning come from :mod:`helpers.sequences` (``DNA``,
``IUPAC``); this module holds the one mapping between bytes and codes:

=========  ====  =============================================
letter     code  note
=========  ====  =============================================
``A``      0     the order of ``DNA``: A, C, G, T
``C``      1
``G``      2
``T``      3
``N``      4     :data:`N_CODE`; a base that could not be called
other      255   :data:`BAD_CODE`; not a DNA letter
=========  ====  =============================================

Lower-case letters map to the same codes as upper-case ones.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from helpers.sequences import DNA, DNA_N, IUPAC

__all__ = [
    "BAD_CODE",
    "BYTE_TO_CODE",
    "CODE_TO_BYTE",
    "DNA",
    "DNA_N",
    "IUPAC",
    "N_CODE",
    "codes_to_strings",
    "encode_codes",
    "iupac_codes",
]

#: Code of ``N`` (any base, unknown).
N_CODE: int = 4
#: Code of every byte that is not a DNA letter.
BAD_CODE: int = 255


def _byte_table() -> bytes:
    table = bytearray([BAD_CODE]) * 256
    for code, base in enumerate(DNA_N):
        table[ord(base)] = code
        table[ord(base.lower())] = code
    return bytes(table)


#: ``bytes.translate`` table: byte -> base code (ACGT any case -> 0..3, N -> 4, else 255).
BYTE_TO_CODE: bytes = _byte_table()

#: ASCII byte of each code 0..4 (``CODE_TO_BYTE[codes]`` turns codes back into text bytes).
CODE_TO_BYTE: np.ndarray = np.frombuffer(DNA_N.encode("ascii"), dtype=np.uint8).copy()
CODE_TO_BYTE.setflags(write=False)


def encode_codes(text: str | bytes) -> np.ndarray:
    """Base codes of one sequence (or of several joined), as a 1-D ``uint8`` array.

    Letters outside ``ACGTN`` (either case) become :data:`BAD_CODE`;
    validating is the caller's job (:func:`helpers.sequences.validate_sequences`).

    Parameters
    ----------
    text : str or bytes
        DNA text; characters beyond Latin-1 are bad codes too.

    Returns
    -------
    numpy.ndarray of uint8

    Examples
    --------
    >>> encode_codes("ACgtNx").tolist()
    [0, 1, 2, 3, 4, 255]
    """
    if isinstance(text, str):
        raw = text.encode("latin-1", errors="replace")  # '?' is a bad code
    else:
        raw = bytes(text)
    return np.frombuffer(raw.translate(BYTE_TO_CODE), dtype=np.uint8)


def codes_to_strings(codes: np.ndarray) -> list[str]:
    """Turn a 2-D array of base codes (0..4) back into one string per row.

    Examples
    --------
    >>> codes_to_strings(np.array([[0, 1, 2, 3], [3, 3, 4, 0]], dtype=np.uint8))
    ['ACGT', 'TTNA']
    """
    codes = np.asarray(codes)
    if codes.ndim != 2:
        raise ValueError(f"codes_to_strings: codes must be 2-D, got {codes.ndim} dimension(s)")
    if codes.size and int(codes.max()) > N_CODE:
        raise ValueError(f"codes_to_strings: codes must be 0..{N_CODE}, got {int(codes.max())}")
    n, width = codes.shape
    text = CODE_TO_BYTE[codes.astype(np.intp, copy=False)].tobytes().decode("ascii")
    return [text[i * width : (i + 1) * width] for i in range(n)]


def iupac_codes(consensus: Iterable[str]) -> list[np.ndarray]:
    """For each IUPAC letter of a consensus, the codes of the bases it stands for.

    The bases come in the order :data:`helpers.sequences.IUPAC` lists them,
    which is the order of ``DNA`` (so ``N`` gives ``[0, 1, 2, 3]``).

    Examples
    --------
    >>> [c.tolist() for c in iupac_codes("AWN")]
    [[0], [0, 3], [0, 1, 2, 3]]
    """
    out = []
    for letter in consensus:
        if letter not in IUPAC:
            raise ValueError(
                f"iupac_codes: letter must be one of {''.join(sorted(IUPAC))!r}, got {letter!r}"
            )
        out.append(np.array([DNA.index(b) for b in IUPAC[letter]], dtype=np.intp))
    return out
