"""Tests of helpers.core.checks: declared parameter constraints and the one message format."""

from __future__ import annotations

import re

import pytest

from helpers.core.checks import check_params, integers, numbers


def test_check_params_rules():
    rules = {"n": [integers(1)], "tol": [numbers(0, None, closed="neither")], "x": None}
    check_params("f", {"n": 3, "tol": 0.5, "x": object()}, rules)
    for params, message in [
        ({"n": True}, "f: n must be an int in the range [1, inf), got True"),
        ({"tol": float("inf")}, "f: tol must be a float in the range (0.0, inf), got inf"),
        ({"tol": float("nan")}, "f: tol must be a float in the range (0.0, inf), got nan"),
    ]:
        with pytest.raises(ValueError, match=re.escape(message)) as err:
            check_params("f", params, rules)
        assert str(err.value) == message
