"""Tests of helpers.core.alphabet: the one byte-code table."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.core.alphabet import codes_to_strings, encode_codes, iupac_codes


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="ACGTN", min_size=5, max_size=5), min_size=1, max_size=8))
def test_codes_round_trip(seqs):
    codes = encode_codes("".join(seqs)).reshape(len(seqs), 5)
    assert codes_to_strings(codes) == seqs
    assert encode_codes("".join(seqs).lower()).tolist() == codes.ravel().tolist()


def test_codes_bad_input():
    assert encode_codes("AXé-").tolist() == [0, 255, 255, 255]
    for call, message in [
        (
            lambda: codes_to_strings(np.array([[0, 255]], dtype=np.uint8)),
            "codes_to_strings: codes must be 0..4, got 255",
        ),
        (
            lambda: codes_to_strings(np.array([0, 1])),
            "codes_to_strings: codes must be 2-D, got 1 dimension(s)",
        ),
        (
            lambda: iupac_codes("AX"),
            "iupac_codes: letter must be one of 'ABCDGHKMNRSTVWY', got 'X'",
        ),
    ]:
        with pytest.raises(ValueError, match=re.escape(message)):
            call()
