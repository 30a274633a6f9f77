"""Matrix product ansatz of the stationary state (eqs. 63-75), evaluated exactly.

With ``X = βD - δE``, ``Y = αE - γD`` one has ``[X, Y] = X + Y``, ``X|V> = |V>``,
``<W|Y = <W|``. Acting to the right, every vector is ``p(Y)|V>`` for a polynomial
``p``, and the commutation rule gives ``X Y^m |V> = ((Y+1)^{m+1} - Y^{m+1})|V>``, i.e.::

    (X p)(y) = (y+1) p(y+1) - y p(y),     (Y p)(y) = y p(y),

while ``<W| p(Y) |V> = p(1) <W|V>``. A polynomial of degree ``<= n`` is stored by
its values at ``y = 1..n+1``; each operator uses one more point, so starting
from ``p = 1`` on ``y = 1..L+1`` the product of ``L`` operators is known at
``y = 1``. With ``D^ = αX + δY`` and ``E^ = γX + βY`` (eqs. 73-74) both have
non-negative weights (``α, δ-α >= 0`` or ``γ, β-γ``), and ``D^ + E^ = X + Y`` maps
``p`` to ``(y+1)p(y+1)``, so that ``<W|(D^+E^)^L|V>/<W|V> = (L+1)!``; each step
divides by ``(k+1)`` to stay in range.

The public entry points built on the ansatz are :func:`link_profile` (here) and
:func:`~noneq.ising_chain.stationary.stationary_distribution`,
:func:`~noneq.ising_chain.stationary.stationary_tau_distribution` and
:func:`~noneq.ising_chain.stationary.energy_distribution` (with the master-equation
solve they are checked against).
"""

from __future__ import annotations

import numpy as np

from noneq import validate
from noneq.progress import Chunked

from ._common import M_MAX_ENERGY
from ._mpa_kernels import _mpa_density_kernel, _mpa_energy_kernel, _mpa_level, _mpa_levels
from .theory import insertion_probabilities, ssep_rates

__all__ = ["link_profile"]

#: Levels of the ansatz built from at most this many rows run together in one kernel call (~0.1 s).
_ROWS_AT_ONCE = 1 << 20


def mpa_tau(L, p1, p2):
    """Stationary probabilities of the ``2^L`` particle configurations (bit ``i-1`` of the index is ``τ_i``).

    Built one site at a time from the right end: at level ``k`` the row index ``j``
    of a suffix ``(τ_{L-k+1}, ..., τ_L)`` becomes ``2j + τ_{L-k+1}``, so after ``L``
    levels bit ``m`` of the row is ``τ_{1+m}``. Cost ``O(2^L)``.
    """
    alpha, gamma, beta, delta = ssep_rates(p1, p2)
    # levels of at most _ROWS_AT_ONCE rows in one call, then one level at a time,
    # in chunks of rows of well under a second (SIGINT gets through between them)
    k_small = min(L, _ROWS_AT_ONCE.bit_length())
    level = _mpa_levels(np.ones((1, L + 1)), 1, k_small + 1, L, alpha, gamma, beta, delta)
    for k in range(k_small + 1, L + 1):
        rows = level.shape[0]
        new = np.empty((2 * rows, L + 1 - k))
        first = 0
        for n in Chunked(rows, first=_ROWS_AT_ONCE, progress=False):
            _mpa_level(level, new, first, first + n, k, L, alpha, gamma, beta, delta)
            first += n
        level = new
    return level[:, 0].copy()


def mpa_density(L, p1, p2):
    """``<τ_i>``, ``i = 1..L``, from one sweep of the ansatz (cost ``O(L^3)``)."""
    alpha, gamma, beta, delta = ssep_rates(p1, p2)
    return _mpa_density_kernel(L, alpha, gamma, beta, delta)


def mpa_particle_numbers(L, p1, p2):
    """Probabilities of ``n = 0..L`` particles, by the site recursion of the ansatz (cost ``O(L^3)``).

    ``Ê`` (resp. ``D^``) has a negative Y coefficient when ``p2 > p1`` (resp.
    ``p2 < p1``) and configurations dominated by it lose a few digits. The mirror
    image of the chain (sites reversed, ``(α, γ, β, δ) -> (δ, β, γ, α)``) has the same
    law of ``n`` and the opposite sign pattern, so each ``n`` is taken from the
    orientation in which its weight is better conditioned: the recursion run with
    ``|b - a|`` in place of ``b - a`` bounds the size of the cancelling terms, its
    ratio to the true weight is a condition number, and for each ``n`` the
    orientation with the smaller one is kept (rounding error ~ 1e-16 x condition number).
    """
    alpha, gamma, beta, delta = ssep_rates(p1, p2)
    best, cond_best = None, None
    for rates in ((alpha, gamma, beta, delta), (delta, beta, gamma, alpha)):
        w = _mpa_energy_kernel(L, *rates, False)
        wa = _mpa_energy_kernel(L, *rates, True)
        # a weight that came out <= 0 has lost every digit: infinite condition number
        cond = np.where(w > 0, wa / np.where(w > 0, w, 1.0), np.inf)
        if best is None:
            best, cond_best = w, cond
        else:
            use = cond < cond_best
            best = np.where(use, w, best)
    # not renormalised: each step divides by k + 1, so the weights sum to
    # <W|(D^+E^)^L|V>/(L+1)! = 1 up to rounding (a check of the recursion)
    return best


def link_profile(M, T1, T2, eps=2.0):
    """Exact ``P_st(ℓ_i = +1)``, ``i = 1..M-1``, from the matrix product ansatz.

    Computed as ``<τ_i>`` from one left-to-right sweep of the ansatz (eqs. 63-75),
    independently of the linear profile of eq. (45)
    (:func:`~noneq.ising_chain.theory.link_profile_theory`), which it confirms.

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 400``.
    T1 : float
        Temperature of B1, in ``(0, inf)``.
    T2 : float
        Temperature of B2, in ``(0, inf]``.
    eps : float
        Coupling ε, in ``(0, inf)``.

    Returns
    -------
    numpy.ndarray
        ``M - 1`` probabilities.

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> import numpy as np
    >>> from noneq import ising_chain as ic
    >>> bool(np.allclose(ic.link_profile(10, 1.0, 2.0), ic.link_profile_theory(10, 1.0, 2.0), rtol=1e-12))
    True
    """
    M = validate.integer("M", M, 2, M_MAX_ENERGY)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    return mpa_density(M - 1, p1, p2)
