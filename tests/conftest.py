"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest


@pytest.fixture
def write(tmp_path):
    """Write text (or bytes) to a file in a temporary folder and return its path.

    Text is written as UTF-8 exactly as given (no newline translation), so a
    test controls byte-order marks, separators and line ends.
    """

    def _write(name: str, content: str | bytes):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return path

    return _write
