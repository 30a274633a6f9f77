"""The liquid->gas interface of a profile and its chemical potential mu^I (eqs. 6.3-6.4).

:func:`_interface` is compiled once and called both by the public
:func:`interface_chemical_potential` and by the noisy kernel, which samples mu^I
during a run.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import validate
from .model import _check_profile

__all__ = ["interface_chemical_potential"]


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
