"""Result objects of :mod:`noneq.ising_chain`.

Frozen dataclasses with the field names shared by the package (``seconds`` for
wall time, ``*_err`` for standard errors). Functions that used to return a dict
return one of these; ``r["key"]`` keeps working (as do ``"key" in r`` and
``r.keys()``), so existing notebooks need no change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from noneq.stats import Chi2Result

from ..records import ItemAccess

__all__ = [
    "SimulationResult",
    "ExactEntropyProduction",
    "FluctuationTheoremResidual",
    "FluctuationTheoremSlope",
    "EfficiencySeries",
    "Chi2Result",
]


@dataclass(frozen=True, eq=False)
class SimulationResult(ItemAccess):
    """Monte Carlo runs of ``t`` MCS from the stationary state (:func:`~noneq.ising_chain.montecarlo.simulate`).

    Attributes
    ----------
    bin_centers : numpy.ndarray
        Symmetric grid ``k w`` of the ΔS histogram.
    probabilities : numpy.ndarray
        ``counts / samples``.
    counts : numpy.ndarray of int
        Number of runs per bin.
    samples : int
        Number of runs.
    Q1_mean, Q2_mean : float
        Mean heat taken from B1 and B2 per run.
    Q1_err, Q2_err : float
        Their standard errors (runs are independent).
    seconds : float
        Wall time of the sampling.
    """

    bin_centers: np.ndarray
    probabilities: np.ndarray
    counts: np.ndarray
    samples: int
    Q1_mean: float
    Q2_mean: float
    Q1_err: float
    Q2_err: float
    seconds: float


@dataclass(frozen=True, eq=False)
class ExactEntropyProduction(ItemAccess):
    """Exact law of ΔS after ``t`` MCS (:func:`~noneq.ising_chain.exact.entropy_production_exact`).

    Attributes
    ----------
    bin_centers, probabilities : numpy.ndarray
        Histogram on the symmetric grid ``k w`` (probabilities sum to one).
    values, atom_probabilities : numpy.ndarray
        Sorted distinct values of ΔS and their probabilities.
    mean : float
        Exact ``<ΔS>``.
    seconds : float
        Wall time.
    """

    bin_centers: np.ndarray
    probabilities: np.ndarray
    values: np.ndarray
    atom_probabilities: np.ndarray
    mean: float
    seconds: float


@dataclass(frozen=True, eq=False)
class FluctuationTheoremResidual(ItemAccess):
    """``ln[P(ΔS)/P(-ΔS)]`` against ΔS (eq. 18; :func:`~noneq.ising_chain.checks.fluctuation_theorem_residual`).

    Attributes
    ----------
    delta_s : numpy.ndarray
        Positive values (or bin centres) ΔS whose own and mirror probabilities both
        exceed the threshold.
    log_ratio : numpy.ndarray
        ``ln[P(ΔS)/P(-ΔS)]`` at ``delta_s``.
    residual : numpy.ndarray
        ``log_ratio - delta_s`` (zero for the exact law: slope 1).
    max_error : float
        ``max |residual| / max(1, ΔS)`` (0 when no value qualifies).
    unpaired : int
        Positive values above the threshold whose mirror value is missing or below
        it (0 for a law obeying the theorem).
    """

    delta_s: np.ndarray
    log_ratio: np.ndarray
    residual: np.ndarray
    max_error: float
    unpaired: int


@dataclass(frozen=True, eq=False)
class FluctuationTheoremSlope(ItemAccess):
    """Slope of ``ln[n(c)/n(-c)]`` against ``c`` for counts in mirror bins (eq. 18;
    :func:`~noneq.ising_chain.checks.fluctuation_theorem_slope`).

    Attributes
    ----------
    delta_s : numpy.ndarray
        Bin centres ``c > 0`` of the pairs used.
    log_ratio, log_ratio_err : numpy.ndarray
        ``ln[n(c)/n(-c)]`` and its Poisson standard error ``sqrt(1/n(c) + 1/n(-c))``.
    slope, slope_err : float
        Weighted least-squares slope through the origin and its standard error.
    binning_bound : float
        Largest ``|slope - 1|`` the bins alone can cause for a law that obeys
        eq. (18) exactly (same weights).
    reference_slope : float
        The same fit, same weights, on the mirror bins of a reference law (NaN
        without one).
    chi2 : float
        ``sum ((log_ratio - slope c) / log_ratio_err)^2``.
    dof : int
        Number of pairs minus one.
    """

    delta_s: np.ndarray
    log_ratio: np.ndarray
    log_ratio_err: np.ndarray
    slope: float
    slope_err: float
    binning_bound: float
    reference_slope: float
    chi2: float
    dof: int


@dataclass(frozen=True, eq=False)
class EfficiencySeries(ItemAccess):
    """Taylor coefficients in powers of ``η_C`` (eqs. 17, 61-62; :func:`~noneq.ising_chain.engine.efficiency_series`).

    Attributes
    ----------
    eta : numpy.ndarray
        Coefficients of the efficiency at maximum power ``η*``.
    x1, x2 : numpy.ndarray
        Coefficients of the optimal affinities ``x1*``, ``x2*``.
    """

    eta: np.ndarray
    x1: np.ndarray
    x2: np.ndarray
