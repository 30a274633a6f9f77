"""Former name of :mod:`noneq.ising_chain.plots` (schematics and the T₂ slider panels)."""

from noneq.ising_chain.plots import *  # noqa: F403
from noneq.ising_chain.plots import __all__  # noqa: F401
