"""Former location of :mod:`noneq.phase_coexistence.plots`, kept for old imports."""
from .phase_coexistence.plots import *  # noqa: F401,F403
from .phase_coexistence.plots import __all__  # noqa: F401
