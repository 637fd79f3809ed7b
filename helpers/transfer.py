"""Models meant to transfer: a σ70 site finder and a latent-placement promoter model.

A model trained on one promoter library is usually used on sequences from
somewhere else: another lab's library, another plasmid context, a genome.
Chapter 11 measures how the book's models transfer from La Fleur et al.
(2022) to seven other *E. coli* libraries with the tools this module
gathers (the import path the chapters use). They live in:

``helpers.sites.model``                the site geometry (``SPACERS``, ``BOX``, ``EXT``),
                                       ``SiteWeights``, ``consensus_weights``
``helpers.sites.scan``                 ``encode_codes``: padded base codes of any lengths
``helpers.sites.finder``               ``find_sites`` (−35 box, spacer, −10 box of any
                                       sequence), ``site_agreement``
``helpers.sites.parts``                ``parts_from_sites`` (La Fleur's six parts),
                                       ``aligned_parts`` (chapter 07's features of them)
``helpers.estimators.latent_sites``    ``LatentSiteRegressor``: placements summed as a
                                       partition function, with a saturation floor
"""

from __future__ import annotations

import helpers.sites as _sites
from helpers.estimators.latent_sites import LatentSiteRegressor
from helpers.sites import *  # noqa: F403  (every public name of helpers.sites)

__all__ = [*_sites.__all__, "LatentSiteRegressor"]
