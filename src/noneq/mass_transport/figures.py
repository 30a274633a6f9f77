"""One settings object per figure of arXiv 1106.5652, at the three work scales of :mod:`noneq.scale`.

``FIG3.at("paper")`` returns the concrete sizes of Fig. 3 at the paper's scale;
``FIG3.at()`` follows ``NONEQ_SCALE``. The ``ci`` and ``book`` values are those of
the chapter's notebooks (``pick(ci=..., book=..., paper=...)``); the ``paper`` values
are the paper's sizes (Fig. 3: N = 15870, N_pr = 512; Fig. 5: N_b = 43348,
N_pr = 1024; Figs. 6-7: N_b = 341) with the run lengths of the former command line.
Where the notebooks and the former command line disagreed, the notebooks win
(they are what the book shows): Fig. 5 uses 120 measurement and 100 relaxation
blocks and seeds 50 + k (the command line had 100 and 10 blocks and seeds 1 + k);
Figs. 6-7 at the paper scale scan 20 densities from 0.05 to 1 (the command line
scanned 10 from 0.1); the ZRP run uses the notebook's seed 7, run length and
relaxation ``60 n / rho`` (the command line used seed 1 and the defaults of
:func:`~noneq.mass_transport.simulate_zrp_three_branch`). Figs. 6 and 7 show the same
density scan; Fig. 7 adds the finite-size series of the chapter.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from .. import validate
from ..scale import SCALES
from ..scale import scale as _active_scale
from .graphs import random_eta, sinusoidal_eta

__all__ = [
    "FigureSettings",
    "RingProbeSettings",
    "ProbeBranchSettings",
    "DensityScanSettings",
    "FiniteSizeSettings",
    "ZRPSettings",
    "FIG3",
    "FIG5",
    "FIG6",
    "FIG7",
    "ZRP",
    "FIGURES",
]


def _check_positive(obj, names_int=(), names_real=(), names_nonneg=(), minimum=None):
    """Validate the named fields: integers >= 1 (or ``minimum[name]``), reals > 0, reals >= 0."""
    minimum = minimum or {}
    for n in names_int:
        validate.integer(n, getattr(obj, n), minimum.get(n, 1))
    for n in names_real:
        validate.real(n, getattr(obj, n), 0.0, lo_open=True)
    for n in names_nonneg:
        validate.real(n, getattr(obj, n), 0.0)


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

    def __post_init__(self):
        _check_positive(self, ("N_b", "N_pr", "n_blocks", "n_relax_blocks"), ("t_max", "rho"),
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

    def __post_init__(self):
        _check_positive(self, ("N_b", "n_ring"), (), ("seed",), minimum={"N_b": 8})
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
        Independent runs per size (seed ``seed + 10 N_b + rep``).
    rho : float
        Density of the series.
    seed : int
        Base seed of the series.
    """

    scan: DensityScanSettings
    sizes: tuple
    n_rep: int
    rho: float = 0.5
    seed: int = 1000

    def __post_init__(self):
        _check_positive(self, ("n_rep",), ("rho",), ("seed",))
        for s in self.sizes:
            validate.integer("sizes", s, 8)


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
class FigureSettings:
    """Settings of one figure at the three scales; :meth:`at` picks one.

    Attributes
    ----------
    name : str
        Command-line name (``python -m noneq.mass_transport NAME``).
    title : str
        What the figure shows, with the paper's equation numbers.
    ci, book, paper : dataclass
        Concrete settings at each scale.
    """

    name: str
    title: str
    ci: Any
    book: Any
    paper: Any

    def at(self, scale=None):
        """Concrete settings at ``scale`` ("ci", "book" or "paper"; None follows ``NONEQ_SCALE``).

        Parameters
        ----------
        scale : str, optional
            One of ``noneq.scale.SCALES``.

        Returns
        -------
        dataclass
            The settings at that scale.

        Raises
        ------
        ValueError
            If ``scale`` (or ``NONEQ_SCALE``) is not a known scale.

        Examples
        --------
        >>> FIG3.at("paper").N, FIG3.at("paper").N_pr
        (15870, 512)
        """
        if scale is not None:
            validate.choice("scale", scale, SCALES)
        return getattr(self, _active_scale(scale))

    def describe(self, scale=None) -> str:
        """The settings at ``scale`` as text, one line each, for printing before a run.

        Parameters
        ----------
        scale : str, optional
            One of ``noneq.scale.SCALES`` (None follows ``NONEQ_SCALE``).

        Returns
        -------
        str
        """
        s = self.at(scale)
        lines = [f"{self.name} ({_active_scale(scale)} scale): {self.title}"]
        for f in fields(s):
            v = getattr(s, f.name)
            if isinstance(v, tuple) and v and isinstance(v[0], float):
                v = "(" + ", ".join(f"{x:g}" for x in v) + ")"
            lines.append(f"  {f.name} = {v}")
        return "\n".join(lines)


def _rhos(*values):
    return tuple(float(x) for x in values)


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
    paper=ProbeBranchSettings(N_b=43348, N_pr=1024, t_max=12000.0, t_relax=2000.0, init="balanced"),
)

_SCAN = {
    "ci": DensityScanSettings(N_b=64, rhos=_rhos(0.25, 0.5, 0.75, 1.0), n_ring=4),
    "book": DensityScanSettings(N_b=341, rhos=_rhos(*np.linspace(0.1, 1.0, 10)), n_ring=6),
    "paper": DensityScanSettings(N_b=341, rhos=_rhos(*np.linspace(0.05, 1.0, 20)), n_ring=10),
}

FIG6 = FigureSettings(
    "fig6", "g_nu(rho_nu) (eq. 14) and local chemical potentials against the density (Fig. 6)",
    ci=_SCAN["ci"], book=_SCAN["book"], paper=_SCAN["paper"],
)

FIG7 = FigureSettings(
    "fig7", "rescaled chemical potentials and the shift alpha(rho) = 1/(3 rho) (Fig. 7, eqs. 32-35)",
    ci=FiniteSizeSettings(_SCAN["ci"], sizes=(32, 64), n_rep=2),
    book=FiniteSizeSettings(_SCAN["book"], sizes=(48, 96, 192, 384), n_rep=3),
    paper=FiniteSizeSettings(_SCAN["paper"], sizes=(48, 96, 192, 384, 768, 1536), n_rep=4),
)

ZRP = FigureSettings(
    "zrp", "zero range process on three branches: exact fugacities and z_A/z_B -> 2 (Sec. 3.4, eqs. 19-23)",
    ci=ZRPSettings(n=24, t_max=1.5e5, t_relax=20 * 3 * 24 / 0.5),
    book=ZRPSettings(n=64, t_max=4e5, t_relax=20 * 3 * 64 / 0.5),
    paper=ZRPSettings(n=1000, t_max=2e6, t_relax=20 * 3 * 1000 / 0.5),
)

#: Every figure by its command-line name.
FIGURES = {f.name: f for f in (FIG3, FIG5, FIG6, FIG7, ZRP)}
