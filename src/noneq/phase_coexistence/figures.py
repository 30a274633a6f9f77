"""One settings object per figure of the chapter, at the three work scales of :mod:`noneq.scale`.

* :data:`FIG6` -- Fig. 6: a noisy snapshot at phi = 0 with two interfaces and the
  mass function psi(x) of eq. 3.17;
* :data:`FIG7` -- Fig. 7: steady profiles rho_i and mu~_i at kappa_Lambda = 0.5 and
  1.5 with (T_eff, phi, rho_bar, N) = (0.002, 0.05, 1.5, 64) (eq. 6.2),
  noiseless and noisy;
* :data:`FIG8` -- Fig. 8: mu^I against kappa_Lambda (noiseless curve, noisy
  points), with the noiseless N-dependence and the initial-profile comparison
  of the chapter;
* :data:`RHO_BAR` -- mu^I / phi against the mean density at kappa_Lambda = 0.1:
  eq. 4.22 against the fixed-X formula (eqs. 2.39-2.43), noiseless and noisy.

``FIG7.at("paper")`` gives the concrete sizes of one scale (``ci``, ``book``,
``paper``; default: ``NONEQ_SCALE``). The values are those of the chapter's
notebooks (``01_model``, ``02_steady_profiles``, ``03_interface_potential``,
``04_sliders``); the book scale of Fig. 8 is also what the former command line
ran by default (20 values of kappa in [0.1, 2], seed 2024); the noisy points
are now 8 independent runs per kappa (2e4 time units each at the book scale).
:mod:`.runs` computes each figure from its settings; the command line
(:mod:`.cli`) prints the settings it runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..settings import FigureSettings, check_fields

__all__ = [
    "FigureSettings",
    "Fig6Settings",
    "Fig7Settings",
    "Fig8Settings",
    "RhoBarSettings",
    "FIG6",
    "FIG7",
    "FIG8",
    "RHO_BAR",
    "FIGURES",
    "PAPER_MU_I",
]

#: The values of mu^I quoted in Sec. 6 for kappa_Lambda = 0.5 and 1.5.
PAPER_MU_I = {0.5: 7.7e-3, 1.5: 2.1e-4}


@dataclass(frozen=True)
class Fig6Settings:
    """Fig. 6: a noisy snapshot at phi = 0 with two interfaces (eq. 3.17).

    Attributes
    ----------
    scale : str
        The scale these values belong to.
    t_max : float
        Run length (time units), > 0.
    N, kappa, phi, T_eff : int, float, float, float
        Ring size, kappa_Lambda, battery voltage (0: no drive) and noise temperature.
    shift : int
        The liquid-first profile is rolled by this many sites, >= 0.
    seed : int
        Seed of the run, >= 0.
    """

    scale: str
    t_max: float
    N: int = 64
    kappa: float = 0.5
    phi: float = 0.0
    T_eff: float = 0.002
    shift: int = 10
    seed: int = 5

    def __post_init__(self):
        check_fields(self, ints=("N",), positive=("t_max", "T_eff"), nonneg=("kappa", "shift", "seed"))


@dataclass(frozen=True)
class Fig7Settings:
    """Fig. 7: steady profiles at two kappa_Lambda (eq. 6.2 and Sec. 6).

    Attributes
    ----------
    scale : str
        The scale these values belong to.
    t_max : float
        Measured time per noisy run, > 0.
    n_runs : int
        Independent noisy runs per kappa, >= 1.
    N, T_eff, phi, rho_bar : int, float, float, float
        The paper's (N, T_eff, phi, rho_bar) = (64, 0.002, 0.05, 1.5) (eq. 6.2).
    kappas : tuple of float
        kappa_Lambda of the two panels, (0.5, 1.5).
    dt : float
        Heun step (paper: 0.01).
    seed : int
        Seed of the noisy scan, >= 0.
    init : str
        Initial profile.
    """

    scale: str
    t_max: float
    n_runs: int
    N: int = 64
    T_eff: float = 0.002
    phi: float = 0.05
    rho_bar: float = 1.5
    kappas: tuple = (0.5, 1.5)
    dt: float = 0.01
    seed: int = 7
    init: str = "liquid-first"

    def __post_init__(self):
        check_fields(self, ints=("N", "n_runs"), positive=("t_max", "dt"), nonneg=("T_eff", "seed"), tuples=("kappas",))


_KAPPAS_20 = tuple(np.round(np.linspace(0.1, 2.0, 20), 10).tolist())


@dataclass(frozen=True)
class Fig8Settings:
    """Fig. 8: mu^I against kappa_Lambda.

    Attributes
    ----------
    scale : str
        The scale these values belong to.
    kappas : tuple of float
        kappa_Lambda of the noiseless curve.
    noisy_kappas : tuple of float
        kappa_Lambda of the noisy points.
    t_max : float
        Measured time per noisy run, > 0.
    sizes : tuple of int
        Ring sizes of the noiseless N-dependence.
    sizes_kappas : tuple of float
        kappa_Lambda of the noiseless N-dependence.
    init_t_max : float
        Measured time per run of the gas-first / liquid-first comparison, > 0.
    N, T_eff, phi, rho_bar, dt : int, float, float, float, float
        As in eq. 6.2 (N = 64, dt = 0.01).
    n_runs : int
        Independent noisy runs per kappa, >= 2 (the error bars of Fig. 8 are
        the standard error of their mean).
    seed : int
        Seed of the noisy scan, >= 0.
    init : str
        Initial profile.
    init_kappas : tuple of float
        kappa_Lambda of the gas-first / liquid-first comparison of noisy runs.
    init_seeds : tuple of int
        Seeds of the gas-first and liquid-first runs of that comparison.
    family_kappa : float
        kappa_Lambda of the family of pinned states (every rotation of the profile).
    branch_offsets : tuple of int
        Offsets of the liquid domain (first liquid box after the battery) whose
        pinned states are followed in kappa_Lambda from ``family_kappa`` to their end.
    spread_kappas : tuple of float
        kappa_Lambda near the drop whose noisy runs are listed one by one.
    hop_window : float
        Window (time units) in which the offset of the liquid domain is read from
        the X^I series of a noisy run, > 0.
    """

    scale: str
    kappas: tuple
    noisy_kappas: tuple
    t_max: float
    sizes: tuple
    sizes_kappas: tuple
    init_t_max: float
    N: int = 64
    T_eff: float = 0.002
    phi: float = 0.05
    rho_bar: float = 1.5
    dt: float = 0.01
    n_runs: int = 8
    seed: int = 2024
    init: str = "liquid-first"
    init_kappas: tuple = (0.3, 0.5)
    init_seeds: tuple = (99, 98)
    family_kappa: float = 0.5
    branch_offsets: tuple = (0, 1, 2, 3, 32, 33, 63)
    spread_kappas: tuple = (0.7, 0.8, 0.9)
    hop_window: float = 50.0

    def __post_init__(self):
        check_fields(self, ints=("N", "n_runs"), positive=("t_max", "init_t_max", "dt", "hop_window"),
               nonneg=("T_eff", "seed"),
               tuples=("kappas", "noisy_kappas", "sizes", "sizes_kappas", "init_kappas", "init_seeds",
                       "branch_offsets", "spread_kappas"))
        if self.n_runs < 2:
            raise ValueError(f"n_runs must be >= 2 (errors come from the run-to-run spread), got {self.n_runs}")


@dataclass(frozen=True)
class RhoBarSettings:
    """mu^I / phi against rho_bar at small kappa_Lambda: eq. 4.22 against eqs. 2.39-2.43.

    Attributes
    ----------
    scale : str
        The scale these values belong to.
    rhos : tuple of float
        Mean densities of the noiseless states (an integer number N X_eq of liquid boxes).
    t_max : float
        Measured time per noisy run, > 0.
    N, kappa, T_eff : int, float, float
        Ring size, kappa_Lambda and noise temperature.
    phis : tuple of float
        Battery voltages of the noiseless states.
    noisy_rhos : tuple of float
        Mean densities of the noisy runs (at ``noisy_phi``).
    noisy_phi : float
        Battery voltage of the noisy runs.
    seed : int
        Seed of the first noisy run; run n uses ``seed + n``.
    selected_sizes : tuple of int
        Ring sizes of the variational selection (eq. 3.39) at ``selected_rhos``.
    selected_rhos : tuple of float
        Mean densities of the variational selection.
    kappa_sizes : tuple of int
        Ring sizes of the selected state against kappa_Lambda at rho_bar = 1.5 and
        ``noisy_phi`` (noiseless; Fig. 8 towards large N).
    selected_kappas : tuple of float
        kappa_Lambda of that comparison.
    """

    scale: str
    rhos: tuple
    t_max: float
    selected_sizes: tuple = (64, 128, 256)
    selected_rhos: tuple = (1.0, 2.0)
    kappa_sizes: tuple = (64, 128)
    selected_kappas: tuple = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
    N: int = 64
    kappa: float = 0.1
    T_eff: float = 0.002
    phis: tuple = (0.02, 0.05, 0.1)
    noisy_rhos: tuple = (1.0, 1.5, 2.0)
    noisy_phi: float = 0.05
    seed: int = 31

    def __post_init__(self):
        check_fields(self, ints=("N",), positive=("t_max",), nonneg=("kappa", "T_eff", "seed"),
               tuples=("rhos", "phis", "noisy_rhos", "selected_sizes", "selected_rhos",
                       "kappa_sizes", "selected_kappas"))


def _rhos(ks):
    return tuple(float(0.5 + k / 32) for k in ks)


FIG6 = FigureSettings(
    "fig6", "noisy snapshot at phi = 0 with two interfaces and psi(x) (Fig. 6, eq. 3.17)",
    ci=Fig6Settings("ci", t_max=200.0), book=Fig6Settings("book", t_max=2000.0),
    paper=Fig6Settings("paper", t_max=2000.0),
)

FIG7 = FigureSettings(
    "fig7", "steady profiles rho_i and mu~_i at kappa_Lambda = 0.5 and 1.5 (Fig. 7, eq. 6.2)",
    ci=Fig7Settings("ci", t_max=2_000.0, n_runs=2),
    book=Fig7Settings("book", t_max=25_000.0, n_runs=6),
    paper=Fig7Settings("paper", t_max=200_000.0, n_runs=8),
)

FIG8 = FigureSettings(
    "fig8", "interface chemical potential mu^I against kappa_Lambda (Fig. 8, eqs. 6.3-6.4, 4.22)",
    ci=Fig8Settings("ci", kappas=(0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 1.5, 2.0), noisy_kappas=(0.3, 0.5, 0.7, 0.8, 0.9, 1.5),
                    t_max=4_000.0, n_runs=4, sizes=(32, 64), sizes_kappas=(0.1, 0.5, 1.0), init_t_max=2_000.0),
    book=Fig8Settings("book", kappas=_KAPPAS_20, noisy_kappas=_KAPPAS_20, t_max=20_000.0, n_runs=8,
                      sizes=(32, 64, 128), sizes_kappas=tuple(np.round(np.linspace(0.1, 1.3, 7), 10).tolist()),
                      init_t_max=20_000.0),
    paper=Fig8Settings("paper", kappas=_KAPPAS_20, noisy_kappas=_KAPPAS_20, t_max=200_000.0, n_runs=8,
                       sizes=(64, 128, 256), sizes_kappas=_KAPPAS_20, init_t_max=100_000.0),
)

RHO_BAR = FigureSettings(
    "rho-bar", "mu^I / phi against rho_bar at kappa_Lambda = 0.1 (eq. 4.22 and eqs. 2.39-2.43)",
    ci=RhoBarSettings("ci", rhos=(1.0, 1.5, 2.0), t_max=2_000.0),
    book=RhoBarSettings("book", rhos=_rhos(range(12, 53, 4)), t_max=20_000.0,
                        selected_sizes=(64, 128, 256, 512, 1024), kappa_sizes=(64, 128, 256)),
    paper=RhoBarSettings("paper", rhos=_rhos(range(4, 61, 2)), t_max=100_000.0,
                         selected_sizes=(64, 128, 256, 512, 1024), kappa_sizes=(64, 128, 256, 512)),
)

#: Every figure by its command-line name.
FIGURES = {f.name: f for f in (FIG6, FIG7, FIG8, RHO_BAR)}


@dataclass(frozen=True)
class BifurcationSettings:
    """The bifurcation diagram of the noiseless pinned states in kappa_Lambda (eqs. 2.8-2.12, 6.2).

    The pinned states of :class:`Fig8Settings` (every rotation of the two-phase
    profile, ``N X_eq`` liquid boxes) are followed by pseudo-arclength continuation
    (:func:`~noneq.phase_coexistence.continue_branch`) from ``kappa_start`` through
    their saddle-nodes.

    Attributes
    ----------
    scale : str
        The scale these values belong to.
    ds_max : float
        Largest arclength step, in (0, 1].
    N, phi, rho_bar : int, float, float
        As in eq. 6.2 (N = 64, phi = 0.05, rho_bar = 1.5).
    kappa_start : float
        kappa_Lambda where every branch starts (the pinned family of Fig. 8, where
        every rotation is linearly stable).
    kappa_max : float
        Largest kappa_Lambda followed, > kappa_start.
    branch_offsets : tuple of int
        Offsets (first liquid box after the battery) whose branches are drawn, stable
        and unstable, back down to ``kappa_start`` (those of Fig. 8).
    n_count : int
        Number of kappa_Lambda values in [kappa_start, kappa_max] at which the stable
        states of all N rotations are counted, >= 2.
    ds : float
        First arclength step, in (0, ds_max].
    tol : float
        Residual max_i |d rho_i/dt| of every point (that of the steady solver).
    """

    scale: str
    ds_max: float
    N: int = 64
    phi: float = 0.05
    rho_bar: float = 1.5
    kappa_start: float = Fig8Settings.family_kappa
    kappa_max: float = 2.0
    branch_offsets: tuple = Fig8Settings.branch_offsets
    n_count: int = 301
    ds: float = 0.01
    tol: float = 1e-10

    def __post_init__(self):
        check_fields(self, ints=("N", "n_count"), positive=("ds_max", "ds", "tol", "kappa_max"),
                     nonneg=("kappa_start",), tuples=("branch_offsets",), minimum={"N": 3, "n_count": 2})
        if not self.kappa_max > self.kappa_start:
            raise ValueError(f"kappa_max must be > kappa_start = {self.kappa_start:g}, got {self.kappa_max:g}")
        if not self.ds <= self.ds_max <= 1.0:
            raise ValueError(f"ds_max must be in [ds = {self.ds:g}, 1], got {self.ds_max:g}")
        if any(int(o) != o or not 0 <= o < self.N for o in self.branch_offsets):
            raise ValueError(f"branch_offsets must be integers in [0, {self.N - 1}], got {self.branch_offsets}")


BIFURCATION = FigureSettings(
    "bifurcation", "stable and unstable pinned states against kappa_Lambda by arclength continuation "
    "(eqs. 2.8-2.12, 6.2-6.4)",
    ci=BifurcationSettings("ci", ds_max=0.05), book=BifurcationSettings("book", ds_max=0.02),
    paper=BifurcationSettings("paper", ds_max=0.01, n_count=1501),
)

__all__ += ["BifurcationSettings", "BIFURCATION"]
FIGURES[BIFURCATION.name] = BIFURCATION


@dataclass(frozen=True)
class LargeNSettings:
    """Fig. 8 towards N -> infinity: the selected state for N up to 1024 and noisy runs for N up to 256.

    Computed as sweeps (``python -m noneq.sweep phase_coexistence large_n_selected``
    and ``large_n_noisy``); chapter page 04 shows the stored results.

    Attributes
    ----------
    scale : str
        The scale these values belong to.
    sizes : tuple of int
        Ring sizes of the noiseless selected state (eqs. 3.39, 4.9).
    kappas : tuple of float
        kappa_Lambda of the selected state.
    noisy_sizes : tuple of int
        Ring sizes of the noisy runs.
    noisy_kappas : tuple of float
        kappa_Lambda of the noisy runs.
    n_runs : int
        Independent noisy runs per (N, kappa), >= 2.
    t_max : float
        Measured time per noisy run, > 0.
    burn_n2 : float
        Burn-in of a noisy run in units of N^2 time units (capped at ``t_max``), >= 0.
    phi, T_eff, rho_bar, dt : float
        As in eq. 6.2 (phi = 0.05, T_eff = 0.002, rho_bar = 1.5, dt = 0.01).
    seed : int
        Seed of the noisy sweep, >= 0.
    init : str
        Initial profile of the noisy runs.
    """

    scale: str
    sizes: tuple
    kappas: tuple
    noisy_sizes: tuple
    noisy_kappas: tuple
    n_runs: int
    t_max: float
    burn_n2: float = 2.0
    phi: float = 0.05
    T_eff: float = 0.002
    rho_bar: float = 1.5
    dt: float = 0.01
    seed: int = 1024
    init: str = "liquid-first"

    def __post_init__(self):
        check_fields(self, ints=("n_runs",), positive=("t_max", "dt"), nonneg=("T_eff", "seed", "burn_n2"),
                     tuples=("sizes", "kappas", "noisy_sizes", "noisy_kappas"), minimum={"n_runs": 2})


_K9 = tuple(np.round(np.arange(1, 10) / 10, 10).tolist())

LARGE_N = FigureSettings(
    "large-n", "selected-state and noisy mu^I against kappa_Lambda for larger N (Fig. 8 towards N -> infinity)",
    ci=LargeNSettings("ci", sizes=(32, 64), kappas=(0.1, 0.5), noisy_sizes=(32, 64), noisy_kappas=(0.1, 0.5),
                      n_runs=2, t_max=500.0, burn_n2=0.5),
    book=LargeNSettings("book", sizes=(64, 128, 256), kappas=_K9, noisy_sizes=(64, 128),
                        noisy_kappas=(0.1, 0.3, 0.5, 0.7, 0.9), n_runs=4, t_max=20_000.0),
    paper=LargeNSettings("paper", sizes=(64, 128, 256, 512, 1024), kappas=_K9, noisy_sizes=(64, 128, 256),
                         noisy_kappas=(0.1, 0.3, 0.5, 0.7, 0.9), n_runs=4, t_max=100_000.0),
)

__all__ += ["LargeNSettings", "LARGE_N"]
