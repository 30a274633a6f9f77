"""The paper's iteration for the stationary distribution (eqs. 76-80).

The stationary law is the fixed point of the one-trial transition matrix ω of
Appendix I in spin space (eq. 76), ``P(s) = ω(s->s) P(s) + Σ_k ω(s_k->s) P(s_k)``
with ``s_k`` the configuration ``s`` with spin ``k`` flipped (eq. 77). Three sweeps:

``"power"``
    eq. (78): ``P <- ω P`` (conserves the normalisation exactly);
``"jacobi"``
    eq. (79) with every ``P(s_k)`` from the previous sweep, then eq. (80);
``"gauss_seidel"``
    eq. (79) evaluated in place (each ``P(s_k)`` as soon as it is updated),
    then eq. (80).

The moves flip one spin, so the transition graph is bipartite (even and odd
numbers of up spins). The Jacobi map ``B: P -> D^{-1} W P`` has no diagonal, so
``B S = -S B`` with ``S`` the parity of the number of up spins, and ``S P_st`` is an
eigenvector with eigenvalue ``-1``: started from a generic guess the sweep
oscillates with period two for ever. The uniform guess converges only because
its weight on that mode, ``Σ_s S(s) (1 - ω(s->s))``, vanishes (every flip rate is
independent of some spin). The in-place sweep breaks the symmetry and converges
from any guess, as does eq. (78), whose diagonal ``ω(s->s) > 0`` removes the period.
The iteration is stopped when the L1 change of ``P`` over one sweep is below
``tol`` (the paper watched ``Σ P^2``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numba import njit

from noneq import validate

from ._common import coupling, require, temps
from .theory import insertion_probabilities

__all__ = ["IterationResult", "stationary_by_iteration"]

#: Largest M of the iteration (2^M configurations, as the master-equation solve allows 14).
M_MAX_ITERATION = 22
_METHODS = ("power", "jacobi", "gauss_seidel")
#: Work (configurations x spins x sweeps) of one kernel call (~0.1 s), so that SIGINT gets through.
_WORK_PER_CALL = 3e7


@dataclass(frozen=True)
class IterationResult:
    """Outcome of :func:`stationary_by_iteration`.

    Attributes
    ----------
    P : numpy.ndarray
        The last iterate, ``2^M`` probabilities summing to one.
    iterations : int
        Sweeps done.
    converged : bool
        Whether the L1 change of one sweep fell below ``tol``.
    change : float
        L1 change of the last sweep.
    seconds : float
        Wall time.
    """

    P: np.ndarray
    iterations: int
    converged: bool
    change: float
    seconds: float


@njit(cache=True, inline="always")
def _rates_into(s, k, M, p1, p2):
    """``ω(s_k -> s)``: probability that one trial turns ``s`` with spin ``k`` flipped into ``s``."""
    invM = 1.0 / M
    if k == 0:
        # s_k -> s flips s_1; in s the first link is excited iff s_1 != s_2
        excited = ((s ^ (s >> 1)) & 1) == 1
        return invM * (p1 if excited else 1.0 - p1)
    if k == M - 1:
        excited = (((s >> (M - 1)) ^ (s >> (M - 2))) & 1) == 1
        return invM * (p2 if excited else 1.0 - p2)
    # inner spin: flips iff its neighbours (unchanged by the flip) differ
    return invM if (((s >> (k - 1)) ^ (s >> (k + 1))) & 1) == 1 else 0.0


@njit(cache=True)
def _stay(n, M, p1, p2, out):
    """``ω(s -> s) = 1 - Σ_k ω(s -> s_k)`` for every ``s`` (``ω(s -> s_k) = ω((s_k)_k -> s_k)``)."""
    for s in range(n):
        tot = 0.0
        for k in range(M):
            tot += _rates_into(s ^ (1 << k), k, M, p1, p2)
        out[s] = 1.0 - tot


@njit(cache=True)
def _sweeps(P, Q, stay, M, p1, p2, method, nsweeps, tol):
    """Up to ``nsweeps`` sweeps; returns (sweeps done, L1 change of the last one). ``Q``: work array."""
    n = P.size
    change = np.inf
    for it in range(nsweeps):
        if method == 2:  # Gauss-Seidel: eq. (79) in place
            for s in range(n):
                acc = 0.0
                for k in range(M):
                    acc += _rates_into(s, k, M, p1, p2) * P[s ^ (1 << k)]
                Q[s] = P[s]
                P[s] = acc / (1.0 - stay[s])
            tot = 0.0
            for s in range(n):
                tot += P[s]
            change = 0.0
            for s in range(n):
                P[s] /= tot
                change += abs(P[s] - Q[s])
        else:
            tot = 0.0
            for s in range(n):
                acc = 0.0
                for k in range(M):
                    acc += _rates_into(s, k, M, p1, p2) * P[s ^ (1 << k)]
                if method == 0:  # eq. (78)
                    Q[s] = stay[s] * P[s] + acc
                else:  # eq. (79), all from the previous sweep
                    Q[s] = acc / (1.0 - stay[s])
                tot += Q[s]
            change = 0.0
            for s in range(n):
                v = Q[s] / tot if method == 1 else Q[s]  # eq. (80) for Jacobi
                change += abs(v - P[s])
                P[s] = v
        if change < tol:
            return it + 1, change
    return nsweeps, change


def stationary_by_iteration(M, T1, T2, eps=2.0, method="gauss_seidel", tol=1e-12, max_iterations=10**6,
                            initial=None):
    """Stationary distribution of the ``2^M`` spin configurations by the paper's iteration (eqs. 76-80).

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 22``.
    T1 : float
        Temperature of B1, in ``(0, inf)``.
    T2 : float
        Temperature of B2, in ``(0, inf]``.
    eps : float
        Coupling ε, in ``(0, inf)``.
    method : {"power", "jacobi", "gauss_seidel"}
        Eq. (78); eq. (79) + (80) from the previous sweep; eq. (79) + (80) in place.
    tol : float
        Stop when the L1 change over one sweep is below ``tol``, in ``(0, 1)``.
    max_iterations : int
        Largest number of sweeps, ``>= 1``.
    initial : array_like, optional
        Initial guess ``P^(0)`` (``2^M`` non-negative numbers with a positive sum;
        normalised here). Default: uniform.

    Returns
    -------
    IterationResult
        ``P`` (indexed as :func:`~noneq.ising_chain.stationary.stationary_distribution`),
        ``iterations``, ``converged``, ``change``, ``seconds``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> import numpy as np
    >>> from noneq import ising_chain as ic
    >>> r = ic.stationary_by_iteration(6, 1.0, 2.0, tol=1e-14)
    >>> r.converged, bool(np.allclose(r.P, ic.stationary_distribution(6, 1.0, 2.0), rtol=1e-10))
    (True, True)
    """
    M = validate.integer("M", M, 2, M_MAX_ITERATION)
    T1, T2 = temps(T1, T2)
    eps = coupling(eps)
    method = validate.choice("method", method, _METHODS)
    tol = validate.real("tol", tol, 0.0, 1.0, lo_open=True, hi_open=True)
    max_iterations = validate.integer("max_iterations", max_iterations, 1)
    n = 1 << M
    require(8.0 * 3 * n, f"M = {M}", "the iteration")
    if initial is None:
        P = np.full(n, 1.0 / n)
    else:
        P = validate.array("initial", np.asarray(initial, dtype=float).ravel(), lo=0.0, ndim=1).copy()
        if P.size != n or not P.sum() > 0:
            raise ValueError(f"initial must hold 2^M = {n} non-negative numbers with a positive sum")
        P /= P.sum()
    p1, p2 = insertion_probabilities(T1, T2, eps)
    code = _METHODS.index(method)
    t0 = time.perf_counter()
    stay = np.empty(n)
    _stay(n, M, p1, p2, stay)
    Q = np.empty(n)
    per_call = max(1, int(_WORK_PER_CALL / (n * M)))
    done, change = 0, np.inf
    while done < max_iterations:
        k, change = _sweeps(P, Q, stay, M, p1, p2, code, min(per_call, max_iterations - done), tol)
        done += k
        if change < tol:
            break
    return IterationResult(P=P, iterations=done, converged=bool(change < tol), change=float(change),
                           seconds=time.perf_counter() - t0)
