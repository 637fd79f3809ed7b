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


#: The box planted in :func:`planted_box_table`'s sequences, at position 10.
PLANTED_BOX = "TATAAT"


@pytest.fixture
def planted_box_table():
    """Make a toy coursework table: random sequences, half with a planted box.

    ``make(n=90, length=30, seed=0)`` returns columns ``id``, ``sequence`` and
    ``target``; the target is 2 where :data:`PLANTED_BOX` is planted at
    position 10, plus normal noise of sd 0.2 (used by the coursework tests).
    """
    import numpy as np
    import pandas as pd

    def make(n: int = 90, length: int = 30, seed: int = 0) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        seqs = ["".join(rng.choice(list("ACGT"), length)) for _ in range(n)]
        planted = rng.random(n) < 0.5
        seqs = [
            s[:10] + PLANTED_BOX + s[16:] if p else s for s, p in zip(seqs, planted, strict=True)
        ]
        target = 2.0 * planted + rng.normal(0, 0.2, n)
        return pd.DataFrame({"id": [f"s{i}" for i in range(n)], "sequence": seqs, "target": target})

    return make


@pytest.fixture
def offline(monkeypatch):
    """No network and no ``SEQ2EXPR_DATA_DIR``: the shipped copies are what is read.

    The published-data tests use it for every test
    (``pytestmark = pytest.mark.usefixtures("offline")``).
    """
    import socket

    from helpers.data.registry import ENV_VAR

    def refuse(*args, **kwargs):
        raise OSError("network access blocked by the test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture
def no_downloads(monkeypatch):
    """Fail the test if anything tries to download."""
    import pooch

    def forbidden(*args, **kwargs):
        raise AssertionError("a download was attempted")

    monkeypatch.setattr(pooch, "retrieve", forbidden)


@pytest.fixture
def shipped_copy():
    """``require(*names)``: the shipped copy of each file (``data/real/NAME.gz``).

    Skips the test when one is missing, and the reason names the missing files;
    returns the path of the first name.
    """
    from helpers.data.registry import SHIPPED_DIR

    def require(*names: str):
        paths = [SHIPPED_DIR / f"{name}.gz" for name in names]
        missing = [f"data/real/{path.name}" for path in paths if not path.is_file()]
        if missing:
            pytest.skip(f"missing shipped file(s): {', '.join(missing)}")
        return paths[0] if paths else None

    return require


#: Rows and rows per shard of the ``shards`` fixture.
N_SHARDED, SHARD_ROWS = 2_500, 500


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    """Five Parquet shards of 500 simulated promoters each (seed 2022), written once per module."""
    from helpers.scale import write_promoter_shards

    return write_promoter_shards(
        tmp_path_factory.mktemp("shards"), N_SHARDED, shard_size=SHARD_ROWS, scheduler="synchronous"
    )


@pytest.fixture
def planted_site_library():
    """Make random promoters with a planted σ70 site whose strength sets the target.

    ``make(n, seed, flank_left=10, flank_right=20)`` returns ``(sequences, y)``:
    0-6 consensus bases of TTGACA/TATAAT planted in a 29-nt core between random
    flanks; ``y`` is minus the number planted plus noise of sd 0.3 (the
    many-library tests).
    """
    import numpy as np

    def make(n: int, seed: int, flank_left: int = 10, flank_right: int = 20):
        """Random promoters with a planted σ70 site whose strength sets the target."""
        rng = np.random.default_rng(seed)
        seqs, y = [], []
        for _ in range(n):
            core = list(rng.choice(list("ACGT"), 6 + 17 + 6))
            strength = rng.integers(0, 7)
            consensus = "TTGACA" + "N" * 17 + "TATAAT"
            matched = rng.choice(np.r_[0:6, 23:29], size=strength, replace=False)
            for position in matched:
                core[position] = consensus[position]
            left = "".join(rng.choice(list("ACGT"), flank_left))
            right = "".join(rng.choice(list("ACGT"), flank_right))
            seqs.append(left + "".join(core) + right)
            y.append(-float(strength) + rng.normal(0, 0.3))
        return seqs, np.array(y)

    return make


@pytest.fixture
def two_site_libraries(planted_site_library):
    """Two planted-site libraries on different scales and with different flanks.

    Returns ``(sequences, y, library)``: 150 rows each; library ``b`` has
    longer flanks and its target is ``10 + 5 y``.
    """
    import numpy as np

    a, ya = planted_site_library(150, 0)
    b, yb = planted_site_library(150, 1, flank_left=30, flank_right=40)
    return a + b, np.r_[ya, 10.0 + 5.0 * yb], ["a"] * 150 + ["b"] * 150
