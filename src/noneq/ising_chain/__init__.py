"""Stochastic thermodynamics of the Ising chain and the symmetric exclusion process.

Reproduces R. Toral, C. Van den Broeck, D. Escaff and K. Lindenberg, *Stochastic
thermodynamics for Ising chain and symmetric exclusion process* (arXiv:1611.08188).
Equation numbers refer to that paper; ``eps`` is the coupling ε and ``k = 1`` throughout.

Model
-----
``M`` spins ``s_1 .. s_M``; ``H = -(ε/2) Σ s_i s_{i+1} = (ε/2) Σ ℓ_i`` with link
variables ``ℓ_i = -s_i s_{i+1}`` (eq. 1). The particle picture uses
``τ_i = (1 + ℓ_i)/2`` on ``L = M - 1`` links. One update trial (Appendix I) picks a
node uniformly; node 1 (M) redraws ``s_1`` (``s_M``) from the heat bath at ``T1``
(``T2``), which sets ``τ_1 = 1`` (``τ_L = 1``) with probability ``p_1`` (``p_2``) of
eq. (5) whatever its previous value; an inner node flips when its neighbours are
opposite, which in the particle picture swaps ``τ_{i-1}`` and ``τ_i`` (a hop, or
nothing when both are equal). One Monte Carlo step (MCS) is ``M`` trials.

Conventions
-----------
* Spin configurations are integers whose bit ``i-1`` is set iff ``s_i = +1``.
* Link/particle configurations are integers whose bit ``i-1`` is ``τ_i``.
* ``T2 = numpy.inf`` is allowed everywhere and enters only through ``1/T2 = 0``.
* Heat ``Q_i`` is the energy *taken from* reservoir ``B_i`` (the words of the paper
  and of eq. 7); it is counted in quanta ``n_i`` of ε, so ``Q_i = ε n_i``. The bath
  entropy change is ``ΔS_bath = -Q_1/T_1 - Q_2/T_2`` (eq. 19 with the sign of
  ``Q_1`` made consistent, see the errata of the chapter).
* The total entropy production of one run of ``t`` MCS started from the
  stationary state is ``ΔS = ΔS_bath + ln P_st(s(0)) - ln P_st(s(t))`` (Sec. IV).
  The laws of ΔS take ``contribution="total"`` (default), ``"bath"`` or
  ``"system"`` to give one of the two terms instead, with the same bins;
  :func:`~noneq.ising_chain.exact.entropy_production_joint` gives the joint law
  of the heat quanta and the system term.
* Exact laws are not renormalised: their mass is one up to rounding, which checks
  the propagation.

Layout
------
:mod:`~noneq.ising_chain.theory`
    closed formulas: eqs. 5, 8-9, 45, 47, 50-51, 81-83.
:mod:`~noneq.ising_chain.correlations`
    the exact two-point function of the links and the variance of the energy.
:mod:`~noneq.ising_chain.mpa`
    the matrix product ansatz (eqs. 63-75) evaluated exactly.
:mod:`~noneq.ising_chain.stationary`
    stationary distribution (ansatz or master equation), energy distribution.
:mod:`~noneq.ising_chain.exact`
    exact law of ΔS.
:mod:`~noneq.ising_chain.montecarlo`
    the sampler of Appendix I.
:mod:`~noneq.ising_chain.checks`
    fluctuation-theorem residual and χ² test of a computed law of ΔS (a module
    of its own because it serves the exact law and the sampler alike).
:mod:`~noneq.ising_chain.large_deviations`
    the one-site system, eqs. 20-36.
:mod:`~noneq.ising_chain.iteration`
    the paper's iteration for the stationary distribution (eqs. 76-80).
:mod:`~noneq.ising_chain.lumping`
    the Ising <-> SSEP mapping of the generators (lumpability onto links, eq. 4).
:mod:`~noneq.ising_chain.tilted`
    current statistics of the chain in discrete and in continuous time, from
    the Perron root of one tilted transition matrix.
:mod:`~noneq.ising_chain.engine`
    efficiency at maximum power, eqs. 10-17 and 52-62.
:mod:`~noneq.ising_chain.results`, :mod:`~noneq.ising_chain.figures`
    result dataclasses; settings of Figs. 3-6 at the ci/book/paper scales.
``_kernels`` and ``_mpa_kernels``
    the compiled kernels (ΔS propagation and sampling in one file, so that the
    ΔS formula they share is written once; the ansatz in the other).
:mod:`~noneq.ising_chain.plots`
    the chapter's drawings (Figs. 1-2, the T2 slider panels); imports matplotlib,
    so it is not loaded with the package (former name ``noneq.ising_chain_plots``).
``cli`` (run by ``__main__``)
    ``python -m noneq.ising_chain fig3|fig4|fig5|fig6|efficiency|currents [--scale ...] [--seed N]``.

The long computations (the sampler, the exact propagation, the large levels of
the ansatz) run in compiled chunks of well under a second, so that ``SIGINT``
("Interrupt kernel") stops them, and check their memory before allocating.

Every name is importable from ``noneq.ising_chain`` as before the split. ``A0``
and ``main`` are loaded on first access.
"""

from __future__ import annotations

from ._common import M_MAX_ENERGY, M_MAX_EXACT, M_MAX_FULL, M_MAX_MC, M_MAX_SOLVE, N_CHUNKS
from .checks import chi2_test, fluctuation_theorem_residual, fluctuation_theorem_slope
from .correlations import (
    canonical_energy_variance,
    energy_variance,
    energy_variance_ratio_limit,
    gaussian_total_variation,
    link_covariance,
)
from .engine import (
    curzon_ahlborn,
    efficiency,
    efficiency_at_max_power,
    efficiency_series,
    optimal_affinities,
    power,
)
from .exact import (
    energy_distribution,
    entropy_production_atoms,
    entropy_production_distribution,
    entropy_production_exact,
    entropy_production_joint,
    stationary_distribution,
    stationary_tau_distribution,
)
from .figures import CURRENTS, DYNAMICS, EFFICIENCY, FIG3, FIG4, FIG5, FIG6, FIGURES
from .iteration import IterationResult, stationary_by_iteration
from .large_deviations import (
    large_deviation_function,
    one_site_current_distribution,
    scaled_cumulant_generating_function,
)
from .lumping import link_labels, lump, spin_rate_matrix, ssep_rate_matrix
from .montecarlo import simulate
from .mpa import link_profile
from .results import (
    Chi2Result,
    EfficiencySeries,
    ExactEntropyProduction,
    FluctuationTheoremResidual,
    FluctuationTheoremSlope,
    SimulationResult,
)
from .theory import (
    conductivity,
    effective_energy_distribution,
    effective_temperature,
    heat_current,
    insertion_probabilities,
    linear_response_current,
    link_profile_theory,
    mean_bath_entropy_production,
    particle_current,
    temperature_profile,
)
from .tilted import current_ldf, current_scgf, tilted_trial_matrices

__all__ = [
    "insertion_probabilities",
    "particle_current",
    "heat_current",
    "link_profile",
    "link_profile_theory",
    "temperature_profile",
    "conductivity",
    "linear_response_current",
    "effective_temperature",
    "effective_energy_distribution",
    "link_covariance",
    "energy_variance",
    "canonical_energy_variance",
    "energy_variance_ratio_limit",
    "gaussian_total_variation",
    "stationary_distribution",
    "stationary_tau_distribution",
    "energy_distribution",
    "entropy_production_distribution",
    "entropy_production_atoms",
    "entropy_production_exact",
    "entropy_production_joint",
    "mean_bath_entropy_production",
    "simulate",
    "scaled_cumulant_generating_function",
    "one_site_current_distribution",
    "large_deviation_function",
    "power",
    "efficiency",
    "optimal_affinities",
    "efficiency_at_max_power",
    "efficiency_series",
    "chi2_test",
    "curzon_ahlborn",
    "main",
    # added with the split into a subpackage
    "fluctuation_theorem_residual",
    "fluctuation_theorem_slope",
    "FluctuationTheoremSlope",
    "SimulationResult",
    "ExactEntropyProduction",
    "FluctuationTheoremResidual",
    "EfficiencySeries",
    "Chi2Result",
    "stationary_by_iteration",
    "IterationResult",
    "spin_rate_matrix",
    "ssep_rate_matrix",
    "link_labels",
    "lump",
    "tilted_trial_matrices",
    "current_scgf",
    "current_ldf",
    "FIG3",
    "FIG4",
    "FIG5",
    "FIG6",
    "EFFICIENCY",
    "CURRENTS",
    "DYNAMICS",
    "FIGURES",
    "A0",
    "M_MAX_FULL",
    "M_MAX_SOLVE",
    "M_MAX_EXACT",
    "M_MAX_MC",
    "M_MAX_ENERGY",
    "N_CHUNKS",
]


def __getattr__(name):
    # PEP 562: A0 needs scipy.optimize and main needs argparse; neither is paid at import
    if name == "A0":
        from .engine import a0

        return a0()
    if name == "main":
        from .cli import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"A0", "main"})
