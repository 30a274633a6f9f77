"""Non-equilibrium liquid-gas coexistence in a boundary-driven diffusive system.

Discrete fluctuating hydrodynamics of S. Sasa and N. Nakagawa, *Non-equilibrium
phase coexistence in boundary-driven diffusive systems* (J. Stat. Phys.):
a ring of ``N`` boxes with densities ``rho_i``, a battery of voltage ``phi`` on
the bond ``N -> 1`` and a double-well free energy, in units where the box
length is ``Lambda = 1`` (so ``kappa`` below is the paper's ``kappa_Lambda``).

Model (numbers are the paper's equations)::

    mu(rho)       = (rho - 0.5)(rho - 1.5)(rho - 2.5)                      (6.1)
    mu~_i         = mu(rho_i) - kappa (rho_{i+1} + rho_{i-1} - 2 rho_i)     (2.12)
    j_i           = -sigma(rho^m_i) (mu~_{i+1} - mu~_i - phi delta_{i,N})
                    + sqrt(2 sigma(rho^m_i) T_eff) xi_i                      (2.10)
    d rho_i / dt  = -(j_i - j_{i-1})                                         (2.8)

with ``sigma(rho) = rho`` and ``rho^m_i = (rho_i + rho_{i+1}) / 2``. The noisy
dynamics is integrated with the stochastic Heun scheme (the same Gaussian
increment in predictor and corrector, drawn from the package's xoshiro256**
stream); the update is a discrete divergence of bond fluxes, so the total mass
is conserved to rounding. The noiseless steady state is found by relaxation
followed by Newton's method on the stationarity equations with the mass
constraint.

Modules
-------
model
    mu, mu' and the right-hand side of eqs. 2.8-2.12, written once and inlined
    into every kernel; the public model functions; initial profiles.
theory
    coexistence (eq. 2.16), X_eq (eq. 2.18), mu^I from eq. 4.22 and eqs. 2.39-2.43.
interface
    mu^I and X^I of a profile (eqs. 6.3-6.4).
steady
    noiseless stationary profiles and the noiseless mu^I scan.
noisy
    stochastic Heun runs and the parallel scan over (kappa, run).
_kernels
    the compiled integrators.
results
    result containers and their statistics (via :mod:`noneq.stats`).
variational
    eq. 3.39 / 4.9 on the lattice, the selected pinned state, the family of
    pinned states and their saddle-node in kappa;
continuation
    pseudo-arclength continuation of the stationary states in kappa, through the
    saddle-node onto the unstable branch, with mu^I and the leading eigenvalue;
figures
    one settings object per figure, frozen, with ci/book/paper variants (``FIG7.at("paper")``);
runs
    each figure computed from its settings (:func:`run_fig7`, ...);
plots
    the chapter's figures (matplotlib; import ``noneq.phase_coexistence.plots``);
cli
    the command line ``python -m noneq.phase_coexistence fig6|fig7|fig8|rho-bar
    [--scale ci|book|paper] [--seed N]``, which prints the settings it runs.
"""

from .cli import main
from .continuation import (
    BifurcationResult,
    Branch,
    Fold,
    continuation_fold,
    continue_branch,
    run_bifurcation,
    stable_state_count,
)
from .figures import BIFURCATION, FIG6, FIG7, FIG8, FIGURES, LARGE_N, RHO_BAR, FigureSettings
from .interface import HopStatistics, domain_offsets, hop_statistics, interface_chemical_potential, series_offsets
from .model import (
    INITS,
    MU_C,
    RHO_G,
    RHO_L,
    SIGMA_G,
    SIGMA_L,
    currents,
    drho_dt,
    free_energy_density,
    initial_profile,
    max_stable_dt,
    mu,
    mu_tilde,
    pressure,
    stationary_current,
)
from .noisy import interface_scan, simulate, simulate_dimensional, standard_normal
from .results import ScanResult, SimulationResult, SteadyScanResult, SteadyStateInfo, batch_means
from .runs import run_fig6, run_fig7, run_fig8, run_rho_bar
from .steady import steady_state, steady_state_scan
from .theory import (
    coexistence,
    interface_chemical_potential_fixed_x,
    interface_chemical_potential_theory,
    selected_state_theory,
    x_eq,
)
from .variational import (
    fold_point,
    phase_averages,
    pinned_family,
    pinned_state,
    selected_phase_averages,
    selected_steady_state,
    variational_function,
)

__all__ = [
    "RHO_G",
    "RHO_L",
    "MU_C",
    "SIGMA_G",
    "SIGMA_L",
    "INITS",
    "mu",
    "free_energy_density",
    "pressure",
    "mu_tilde",
    "currents",
    "drho_dt",
    "coexistence",
    "x_eq",
    "stationary_current",
    "interface_chemical_potential",
    "domain_offsets",
    "hop_statistics",
    "series_offsets",
    "HopStatistics",
    "interface_chemical_potential_theory",
    "interface_chemical_potential_fixed_x",
    "selected_state_theory",
    "initial_profile",
    "steady_state",
    "max_stable_dt",
    "SimulationResult",
    "simulate",
    "simulate_dimensional",
    "ScanResult",
    "interface_scan",
    "batch_means",
    "standard_normal",
    "steady_state_scan",
    "main",
    "SteadyStateInfo",
    "SteadyScanResult",
    "FigureSettings",
    "FIG6",
    "FIG7",
    "FIG8",
    "RHO_BAR",
    "BIFURCATION",
    "LARGE_N",
    "FIGURES",
    "run_fig6",
    "run_fig7",
    "run_fig8",
    "run_rho_bar",
    "variational_function",
    "pinned_state",
    "selected_steady_state",
    "pinned_family",
    "fold_point",
    "phase_averages",
    "selected_phase_averages",
    "Branch",
    "Fold",
    "continue_branch",
    "continuation_fold",
    "stable_state_count",
    "BifurcationResult",
    "run_bifurcation",
]
