"""Compiled kernels of the matrix product ansatz (eqs. 63-75); see :mod:`~noneq.ising_chain.mpa`.

Every kernel applies the one-site operators ``E^ = γX + βY`` (empty site) and
``D^ = αX + δY`` (occupied site) to a polynomial stored by its values at
``y = 1..n+1``. The action of ``aX + bY`` at one point is written once, in
:func:`_hat`, and inlined into every kernel.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, inline="always")
def _hat(a, b, up, here, scale):
    """``((aX + bY) p)(y) / scale`` from ``up = (y+1) p(y+1)`` and ``here = y p(y)``.

    ``X p = (y+1) p(y+1) - y p(y)`` and ``Y p = y p(y)``, so ``aX + bY`` gives
    ``a up + (b - a) here``.
    """
    return (a * up + (b - a) * here) / scale


@njit(cache=True)
def _apply_op(g, n, a, b, scale, out):
    # out(y) = ((aX + bY) g)(y) / scale  for y = 1..n  (index y-1)
    for j in range(n):
        y = j + 1.0
        out[j] = _hat(a, b, (y + 1.0) * g[j + 1], y * g[j], scale)


@njit(cache=True)
def _mpa_energy_kernel(L, alpha, gamma, beta, delta, absolute):
    """Weights of the particle numbers ``n = 0..L`` (unnormalised), by a recursion over sites.

    ``G[n, y]``: sum of the weights of the suffix configurations with ``n``
    particles. ``absolute=True`` replaces the Y coefficients ``b - a`` by ``|b - a|``
    (a bound on the cancelling terms, used as an error estimate).
    """
    bE = gamma + abs(beta - gamma) if absolute else beta
    bD = alpha + abs(delta - alpha) if absolute else delta
    npts = L + 1
    G = np.zeros((L + 1, npts))
    for j in range(npts):
        G[0, j] = 1.0
    H = np.zeros((L + 1, npts))
    tmp = np.empty(npts)
    for k in range(1, L + 1):
        n = npts - k
        sc = k + 1.0
        for m in range(L + 1):
            for j in range(n):
                H[m, j] = 0.0
        for m in range(k):
            # empty site: E^
            _apply_op(G[m], n, gamma, bE, sc, tmp)
            for j in range(n):
                H[m, j] += tmp[j]
            # occupied site: D^
            _apply_op(G[m], n, alpha, bD, sc, tmp)
            for j in range(n):
                H[m + 1, j] += tmp[j]
        G, H = H, G
    out = np.empty(L + 1)
    for m in range(L + 1):
        out[m] = G[m, 0]
    return out


@njit(cache=True)
def _mpa_density_kernel(L, alpha, gamma, beta, delta):
    """``<τ_i>``, i = 1..L, as ``<W| (D^+E^)^{i-1} D^ (D^+E^)^{L-i} |V> / (L+1)!``.

    ``(D^+E^) p = (y+1) p(y+1)``, so the sums over the other sites are products.
    """
    npts = L + 1
    dens = np.empty(L)
    for i in range(1, L + 1):
        # R: (D^+E^)^{L-i} 1  -> values (y+1)...(y+L-i) / (L-i+1)!  (scaled)
        g = np.ones(npts)
        tmp = np.empty(npts)
        n = npts
        for k in range(1, L - i + 1):
            n -= 1
            for j in range(n):
                g[j] = (j + 2.0) * g[j + 1] / (k + 1.0)
        # D^ at site i
        n -= 1
        _apply_op(g, n, alpha, delta, (L - i + 2.0), tmp)
        for j in range(n):
            g[j] = tmp[j]
        # (D^+E^)^{i-1}
        for k in range(L - i + 2, L + 1):
            n -= 1
            for j in range(n):
                g[j] = (j + 2.0) * g[j + 1] / (k + 1.0)
        dens[i - 1] = g[0]
    return dens


@njit(cache=True, inline="always")
def _mpa_row(prev, new, j, k, L, alpha, gamma, beta, delta):
    """Rows ``2j`` (``τ = 0``) and ``2j + 1`` (``τ = 1``) of level ``k`` from row ``j`` of level ``k - 1``.

    ``prev``: ``(2^(k-1), L+2-k)`` values; ``new``: ``(2^k, L+1-k)``; the new site
    is ``i = L - k + 1``.
    """
    sc = k + 1.0
    g = prev[j]
    e = new[2 * j]
    d = new[2 * j + 1]
    for q in range(L + 1 - k):
        y = q + 1.0
        a1 = (y + 1.0) * g[q + 1]
        a0 = y * g[q]
        e[q] = _hat(gamma, beta, a1, a0, sc)
        d[q] = _hat(alpha, delta, a1, a0, sc)


@njit(cache=True, parallel=True)
def _mpa_level(prev, new, first, last, k, L, alpha, gamma, beta, delta):
    """Rows ``first <= j < last`` of level ``k`` (:func:`_mpa_row`); the caller runs a large level in chunks."""
    for j in prange(first, last):
        _mpa_row(prev, new, j, k, L, alpha, gamma, beta, delta)


@njit(cache=True, parallel=True)
def _mpa_levels(level, k_first, k_last, L, alpha, gamma, beta, delta):
    """Levels ``k_first <= k < k_last`` in one call (small levels: one kernel launch for all of them)."""
    for k in range(k_first, k_last):
        rows = level.shape[0]
        new = np.empty((2 * rows, L + 1 - k))
        for j in prange(rows):
            _mpa_row(level, new, j, k, L, alpha, gamma, beta, delta)
        level = new
    return level


@njit(cache=True, parallel=True)
def _tau_to_spin(ptau, M):
    """``P(s) = P(τ(s))/2`` for the ``2^M`` spin configurations (``τ_i = s_i xor s_{i+1}``)."""
    n = 1 << M
    mask = (1 << (M - 1)) - 1
    out = np.empty(n)
    for s in prange(n):
        out[s] = 0.5 * ptau[(s ^ (s >> 1)) & mask]
    return out
