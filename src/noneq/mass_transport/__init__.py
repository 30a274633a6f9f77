"""Stochastic mass transport on graphs: flux balance and the chemical potential.

Reproduces the mass transport models of K. Martens and E. Bertin, arXiv 1106.5652 ("Influence of
flux balance on the generalized chemical potential in mass transport models"):

* continuous masses on a directed graph; from site ``i`` holding mass ``m`` a mass
  ``mu`` leaves towards ``j`` at rate density ``w_ij v(mu) f_i(m - mu) / f_i(m)``
  (eqs. 2 and 12) with ``v = 1`` and ``f_i(m) = m**(eta_i - 1)``;
* the zero range process (``v(mu) = delta(mu - 1)``, integer masses, ``f = 1``)
  on the same graphs (Sec. 3.4).

Rates, exactly
--------------
With ``v = 1`` and ``f_i(m) = m**(eta_i - 1)`` the total departure rate density
integrates to ``int_0^m (1 - mu/m)**(eta_i - 1) dmu = m / eta_i`` per unit of
link weight, and the moved fraction ``x = mu / m`` has the density
``eta_i (1 - x)**(eta_i - 1)``, i.e. ``x ~ Beta(1, eta_i)``; equivalently the
mass left behind is ``m U**(1/eta_i)`` with ``U`` uniform. A site of total
out-weight ``W_i = sum_j w_ij`` therefore fires at rate ``W_i m_i / eta_i`` and
sends its packet to ``j`` with probability ``w_ij / W_i``. The probe of the
paper (``f = 1``) and the three-branch model with ``phi = 1`` are ``eta = 1``.

Modules
-------
``graphs``      ring, ring + probe, three branches (CSR graphs), the disordered exponents of Fig. 3
``_gillespie``  the exact event-driven kernel (8-ary prefix-sum tree) and its helpers
``dynamics``    :func:`simulate` (blocks, seeds, time averages) and :func:`stationary_masses` (eq. 3)
``theory``      eqs. 7-8, 11, 17-18, 19-23 and 32-35, the conservation baseline of eq. (14)
``zrp``         exact partition functions of the ZRP: global vs local chemical potentials (eqs. 23-26)
``relaxation``  the probe's relaxation time: :func:`fit_relaxation`, :func:`fit_power_law`,
                :func:`probe_relaxation` (Fig. 5 at the paper's probe size)
``windows``     eq. (14) on windows at the start, middle and end of each branch (Fig. 6)
``models``      the paper's runs: :func:`simulate_ring`, :func:`simulate_ring_probe`,
                :func:`simulate_three_branch`, :func:`simulate_zrp_three_branch`
``results``     the result records
``figures``     settings of Figs. 3, 5, 6, 7, the ZRP section, the rings of Sec. 2 and the slider
                at the ci/book/paper scales
``plots``       the schematics of Figs. 1, 2, 4 and the data figures 3, 6, 7 (matplotlib; not imported here:
                ``from noneq.mass_transport import plots``)
``cli``         the command line ``python -m noneq.mass_transport ring|fig3|fig5|fig6|fig7|zrp|gamma_eta``

Everything public is importable from here: ``from noneq import mass_transport as mt``.
"""

from __future__ import annotations

from .cli import main
from .dynamics import simulate, stationary_masses
from .figures import BRANCH_LAW, FIG3, FIG5, FIG6, FIG7, FIGURES, GAMMA_ETA, PROBE_TAU, RING, ZRP, FigureSettings
from .graphs import BRANCHES, Graph, attach_probe, random_eta, ring_graph, sinusoidal_eta, three_branch_graph
from .models import simulate_ring, simulate_ring_probe, simulate_three_branch
from .relaxation import (
    PowerLawFit,
    ProbeEstimates,
    ProbeRelaxation,
    RelaxationFit,
    fit_power_law,
    fit_relaxation,
    probe_estimates,
    probe_relaxation,
    probe_tau_advective,
)
from .results import RingProbeResult, RingResult, Run, ThreeBranchResult, ThreeBranchTheory, ZRPResult
from .theory import (
    alpha_theory,
    flux_theory,
    g_conservation_baseline,
    lambda_ring,
    probe_branch_lambda,
    three_branch_theory,
    zrp_densities,
    zrp_fugacities,
)
from .windows import POSITIONS, WindowResult, ring_windows, three_branch_windows
from .zrp import simulate_zrp_three_branch, zrp_amplitudes, zrp_chemical_potentials, zrp_log_partition

__all__ = [
    "Graph",
    "Run",
    "ring_graph",
    "attach_probe",
    "three_branch_graph",
    "simulate",
    "stationary_masses",
    "lambda_ring",
    "flux_theory",
    "alpha_theory",
    "three_branch_theory",
    "probe_branch_lambda",
    "g_conservation_baseline",
    "three_branch_windows",
    "fit_relaxation",
    "fit_power_law",
    "probe_relaxation",
    "probe_tau_advective",
    "probe_estimates",
    "RelaxationFit",
    "PowerLawFit",
    "ProbeRelaxation",
    "ProbeEstimates",
    "ring_windows",
    "WindowResult",
    "POSITIONS",
    "zrp_fugacities",
    "zrp_densities",
    "zrp_log_partition",
    "zrp_amplitudes",
    "zrp_chemical_potentials",
    "sinusoidal_eta",
    "random_eta",
    "simulate_ring",
    "simulate_ring_probe",
    "simulate_three_branch",
    "simulate_zrp_three_branch",
    "ThreeBranchResult",
    "RingProbeResult",
    "ZRPResult",
    "RingResult",
    "ThreeBranchTheory",
    "BRANCHES",
    "FigureSettings",
    "RING",
    "FIG3",
    "FIG5",
    "FIG6",
    "FIG7",
    "ZRP",
    "GAMMA_ETA",
    "PROBE_TAU",
    "BRANCH_LAW",
    "FIGURES",
    "main",
]
