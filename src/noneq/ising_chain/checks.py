"""Checks of a computed law of ΔS: the fluctuation theorem (eq. 18) and a χ² test against the exact law.

:func:`fluctuation_theorem_residual` is the one implementation of
``ln[P(ΔS)/P(-ΔS)]`` against ΔS, for distinct values (the exact atoms), exact
histograms and Monte Carlo counts alike. :func:`chi2_test` keeps the old name
of :func:`noneq.stats.binned_chi2`.
"""

from __future__ import annotations

import numpy as np

from noneq import validate
from noneq.stats import binned_chi2

from .results import Chi2Result, FluctuationTheoremResidual

__all__ = ["fluctuation_theorem_residual", "chi2_test"]


def fluctuation_theorem_residual(centers, probs, *, min_prob=0.0, tol=1e-8):
    """``ln[P(ΔS)/P(-ΔS)]`` at every positive ΔS, and its deviation from ΔS (slope 1, eq. 18).

    Works on distinct values (:func:`~noneq.ising_chain.exact.entropy_production_atoms`),
    on histograms on a symmetric grid (exact or Monte Carlo) and on raw counts
    (the ratio is the same).

    Parameters
    ----------
    centers : array_like
        Values or bin centres of ΔS (1-d, finite, any order).
    probs : array_like
        Their probabilities or counts (same shape, ``>= 0``).
    min_prob : float
        A pair enters the log-ratio only if both ``P(ΔS)`` and ``P(-ΔS)`` exceed
        ``min_prob`` (``>= 0``; e.g. ``1e-250`` to stay clear of denormals, or
        ``9.5`` for "at least 10 counts").
    tol : float
        Two values are mirror images when ``|a + b| < tol``; values ``<= tol`` are
        not positive (``> 0``).

    Returns
    -------
    FluctuationTheoremResidual
        ``delta_s``, ``log_ratio``, ``residual = log_ratio - delta_s``,
        ``max_error = max |residual| / max(1, ΔS)`` (NaN when no pair qualifies) and
        ``unpaired`` (positive values with ``P > 0`` whose mirror is missing or has
        probability 0).

    Raises
    ------
    ValueError
        If an argument is outside its range or the shapes differ.

    Examples
    --------
    >>> from noneq import ising_chain as ic
    >>> v, p = ic.entropy_production_atoms(4, 3, 1.0, 2.0)
    >>> r = ic.fluctuation_theorem_residual(v, p, min_prob=1e-250)
    >>> r.unpaired, bool(r.max_error < 1e-10)
    (0, True)
    """
    v = validate.array("centers", centers)
    p = validate.array("probs", probs, lo=0.0)
    min_prob = validate.real("min_prob", min_prob, 0.0, None)
    tol = validate.real("tol", tol, 0.0, None, lo_open=True)
    if v.shape != p.shape:
        raise ValueError(f"centers and probs must have the same shape, got {v.shape} and {p.shape}")
    order = np.argsort(v, kind="stable")
    v, p = v[order], p[order]
    pos = np.flatnonzero(v > tol)
    x = v[pos]
    # nearest neighbour of -x among the sorted values
    j = np.clip(np.searchsorted(v, -x), 0, len(v) - 1)
    j2 = np.clip(j - 1, 0, len(v) - 1)
    jj = np.where(np.abs(v[j] + x) < np.abs(v[j2] + x), j, j2)
    paired = np.abs(v[jj] + x) < tol
    p_pos = p[pos]
    p_neg = np.where(paired, p[jj], 0.0)
    unpaired = int(np.count_nonzero((p_pos > 0) & (p_neg == 0)))
    ok = (p_pos > min_prob) & (p_neg > min_prob)
    x = x[ok]
    log_ratio = np.log(p_pos[ok] / p_neg[ok])
    residual = log_ratio - x
    max_error = float(np.max(np.abs(residual) / np.maximum(1.0, x))) if x.size else float("nan")
    return FluctuationTheoremResidual(delta_s=x, log_ratio=log_ratio, residual=residual, max_error=max_error,
                                      unpaired=unpaired)


def chi2_test(centers_exact, probs_exact, centers_mc, counts_mc, bin_width, min_expected=5.0) -> Chi2Result:
    """Pearson χ² test of a Monte Carlo histogram against the exact bin probabilities.

    The old name of :func:`noneq.stats.binned_chi2` (same arguments, same
    numbers). Bins are matched by their index ``round(c / bin_width)``; bins with
    expected count ``>= min_expected`` are compared one by one and the others
    pooled into one cell (dropped if its expectation is still below ``min_expected``).

    Parameters
    ----------
    centers_exact, probs_exact : array_like
        Exact histogram (:func:`~noneq.ising_chain.exact.entropy_production_distribution`).
    centers_mc, counts_mc : array_like
        Monte Carlo histogram (:func:`~noneq.ising_chain.montecarlo.simulate`).
    bin_width : float
        Common bin width, ``> 0``.
    min_expected : float
        Smallest expected count of a cell compared on its own, ``> 0``.

    Returns
    -------
    Chi2Result
        ``chi2``, ``dof``, ``pvalue``, ``outside`` (Monte Carlo counts in bins of
        zero exact probability; must be 0); ``test["pvalue"]`` works as before.

    Raises
    ------
    ValueError
        If an argument is outside its range or the shapes do not match.
    """
    return binned_chi2(centers_exact, probs_exact, centers_mc, counts_mc, bin_width, min_expected)
