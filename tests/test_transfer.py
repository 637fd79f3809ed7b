"""Tests of helpers.transfer: the import path the chapters use re-exports each name from its home."""

from __future__ import annotations

import importlib

import pytest

import helpers.transfer

HOMES = {
    "helpers.sites.model": ["BOX", "EXT", "SPACERS", "SiteWeights", "consensus_weights"],
    "helpers.sites.scan": ["encode_codes"],
    "helpers.sites.finder": ["find_sites", "site_agreement"],
    "helpers.sites.parts": ["ALIGNED_LAYOUT", "PART_NAMES", "aligned_parts", "parts_from_sites"],
    "helpers.estimators.latent_sites": ["LatentSiteRegressor"],
}


@pytest.mark.parametrize("home", sorted(HOMES))
def test_every_name_is_its_home_object(home):
    module = importlib.import_module(home)
    for name in HOMES[home]:
        assert getattr(helpers.transfer, name) is getattr(module, name), name


def test_all_lists_exactly_the_re_exported_names():
    assert sorted(helpers.transfer.__all__) == sorted(n for names in HOMES.values() for n in names)
