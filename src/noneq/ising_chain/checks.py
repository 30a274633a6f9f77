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

from .results import Chi2Result, FluctuationTheoremResidual, FluctuationTheoremSlope

__all__ = ["fluctuation_theorem_residual", "fluctuation_theorem_slope", "chi2_test"]


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


def _mirror_pairs(centers, values, bin_width):
    """``(c, v(c), v(-c))`` for every bin centre ``c > 0`` whose mirror bin is on the grid."""
    k = np.rint(centers / bin_width).astype(np.int64)
    if np.any(np.abs(k * bin_width - centers) > 1e-6 * bin_width) or np.unique(k).size != k.size:
        raise ValueError("centers must be distinct multiples of bin_width")
    at = dict(zip(k.tolist(), values.tolist()))
    pos = np.sort(k[k > 0])
    pos = pos[np.isin(-pos, k)]
    return pos * bin_width, np.array([at[i] for i in pos], dtype=float), np.array([at[-i] for i in pos], dtype=float)


def fluctuation_theorem_slope(centers, counts, bin_width, *, min_count=10, reference=None) -> FluctuationTheoremSlope:
    """Slope of ``ln[n(c)/n(-c)]`` against ``c`` for Monte Carlo counts in mirror bins (eq. 18 predicts 1).

    Every bin centre ``c > 0`` whose count and mirror count are both at least
    ``min_count`` gives ``y = ln[n(c)/n(-c)]`` with the Poisson (delta-method)
    variance ``1/n(c) + 1/n(-c)``; the slope is the weighted least-squares fit
    ``y = b c`` through the origin, ``b = Σ w c y / Σ w c²``, ``w = 1/var``, with
    standard error ``(Σ w c²)^(-1/2)``.

    Binned, the theorem is not exactly a line: a bin ``[c - w/2, c + w/2)`` holds
    values ΔS whose mirror values fill the mirror bin, and ``P(bin)/P(mirror)`` is an
    average of ``e^ΔS`` over the bin, so ``|y - c| <= w/2`` and, with the same
    weights, ``|b - 1| <= (w/2) Σ w c / Σ w c²`` (``binning_bound``). With
    ``reference`` (an exact law on the same bins) the same fit on its mirror bins,
    with the Monte Carlo weights, gives the slope the counts should reproduce
    within ``slope_err``.

    Parameters
    ----------
    centers : array_like
        Bin centres, distinct multiples of ``bin_width`` (1-d, finite).
    counts : array_like
        Counts per bin (same shape, ``>= 0``).
    bin_width : float
        Bin width, ``> 0``.
    min_count : float
        Smallest count of a bin and of its mirror for the pair to enter, ``>= 1``.
    reference : tuple of array_like, optional
        ``(centers, probabilities)`` of a reference law on the same bins, positive
        on every pair used.

    Returns
    -------
    FluctuationTheoremSlope
        ``delta_s``, ``log_ratio``, ``log_ratio_err``, ``slope``, ``slope_err``,
        ``binning_bound``, ``reference_slope`` (NaN without ``reference``),
        ``chi2`` and ``dof`` of the fit.

    Raises
    ------
    ValueError
        If an argument is outside its range, the shapes differ, fewer than two
        pairs qualify, or the reference misses a pair.

    Examples
    --------
    >>> import numpy as np
    >>> from noneq import ising_chain as ic
    >>> c = 0.2 * np.arange(-10, 11)
    >>> n = np.rint(1e6 * np.exp(c / 2 - c**2 / 4)).astype(int)   # n(c)/n(-c) = e^c
    >>> r = ic.fluctuation_theorem_slope(c, n, 0.2)
    >>> bool(abs(r.slope - 1) < 1e-4), r.dof
    (True, 9)
    """
    c = validate.array("centers", centers)
    n = validate.array("counts", counts, lo=0.0)
    w = validate.real("bin_width", bin_width, 0.0, None, lo_open=True)
    min_count = validate.real("min_count", min_count, 1.0, None)
    if c.shape != n.shape or c.ndim != 1:
        raise ValueError(f"centers and counts must be 1-d of the same shape, got {c.shape} and {n.shape}")
    x, n_pos, n_neg = _mirror_pairs(c, n, w)
    ok = (n_pos >= min_count) & (n_neg >= min_count)
    x, n_pos, n_neg = x[ok], n_pos[ok], n_neg[ok]
    if x.size < 2:
        raise ValueError(f"fewer than two mirror pairs hold at least min_count = {min_count:g} counts")
    y = np.log(n_pos / n_neg)
    var = 1.0 / n_pos + 1.0 / n_neg
    wt = 1.0 / var
    sxx = float(np.sum(wt * x * x))
    slope = float(np.sum(wt * x * y) / sxx)
    ref = float("nan")
    if reference is not None:
        rc = validate.array("reference centers", reference[0])
        rp = validate.array("reference probabilities", reference[1], lo=0.0)
        if rc.shape != rp.shape or rc.ndim != 1:
            raise ValueError("reference must be two 1-d arrays of the same shape")
        xr, p_pos, p_neg = _mirror_pairs(rc, rp, w)
        at = {int(round(v / w)): (a, b) for v, a, b in zip(xr, p_pos, p_neg)}
        pairs = [at.get(int(round(v / w)), (0.0, 0.0)) for v in x]
        if any(a <= 0 or b <= 0 for a, b in pairs):
            raise ValueError("the reference law must be positive on every mirror pair of the counts")
        y_ref = np.log([a / b for a, b in pairs])
        ref = float(np.sum(wt * x * y_ref) / sxx)
    return FluctuationTheoremSlope(
        delta_s=x, log_ratio=y, log_ratio_err=np.sqrt(var), slope=slope, slope_err=sxx**-0.5,
        binning_bound=float(0.5 * w * np.sum(wt * x) / sxx), reference_slope=ref,
        chi2=float(np.sum(wt * (y - slope * x) ** 2)), dof=int(x.size - 1),
    )


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
