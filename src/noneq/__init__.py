"""noneq: numerical reproductions of three papers in non-equilibrium statistical physics.

The package backs the Jupyter Book in ``book/``. One module per model family:

* :mod:`noneq.mass_transport` -- stochastic mass transport, flux balance and the
  non-equilibrium chemical potential (arXiv 1106.5652);
* :mod:`noneq.phase_coexistence` -- boundary-driven phase coexistence in discrete
  fluctuating hydrodynamics (Sasa & Nakagawa);
* :mod:`noneq.ising_chain` -- stochastic thermodynamics of the Ising chain and the
  symmetric exclusion process (Toral, Van den Broeck, Escaff & Lindenberg).

Shared infrastructure: :mod:`noneq.scale` (work sizes), :mod:`noneq.rng` (seeding),
:mod:`noneq.validate` (parameter checks), :mod:`noneq.style` (plot style),
:mod:`noneq.sliders` (live and precomputed parameter sliders) and
:mod:`noneq.progress` (progress bars).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
