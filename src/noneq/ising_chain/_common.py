"""Parameter checks, size limits and the ΔS grid shared by the modules of :mod:`noneq.ising_chain`.

Kept apart from the physics so that :mod:`~noneq.ising_chain.theory`,
:mod:`~noneq.ising_chain.exact` and :mod:`~noneq.ising_chain.montecarlo` can all
use them without importing one another.
"""

from __future__ import annotations

import math

import numpy as np

from noneq import memory, validate

#: Largest M for which the full 2^M stationary distribution is built.
M_MAX_FULL = 27
#: Largest M for the direct sparse solve of the master equation.
M_MAX_SOLVE = 14
#: Largest M for the exact propagation of P(ΔS).
M_MAX_EXACT = 12
#: Largest M for the Monte Carlo sampler (initial states drawn from P_st).
M_MAX_MC = 24
#: Largest M for the energy distribution by the site recursion.
M_MAX_ENERGY = 400
#: Number of independent chunks of the parallel Monte Carlo kernel.
N_CHUNKS = 64


#: Allocations below this size are not checked: asking the system what is available
#: costs ~50 µs, more than the small calls themselves.
MEMORY_CHECK_FROM = 32 * 2**20


def require(nbytes, parameter, what):
    """:func:`noneq.memory.require` for allocations of at least ``MEMORY_CHECK_FROM`` bytes."""
    if nbytes >= MEMORY_CHECK_FROM:
        memory.require(nbytes, parameter, what)


def temps(T1, T2):
    """``(T1, T2)`` as floats after checking ``T1 in (0, inf)`` and ``T2 in (0, inf]``."""
    T1 = validate.real("T1", T1, 0.0, None, lo_open=True)
    T2 = validate.real("T2", T2, 0.0, None, lo_open=True, allow_inf=True)
    return T1, T2


def coupling(eps):
    """The coupling ε as a float after checking ``eps in (0, inf)``."""
    return validate.real("eps", eps, 0.0, None, lo_open=True)


def inv(T):
    """``1/T``, with ``1/inf = 0``."""
    return 0.0 if math.isinf(T) else 1.0 / T


def check_run(M, t, T1, T2, eps, m_max):
    """Validate the parameters of a run of ``t`` MCS of an ``M``-spin chain (``2 <= M <= m_max``, ``t >= 1``)."""
    M = validate.integer("M", M, 2, m_max)
    t = validate.integer("t", t, 1)
    T1, T2 = temps(T1, T2)
    eps = coupling(eps)
    return M, t, T1, T2, eps


def bath_coefficients(T1, T2, eps):
    """``(ε/T1, ε/T2)``: entropy of the baths per heat quantum (``ε/T2 = 0`` for ``T2 = inf``)."""
    return eps / T1, eps * inv(T2)


#: Parts of the entropy production a law of ΔS can be taken of (Sec. IV).
CONTRIBUTIONS = ("total", "bath", "system")


def contribution_inputs(contribution, lnp, c1, c2):
    """``(ln P_st, ε/T1, ε/T2)`` to hand to the one ΔS formula so that it yields ``contribution``.

    ``ΔS = -(c1 n1 + c2 n2) + ln P(τ0) - ln P(τt)``: the bath part is the formula with
    ``ln P = 0`` (``ΔS_bath = -Q1/T1 - Q2/T2``), the system part the formula with
    ``c1 = c2 = 0`` (``ln P(τ0) - ln P(τt)``), so the exact law and the sampler use the same
    compiled formula and the same bins for every part.
    """
    contribution = validate.choice("contribution", contribution, CONTRIBUTIONS)
    if contribution == "bath":
        return np.zeros_like(lnp), c1, c2
    if contribution == "system":
        return lnp, 0.0, 0.0
    return lnp, c1, c2


def log_p(p):
    """``ln p`` with ``ln 0 = -inf`` and no warning."""
    with np.errstate(divide="ignore"):
        return np.log(p)


def n1_bound(M, t):
    """Bound on ``|n1|`` after ``t`` MCS.

    ``n1`` changes by ±1 only on B1 trials and successive increments need a hop in
    between, so ``|n1| <= ceil(M t / 2)``; one extra for safety of the window.
    """
    return (M * t + 1) // 2 + 1


def half_bins(M, t, T1, T2, eps, lnp, w):
    """Number ``nb`` of bins of width ``w`` on each side of 0 that hold every reachable ΔS.

    ``|ΔS| <= (ε/T1) R + (ε/T2)(R + M) + (max ln P - min ln P)`` with ``R`` from
    :func:`n1_bound` (``|n2| <= |n1| + L``), plus one bin of margin.
    """
    R = n1_bound(M, t)
    c1, c2 = bath_coefficients(T1, T2, eps)
    bound = c1 * R + c2 * (R + M) + (lnp.max() - lnp.min()) + 1.0
    return int(math.ceil(bound / w)) + 1


def trim(centers, probs):
    """Cut the symmetric grid ``centers`` to the smallest symmetric range holding every non-zero bin."""
    nz = np.nonzero(probs)[0]
    if nz.size == 0:
        return centers, probs
    nb = (len(probs) - 1) // 2
    half = max(abs(nz[0] - nb), abs(nz[-1] - nb))
    sl = slice(nb - half, nb + half + 1)
    return centers[sl], probs[sl]


def solve_increasing(f, target, lo, hi, rtol, expand=False, max_iter=200):
    """Solve ``f(x) = target`` elementwise for an increasing, vectorised ``f`` by bisection.

    Used for the Legendre transforms of the current statistics (the counting
    parameter at which the slope of the cumulant generating function equals ``J``).

    Parameters
    ----------
    f : callable
        Increasing function of an array, evaluated elementwise.
    target : numpy.ndarray
        Values to reach.
    lo, hi : float
        Initial bracket.
    rtol : float
        Stop when every bracket is narrower than ``rtol * max(1, |x|)``.
    expand : bool
        Widen the bracket (``lo -> 2 lo - 1``, ``hi -> 2 hi + 1``) until it holds the root.
    max_iter : int
        Bound on each loop.

    Returns
    -------
    numpy.ndarray
        The roots, shaped like ``target``.
    """
    lo = np.full(target.shape, float(lo))
    hi = np.full(target.shape, float(hi))
    if expand:
        for _ in range(max_iter):
            m = f(lo) > target
            if not m.any():
                break
            lo = np.where(m, 2 * lo - 1, lo)
        for _ in range(max_iter):
            m = f(hi) < target
            if not m.any():
                break
            hi = np.where(m, 2 * hi + 1, hi)
    for _ in range(max_iter):
        mid = 0.5 * (lo + hi)
        m = f(mid) < target
        lo = np.where(m, mid, lo)
        hi = np.where(m, hi, mid)
        if np.all(hi - lo <= rtol * np.maximum(1.0, np.abs(mid))):
            break
    return 0.5 * (lo + hi)
