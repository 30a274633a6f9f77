"""One settings object per figure of arXiv 1106.5652, at the three work scales of :mod:`noneq.scale`.

``FIG3.at("paper")`` returns the concrete sizes of Fig. 3 at the paper's scale;
``FIG3.at()`` follows ``NONEQ_SCALE``. The chapter's notebooks, the command line
(``python -m noneq.mass_transport NAME``) and the tests all read these objects.
The ``ci`` and ``book`` values are what the notebooks run; the ``paper`` values
are the paper's sizes (Fig. 3: N = 15870, N_pr = 512; Fig. 5: N_b = 43348,
N_pr = 1024; Figs. 6-7: N_b = 341) with the run lengths of the former command line.
Fig. 5 uses 120 measurement and 100 relaxation blocks and seeds 50 + k; Figs. 6-7
at the paper scale scan 20 densities from 0.05 to 1; the ZRP run uses seed 7 and
relaxation ``60 n / rho``. Figs. 6 and 7 share one density scan; Fig. 6 adds the
window runs (eq. 14 at the start, middle and end of each branch, with a ring as the
factorised control) and Fig. 7 the finite-size series and the runs at ``p < 1``.
``RING`` (eqs. 9 and 11 on rings) and ``GAMMA_ETA`` (the chapter's slider over
``gamma`` and ``eta``, eqs. 18 and 35) size the chapter's other figures.

Examples
--------
>>> FIG3.at("paper").N, FIG3.at("paper").N_pr
(15870, 512)
>>> FIG7.at("paper").scan.N_b
341
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import validate
from ..settings import FigureSettings, check_fields
from .graphs import random_eta, sinusoidal_eta

__all__ = [
    "FigureSettings",
    "RingSettings",
    "RingProbeSettings",
    "ProbeBranchSettings",
    "DensityScanSettings",
    "FiniteSizeSettings",
    "ZRPSettings",
    "GammaEtaSettings",
    "ProbeTauSettings",
    "BranchLawSettings",
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
]


def _check_positive(obj, names_int=(), names_real=(), names_nonneg=(), minimum=None):
    """Validate the named fields: integers >= 1 (or ``minimum[name]``), reals > 0, reals >= 0."""
    check_fields(obj, ints=names_int, positive=names_real, nonneg=names_nonneg, minimum=minimum)


@dataclass(frozen=True)
class RingSettings:
    """Sec. 2: the stationary law (eq. 9) and the flux (eq. 11) on a homogeneous and a disordered ring.

    Attributes
    ----------
    N : int
        Ring size.
    t_max : float
        Run length of every run.
    n_seed : int
        Independent runs per ring for the mean flux (eq. 11), seeds ``seed + 100 k``.
    n_blocks : int
        Blocks (snapshots) of the first run of each ring, used for eq. (9).
    rho, eta : float
        Density and exponent of the homogeneous ring (paper: 2 and 2).
    p_dis : float
        Forward weight of the disordered ring (exponents ``2 + sin(2 pi i / N)``).
    seed_hom, seed_dis : int
        Seeds of run 0 of the homogeneous and of the disordered ring.
    """

    N: int
    t_max: float
    n_seed: int
    n_blocks: int = 40
    rho: float = 2.0
    eta: float = 2.0
    p_dis: float = 0.75
    seed_hom: int = 1
    seed_dis: int = 2

    def __post_init__(self):
        _check_positive(self, ("N", "n_seed", "n_blocks"), ("t_max", "rho", "eta", "p_dis"),
                        ("seed_hom", "seed_dis"), minimum={"N": 2, "n_seed": 2})
        validate.real("p_dis", self.p_dis, 0.0, 1.0)

    def seeds(self, k):
        """Seeds of run ``k`` (homogeneous, disordered): ``seed_hom + 100 k``, ``seed_dis + 100 k``."""
        return self.seed_hom + 100 * k, self.seed_dis + 100 * k


@dataclass(frozen=True)
class RingProbeSettings:
    """Fig. 3: a probe ring (``f = 1``) put in contact with a disordered ring at ``t = 0``.

    Attributes
    ----------
    N : int
        Ring size (paper: 15870).
    N_pr : int
        Probe size (paper: 512).
    t_max : float
        Time after contact.
    n_blocks : int
        Time resolution (blocks).
    rho, rho_pr : float
        Initial densities of ring and probe (paper: 2 and 0.2).
    p : float
        Forward weight (paper: 1).
    seed : int
        Case ``k`` (0, 1, 2) runs with seed ``seed + k``.
    eta_seed : int
        Seed of the random exponents of case iii.
    """

    N: int
    N_pr: int
    t_max: float
    n_blocks: int
    rho: float = 2.0
    rho_pr: float = 0.2
    p: float = 1.0
    seed: int = 10
    eta_seed: int = 3

    def __post_init__(self):
        _check_positive(self, ("N", "N_pr", "n_blocks"), ("t_max", "rho"), ("rho_pr", "seed", "eta_seed"),
                        minimum={"N": 2, "N_pr": 2})

    def cases(self):
        """The three cases of Fig. 3: name -> (exponents ``eta_i``, 1-based contact site)."""
        sin = sinusoidal_eta(self.N)
        return {"sin_N/4": (sin, self.N // 4), "sin_3N/4": (sin, 3 * self.N // 4),
                "random": (random_eta(self.N, seed=self.eta_seed), self.N // 4)}


@dataclass(frozen=True)
class ProbeBranchSettings:
    """Fig. 5: a probe attached to one branch of the three-branch model, one run per branch.

    Attributes
    ----------
    N_b : int
        Sites per branch (paper: 43348).
    N_pr : int
        Probe size (paper: 1024).
    t_max, t_relax : float
        Measurement time after contact and relaxation time before it.
    init : str
        "uniform" or "balanced" initial state.
    n_blocks, n_relax_blocks : int
        Blocks of the measurement and of the relaxation.
    rho, rho_pr : float
        Global density (paper: 0.5) and initial probe density (0.2).
    gamma_B, gamma_C, p : float
        Branching and forward weights (paper: 1/2, 1/2, 1).
    seed : int
        Branch ``k`` (A, B, C) runs with seed ``seed + k``.
    n_rep : int
        Independent runs per branch in the sweep (:mod:`noneq.sweep`), so that the
        probe's error comes from the run-to-run spread: a 1024-site probe relaxes on
        ``tau ~ 2900`` (:data:`PROBE_TAU`), and blocks of one run that short are not
        independent.
    paper_run : float
        Length of the paper's own run after contact (its Fig. 5 ends at ``t = 12000``),
        kept apart from ``t_max`` so that the page can say what that run length does.
    """

    N_b: int
    N_pr: int
    t_max: float
    t_relax: float
    init: str
    n_blocks: int = 120
    n_relax_blocks: int = 100
    rho: float = 0.5
    rho_pr: float = 0.2
    gamma_B: float = 0.5
    gamma_C: float = 0.5
    p: float = 1.0
    seed: int = 50
    n_rep: int = 1
    paper_run: float = 12000.0

    def __post_init__(self):
        _check_positive(self, ("N_b", "N_pr", "n_blocks", "n_relax_blocks", "n_rep"), ("t_max", "rho", "paper_run"),
                        ("t_relax", "rho_pr", "seed"), minimum={"N_b": 8, "N_pr": 2, "n_blocks": 2})
        validate.choice("init", self.init, ("uniform", "balanced"))


@dataclass(frozen=True)
class DensityScanSettings:
    """Figs. 6 and 7: the three-branch model (no probe) at a series of global densities.

    Attributes
    ----------
    N_b : int
        Sites per branch (paper: 341).
    rhos : tuple of float
        Global densities.
    gamma_B, gamma_C, p : float
        Branching and forward weights (paper: 1/2, 1/2, 1).
    seed : int
        Density ``k`` runs with seed ``seed + k``.
    n_ring : int
        Homogeneous rings of ``3 N_b`` sites simulated as a control of the estimator of ``g`` (eq. 14).
    t_max, t_relax : float or None
        Measurement and relaxation times (None: the defaults of
        :func:`~noneq.mass_transport.simulate_three_branch`, ``20 N_b / rho`` and ``10 N_b / rho``).
    n_win : int
        Independent window runs (:func:`~noneq.mass_transport.three_branch_windows`, seeds
        ``win_seed + k``) and as many ring controls of ``3 N_b`` sites
        (:func:`~noneq.mass_transport.ring_windows`, seeds ``ring_seed + k``).
    win_rho : float
        Global density of the window runs.
    win_seed, ring_seed : int
        Base seeds of the window runs and of their ring controls.
    n_bins : int
        Bins of the density profile along each branch (from the window runs).
    """

    N_b: int
    rhos: tuple
    gamma_B: float = 0.5
    gamma_C: float = 0.5
    p: float = 1.0
    seed: int = 100
    n_ring: int = 4
    t_max: float | None = None
    t_relax: float | None = None
    n_win: int = 16
    win_rho: float = 0.5
    win_seed: int = 700
    ring_seed: int = 800
    n_bins: int = 8

    def __post_init__(self):
        _check_positive(self, ("N_b", "n_ring", "n_win", "n_bins"), ("win_rho",), ("seed", "win_seed", "ring_seed"),
                        minimum={"N_b": 8, "n_win": 2})
        validate.array("rhos", self.rhos, lo=0.0, lo_open=True)
        if self.t_max is not None:
            validate.real("t_max", self.t_max, 0.0, lo_open=True)
        if self.t_relax is not None:
            validate.real("t_relax", self.t_relax, 0.0)

    @property
    def sub_sizes(self):
        """Sub-system lengths for ``g_sub``: ``N_b // 8, N_b // 4, N_b // 2``."""
        return [self.N_b // 8, self.N_b // 4, self.N_b // 2]


@dataclass(frozen=True)
class FiniteSizeSettings:
    """Fig. 7 (right panel) extended: ``3 rho (lambda_BC - lambda_A)`` against ``1 / N_b``.

    Attributes
    ----------
    scan : DensityScanSettings
        The density scan shared with Fig. 6.
    sizes : tuple of int
        Branch sizes of the finite-size series.
    n_rep : int
        Independent runs per size (seed ``seed + 10 N_b + rep``); the error of each point
        is the spread of these runs.
    rho : float
        Density of the series.
    seed : int
        Base seed of the series.
    p_values : tuple of float
        Forward weights ``p < 1`` at which the shift is measured again.
    N_b_p : int
        Branch size of the runs at ``p < 1`` (one of ``sizes``, whose ``p = 1`` point
        completes the comparison).
    n_rep_p : int
        Independent runs per ``p`` (seed ``p_seed + 100 j + rep`` for the ``j``-th ``p``),
        each relaxed for ``10 t`` and measured for ``20 t``, ``t = N_b / (rho (p - q))``.
    p_seed : int
        Base seed of the runs at ``p < 1``.
    """

    scan: DensityScanSettings
    sizes: tuple
    n_rep: int
    rho: float = 0.5
    seed: int = 1000
    p_values: tuple = (0.75, 0.6)
    N_b_p: int = 32
    n_rep_p: int = 3
    p_seed: int = 3000

    def __post_init__(self):
        _check_positive(self, ("n_rep", "n_rep_p"), ("rho",), ("seed", "p_seed"), minimum={"n_rep": 2, "n_rep_p": 2})
        for s in self.sizes:
            validate.integer("sizes", s, 8)
        validate.array("p_values", self.p_values, lo=0.5, hi=1.0, lo_open=True)
        if self.N_b_p not in self.sizes:
            raise ValueError(f"N_b_p must be one of sizes {self.sizes}, got {self.N_b_p}")

    def p_times(self, p):
        """Times ``(20 t, 10 t)`` of the runs at forward weight ``p``, ``t = N_b_p / (rho (p - q))``.

        Parameters
        ----------
        p : float
            Forward weight in (1/2, 1].

        Returns
        -------
        tuple of float
            ``(t_max, t_relax)``.
        """
        t = self.N_b_p / (self.rho * (2 * p - 1))
        return 20 * t, 10 * t


@dataclass(frozen=True)
class ZRPSettings:
    """Sec. 3.4: the zero range process on three branches of ``n`` sites each.

    Attributes
    ----------
    n : int
        Sites per branch (interior sites of A, sites of B and C).
    t_max, t_relax : float
        Measurement and relaxation times.
    rho : float
        Particles per site.
    p : float
        Forward weight (``q = 1 - p``).
    n_blocks : int
        Blocks of the measurement.
    seed : int
        Seed.
    """

    n: int
    t_max: float
    t_relax: float
    rho: float = 0.5
    p: float = 0.75
    n_blocks: int = 20
    seed: int = 7

    def __post_init__(self):
        _check_positive(self, ("n", "n_blocks"), ("t_max", "rho", "p"), ("t_relax", "seed"), minimum={"n_blocks": 2})


@dataclass(frozen=True)
class GammaEtaSettings:
    """The chapter's slider: the three-branch model over a grid of ``gamma_B = gamma`` and ``eta`` (eqs. 18, 35).

    Attributes
    ----------
    N_b : int
        Sites per branch.
    rho : float
        Global density.
    gammas : tuple of float
        ``gamma_B`` values in (0, 1); ``gamma_C = 1 - gamma_B``.
    etas : tuple of float
        Exponents ``eta`` (``f(m) = m^(eta - 1)``), all > 0.
    p : float
        Forward weight.
    n_blocks : int
        Blocks of each run.
    seed : int
        Seed of every run of the grid.
    """

    N_b: int
    rho: float = 0.5
    gammas: tuple = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    etas: tuple = (0.5, 1.0, 2.0, 3.0)
    p: float = 1.0
    n_blocks: int = 10
    seed: int = 77

    def __post_init__(self):
        _check_positive(self, ("N_b", "n_blocks"), ("rho", "p"), ("seed",), minimum={"N_b": 8, "n_blocks": 2})
        if not all(0.0 < g < 1.0 for g in self.gammas):
            raise ValueError(f"gammas must all lie in (0, 1), got {self.gammas}")
        validate.array("etas", self.etas, lo=0.0, lo_open=True)


@dataclass(frozen=True)
class ProbeTauSettings:
    """Beyond the paper (Fig. 5): relaxation time of a probe against its size.

    Probe size ``N_pr`` runs :func:`~noneq.mass_transport.probe_relaxation` with
    ``N_b = reservoir N_pr`` (the same ratio at every size, so that the fraction of
    the mass the probe takes is the same), for ``t_factor N_pr`` after the contact,
    with ``max(min_seed, seed_budget // N_pr)`` seeds (the probe's own fluctuations,
    relative to the gap it closes, fall like ``N_pr**-1/2``) and seed ``seed + N_pr``.

    Attributes
    ----------
    N_prs : tuple of int
        Probe sizes, each >= 2.
    seed_budget : int
        Seeds times ``N_pr`` per size.
    reservoir : int
        ``N_b / N_pr``.
    t_factor : float
        Run length after contact in units of ``N_pr``.
    n_blocks : int
        Blocks of each run.
    min_seed : int
        Fewest seeds per size.
    rho, rho_pr : float
        Global density and initial probe density (paper: 0.5 and 0.2).
    branch : str
        Branch the probe touches.
    t_relax : float
        Relaxation of the main system (started from the flux-balance densities) before contact.
    seed : int
        Base seed.
    """

    N_prs: tuple
    seed_budget: int
    reservoir: int = 16
    t_factor: float = 25.0
    n_blocks: int = 100
    min_seed: int = 8
    rho: float = 0.5
    rho_pr: float = 0.2
    branch: str = "B"
    t_relax: float = 200.0
    seed: int = 900

    def __post_init__(self):
        _check_positive(self, ("seed_budget", "reservoir", "n_blocks", "min_seed"), ("t_factor", "rho"),
                        ("rho_pr", "t_relax", "seed"), minimum={"n_blocks": 4, "min_seed": 2})
        for n in self.N_prs:
            validate.integer("N_prs", n, 2)
        validate.choice("branch", self.branch, ("A", "B", "C"))

    def n_seed(self, N_pr):
        """Seeds at probe size ``N_pr``: ``max(min_seed, seed_budget // N_pr)``."""
        return max(self.min_seed, self.seed_budget // N_pr)

    def run(self, N_pr):
        """:func:`~noneq.mass_transport.probe_relaxation` at probe size ``N_pr`` with these settings."""
        from .relaxation import probe_relaxation

        return probe_relaxation(N_pr, self.reservoir * N_pr, self.rho, self.branch, self.t_factor * N_pr,
                                n_seed=self.n_seed(N_pr), n_blocks=self.n_blocks, t_relax=self.t_relax,
                                rho_pr=self.rho_pr, seed=self.seed + N_pr)


@dataclass(frozen=True)
class BranchLawSettings:
    """Beyond the paper: the single-site law in the bulk of each branch (local equilibrium, eqs. 9, 34).

    Attributes
    ----------
    N_b : int
        Sites per branch.
    n_sites : int
        Sites recorded per branch, evenly spaced over its middle half.
    n_blocks : int
        Snapshots (one at the end of each block).
    spacing : float
        Time between snapshots.
    shift : float
        Relative error of ``lambda`` in the wrong law of the power check.
    rho : float
        Global density.
    seed : int
        Seed.
    """

    N_b: int
    n_sites: int
    n_blocks: int
    spacing: float = 10.0
    shift: float = 0.05
    rho: float = 0.5
    seed: int = 950

    def __post_init__(self):
        _check_positive(self, ("N_b", "n_sites", "n_blocks"), ("spacing", "shift", "rho"), ("seed",),
                        minimum={"N_b": 8, "n_blocks": 2})
        if self.n_sites > self.N_b // 2:
            raise ValueError(f"n_sites must be in [1, N_b // 2 = {self.N_b // 2}], got {self.n_sites}")

    def sites(self):
        """Graph indices of the recorded sites: branch -> ``n_sites`` evenly spaced in its middle half."""
        a, b = self.N_b // 4, self.N_b - self.N_b // 4
        pos = np.round(np.linspace(a, b - 1, self.n_sites)).astype(np.int64)
        return {nu: k * self.N_b + pos for k, nu in enumerate("ABC")}


def _rhos(*values):
    return tuple(float(x) for x in values)


RING = FigureSettings(
    "ring", "stationary law (eq. 9) and flux (eq. 11) on a homogeneous and a disordered ring (Sec. 2)",
    ci=RingSettings(N=400, t_max=300.0, n_seed=6),
    book=RingSettings(N=2000, t_max=400.0, n_seed=6),
    paper=RingSettings(N=15870, t_max=400.0, n_seed=8),
)

FIG3 = FigureSettings(
    "fig3", "probe chemical potential relaxing to sum(eta)/M on a disordered ring (Figs. 2-3, eqs. 7-8)",
    ci=RingProbeSettings(N=1024, N_pr=32, t_max=800.0, n_blocks=150),
    book=RingProbeSettings(N=4096, N_pr=128, t_max=6000.0, n_blocks=200),
    paper=RingProbeSettings(N=15870, N_pr=512, t_max=10000.0, n_blocks=300),
)

FIG5 = FigureSettings(
    "fig5", "probe chemical potentials in branches A, B, C (Fig. 5, flux balance eqs. 17-18)",
    ci=ProbeBranchSettings(N_b=96, N_pr=16, t_max=12 * 96 / 0.5, t_relax=10 * 96 / 0.5, init="uniform"),
    book=ProbeBranchSettings(N_b=512, N_pr=64, t_max=12 * 512 / 0.5, t_relax=10 * 512 / 0.5, init="uniform"),
    # 30000 after contact is about 10 relaxation times of the 1024-site probe, so the second
    # half (which the probe value averages) starts after 5 of them
    paper=ProbeBranchSettings(N_b=43348, N_pr=1024, t_max=30000.0, t_relax=2000.0, init="balanced", n_rep=2),
)

_SCAN = {
    "ci": DensityScanSettings(N_b=64, rhos=_rhos(0.25, 0.5, 0.75, 1.0), n_ring=4, n_win=16, n_bins=8),
    "book": DensityScanSettings(N_b=341, rhos=_rhos(*np.linspace(0.1, 1.0, 10)), n_ring=6, n_win=12, n_bins=16),
    "paper": DensityScanSettings(N_b=341, rhos=_rhos(*np.linspace(0.05, 1.0, 20)), n_ring=10, n_win=24,
                                 n_bins=32),
}

FIG6 = FigureSettings(
    "fig6", "g_nu(rho_nu) (eq. 14) and local chemical potentials against the density (Fig. 6)",
    ci=_SCAN["ci"], book=_SCAN["book"], paper=_SCAN["paper"],
)

FIG7 = FigureSettings(
    "fig7", "rescaled chemical potentials and the shift alpha(rho) = 1/(3 rho) (Fig. 7, eqs. 32-35)",
    ci=FiniteSizeSettings(_SCAN["ci"], sizes=(32, 64), n_rep=4, N_b_p=32, n_rep_p=3),
    book=FiniteSizeSettings(_SCAN["book"], sizes=(48, 96, 192, 384), n_rep=8, N_b_p=96, n_rep_p=6),
    paper=FiniteSizeSettings(_SCAN["paper"], sizes=(48, 96, 192, 384, 768, 1536), n_rep=12, N_b_p=96,
                             n_rep_p=8),
)

ZRP = FigureSettings(
    "zrp", "zero range process on three branches: exact fugacities and z_A/z_B -> 2 (Sec. 3.4, eqs. 19-23)",
    ci=ZRPSettings(n=24, t_max=1.5e5, t_relax=20 * 3 * 24 / 0.5),
    book=ZRPSettings(n=64, t_max=4e5, t_relax=20 * 3 * 64 / 0.5),
    paper=ZRPSettings(n=1000, t_max=2e6, t_relax=20 * 3 * 1000 / 0.5),
)

GAMMA_ETA = FigureSettings(
    "gamma_eta", "local chemical potentials over gamma_B = 1 - gamma_C and eta against flux balance (eqs. 18, 35)",
    ci=GammaEtaSettings(N_b=32),
    book=GammaEtaSettings(N_b=128),
    paper=GammaEtaSettings(N_b=341),
)

PROBE_TAU = FigureSettings(
    "probe_tau", "relaxation time of a probe in branch B against its size, extrapolated to Fig. 5 (N_pr = 1024)",
    ci=ProbeTauSettings(N_prs=(16, 32, 64), seed_budget=512),
    book=ProbeTauSettings(N_prs=(16, 32, 64, 128), seed_budget=1024),
    paper=ProbeTauSettings(N_prs=(16, 32, 64, 128, 256), seed_budget=2048),
)

BRANCH_LAW = FigureSettings(
    "branch_law", "KS test of the single-site law in the bulk of each branch at its local chemical potential",
    ci=BranchLawSettings(N_b=96, n_sites=12, n_blocks=600),
    book=BranchLawSettings(N_b=341, n_sites=16, n_blocks=1000, shift=0.03),
    paper=BranchLawSettings(N_b=341, n_sites=32, n_blocks=4000, shift=0.02),
)

#: Every figure by its command-line name.
FIGURES = {f.name: f for f in (RING, FIG3, FIG5, FIG6, FIG7, ZRP, GAMMA_ETA)}
