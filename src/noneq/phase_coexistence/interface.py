"""The liquid->gas interface of a profile and its chemical potential mu^I (eqs. 6.3-6.4).

:func:`_interface` is compiled once and called both by the public
:func:`interface_chemical_potential` and by the noisy kernel, which samples mu^I
during a run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from .. import validate
from .model import _check_profile

__all__ = ["interface_chemical_potential", "domain_offsets", "series_offsets", "hop_statistics", "HopStatistics"]


@njit(cache=True)
def _interface(rho, mt, level):
    """Liquid->gas crossing of ``level`` (eq. 6.3) and mu~ there (eq. 6.4).

    Scans the ring for i with rho_{i-1} > level >= rho_i (i-1 taken cyclically);
    if several crossings exist the steepest is used. Returns (X^I, mu^I, count)
    with X^I in [0, 1) in units of the ring length (site i sits at i/N, site N
    at 1 == 0), or (nan, nan, 0) when there is no crossing.
    """
    n = rho.shape[0]
    best = -1
    best_drop = -1.0
    count = 0
    for i in range(n):
        a = rho[i - 1]
        b = rho[i]
        if a > level and b <= level:
            count += 1
            if a - b > best_drop:
                best_drop = a - b
                best = i
    if best < 0:
        return np.nan, np.nan, 0
    i = best
    a = rho[i - 1]
    b = rho[i]
    wa = (a - level) / (a - b)  # weight of site i (eq. 6.3)
    wb = (level - b) / (a - b)  # weight of site i-1
    # 0-based index i is site i+1, at position (i+1)/N; site i-1 at i/N.
    x = (wb * i + wa * (i + 1)) / n
    if x >= 1.0:
        x -= 1.0
    m = wb * mt[i - 1] + wa * mt[i]
    return x, m, count


def interface_chemical_potential(rho, mu_tilde, level=1.5, return_position=False):
    """Chemical potential at the liquid->gas interface (eqs. 6.3-6.4).

    Finds i* with rho_{i*-1} > level and rho_{i*} < level (cyclically on the
    ring; the steepest such crossing if there are several) and interpolates
    linearly: mu^I = w mu~_{i*-1} + (1 - w) mu~_{i*} with
    w = (level - rho_{i*}) / (rho_{i*-1} - rho_{i*}).

    Parameters
    ----------
    rho, mu_tilde : array_like, shape (N,)
        Density and generalised chemical potential profiles, N >= 2.
    level : float
        Density defining the interface, (rho_G + rho_L)/2 = 1.5 in the paper.
    return_position : bool
        Also return the interface position X^I of eq. 6.3 (in [0, 1)).

    Returns
    -------
    float or (float, float)
        mu^I, or (mu^I, X^I).

    Raises
    ------
    ValueError
        For mismatched shapes, or when the profile never crosses ``level``
        from above.

    Examples
    --------
    >>> import numpy as np
    >>> import noneq.phase_coexistence as pc
    >>> rho = np.array([2.5, 2.5, 2.0, 1.0, 0.5, 0.5])
    >>> mt = np.array([0.0, 0.0, 0.1, 0.3, 0.0, 0.0])
    >>> m, x = pc.interface_chemical_potential(rho, mt, return_position=True)
    >>> round(m, 12), round(x * 6, 12)  # halfway between sites 3 and 4
    (0.2, 3.5)
    """
    rho = _check_profile("rho", rho, min_size=2)
    mt = validate.array("mu_tilde", mu_tilde, ndim=1, shape=rho.shape)
    level = validate.real("level", level)
    x, m, count = _interface(rho, mt, level)
    if count == 0:
        raise ValueError(f"rho has no liquid->gas crossing of level={level:g}: no interface")
    return (float(m), float(x)) if return_position else float(m)


def domain_offsets(x_I, N, n_liquid, window):
    """Offset of a pinned liquid domain from the battery, from a series of X^I (eq. 6.3).

    The series is cut into windows of ``window`` samples; in each window the
    liquid->gas interface position is averaged on the circle and converted to the
    offset of the first liquid box, ``round(N X^I - n_liquid - 1/2) mod N`` (a
    pinned state with the liquid on boxes ``o .. o + n_liquid - 1`` has its
    liquid->gas crossing of 1.5 about half a box after its last liquid box).
    A hop is a change of offset between consecutive windows.

    Parameters
    ----------
    x_I : array_like, shape (n_samples,)
        Interface positions in [0, 1) (NaN samples are ignored).
    N : int
        Number of boxes, >= 3.
    n_liquid : int
        Liquid boxes of the domain, in [1, N - 1].
    window : int
        Samples per window, in [1, n_samples].

    Returns
    -------
    offsets : ndarray of int, shape (n_samples // window,)
    hops : int
        Number of changes of offset between consecutive windows.

    Raises
    ------
    ValueError
        For invalid parameters or a window without a finite sample.
    """
    x = validate.array("x_I", x_I, ndim=1, min_size=1)
    N = validate.integer("N", N, 3)
    n_liquid = validate.integer("n_liquid", n_liquid, 1, N - 1)
    window = validate.integer("window", window, 1, x.size)
    n = x.size // window
    z = np.exp(2j * np.pi * x[: n * window]).reshape(n, window)
    z = np.where(np.isfinite(z), z, 0.0)
    if np.any(np.all(z == 0, axis=1)):
        raise ValueError("x_I has a window without a finite sample")
    xm = (np.angle(z.sum(axis=1)) / (2 * np.pi)) % 1.0
    offsets = np.rint(N * xm - n_liquid - 0.5).astype(np.int64) % N
    return offsets, int(np.count_nonzero(np.diff(offsets)))


@dataclass(frozen=True)
class HopStatistics:
    """Which pinned state a set of noisy runs occupies, and how often it hops (:func:`hop_statistics`).

    Attributes
    ----------
    kappas : ndarray, shape (n_kappa,)
        kappa_Lambda of the runs.
    window : float
        Length of one window (time units); the offset is read once per window.
    offsets : ndarray of int, shape (n_kappa, n_runs, n_windows)
        Offset of the first liquid box from the battery in each window.
    hops : ndarray of int, shape (n_kappa, n_runs)
        Changes of offset between consecutive windows, per run.
    dominant : ndarray of int, shape (n_kappa, n_runs)
        The offset each run occupies longest (the smallest one on a tie).
    observed : float
        Time covered by the windows of one run (time units).
    """

    kappas: np.ndarray
    window: float
    offsets: np.ndarray
    hops: np.ndarray
    dominant: np.ndarray
    observed: float

    @classmethod
    def from_offsets(cls, kappas, offsets, window):
        """Hops, longest-held offsets and observed time from offsets read per window.

        Parameters
        ----------
        kappas : array_like, shape (n_kappa,)
            kappa_Lambda of the runs.
        offsets : array_like of int, shape (n_kappa, n_runs, n_windows)
            Offset of the liquid domain in each window (:func:`domain_offsets`), >= 0.
        window : float
            Window length (time units), > 0.

        Returns
        -------
        HopStatistics
        """
        offsets = np.asarray(offsets, dtype=np.int64)
        if offsets.ndim != 3 or offsets.shape[2] < 1 or np.any(offsets < 0):
            raise ValueError(f"offsets must be non-negative integers of shape (n_kappa, n_runs, n_windows >= 1), "
                             f"got shape {offsets.shape}")
        window = validate.real("window", window, 0.0, lo_open=True)
        hops = np.count_nonzero(np.diff(offsets, axis=2), axis=2)
        dominant = np.array([[np.argmax(np.bincount(o)) for o in row] for row in offsets], dtype=np.int64)
        return cls(np.asarray(kappas, dtype=float), window, offsets, hops, dominant, offsets.shape[2] * window)

    def share(self, offset):
        """Fraction of the windows of all runs of each kappa spent at ``offset``, shape (n_kappa,)."""
        return np.mean(self.offsets == int(offset), axis=(1, 2))

    def hop_rate(self):
        """Hops per unit time of each kappa, pooled over its runs, and the Poisson error: ``(rate, err)``."""
        total = self.hops.sum(axis=1).astype(float)
        exposure = self.hops.shape[1] * self.observed
        return total / exposure, np.sqrt(total) / exposure


def hop_statistics(scan, window=50.0, n_liquid=None):
    """Offsets of the liquid domain along noisy runs, the hops between pinned states, and their rates.

    Reads the interface position X^I (eq. 6.3) recorded along every run of an
    :func:`~noneq.phase_coexistence.interface_scan` and converts its circular mean
    over windows of ``window`` time units into the offset of the first liquid box
    from the battery (:func:`domain_offsets`): a pinned state with the liquid on
    boxes ``o .. o + n_liquid - 1`` reads as offset ``o``. A hop is a change of
    offset between consecutive windows, so hops faster than a window and returns
    within one are not counted.

    Parameters
    ----------
    scan : ScanResult
        Noisy runs recorded with their X^I series (``scan.x_I``).
    window : float
        Window length in time units, between the spacing of the stored samples
        and the length of a run.
    n_liquid : int, optional
        Liquid boxes of the domain, in [1, N - 1] (default: ``round(N X_eq)``
        with X_eq of eq. 2.18 at the scan's mean density).

    Returns
    -------
    HopStatistics

    Raises
    ------
    ValueError
        If ``window`` or ``n_liquid`` is out of range, or the scan has no X^I series.
    """
    x_all = getattr(scan, "x_I", None)
    if x_all is None:
        raise ValueError("scan must carry the X^I series (scan.x_I), as interface_scan returns it")
    N = int(scan.rho_mean.shape[-1])
    spacing = float(scan.params["sample_every"]) * int(scan.params.get("series_stride", 1))
    runs = [[series_offsets(x, N, float(scan.params["rho_bar"]), window, spacing, n_liquid) for x in xk]
            for xk in x_all]
    offsets = np.array([[o for o, _, _ in row] for row in runs], dtype=np.int64)
    return HopStatistics.from_offsets(scan.kappas, offsets, runs[0][0][2])


def series_offsets(x_I, N, rho_bar, window, spacing, n_liquid=None):
    """Offsets of the liquid domain along one run's X^I series, read once per window (eq. 6.3).

    Parameters
    ----------
    x_I : array_like, shape (n_samples,)
        Interface positions in [0, 1), ``spacing`` time units apart.
    N : int
        Number of boxes, >= 3.
    rho_bar : float
        Mean density, in [0.5, 2.5] (sets the default ``n_liquid``).
    window : float
        Window length in time units, between ``spacing`` and the length of the series.
    spacing : float
        Time between two samples, > 0.
    n_liquid : int, optional
        Liquid boxes of the domain, in [1, N - 1] (default ``round(N X_eq)``, eq. 2.18).

    Returns
    -------
    offsets : ndarray of int
        One offset per window (:func:`domain_offsets`).
    hops : int
        Changes of offset between consecutive windows.
    window_length : float
        The window actually used: a whole number of samples, in time units.

    Raises
    ------
    ValueError
        If a parameter is out of range.
    """
    from .theory import x_eq

    x = validate.array("x_I", x_I, ndim=1, min_size=1)
    N = validate.integer("N", N, 3)
    spacing = validate.real("spacing", spacing, 0.0, lo_open=True)
    window = validate.real("window", window, spacing, spacing * x.size)
    if n_liquid is None:
        n_liquid = int(round(N * x_eq(rho_bar)))
    per = int(round(window / spacing))
    offsets, hops = domain_offsets(x, N, n_liquid, per)
    return offsets, hops, per * spacing
