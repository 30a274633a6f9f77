"""Settings of the paper's figures: one frozen object per figure, with ci/book/paper sizes.

Each object holds the paper's parameters; sizes that depend on the scale are
:class:`Scaled` triples, and ``FIG3.at("paper")`` (or ``FIG3.at()`` for the scale
of ``NONEQ_SCALE``) returns the same object with every size resolved. The
chapter's notebooks (``FIG3 = ic.FIG3.at()``), the command line
(``python -m noneq.ising_chain fig3 --scale ci``) and the tests all read these.

Values come from the notebooks' former ``pick(...)`` calls and from the former
command line. Where they disagreed:

* Fig. 3 at the ci scale: the notebook ran ``t = 4`` MCS and ``2 x 10^5`` runs per
  T2, the command line ``t = 10`` and ``10^5``. The notebook's values are kept (the
  exact law at ``t = 10`` takes ~10 s per T2, too long for ci, and ``2 x 10^5`` runs
  give the χ² test more than 5 degrees of freedom at ``t = 4``); book and paper
  agree (``t = 10``; ``10^7`` and ``10^9`` runs).
* Seeds of Fig. 3: the notebook used ``2016 + i`` for the i-th T2, the command line
  2016 for all; the notebook's convention is kept (independent streams per T2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from noneq.scale import pick
from noneq.scale import scale as _active_scale

__all__ = [
    "Scaled",
    "EntropyProductionSettings",
    "LargeDeviationSettings",
    "EnergySettings",
    "EfficiencySettings",
    "CurrentSettings",
    "DynamicsSettings",
    "FIG3",
    "FIG4",
    "FIG5",
    "FIG6",
    "EFFICIENCY",
    "CURRENTS",
    "DYNAMICS",
    "FIGURES",
]

inf = math.inf


@dataclass(frozen=True)
class Scaled:
    """A size that depends on the scale: ``Scaled(ci=..., book=..., paper=...)``.

    Parameters
    ----------
    ci, book, paper
        The value at each scale (see :mod:`noneq.scale`).
    """

    ci: Any
    book: Any
    paper: Any

    def at(self, scale=None):
        """The value at ``scale`` (``"ci"``, ``"book"`` or ``"paper"``; None: ``NONEQ_SCALE``).

        Raises
        ------
        ValueError
            If the scale is unknown.
        """
        return pick(ci=self.ci, book=self.book, paper=self.paper, override=scale)


def _fmt(v):
    if isinstance(v, float):
        return "inf" if math.isinf(v) else f"{v:g}"
    if isinstance(v, tuple):
        return "(" + ", ".join(_fmt(x) for x in v) + ")"
    if isinstance(v, int) and abs(v) >= 10**5:
        return f"{v:.0e}".replace("e+0", "e").replace("e+", "e")
    return str(v)


class _Settings:
    """``at(scale)`` and ``describe()`` for the settings dataclasses."""

    def at(self, scale=None):
        """A copy with every :class:`Scaled` field resolved at ``scale`` (None: ``NONEQ_SCALE``).

        Parameters
        ----------
        scale : {"ci", "book", "paper"}, optional

        Returns
        -------
        Same type, with ``scale`` set.

        Raises
        ------
        ValueError
            If the scale is unknown.
        """
        s = _active_scale(scale)
        vals = {f.name: getattr(self, f.name) for f in fields(self)}
        vals = {k: (v.at(s) if isinstance(v, Scaled) else v) for k, v in vals.items()}
        vals["scale"] = s
        return replace(self, **vals)

    def describe(self):
        """One line: the figure, the scale and every parameter."""
        head = f"{self.figure} [scale {self.scale or 'unresolved'}]"
        body = ", ".join(f"{f.name} = {_fmt(getattr(self, f.name))}" for f in fields(self)
                         if f.name not in ("figure", "scale"))
        return f"{head}: {body}"


@dataclass(frozen=True)
class EntropyProductionSettings(_Settings):
    """Figs. 3-4: P(ΔS) after ``t`` MCS, exact and by Monte Carlo, and the fluctuation theorem.

    Attributes
    ----------
    figure : str
    M : int
        Number of spins.
    t : int or Scaled
        Monte Carlo steps per run.
    T1 : float
    T2 : tuple of float
        One panel per value.
    samples : int or Scaled
        Monte Carlo runs per T2 (the paper's K).
    bin_width : float
    eps : float
    seed : int
        Root seed; the i-th T2 uses ``seed + i`` in the notebooks and the command
        line; the sweep (:mod:`noneq.sweep.families.ising_chain`) derives each
        task's seed from it.
    n_chunks : int or Scaled
        Tasks per T2 of the sweep ``ising_chain fig3`` (``>= 1``): each runs
        ``samples // n_chunks`` runs (the first ``samples % n_chunks`` one more)
        with its own seed; 16 at the paper scale, about 25 s per task on one core.
    scale : str or None
        Set by :meth:`at`.
    """

    figure: str
    M: int
    t: Any
    T1: float
    T2: tuple
    samples: Any
    bin_width: float
    eps: float = 2.0
    seed: int = 2016
    n_chunks: Any = 1
    scale: str | None = None

    def seeds(self):
        """Seed of each T2: ``seed + i``."""
        return tuple(self.seed + i for i in range(len(self.T2)))


@dataclass(frozen=True)
class LargeDeviationSettings(_Settings):
    """Fig. 5: ``I(J)`` and ``I(J) - I(-J)`` of the one-site system, and the finite-time law.

    Attributes
    ----------
    figure : str
    T1 : float
    T2 : tuple of float
        One curve per value.
    J_max : float
        Currents ``J`` on ``J_points`` points of ``[-J_max, J_max]``.
    J_points : int
    T2_finite : float
        T2 of the finite-time comparison ``-ln P(N; t)/t`` against ``I(N/t)``.
    times : tuple of float or Scaled
    eps : float
    scale : str or None
    """

    figure: str
    T1: float
    T2: tuple
    J_max: float
    J_points: int
    T2_finite: float
    times: Any
    eps: float = 2.0
    scale: str | None = None

    def currents(self):
        """The grid of currents ``J``."""
        return np.linspace(-self.J_max, self.J_max, self.J_points)


@dataclass(frozen=True)
class EnergySettings(_Settings):
    """Fig. 6: ``p(E)`` against the effective canonical form, and the stationary-state checks.

    Attributes
    ----------
    figure : str
    T1, T2 : float
    M : tuple of int
        Chain lengths of Fig. 6.
    M_solve : tuple of int or Scaled
        Lengths at which the ansatz is compared with the sparse master-equation solve.
    M_full : tuple of int or Scaled
        Lengths at which the full ``2^M`` distribution is built (timing).
    eps : float
    scale : str or None
    """

    figure: str
    T1: float
    T2: float
    M: tuple
    M_solve: Any
    M_full: Any
    eps: float = 2.0
    scale: str | None = None


@dataclass(frozen=True)
class EfficiencySettings(_Settings):
    """Eqs. (17), (61)-(62): series of the efficiency at maximum power and of the optimal affinities.

    Attributes
    ----------
    figure : str
    order : int
        Highest Taylor order.
    radius, points : float, int
        Contour of the Cauchy integral.
    check_radius, check_points : float, int
        A second, independent contour.
    eta_C : tuple of float
        Carnot efficiencies at which exact maximisation and series are compared.
    scale : str or None
    """

    figure: str
    order: int
    radius: float
    points: int
    check_radius: float
    check_points: int
    eta_C: tuple
    scale: str | None = None


@dataclass(frozen=True)
class CurrentSettings(_Settings):
    """Eqs. (8)-(9): heat currents by Monte Carlo against ``ε(p2 - p1)/M``.

    Attributes
    ----------
    figure : str
    M : tuple of int
    T1 : float
    T2 : tuple of float
    t : int
        Monte Carlo steps per run.
    samples : int or Scaled
        Runs per (M, T2).
    eps : float
    seed : int
        The i-th chain length uses ``seed + i`` (for every T2).
    scale : str or None
    """

    figure: str
    M: tuple
    T1: float
    T2: tuple
    t: int
    samples: Any
    eps: float = 2.0
    seed: int = 100
    scale: str | None = None


@dataclass(frozen=True)
class DynamicsSettings(_Settings):
    """Notebook 08 (beyond the paper): I(J) in both clocks, the iteration of eqs. 76-80, lumping.

    Attributes
    ----------
    figure : str
    T1, T2 : float
        Temperatures of the one-site large deviations, the iteration and the lumping.
    M_ldf : int
        Number of spins of the discrete/continuous comparison (the one-site system).
    J_max, J_points : float, int
        Currents on ``J_points`` points of ``[-J_max, J_max]``.
    times : tuple of int or Scaled
        MCS of the exact finite-time law of the discrete rule.
    M_iteration : tuple of int or Scaled
        Chain lengths of the iteration table.
    M_history, sweeps_history, history_seed : int
        Chain length, number of sweeps and seed of the random initial guess of the
        convergence history.
    M_lumping : tuple of int or Scaled
        Chain lengths at which the spin generator is lumped onto links.
    field : float
        Field on spin 1 that breaks lumpability.
    eps : float
    scale : str or None
    """

    figure: str
    T1: float
    T2: float
    M_ldf: int
    J_max: float
    J_points: int
    times: Any
    M_iteration: Any
    M_history: int
    sweeps_history: int
    history_seed: int
    M_lumping: Any
    field: float
    eps: float = 2.0
    scale: str | None = None

    def currents(self):
        """The grid of currents ``J``."""
        return np.linspace(-self.J_max, self.J_max, self.J_points)


#: Fig. 3 (P(ΔS), M = 10, t = 10, T1 = 1, T2 = 2, 5, 10, inf, K = 10^9 at paper scale, bin 0.2).
FIG3 = EntropyProductionSettings(
    figure="Fig. 3", M=10, t=Scaled(ci=4, book=10, paper=10), T1=1.0, T2=(2.0, 5.0, 10.0, inf),
    samples=Scaled(ci=200_000, book=10_000_000, paper=1_000_000_000), bin_width=0.2,
    n_chunks=Scaled(ci=2, book=4, paper=16),
)
#: Fig. 4: the fluctuation theorem on the data of Fig. 3.
FIG4 = replace(FIG3, figure="Fig. 4")
#: Fig. 5 (I(J) for T1 = 1, T2 = 2, 5, 10, inf; finite-time law at T2 = 2).
FIG5 = LargeDeviationSettings(
    figure="Fig. 5", T1=1.0, T2=(2.0, 5.0, 10.0, inf), J_max=0.5, J_points=401, T2_finite=2.0,
    times=Scaled(ci=(25, 100, 400), book=(25, 100, 400, 1600), paper=(25, 100, 400, 1600, 6400)),
)
#: Fig. 6 (p(E), T1 = 1, T2 = 2, M = 4, 10, 20, 25, 100).
FIG6 = EnergySettings(
    figure="Fig. 6", T1=1.0, T2=2.0, M=(4, 10, 20, 25, 100),
    M_solve=Scaled(ci=(4, 8, 11), book=(4, 8, 12), paper=(4, 8, 12, 14)),
    M_full=Scaled(ci=(16, 20), book=(20, 25), paper=(20, 25)),
)
#: Eqs. (17), (61)-(62).
EFFICIENCY = EfficiencySettings(
    figure="eqs. 17, 61-62", order=8, radius=0.25, points=128, check_radius=0.15, check_points=96,
    eta_C=(0.02, 0.05, 0.1, 0.2),
)
#: Eqs. (8)-(9) (notebook 01).
CURRENTS = CurrentSettings(
    figure="eqs. 8-9", M=(2, 4, 6, 10, 16), T1=1.0, T2=(2.0, inf), t=20,
    samples=Scaled(ci=100_000, book=1_000_000, paper=100_000_000),
)
#: Notebook 08 (beyond the paper; not a command of the command line).
DYNAMICS = DynamicsSettings(
    figure="dynamics", T1=1.0, T2=2.0, M_ldf=2, J_max=0.6, J_points=241,
    times=Scaled(ci=(100, 400), book=(100, 400, 1600), paper=(100, 400, 1600, 6400)),
    M_iteration=Scaled(ci=(4, 6, 8, 10), book=(4, 6, 8, 10, 12, 14), paper=(4, 6, 8, 10, 12, 14, 16)),
    M_history=8, sweeps_history=1500, history_seed=8,
    M_lumping=Scaled(ci=(2, 3, 4, 5, 6, 7), book=(2, 3, 4, 5, 6, 7, 8, 9), paper=(2, 3, 4, 5, 6, 7, 8, 9, 10)),
    field=0.3,
)
#: Command-line name -> settings.
FIGURES = {"fig3": FIG3, "fig4": FIG4, "fig5": FIG5, "fig6": FIG6, "efficiency": EFFICIENCY, "currents": CURRENTS}
