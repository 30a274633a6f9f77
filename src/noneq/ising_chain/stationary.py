"""Exact stationary laws: the spin configuration (ansatz or master equation) and the energy (Fig. 6).

* :func:`stationary_distribution` and :func:`stationary_tau_distribution` by the
  matrix product ansatz (:mod:`~noneq.ising_chain.mpa`) or by a sparse solve of
  the stationary master equation (eq. 76) in spin space (:func:`spin_generator`);
* :func:`energy_distribution` -- the law of ``E = Σ ℓ_i`` (Fig. 6).
"""

from __future__ import annotations

import numpy as np

from noneq import validate

from ._common import M_MAX_ENERGY, M_MAX_FULL, M_MAX_SOLVE, coupling, require, temps
from ._mpa_kernels import _tau_to_spin
from .mpa import mpa_particle_numbers, mpa_tau
from .theory import insertion_probabilities

__all__ = ["spin_generator", "stationary_distribution", "stationary_tau_distribution", "energy_distribution"]


def spin_generator(M, p1, p2):
    """Sparse generator (rows: from) of the update rule in spin space; off-diagonal entries are per-trial probabilities.

    Node 1 flips ``s_1`` with probability ``p_1`` when it is aligned with ``s_2``
    (making ``ℓ_1 = +1``) and ``1 - p_1`` otherwise (eq. 37); node M likewise with
    ``p_2``; an inner node flips when its neighbours are opposite. Each node is
    chosen with probability ``1/M``. The one-trial transition matrix is
    ``I + generator``.
    """
    import scipy.sparse as sp

    n = 1 << M
    s = np.arange(n)

    def bit(x, i):  # spin i+1 is +1 iff bit i
        return (x >> i) & 1

    rows, cols, vals = [], [], []
    aligned = bit(s, 0) == bit(s, 1)
    rows.append(s)
    cols.append(s ^ 1)
    vals.append(np.where(aligned, p1, 1 - p1) / M)
    aligned = bit(s, M - 1) == bit(s, M - 2)
    rows.append(s)
    cols.append(s ^ (1 << (M - 1)))
    vals.append(np.where(aligned, p2, 1 - p2) / M)
    for i in range(1, M - 1):
        ok = bit(s, i - 1) != bit(s, i + 1)
        rows.append(s[ok])
        cols.append(s[ok] ^ (1 << i))
        vals.append(np.full(ok.sum(), 1.0 / M))
    rows = np.concatenate(rows)
    cols = np.concatenate(cols)
    vals = np.concatenate(vals)
    W = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    out = np.asarray(W.sum(axis=1)).ravel()
    return W - sp.diags(out)


def _solve_stationary(M, p1, p2):
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    # Q^T P = 0 with P[0] pinned to 1 (a dense normalisation row would ruin the
    # sparsity of the LU factors); then normalise.
    A = sp.csc_matrix(spin_generator(M, p1, p2).T)
    n = 1 << M
    P = np.empty(n)
    P[0] = 1.0
    P[1:] = spla.spsolve(A[1:, 1:].tocsc(), -A[1:, 0].toarray().ravel())
    return P / P.sum()


def stationary_distribution(M, T1, T2, eps=2.0, method="mpa"):
    """Stationary distribution of the ``2^M`` spin configurations.

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 27`` (``method="solve"``: ``M <= 14``; the LU
        fill-in of the hypercube-like transition graph makes M = 14 take ~30 s).
    T1 : float
        Temperature of B1, in ``(0, inf)``.
    T2 : float
        Temperature of B2, in ``(0, inf]`` (``numpy.inf`` allowed).
    eps : float
        Coupling ε, in ``(0, inf)``.
    method : {"mpa", "solve"}
        ``"mpa"``: matrix product ansatz of eqs. (63)-(75), evaluated exactly by
        normal ordering (``[X, Y] = X + Y``, ``X|V> = |V>``, ``<W|Y = <W|``); cost
        ``O(2^M)``. ``"solve"``: direct sparse LU solution of the stationary
        master equation (eq. 76) in spin space.

    Returns
    -------
    numpy.ndarray
        ``P[s]`` with bit ``i-1`` of ``s`` set iff ``s_i = +1``; sums to one and
        is invariant under the global flip ``s -> ~s``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> import numpy as np
    >>> from noneq import ising_chain as ic
    >>> P = ic.stationary_distribution(6, 1.0, 2.0)
    >>> bool(np.allclose(P, ic.stationary_distribution(6, 1.0, 2.0, method="solve"), rtol=1e-12))
    True
    """
    M = validate.integer("M", M, 2, M_MAX_FULL)
    method = validate.choice("method", method, ("mpa", "solve"))
    T1, T2 = temps(T1, T2)
    eps = coupling(eps)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    if method == "mpa":
        # the 2^M output, the 2^(M-1) link law and the two largest levels of the ansatz
        require(8.0 * 2**M * 2.5, f"M = {M}", "the stationary distribution")
        return _tau_to_spin(mpa_tau(M - 1, p1, p2), M)
    if M > M_MAX_SOLVE:
        raise ValueError(f"M must be <= {M_MAX_SOLVE} for method='solve', got {M}")
    return _solve_stationary(M, p1, p2)


def stationary_tau_distribution(M, T1, T2, eps=2.0, method="mpa"):
    """Stationary probabilities of the ``2^(M-1)`` link/particle configurations.

    Index bit ``i-1`` is ``τ_i``. ``P(τ) = 2 P(s)`` for either of the two spin
    configurations mapping to ``τ``.

    Parameters
    ----------
    M, T1, T2, eps, method
        As in :func:`stationary_distribution`.

    Returns
    -------
    numpy.ndarray
        ``2^(M-1)`` probabilities summing to one.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    M = validate.integer("M", M, 2, M_MAX_FULL)
    method = validate.choice("method", method, ("mpa", "solve"))
    T1, T2 = temps(T1, T2)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    if method == "mpa":
        require(8.0 * 2 ** (M - 1) * 2.5, f"M = {M}", "the stationary distribution")
        return mpa_tau(M - 1, p1, p2)
    ps = stationary_distribution(M, T1, T2, eps, method="solve")
    L = M - 1
    s = np.arange(1 << M)
    tau = (s ^ (s >> 1)) & ((1 << L) - 1)
    return np.bincount(tau, weights=ps, minlength=1 << L)


def energy_distribution(M, T1, T2, eps=2.0):
    """Exact stationary distribution of ``E = Σ ℓ_i`` (so ``H = (ε/2) E``), Fig. 6.

    A recursion over sites of the matrix product ansatz that keeps the particle
    number ``n = (E + M - 1)/2`` (:func:`noneq.ising_chain.mpa.mpa_particle_numbers`);
    cost ``O(M^3)``, no enumeration of states.

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 400``.
    T1, T2, eps : float
        As in :func:`stationary_distribution`.

    Returns
    -------
    E : numpy.ndarray of int
        ``-(M-1), -(M-3), ..., M-1``.
    p : numpy.ndarray
        ``p(E)``, summing to one up to rounding (not renormalised).

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> from noneq import ising_chain as ic
    >>> E, p = ic.energy_distribution(100, 1.0, 2.0)
    >>> int(E[0]), int(E[-1]), round(float(p.sum()), 12)
    (-99, 99, 1.0)
    """
    M = validate.integer("M", M, 2, M_MAX_ENERGY)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    L = M - 1
    E = 2 * np.arange(L + 1) - L
    return E, mpa_particle_numbers(L, p1, p2)
