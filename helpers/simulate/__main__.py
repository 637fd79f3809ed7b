"""``python -m helpers.simulate --out data``: write the embedded dataset (see :mod:`helpers.simulate.dataset`)."""

from helpers.simulate.dataset import main

main()
