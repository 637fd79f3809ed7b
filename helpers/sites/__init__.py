"""σ70 sites in any sequence: the site model, the scanner, the finder and the parts it cuts.

``helpers.sites.model``   the site geometry (``SPACERS``, ``BOX``, ``EXT``), ``SiteWeights``,
                          ``consensus_weights``
``helpers.sites.scan``    ``encode_codes`` (padded base codes) and the scoring of every placement
``helpers.sites.finder``  ``find_sites`` (the best site of each sequence), ``site_agreement``
``helpers.sites.parts``   ``parts_from_sites`` (La Fleur's six parts), ``aligned_parts``

The model fitted on these scans, :class:`~helpers.estimators.latent_sites.LatentSiteRegressor`,
lives with the estimators; :mod:`helpers.transfer` exports both, as chapter 11 imports them.
"""

from __future__ import annotations

from helpers.sites.finder import find_sites, site_agreement
from helpers.sites.model import BOX, EXT, SPACERS, SiteWeights, consensus_weights
from helpers.sites.parts import ALIGNED_LAYOUT, PART_NAMES, aligned_parts, parts_from_sites
from helpers.sites.scan import encode_codes

__all__ = [
    "ALIGNED_LAYOUT",
    "BOX",
    "EXT",
    "PART_NAMES",
    "SPACERS",
    "SiteWeights",
    "aligned_parts",
    "consensus_weights",
    "encode_codes",
    "find_sites",
    "parts_from_sites",
    "site_agreement",
]
