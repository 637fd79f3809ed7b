"""The core layer: what every other module shares.

``helpers.core.alphabet``  the one byte-code table (DNA text <-> uint8 base codes)
``helpers.core.checks``    one declarative way to check parameters (scikit-learn's constraints)
``helpers.core.arrays``    the one "must contain numbers" check for arrays
"""
