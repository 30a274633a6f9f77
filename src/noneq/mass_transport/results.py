"""Result records of the mass transport simulations and of the flux-balance theory.

Field names follow the package convention: ``seconds`` for wall-clock time,
``events`` for event counts, ``n_blocks`` for block counts and ``*_err`` for
standard errors. The older spelling ``wall`` stays readable as a property, and
records that used to be dictionaries (:class:`RingResult`,
:class:`ThreeBranchTheory`) still answer ``r["key"]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..records import ItemAccess
from .graphs import Graph

__all__ = ["Run", "RingResult", "RingProbeResult", "ThreeBranchTheory", "ThreeBranchResult", "ZRPResult"]


class _WallAlias:
    """``wall``: the older name of ``seconds``."""

    @property
    def wall(self) -> float:
        """Wall-clock seconds (older name of ``seconds``)."""
        return self.seconds


@dataclass
class Run(_WallAlias):
    """Output of :func:`noneq.mass_transport.simulate`.

    Attributes
    ----------
    times : ndarray (n_blocks,)
        End time of each block (measured from the start of the run).
    region_mean, region_sq : ndarray (n_blocks, n_regions)
        Time averages of each region's mass and of its square over each block.
    region_end : ndarray (n_blocks, n_regions)
        Region masses at the end of each block.
    site_mean : ndarray or None
        Time-averaged mass of every site over the whole run (``track_sites``).
    flow : ndarray
        Mass carried by each link per unit time over the whole run (indexed like ``graph.out_idx``).
    snapshots : ndarray or None
        Masses of ``snap_sites`` at the end of each block.
    masses : ndarray
        Final configuration.
    duration : float
        Simulated time.
    events : int
        Number of events.
    seconds : float
        Wall-clock seconds (``wall`` is the older name).
    """

    times: np.ndarray
    region_mean: np.ndarray
    region_sq: np.ndarray
    region_end: np.ndarray
    site_mean: np.ndarray | None
    flow: np.ndarray
    snapshots: np.ndarray | None
    masses: np.ndarray
    duration: float
    events: int
    seconds: float

    @property
    def n_blocks(self) -> int:
        """Number of blocks."""
        return len(self.times)


@dataclass
class RingResult(ItemAccess):
    """Output of :func:`noneq.mass_transport.simulate_ring` (``r["flux"]`` works as ``r.flux``).

    Attributes
    ----------
    graph : Graph
        The ring.
    run : Run
        The simulation.
    M : float
        Total mass.
    lam : float
        Chemical potential ``sum_i eta_i / M`` (eq. 8).
    flux : ndarray (N,)
        Mass per unit time through each forward link, net of the backward one (eq. 11).
    snapshots : ndarray (n_blocks, N)
        The whole configuration at the end of each block (eq. 9).
    """

    graph: Graph
    run: Run
    M: float
    lam: float
    flux: np.ndarray
    snapshots: np.ndarray


@dataclass
class RingProbeResult:
    """Fig. 3: relaxation of a probe in contact with a ring.

    Attributes
    ----------
    times : ndarray (n_blocks,)
        Block ends (time since contact).
    lam_probe : ndarray (n_blocks,)
        ``N_pr / M_pr``, block averages of the probe mass.
    lam_main : ndarray (n_blocks,)
        ``sum_main eta / M_main``, block averages.
    lam_expected : float
        ``sum eta / M`` over ring and probe: the stationary value of both, exactly
        (Dirichlet law, eq. 8).
    lam0_main : float
        The ring's value before contact.
    contact_snapshots : ndarray (n_blocks, 2)
        Masses of the main contact site and of the probe site touching it at each block end.
    eta_contact : ndarray (2,)
        Their exponents ``eta``.
    M : float
        Total mass.
    run : Run
        The simulation.
    """

    times: np.ndarray
    lam_probe: np.ndarray
    lam_main: np.ndarray
    lam_expected: float
    lam0_main: float
    contact_snapshots: np.ndarray
    eta_contact: np.ndarray
    M: float
    run: Run

    @property
    def events(self) -> int:
        """Number of events."""
        return self.run.events

    @property
    def seconds(self) -> float:
        """Wall-clock seconds of the simulation."""
        return self.run.seconds


@dataclass(frozen=True)
class ThreeBranchTheory(ItemAccess):
    """Flux-balance prediction for the three branches (eqs. 17, 18), ``th["lam"]["B"]`` works.

    Attributes
    ----------
    density : dict "A", "B", "C" -> float
        Bulk densities ``rho_nu``.
    lam : dict
        Local chemical potentials ``eta / rho_nu``.
    flux : dict
        Bulk fluxes ``rho_nu**2 / eta**2`` (eq. 11 with ``p = 1``).
    """

    density: dict
    lam: dict
    flux: dict


@dataclass
class ThreeBranchResult(_WallAlias):
    """Output of :func:`noneq.mass_transport.simulate_three_branch`.

    Attributes
    ----------
    N_b : int
        Sites per branch.
    rho : float
        Global density.
    params : dict
        The other parameters of the run (``gamma_B``, ``gamma_C``, ``p``, ``eta``,
        ``t_max``, ``t_relax``, ``init``, ``probe``, ``N_pr``, ``rho_pr``, ``n_blocks``).
    density, density_err : dict "A", "B", "C" -> float
        Time-averaged density of the bulk of each branch (its middle half) and its
        batch-means standard error.
    lam, lam_err : dict
        Local chemical potential ``eta / rho_nu`` and its error.
    g, g_err : dict
        ``Var(M_nu) / N_nu`` of the whole branch (eq. 14) and its error.
    sub_sizes : ndarray of int
        Lengths of the centred sub-segments.
    g_sub : dict "A", "B", "C" -> ndarray (len(sub_sizes), 2)
        The same (value, error) for the centred sub-segments of lengths ``sub_sizes``.
    flux : dict
        Mass flux through the bulk links of each branch (mass per unit time).
    series : dict
        ``times`` and per-branch bulk ``density`` averaged over each block
        (relaxation phase first, then measurement; times relative to contact/start
        of measurement); with a probe also ``lam_probe``.
    profile : dict "A", "B", "C" -> ndarray
        Time-averaged mass of every site of each branch.
    lam_probe, lam_probe_err : float
        Probe measurement ``N_pr / <M_pr>`` over the second half of the measurement (NaN without probe).
    theory : ThreeBranchTheory
        :func:`noneq.mass_transport.three_branch_theory` at the same parameters.
    events : int
        Number of events (relaxation and measurement).
    seconds : float
        Wall-clock seconds (``wall`` is the older name).
    snap_sites : ndarray of int or None
        The ``snap_sites`` of the run (graph order), None if not given.
    snapshots : ndarray (n_blocks, len(snap_sites)) or None
        Masses of ``snap_sites`` at the end of each measurement block.
    """

    N_b: int
    rho: float
    params: dict
    density: dict
    density_err: dict
    lam: dict
    lam_err: dict
    g: dict
    g_err: dict
    sub_sizes: np.ndarray
    g_sub: dict
    flux: dict
    series: dict
    profile: dict
    lam_probe: float
    lam_probe_err: float
    theory: ThreeBranchTheory
    events: int
    seconds: float
    snap_sites: np.ndarray | None = None
    snapshots: np.ndarray | None = None

    @property
    def n_blocks(self) -> int:
        """Number of measurement blocks."""
        return self.params["n_blocks"]


@dataclass
class ZRPResult(_WallAlias):
    """Output of :func:`noneq.mass_transport.simulate_zrp_three_branch`.

    Attributes
    ----------
    graph : Graph
        The three-branch graph.
    site_density : ndarray
        Time-averaged occupation of every site, graph order.
    theory_density : ndarray
        Exact fixed-``M`` prediction from the exact fugacities (eq. 19).
    z : dict "A", "B", "C" -> ndarray
        Fugacities (eq. 20).
    x : float
        Global fugacity.
    density, density_err : dict
        Bulk density of each branch and its batch-means standard error.
    lam, lam_err : dict
        ``ln((1 + rho)/rho)``, the local chemical potential of a geometric single-site law.
    shift, shift_err : float
        ``lam_B - lam_A`` and its error.
    shift_exact : float
        ``ln(z_A / z_B)`` at mid-branch.
    shift_canonical : float
        The same estimator applied to the exact fixed-``M`` densities.
    flux : dict
        Net flux per bulk link.
    events : int
        Number of events.
    seconds : float
        Wall-clock seconds (``wall`` is the older name).
    """

    graph: Graph
    site_density: np.ndarray
    theory_density: np.ndarray
    z: dict
    x: float
    density: dict
    density_err: dict
    lam: dict
    lam_err: dict
    shift: float
    shift_err: float
    shift_exact: float
    shift_canonical: float
    flux: dict
    events: int
    seconds: float
