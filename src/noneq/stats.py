"""Error bars and goodness of fit, shared by every chapter.

* :func:`block_mean` -- mean and standard error of values that are already
  independent block averages (one per block or per independent run);
* :func:`batch_means` -- the same for a correlated time series, cut into
  contiguous blocks first;
* :func:`integrated_autocorrelation_time` -- Sokal's windowed estimator, used to
  check that a block is much longer than the correlations it averages over;
* :func:`combine_independent` -- one estimate from independent estimates with
  their standard errors;
* :func:`binned_chi2` -- Pearson's chi-square test of a histogram against exact
  bin probabilities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import validate

__all__ = [
    "block_mean",
    "batch_means",
    "integrated_autocorrelation_time",
    "combine_independent",
    "Chi2Result",
    "binned_chi2",
]


def block_mean(x, axis: int = 0):
    """Mean and standard error of independent block values along ``axis``.

    Parameters
    ----------
    x : array_like
        One value per block (block averages, or the results of independent
        runs) along ``axis``; other axes are kept.
    axis : int
        The block axis.

    Returns
    -------
    mean, sem : float or ndarray
        The mean over blocks and its standard error ``std(ddof=1) / sqrt(n)``
        (NaN for fewer than two blocks).
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[axis]
    if n < 1:
        raise ValueError(f"x must have at least one block along axis {axis}, got shape {x.shape}")
    mean = x.mean(axis=axis)
    if n > 1:
        sem = x.std(axis=axis, ddof=1) / math.sqrt(n)
    else:
        sem = np.full_like(np.asarray(mean), np.nan)
    if np.ndim(mean) == 0:
        return float(mean), float(sem)
    return mean, sem


def batch_means(x, n_blocks: int = 20):
    """Mean and standard error of a correlated time series by batch means.

    The series is cut into ``n_blocks`` contiguous blocks of equal length (a
    remainder at the end is left out of the blocks but kept in the mean); the
    standard error is the spread of the block averages over ``sqrt(n_blocks)``.
    This is unbiased when every block is much longer than the integrated
    autocorrelation time (check with :func:`integrated_autocorrelation_time`).
    NaN entries are dropped first.

    Parameters
    ----------
    x : array_like
        The time series (1-d).
    n_blocks : int
        Number of blocks, at least 2.

    Returns
    -------
    mean, sem : float
        ``sem`` is NaN when the series has fewer finite entries than blocks.
    """
    n_blocks = validate.integer("n_blocks", n_blocks, 2)
    x = np.asarray(x, dtype=np.float64).ravel()
    x = x[np.isfinite(x)]
    if x.size < n_blocks:
        return (float(np.mean(x)) if x.size else float("nan")), float("nan")
    m = x.size // n_blocks
    blocks = x[: m * n_blocks].reshape(n_blocks, m).mean(axis=1)
    return float(np.mean(x)), float(np.std(blocks, ddof=1) / math.sqrt(n_blocks))


def integrated_autocorrelation_time(x, c: float = 5.0, max_lag: int | None = None) -> float:
    """Integrated autocorrelation time of a time series, in samples.

    ``tau = 1/2 + sum_{t>=1} rho(t)``, summed up to the first lag ``t >= c tau``
    (Sokal's automatic window). NaN entries are dropped. With this convention an
    uncorrelated series has ``tau = 1/2`` and the variance of the mean is
    ``2 tau var(x) / n``.

    Parameters
    ----------
    x : array_like
        The time series (1-d).
    c : float
        Window constant, > 0.
    max_lag : int, optional
        Largest lag summed (default: the series length).

    Returns
    -------
    float
        NaN for fewer than 10 finite samples or a constant series.
    """
    c = validate.real("c", c, 0.0, None, lo_open=True)
    x = np.asarray(x, dtype=np.float64).ravel()
    x = x[np.isfinite(x)]
    n = x.size
    if n < 10:
        return float("nan")
    x = x - x.mean()
    var = float(np.mean(x * x))
    if var == 0.0:
        return float("nan")
    f = np.fft.rfft(x, 2 * n)
    acf = np.fft.irfft(f * np.conj(f))[:n] / (np.arange(n, 0, -1) * var)
    tau = 0.5
    last = n if max_lag is None else min(n, validate.integer("max_lag", max_lag, 1) + 1)
    for lag in range(1, last):
        tau += acf[lag]
        if lag >= c * tau:
            break
    return float(tau)


def combine_independent(means, sems, axis: int = -1):
    """Average of independent estimates with equal weights, and its standard error.

    ``mean = nanmean(means)``, ``sem = sqrt(sum sems**2) / n`` over the finite
    entries along ``axis`` (for runs of equal length, so equal weights).

    Returns
    -------
    mean, sem : float or ndarray
    """
    m = np.asarray(means, dtype=np.float64)
    e = np.asarray(sems, dtype=np.float64)
    if m.shape != e.shape:
        raise ValueError(f"means and sems must have the same shape, got {m.shape} and {e.shape}")
    ok = np.isfinite(m) & np.isfinite(e)
    n = ok.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, m, 0.0).sum(axis=axis) / n
        sem = np.sqrt(np.where(ok, e * e, 0.0).sum(axis=axis)) / n
    if np.ndim(mean) == 0:
        return float(mean), float(sem)
    return mean, sem


@dataclass(frozen=True)
class Chi2Result:
    """Outcome of :func:`binned_chi2`.

    Attributes
    ----------
    chi2 : float
        Pearson's statistic.
    dof : int
        Degrees of freedom (compared cells minus one).
    pvalue : float
        Upper tail probability of ``chi2`` with ``dof`` degrees of freedom.
    outside : int
        Observed counts in bins of zero exact probability (a correct sampler has 0).
    """

    chi2: float
    dof: int
    pvalue: float
    outside: int

    def __getitem__(self, key):  # dict-style access, as returned before
        return getattr(self, key)


def binned_chi2(centers_exact, probs_exact, centers_obs, counts_obs, bin_width, min_expected=5.0) -> Chi2Result:
    """Pearson chi-square test of a histogram against exact bin probabilities.

    Bins are matched by their index ``round(center / bin_width)``. Bins whose
    expected count is at least ``min_expected`` are compared one by one; the
    others are pooled into one cell (dropped if its expectation is still below
    ``min_expected``).

    Parameters
    ----------
    centers_exact, probs_exact : array_like
        Bin centres and exact probabilities (summing to one).
    centers_obs, counts_obs : array_like
        Bin centres and observed counts of the sample.
    bin_width : float
        Common bin width, > 0.
    min_expected : float
        Smallest expected count of a cell compared on its own, > 0.

    Returns
    -------
    Chi2Result
    """
    from scipy.stats import chi2 as _chi2

    w = validate.real("bin_width", bin_width, 0.0, None, lo_open=True)
    min_expected = validate.real("min_expected", min_expected, 0.0, None, lo_open=True)
    ce = np.asarray(centers_exact, dtype=np.float64)
    pe = np.asarray(probs_exact, dtype=np.float64)
    cm = np.asarray(centers_obs, dtype=np.float64)
    nm = np.asarray(counts_obs)
    if ce.shape != pe.shape or cm.shape != nm.shape:
        raise ValueError("centers and probabilities (counts) must have matching shapes")
    total = float(nm.sum())
    ie = np.rint(ce / w).astype(np.int64)
    im = np.rint(cm / w).astype(np.int64)
    support = dict(zip(ie.tolist(), pe.tolist()))
    cnt = dict(zip(im.tolist(), nm.tolist()))
    outside = int(sum(c for i, c in cnt.items() if support.get(i, 0.0) == 0.0))
    obs = np.array([cnt.get(i, 0) for i in ie.tolist()], dtype=np.float64)
    exp = pe * total
    ok = exp >= min_expected
    o = np.append(obs[ok], obs[~ok].sum())
    e = np.append(exp[ok], exp[~ok].sum())
    if e[-1] < min_expected:
        o, e = o[:-1], e[:-1]
    stat = float(np.sum((o - e) ** 2 / e))
    dof = len(o) - 1
    return Chi2Result(chi2=stat, dof=dof, pvalue=float(_chi2.sf(stat, dof)), outside=outside)
