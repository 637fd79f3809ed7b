"""Tests of helpers.coursework.settings: the template's settings for the shipped files.

Each entry names a registered file and is a TableSpec whose columns are in that
file's header (the template itself runs on them in ``tests/test_own_data.py``).
"""

from __future__ import annotations

import gzip

import pytest

from helpers.coursework.settings import TEMPLATE_SETTINGS
from helpers.data.registry import REGISTRY, SHIPPED_DIR
from helpers.data.table import TableSpec


def test_every_setting_names_a_registered_file():
    assert set(TEMPLATE_SETTINGS) <= set(REGISTRY)
    assert all(isinstance(spec, TableSpec) for spec in TEMPLATE_SETTINGS.values())


@pytest.mark.parametrize("name", list(TEMPLATE_SETTINGS))
def test_named_columns_are_in_the_shipped_header(name):
    path = SHIPPED_DIR / f"{name}.gz"
    if not path.is_file():
        pytest.skip(f"missing shipped file: data/real/{name}.gz")
    spec = TEMPLATE_SETTINGS[name]
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        first = handle.readline().rstrip("\n")
    if not spec.header:
        assert len(first.split("\t")) > max(spec.sequence_col, spec.target_col)
        return
    columns = first.split(",")
    named = [spec.sequence_col, spec.target_col] + ([spec.id_col] if spec.id_col else [])
    assert set(named) <= set(columns), (named, columns)
