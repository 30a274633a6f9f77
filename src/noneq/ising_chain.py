"""Stochastic thermodynamics of the Ising chain and the symmetric exclusion process.

Reproduces R. Toral, C. Van den Broeck, D. Escaff and K. Lindenberg, *Stochastic
thermodynamics for Ising chain and symmetric exclusion process*. Equation numbers
refer to that paper; ``eps`` is the coupling ε and ``k = 1`` throughout.

Model
-----
``M`` spins ``s_1 .. s_M``; ``H = -(ε/2) Σ s_i s_{i+1} = (ε/2) Σ ℓ_i`` with link
variables ``ℓ_i = -s_i s_{i+1}`` (eq. 1). The particle picture uses
``τ_i = (1 + ℓ_i)/2`` on ``L = M - 1`` links. One update trial (Appendix I) picks a
node uniformly; node 1 (M) redraws ``s_1`` (``s_M``) from the heat bath at ``T1``
(``T2``), which sets ``τ_1 = 1`` (``τ_L = 1``) with probability ``p_1`` (``p_2``) of
eq. (5) whatever its previous value; an inner node flips when its neighbours are
opposite, which in the particle picture swaps ``τ_{i-1}`` and ``τ_i`` (a hop, or
nothing when both are equal). One Monte Carlo step (MCS) is ``M`` trials.

Conventions
-----------
* Spin configurations are integers whose bit ``i-1`` is set iff ``s_i = +1``.
* Link/particle configurations are integers whose bit ``i-1`` is ``τ_i``.
* ``T2 = numpy.inf`` is allowed everywhere and enters only through ``1/T2 = 0``.
* Heat ``Q_i`` is the energy *taken from* reservoir ``B_i`` (the words of the paper
  and of eq. 7); it is counted in quanta ``n_i`` of ε, so ``Q_i = ε n_i``. The bath
  entropy change is ``ΔS_bath = -Q_1/T_1 - Q_2/T_2`` (eq. 19 with the sign of
  ``Q_1`` made consistent, see the errata of the chapter).
* The total entropy production of one run of ``t`` MCS started from the
  stationary state is ``ΔS = ΔS_bath + ln P_st(s(0)) - ln P_st(s(t))`` (Sec. IV).
"""

from __future__ import annotations

import argparse
import math
import time

import numba
import numpy as np
from numba import njit, prange

from noneq import validate
from noneq.progress import progress
from noneq.rng import spawn_seeds
from noneq.rng import xoshiro_next as _xoshiro
from noneq.rng import xoshiro_state as _seed_state

__all__ = [
    "insertion_probabilities",
    "particle_current",
    "heat_current",
    "link_profile",
    "link_profile_theory",
    "temperature_profile",
    "conductivity",
    "linear_response_current",
    "effective_temperature",
    "effective_energy_distribution",
    "stationary_distribution",
    "stationary_tau_distribution",
    "energy_distribution",
    "entropy_production_distribution",
    "entropy_production_atoms",
    "entropy_production_exact",
    "mean_bath_entropy_production",
    "simulate",
    "scaled_cumulant_generating_function",
    "one_site_current_distribution",
    "large_deviation_function",
    "power",
    "efficiency",
    "optimal_affinities",
    "efficiency_at_max_power",
    "efficiency_series",
    "chi2_test",
    "curzon_ahlborn",
    "main",
]

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


# ----------------------------------------------------------------------------
# validation helpers
# ----------------------------------------------------------------------------

def _temps(T1, T2):
    T1 = validate.real("T1", T1, 0.0, None, lo_open=True)
    T2 = validate.real("T2", T2, 0.0, None, lo_open=True, allow_inf=True)
    return T1, T2


def _eps(eps):
    return validate.real("eps", eps, 0.0, None, lo_open=True)


def _inv(T):
    return 0.0 if math.isinf(T) else 1.0 / T


def _fermi(x):
    """1/(1+e^x) without overflow."""
    x = np.asarray(x, dtype=float)
    return 0.5 * (1.0 - np.tanh(0.5 * x))


# ----------------------------------------------------------------------------
# currents, profiles and the effective temperature (eqs. 5, 8-9, 45-51, 81-83)
# ----------------------------------------------------------------------------

def insertion_probabilities(T1, T2, eps=2.0):
    """Heat-bath probabilities ``p_1, p_2`` of eq. (5) (link energy +ε/2 at each end).

    ``p_i = 1/(1 + exp(ε/T_i))``; ``p_2 = 1/2`` for ``T2 = inf``.
    """
    T1, T2 = _temps(T1, T2)
    eps = _eps(eps)
    return float(_fermi(eps / T1)), float(_fermi(eps * _inv(T2)))


def particle_current(M, T1, T2, eps=2.0):
    """Stationary particle current ``J = (p_2 - p_1)/M`` per MCS, from B2 to B1 (eq. 8)."""
    M = validate.integer("M", M, 2)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    return (p2 - p1) / M


def heat_current(M, T1, T2, eps=2.0):
    """Stationary heat current ``J_Q = ε J`` per MCS (eq. 9), from B2 to B1."""
    M = validate.integer("M", M, 2)
    T1, T2 = _temps(T1, T2)
    eps = _eps(eps)
    return (math.tanh(eps / (2 * T1)) - math.tanh(0.5 * eps * _inv(T2))) * eps / (2 * M)


def link_profile_theory(M, T1, T2, eps=2.0):
    """Linear profile ``P_st(ℓ_i = +1) = ((M - i) p_1 + i p_2)/M``, i = 1..M-1 (eq. 45)."""
    M = validate.integer("M", M, 2)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    i = np.arange(1, M)
    return ((M - i) * p1 + i * p2) / M


def link_profile(M, T1, T2, eps=2.0):
    """Exact ``P_st(ℓ_i = +1)``, i = 1..M-1, from the matrix product ansatz.

    Computed as ⟨τ_i⟩ from one left-to-right sweep of the ansatz (eqs. 63-75),
    independently of eq. (45), for M up to :data:`M_MAX_ENERGY`.
    """
    M = validate.integer("M", M, 2, M_MAX_ENERGY)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    return _mpa_density(M - 1, p1, p2)


def temperature_profile(x, T1, T2, eps=2.0, length=1.0):
    """Local temperature ``T(x)`` of eq. (50) for ``0 <= x <= length``.

    Defined by ``p(T(x)) = ((L-x) p(T1) + x p(T2))/L`` with ``p(T) = 1/(1+e^{ε/T})``.
    """
    T1, T2 = _temps(T1, T2)
    eps = _eps(eps)
    length = validate.real("length", length, 0.0, None, lo_open=True)
    x = validate.array("x", np.atleast_1d(x), lo=0.0, hi=length, ndim=None)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    p = ((length - x) * p1 + x * p2) / length
    with np.errstate(divide="ignore"):
        out = eps / np.log(1.0 / p - 1.0)
    out = np.where(np.isclose(p, 0.5, rtol=0, atol=0), np.inf, out)
    return out


def conductivity(T, eps=2.0):
    """Heat conductivity ``κ(T) = ε dp/dT = (ε²/k) [2T cosh(ε/2kT)]^{-2}`` (eq. 51 corrected).

    The paper prints ``ε/k`` in front; ``ε dp/dT`` carries ``ε²/k`` (see the errata).
    ``T`` may be an array; ``κ(inf) = 0``.
    """
    eps = _eps(eps)
    T = np.asarray(T, dtype=float)
    if np.any(~(T > 0)):
        raise ValueError("T must be positive (inf allowed)")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        arg = eps / (2 * T)
        out = eps**2 / (2 * T * np.cosh(arg)) ** 2
    return np.where(np.isinf(T), 0.0, out)


def linear_response_current(M, T1, dT, eps=2.0):
    """Linear-response heat current ``(ε²/k)(2T_1 cosh(ε/2kT_1))^{-2} ΔT/M`` (eq. 47 corrected)."""
    M = validate.integer("M", M, 2)
    T1 = validate.real("T1", T1, 0.0, None, lo_open=True)
    dT = validate.real("dT", dT)
    return float(conductivity(T1, eps)) * dT / M


def effective_temperature(T1, T2, eps=2.0):
    """Effective temperature of eq. (82): ``tanh(ε/2T) = [tanh(ε/2T1) + tanh(ε/2T2)]/2``."""
    T1, T2 = _temps(T1, T2)
    eps = _eps(eps)
    y = 0.5 * (math.tanh(eps / (2 * T1)) + math.tanh(0.5 * eps * _inv(T2)))
    return math.inf if y == 0 else eps / (2 * math.atanh(y))


def effective_energy_distribution(M, T, eps=2.0):
    """Canonical ``p(E) = Ω(E) e^{-εE/2T}/Z`` of an open Ising chain (eq. 83 corrected).

    ``E = Σ ℓ_i`` runs over ``-(M-1), -(M-3), ..., M-1`` and
    ``Ω(E) = 2 C(M-1, (M-1+E)/2)`` (the paper prints ``C(M, ·)``; see the errata).
    Use ``T = effective_temperature(T1, T2)`` for the effective form.
    """
    M = validate.integer("M", M, 2, M_MAX_ENERGY)
    T = validate.real("T", T, 0.0, None, lo_open=True, allow_inf=True)
    eps = _eps(eps)
    L = M - 1
    n = np.arange(L + 1)
    E = 2 * n - L
    from scipy.special import gammaln

    logw = (np.log(2.0) + gammaln(L + 1) - gammaln(n + 1) - gammaln(L - n + 1)
            - 0.5 * eps * E * _inv(T))
    w = np.exp(logw - logw.max())
    return E, w / w.sum()


# ----------------------------------------------------------------------------
# matrix product ansatz (eqs. 63-75)
# ----------------------------------------------------------------------------
#
# With X = βD - δE, Y = αE - γD one has [X, Y] = X + Y, X|V> = |V>, <W|Y = <W|.
# Acting to the right, every vector is p(Y)|V> for a polynomial p, and the
# commutation rule gives X Y^m |V> = ((Y+1)^{m+1} - Y^{m+1})|V>, i.e.
#     (X p)(y) = (y+1) p(y+1) - y p(y),     (Y p)(y) = y p(y),
# while <W| p(Y) |V> = p(1) <W|V>. A polynomial of degree <= n is stored by its
# values at y = 1..n+1; each operator uses one more point, so starting from
# p = 1 on y = 1..L+1 the product of L operators is known at y = 1. With
# D^ = αX + δY and E^ = γX + βY (eqs. 73-74) both have non-negative weights
# (α, δ-α >= 0 or γ, β-γ), and D^ + E^ = X + Y maps p to (y+1)p(y+1), so that
# <W|(D^+E^)^L|V>/<W|V> = (L+1)!; each step divides by (k+1) to stay in range.


@njit(cache=True)
def _apply_op(g, n, a, b, scale, out):
    # out(y) = [a (y+1) g(y+1) + (b - a) y g(y)] / scale  for y = 1..n  (index y-1)
    for j in range(n):
        y = j + 1.0
        out[j] = (a * (y + 1.0) * g[j + 1] + (b - a) * y * g[j]) / scale


@njit(cache=True)
def _mpa_energy_kernel(L, alpha, gamma, beta, delta, absolute):
    # G[n, y]: sum of weights of suffix configurations with n particles.
    # absolute=True replaces the Y coefficients (b - a) by |b - a| (error bound).
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
    # right vectors R_k = (sum over suffix configs of sites k+1..L), left functional
    # handled by computing <tau_i> = <W| (D^+E^)^{i-1} D^ R_i|V> / (L+1)!.
    # (D^+E^) p = (y+1) p(y+1): apply (D^+E^)^{i-1} to q = D^ R_i directly.
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


@njit(cache=True, parallel=True)
def _mpa_level(prev, k, L, alpha, gamma, beta, delta):
    # prev: (2^(k-1), L+2-k) values for suffixes of length k-1; new site i = L-k+1
    nprev = prev.shape[0]
    n = L + 1 - k
    new = np.empty((2 * nprev, n))
    sc = k + 1.0
    for j in prange(nprev):
        g = prev[j]
        e = new[2 * j]
        d = new[2 * j + 1]
        for q in range(n):
            y = q + 1.0
            a1 = (y + 1.0) * g[q + 1]
            a0 = y * g[q]
            e[q] = (gamma * a1 + (beta - gamma) * a0) / sc
            d[q] = (alpha * a1 + (delta - alpha) * a0) / sc
    return new


@njit(cache=True, parallel=True)
def _tau_to_spin(ptau, M):
    n = 1 << M
    mask = (1 << (M - 1)) - 1
    out = np.empty(n)
    for s in prange(n):
        out[s] = 0.5 * ptau[(s ^ (s >> 1)) & mask]
    return out


def _rates(p1, p2):
    # alpha = p1, gamma = 1 - p1 (left); delta = p2, beta = 1 - p2 (right); λ = 1 (eq. 4)
    return p1, 1.0 - p1, 1.0 - p2, p2


def _mpa_tau(L, p1, p2):
    alpha, gamma, beta, delta = _rates(p1, p2)
    level = np.ones((1, L + 1))
    for k in range(1, L + 1):
        level = _mpa_level(level, k, L, alpha, gamma, beta, delta)
    # after L levels the index j has bit m = τ_{L-m}... reorder below
    flat = level[:, 0].copy()
    # At level k the row index j encodes (τ_{L-k+1}, ..., τ_L) as: new row 2j + τ_{L-k+1}
    # so bit 0 = τ_1 (the last site added), bit m = τ_{1+m}: already the convention.
    return flat


def _mpa_density(L, p1, p2):
    alpha, gamma, beta, delta = _rates(p1, p2)
    return _mpa_density_kernel(L, alpha, gamma, beta, delta)


def stationary_tau_distribution(M, T1, T2, eps=2.0, method="mpa"):
    """Stationary probabilities of the ``2^(M-1)`` link/particle configurations.

    Index bit ``i-1`` is ``τ_i``. ``P(τ) = 2 P(s)`` for either of the two spin
    configurations mapping to ``τ``. See :func:`stationary_distribution`.
    """
    M = validate.integer("M", M, 2, M_MAX_FULL)
    method = validate.choice("method", method, ("mpa", "solve"))
    T1, T2 = _temps(T1, T2)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    if method == "mpa":
        return _mpa_tau(M - 1, p1, p2)
    ps = stationary_distribution(M, T1, T2, eps, method="solve")
    L = M - 1
    s = np.arange(1 << M)
    tau = (s ^ (s >> 1)) & ((1 << L) - 1)
    return np.bincount(tau, weights=ps, minlength=1 << L)


def _spin_generator(M, p1, p2):
    """Sparse transition-rate matrix (rows: from) of the update rule, in spin space."""
    import scipy.sparse as sp

    n = 1 << M
    s = np.arange(n)
    bit = lambda x, i: (x >> i) & 1  # noqa: E731 (spin i+1 is +1 iff bit i)
    rows, cols, vals = [], [], []
    # node 1: heat bath; new link ℓ1 = +1 (τ1 = 1, s1 != s2) with probability p1
    aligned = bit(s, 0) == bit(s, 1)
    # flip s1: aligned -> anti-aligned (prob p1), anti-aligned -> aligned (prob 1-p1)
    rows.append(s); cols.append(s ^ 1); vals.append(np.where(aligned, p1, 1 - p1) / M)
    aligned = bit(s, M - 1) == bit(s, M - 2)
    rows.append(s); cols.append(s ^ (1 << (M - 1))); vals.append(np.where(aligned, p2, 1 - p2) / M)
    for i in range(1, M - 1):
        ok = bit(s, i - 1) != bit(s, i + 1)
        rows.append(s[ok]); cols.append(s[ok] ^ (1 << i)); vals.append(np.full(ok.sum(), 1.0 / M))
    rows = np.concatenate(rows); cols = np.concatenate(cols); vals = np.concatenate(vals)
    W = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    out = np.asarray(W.sum(axis=1)).ravel()
    return W - sp.diags(out)


def stationary_distribution(M, T1, T2, eps=2.0, method="mpa"):
    """Stationary distribution of the ``2^M`` spin configurations.

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 27`` (``method="solve"``: ``M <= 14``; the LU
        fill-in of the hypercube-like transition graph makes M = 14 take ~30 s).
    T1, T2 : float
        Reservoir temperatures (``T2 = numpy.inf`` allowed).
    eps : float
        Coupling ε.
    method : {"mpa", "solve"}
        ``"mpa"``: matrix product ansatz of eqs. (63)-(75), evaluated exactly by
        normal ordering ([X, Y] = X + Y, X|V> = |V>, <W|Y = <W|); cost
        ``O(2^M)``. ``"solve"``: direct sparse LU solution of the stationary
        master equation (eq. 76) in spin space.

    Returns
    -------
    numpy.ndarray
        ``P[s]`` with bit ``i-1`` of ``s`` set iff ``s_i = +1``; sums to one and
        is invariant under the global flip ``s -> ~s``.
    """
    M = validate.integer("M", M, 2, M_MAX_FULL)
    method = validate.choice("method", method, ("mpa", "solve"))
    T1, T2 = _temps(T1, T2)
    eps = _eps(eps)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    if method == "mpa":
        return _tau_to_spin(_mpa_tau(M - 1, p1, p2), M)
    if M > M_MAX_SOLVE:
        raise ValueError(f"M must be <= {M_MAX_SOLVE} for method='solve', got {M}")
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    # Q^T P = 0 with P[0] pinned to 1 (a dense normalisation row would ruin the
    # sparsity of the LU factors); then normalise.
    A = sp.csc_matrix(_spin_generator(M, p1, p2).T)
    n = 1 << M
    P = np.empty(n)
    P[0] = 1.0
    P[1:] = spla.spsolve(A[1:, 1:].tocsc(), -A[1:, 0].toarray().ravel())
    return P / P.sum()


def energy_distribution(M, T1, T2, eps=2.0):
    """Exact stationary distribution of ``E = Σ ℓ_i`` (so ``H = (ε/2) E``).

    A recursion over sites of the matrix product ansatz that keeps the particle
    number ``n = (E + M - 1)/2``; cost ``O(M^3)``, no enumeration of states.

    Returns
    -------
    E : numpy.ndarray of int
        ``-(M-1), -(M-3), ..., M-1``.
    p : numpy.ndarray
        ``p(E)``, summing to one.
    """
    M = validate.integer("M", M, 2, M_MAX_ENERGY)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    L = M - 1
    alpha, gamma, beta, delta = _rates(p1, p2)
    # Ê (resp. D^) has a negative Y coefficient when p2 > p1 (resp. p2 < p1) and
    # configurations dominated by it lose a few digits. The mirror image of the
    # chain (sites reversed, (α, γ, β, δ) -> (δ, β, γ, α)) has the same p(E) and the
    # opposite sign pattern, so each half of the spectrum is taken from the
    # orientation in which its dominant operator has non-negative weights.
    # The recursion run with |b - a| in place of (b - a) bounds the size of the
    # cancelling terms; its ratio to the true weight is a condition number, and
    # for each n the orientation with the smaller one is kept (rounding error
    # ~ 1e-16 x condition number).
    n = np.arange(L + 1)
    best, cond_best = None, None
    for rates in ((alpha, gamma, beta, delta), (delta, beta, gamma, alpha)):
        w = _mpa_energy_kernel(L, *rates, False)
        wa = _mpa_energy_kernel(L, *rates, True)
        tot = w.sum()
        cond = wa / np.where(w > 0, w, np.inf)
        w = w / tot
        if best is None:
            best, cond_best = w, cond
        else:
            use = cond < cond_best
            best = np.where(use, w, best)
    E = 2 * n - L
    return E, best / best.sum()


# ----------------------------------------------------------------------------
# exact propagation of the joint law of (configuration, heat quanta)
# ----------------------------------------------------------------------------

@njit(cache=True)
def _delta_s(n1, n2, lp0, lpt, c1, c2):
    # ΔS = -Q1/T1 - Q2/T2 + ln P(τ0) - ln P(τt), Q_i = ε n_i, c_i = ε/T_i
    return -(c1 * n1 + c2 * n2) + (lp0 - lpt)


@njit(cache=True)
def _popcount(x):
    c = 0
    while x:
        x &= x - 1
        c += 1
    return c


@njit(cache=True, parallel=True)
def _exact_kernel(L, M, ntrials, p1, p2, R):
    """K[τ0, τt, n1 + R]: probability to end in τt with n1 quanta taken from B1.

    One trial: B = (1/M)[Σ_inner swaps + B1 redraw + B2 redraw] A, written per
    target row; identity swaps (equal neighbours) are folded into a diagonal.
    Each row keeps the range [lo, hi] of counter values it can hold (the union of
    its sources' ranges), so only reachable (τ, n1) pairs are touched; the ranges
    stay inside |n1| <= ceil(k/2) after k trials (two successive quanta from B1
    need a hop in between), which fixes the array width 2R + 1.
    """
    S = 1 << L
    W = 2 * R + 1
    K = np.zeros((S, S, W))
    q1 = 1.0 - p1; q2 = 1.0 - p2
    top = 1 << (L - 1)
    invM = 1.0 / M
    nsrc = np.zeros(S, dtype=np.int64)
    src = np.empty((S, L), dtype=np.int64)
    diag = np.empty(S)
    for tau in range(S):
        c = 0
        ident = 0
        for i in range(L - 1):
            x = ((tau >> i) ^ (tau >> (i + 1))) & 1
            if x:
                src[tau, c] = tau ^ (3 << i)
                c += 1
            else:
                ident += 1
        nsrc[tau] = c
        diag[tau] = (ident + (p1 if tau & 1 else q1) + (p2 if tau & top else q2)) * invM
    for t0 in prange(S):
        A = np.zeros((S, W))
        B = np.zeros((S, W))
        alo = np.full(S, W, dtype=np.int64)
        ahi = np.full(S, -1, dtype=np.int64)
        blo = np.empty(S, dtype=np.int64)
        bhi = np.empty(S, dtype=np.int64)
        A[t0, R] = 1.0
        alo[t0] = R
        ahi[t0] = R
        for k in range(ntrials):
            for tau in range(S):
                co = tau ^ top
                bo = tau ^ 1
                sh = 1 if tau & 1 else -1
                lo = min(alo[tau], alo[co])
                hi = max(ahi[tau], ahi[co])
                for j in range(nsrc[tau]):
                    s_ = src[tau, j]
                    lo = min(lo, alo[s_])
                    hi = max(hi, ahi[s_])
                if alo[bo] <= ahi[bo]:
                    lo = min(lo, max(alo[bo] + sh, 0))
                    hi = max(hi, min(ahi[bo] + sh, W - 1))
                blo[tau] = lo
                bhi[tau] = hi
                if lo > hi:
                    continue
                row = B[tau]
                for n in range(lo, hi + 1):
                    row[n] = 0.0
                dg = diag[tau]
                a = A[tau]
                for n in range(alo[tau], ahi[tau] + 1):
                    row[n] += dg * a[n]
                pp = (p2 if (tau & top) else q2) * invM
                a = A[co]
                for n in range(alo[co], ahi[co] + 1):
                    row[n] += pp * a[n]
                for j in range(nsrc[tau]):
                    s_ = src[tau, j]
                    a = A[s_]
                    for n in range(alo[s_], ahi[s_] + 1):
                        row[n] += invM * a[n]
                a = A[bo]
                if tau & 1:
                    f = p1 * invM
                    for n in range(alo[bo], min(ahi[bo], W - 2) + 1):
                        row[n + 1] += f * a[n]
                else:
                    f = q1 * invM
                    for n in range(max(alo[bo], 1), ahi[bo] + 1):
                        row[n - 1] += f * a[n]
            A, B = B, A
            alo, blo = blo, alo
            ahi, bhi = bhi, ahi
        for tau in range(S):
            for n in range(alo[tau], ahi[tau] + 1):
                K[t0, tau, n] = A[tau, n]
    return K


@njit(cache=True)
def _exact_hist(K, ptau, lnp, c1, c2, R, w, nb):
    S = K.shape[0]
    W = K.shape[2]
    hist = np.zeros(2 * nb + 1)
    for t0 in range(S):
        pw = ptau[t0]
        N0 = _popcount(t0)
        for tt in range(S):
            dN = _popcount(tt) - N0
            for n in range(W):
                v = K[t0, tt, n]
                if v == 0.0:
                    continue
                n1 = n - R
                ds = _delta_s(n1, dN - n1, lnp[t0], lnp[tt], c1, c2)
                j = int(math.floor(ds / w + 0.5)) + nb
                hist[j] += pw * v
    return hist


def _check_common(M, t, T1, T2, eps, mmax):
    M = validate.integer("M", M, 2, mmax)
    t = validate.integer("t", t, 1)
    T1, T2 = _temps(T1, T2)
    eps = _eps(eps)
    return M, t, T1, T2, eps


def _n1_bound(M, t):
    # n1 changes by +-1 only on B1 trials and successive increments need a hop in
    # between, so |n1| <= ceil(M t / 2); one extra for safety of the window.
    return (M * t + 1) // 2 + 1


def _ds_bound(M, t, T1, T2, eps, lnp):
    R = _n1_bound(M, t)
    c1, c2 = eps / T1, eps * _inv(T2)
    # |n2| <= |n1| + L
    return c1 * R + c2 * (R + M) + (lnp.max() - lnp.min()) + 1.0


def _exact_joint(M, t, T1, T2, eps):
    p1, p2 = insertion_probabilities(T1, T2, eps)
    L = M - 1
    ptau = _mpa_tau(L, p1, p2)
    R = _n1_bound(M, t)
    K = _exact_kernel(L, M, M * t, p1, p2, R)
    return K, ptau, R


def _trim(centers, probs):
    nz = np.nonzero(probs)[0]
    if nz.size == 0:
        return centers, probs
    nb = (len(probs) - 1) // 2
    half = max(abs(nz[0] - nb), abs(nz[-1] - nb))
    sl = slice(nb - half, nb + half + 1)
    return centers[sl], probs[sl]


def entropy_production_distribution(M, t, T1, T2, eps=2.0, bin_width=0.2, method="exact",
                                    samples=None, seed=None):
    """Histogram of the total entropy production ΔS after ``t`` MCS (Figs. 3-4).

    Runs start from the stationary state (eqs. 63-75); ``ΔS = -Q_1/T_1 - Q_2/T_2
    + ln P_st(s(0)) - ln P_st(s(t))`` (Sec. IV and eq. 19, heats taken from the
    reservoirs, counted in quanta of ε).

    Parameters
    ----------
    M : int
        Number of spins (``2 <= M <= 12`` exact, ``<= 24`` Monte Carlo).
    t : int
        Number of Monte Carlo steps (``M t`` update trials).
    T1, T2 : float
        Temperatures (``T2 = numpy.inf`` allowed).
    eps : float
        Coupling ε.
    bin_width : float
        ``w > 0``; bins ``[c - w/2, c + w/2)`` centred on multiples ``c`` of ``w``.
    method : {"exact", "mc"}
        ``"exact"`` propagates the joint law of (link configuration, heat quanta
        taken from B1) through the discrete-time rule of Appendix I for every
        initial configuration; the heat from B2 follows from energy balance.
        ``"mc"`` samples the same rule (``samples`` runs, parallel, seeded).
    samples : int, optional
        Number of Monte Carlo runs (required for ``"mc"``).
    seed : int, optional
        Seed of the Monte Carlo sampler.

    Returns
    -------
    bin_centers, probabilities : numpy.ndarray
        Symmetric grid of centres ``k w`` (so ``P(ΔS)`` and ``P(-ΔS)`` are
        mirror entries) and the probability of each bin (sums to one).
    """
    method = validate.choice("method", method, ("exact", "mc"))
    mmax = M_MAX_EXACT if method == "exact" else M_MAX_MC
    M, t, T1, T2, eps = _check_common(M, t, T1, T2, eps, mmax)
    w = validate.real("bin_width", bin_width, 0.0, None, lo_open=True)
    if method == "exact":
        if samples is not None:
            raise ValueError("samples must be None for method='exact'")
        K, ptau, R = _exact_joint(M, t, T1, T2, eps)
        with np.errstate(divide="ignore"):
            lnp = np.log(ptau)
        nb = int(math.ceil(_ds_bound(M, t, T1, T2, eps, lnp) / w)) + 1
        hist = _exact_hist(K, ptau, lnp, eps / T1, eps * _inv(T2), R, w, nb)
        centers = w * np.arange(-nb, nb + 1)
        return _trim(centers, hist / hist.sum())
    if samples is None:
        raise ValueError("samples must be given for method='mc'")
    res = simulate(M, t, T1, T2, eps=eps, samples=samples, bin_width=w, seed=seed)
    return res["bin_centers"], res["probabilities"]


def entropy_production_exact(M, t, T1, T2, eps=2.0, bin_width=0.2, decimals=9):
    """Exact ΔS law after ``t`` MCS, as a histogram and as distinct values, in one pass.

    Same as :func:`entropy_production_distribution` (``method="exact"``) and
    :func:`entropy_production_atoms` together, sharing the propagation.

    Returns
    -------
    dict
        ``bin_centers``, ``probabilities`` (histogram), ``values``, ``atom_probabilities``
        (distinct values), ``mean`` (exact ⟨ΔS⟩), ``seconds``.
    """
    M, t, T1, T2, eps = _check_common(M, t, T1, T2, eps, M_MAX_EXACT)
    w = validate.real("bin_width", bin_width, 0.0, None, lo_open=True)
    decimals = validate.integer("decimals", decimals, 1, 14)
    t0 = time.perf_counter()
    K, ptau, R = _exact_joint(M, t, T1, T2, eps)
    with np.errstate(divide="ignore"):
        lnp = np.log(ptau)
    nb = int(math.ceil(_ds_bound(M, t, T1, T2, eps, lnp) / w)) + 1
    hist = _exact_hist(K, ptau, lnp, eps / T1, eps * _inv(T2), R, w, nb)
    centers, probs = _trim(w * np.arange(-nb, nb + 1), hist / hist.sum())
    vals, aprobs = _group_atoms(K, ptau, R, M, T1, T2, eps, decimals)
    del K
    return {
        "bin_centers": centers,
        "probabilities": probs,
        "values": vals,
        "atom_probabilities": aprobs,
        "mean": float(np.dot(vals, aprobs)),
        "seconds": time.perf_counter() - t0,
    }


@njit(cache=True)
def _nonzero_values(K, ptau, lnp, c1, c2, R):
    S = K.shape[0]
    W = K.shape[2]
    cnt = 0
    for t0 in range(S):
        for tt in range(S):
            for n in range(W):
                if K[t0, tt, n] > 0.0:
                    cnt += 1
    vals = np.empty(cnt)
    probs = np.empty(cnt)
    k = 0
    for t0 in range(S):
        N0 = _popcount(t0)
        for tt in range(S):
            dN = _popcount(tt) - N0
            for n in range(W):
                v = K[t0, tt, n]
                if v > 0.0:
                    n1 = n - R
                    vals[k] = _delta_s(n1, dN - n1, lnp[t0], lnp[tt], c1, c2)
                    probs[k] = ptau[t0] * v
                    k += 1
    return vals, probs


def _group_atoms(K, ptau, R, M, T1, T2, eps, decimals):
    with np.errstate(divide="ignore"):
        lnp = np.log(ptau)
    vals, probs = _nonzero_values(K, ptau, lnp, eps / T1, eps * _inv(T2), R)
    order = np.argsort(vals, kind="stable")
    vals, probs = vals[order], probs[order]
    # a new value starts where the sorted values jump by more than 10^-decimals
    start = np.concatenate(([True], np.diff(vals) > 10.0 ** (-decimals)))
    idx = np.flatnonzero(start)
    group_p = np.add.reduceat(probs, idx)
    # representative: probability-weighted mean of the (equal up to rounding) members
    group_v = np.add.reduceat(vals * probs, idx) / group_p
    return group_v, group_p


def entropy_production_atoms(M, t, T1, T2, eps=2.0, decimals=9):
    """Exact distribution of ΔS as distinct values and their probabilities.

    Sorted values closer than ``10**-decimals`` to their neighbour are merged
    (they are equal up to rounding). Used to check the finite-time fluctuation theorem (eq. 18)
    value by value.

    Returns
    -------
    values, probabilities : numpy.ndarray
        Sorted distinct ΔS values with positive probability.
    """
    M, t, T1, T2, eps = _check_common(M, t, T1, T2, eps, M_MAX_EXACT)
    decimals = validate.integer("decimals", decimals, 1, 14)
    K, ptau, R = _exact_joint(M, t, T1, T2, eps)
    return _group_atoms(K, ptau, R, M, T1, T2, eps, decimals)


def _joint_values(K, ptau, R, M, T1, T2, eps):
    """ΔS and probability of every (τ0, τt, n1) entry of the joint law."""
    S = K.shape[0]
    L = M - 1
    with np.errstate(divide="ignore"):
        lnp = np.log(ptau)
    N = np.array([bin(i).count("1") for i in range(S)])
    n1 = np.arange(K.shape[2]) - R
    dN = N[None, :] - N[:, None]
    c1, c2 = eps / T1, eps * _inv(T2)
    n2 = dN[:, :, None] - n1[None, None, :]
    vals = -(c1 * n1[None, None, :] + c2 * n2) + (lnp[:, None, None] - lnp[None, :, None])
    probs = ptau[:, None, None] * K
    del L
    return vals.ravel(), probs.ravel()


def mean_bath_entropy_production(M, t, T1, T2, eps=2.0):
    """``<ΔS_bath> = t J_Q (1/T1 - 1/T2)`` in the stationary state (Sec. IV)."""
    M, t, T1, T2, eps = _check_common(M, t, T1, T2, eps, 10**9)
    return t * heat_current(M, T1, T2, eps) * (1.0 / T1 - _inv(T2))


# ----------------------------------------------------------------------------
# Monte Carlo of the Appendix I rule: bit-packed links, xoshiro256** per chunk
# ----------------------------------------------------------------------------

@njit(cache=True)
def _tables(L, M, thr1, thr2):
    """Per-node tables of the branch-free update: boundary bit mask and threshold,
    swap position and bulk flag, and whether the node is B1's (counts n1)."""
    one = np.uint64(1)
    BM = np.zeros(M, dtype=np.uint64)
    TH = np.zeros(M, dtype=np.uint64)
    SH = np.zeros(M, dtype=np.uint64)
    BU = np.zeros(M, dtype=np.uint64)
    N0 = np.zeros(M, dtype=np.int64)
    BM[0] = one
    TH[0] = thr1
    BM[M - 1] = one << np.uint64(L - 1)
    TH[M - 1] = thr2
    N0[0] = 1
    for k in range(1, M - 1):
        SH[k] = np.uint64(k - 1)
        BU[k] = one
    return BM, TH, SH, BU, N0


@njit(cache=True, inline="always")
def _run(tau, ntrials, s0, s1, s2, s3, Mu, rej, BM, TH, SH, BU, N0):
    """``ntrials`` update trials of Appendix I on the bit-packed links ``tau``.

    Node: exact Lemire multiply-shift of the high 32 random bits (rare rejection);
    heat bath: the low 32 bits against ``p 2^32``. Returns the new state, the
    quanta n1 taken from B1 and the generator state.
    """
    one = np.uint64(1)
    three = np.uint64(3)
    m32 = np.uint64(0xFFFFFFFF)
    n1 = 0
    k = 0
    while k < ntrials:
        r, s0, s1, s2, s3 = _xoshiro(s0, s1, s2, s3)
        m = (r >> np.uint64(32)) * Mu
        if (m & m32) < rej:
            continue
        node = np.int64(m >> np.uint64(32))
        bm = BM[node]
        newb = np.uint64((r & m32) < TH[node])
        tau1 = (tau & ~bm) | (bm * newb)
        n1 += (np.int64(tau1 & one) - np.int64(tau & one)) * N0[node]
        sh = SH[node]
        x = ((tau1 >> sh) ^ (tau1 >> (sh + one))) & BU[node]
        tau = tau1 ^ ((x * three) << sh)
        k += 1
    return tau, n1, s0, s1, s2, s3


@njit(cache=True, parallel=True)
def _mc_kernel(L, M, ntrials, thr1, thr2, alias_p, alias_j, lnp, c1, c2, w, nb, counts, seeds):
    """Histogram of ΔS per chunk and sums of n1, n2, n1², n2² per chunk."""
    nch = counts.shape[0]
    hist = np.zeros((nch, 2 * nb + 1), dtype=np.int64)
    sums = np.zeros((nch, 4))
    BM, TH, SH, BU, N0 = _tables(L, M, thr1, thr2)
    Mu = np.uint64(M)
    rej = np.uint64((2**32 - M) % M)
    S = alias_p.shape[0]
    invw = 1.0 / w
    for c in prange(nch):
        st = _seed_state(seeds[c])
        s0 = st[0]
        s1 = st[1]
        s2 = st[2]
        s3 = st[3]
        h = hist[c]
        sn1 = 0.0
        sn2 = 0.0
        sq1 = 0.0
        sq2 = 0.0
        for _ in range(counts[c]):
            # initial state from P_st by Walker's alias method (two 53-bit uniforms)
            r, s0, s1, s2, s3 = _xoshiro(s0, s1, s2, s3)
            col = np.int64(np.float64(r >> np.uint64(11)) * (S / 9007199254740992.0))
            r, s0, s1, s2, s3 = _xoshiro(s0, s1, s2, s3)
            u = np.float64(r >> np.uint64(11)) * (1.0 / 9007199254740992.0)
            i0 = col if u < alias_p[col] else alias_j[col]
            tau, n1, s0, s1, s2, s3 = _run(np.uint64(i0), ntrials, s0, s1, s2, s3, Mu, rej,
                                           BM, TH, SH, BU, N0)
            it = np.int64(tau)
            n2 = _popcount(it) - _popcount(i0) - n1
            ds = _delta_s(n1, n2, lnp[i0], lnp[it], c1, c2)
            j = int(math.floor(ds * invw + 0.5)) + nb
            h[j] += 1
            sn1 += n1
            sn2 += n2
            sq1 += n1 * n1
            sq2 += n2 * n2
        sums[c, 0] = sn1
        sums[c, 1] = sn2
        sums[c, 2] = sq1
        sums[c, 3] = sq2
    return hist, sums


@njit(cache=True, parallel=True)
def _mc_trials_only(L, M, ntrials, thr1, thr2, counts, seeds):
    """Bare update loop (benchmark): runs of ``ntrials`` trials from τ = 0."""
    nch = counts.shape[0]
    out = np.zeros(nch, dtype=np.int64)
    BM, TH, SH, BU, N0 = _tables(L, M, thr1, thr2)
    Mu = np.uint64(M)
    rej = np.uint64((2**32 - M) % M)
    for c in prange(nch):
        st = _seed_state(seeds[c])
        s0 = st[0]
        s1 = st[1]
        s2 = st[2]
        s3 = st[3]
        acc = 0
        for _ in range(counts[c]):
            tau, n1, s0, s1, s2, s3 = _run(np.uint64(0), ntrials, s0, s1, s2, s3, Mu, rej,
                                           BM, TH, SH, BU, N0)
            acc += n1 + _popcount(np.int64(tau))
        out[c] = acc
    return out


def _alias_table(p):
    """Walker's alias table (probabilities in [0, 1], aliases) for ``p``."""
    n = len(p)
    q = np.asarray(p, dtype=float) * n / np.sum(p)
    prob = np.zeros(n)
    alias = np.arange(n, dtype=np.int64)
    small = [i for i in range(n) if q[i] < 1.0]
    large = [i for i in range(n) if q[i] >= 1.0]
    while small and large:
        s_, l_ = small.pop(), large.pop()
        prob[s_] = q[s_]
        alias[s_] = l_
        q[l_] = q[l_] + q[s_] - 1.0
        (small if q[l_] < 1.0 else large).append(l_)
    for i in large + small:
        prob[i] = 1.0
    return prob, alias


def _thresholds(p1, p2):
    return np.uint64(min(int(round(p1 * 2**32)), 2**32)), np.uint64(min(int(round(p2 * 2**32)), 2**32))


def _split(samples, n_chunks):
    counts = np.full(n_chunks, samples // n_chunks, dtype=np.int64)
    counts[: samples % n_chunks] += 1
    return counts


def simulate(M, t, T1, T2, eps=2.0, samples=10**5, bin_width=0.2, seed=None, show_progress=False):
    """Monte Carlo of the discrete-time rule of Appendix I, started in the stationary state.

    Each run draws ``τ(0)`` from ``P_st`` (matrix product ansatz), performs ``M t``
    update trials and records the heat quanta ``n_1, n_2`` taken from B1, B2 and
    the total entropy production ΔS (Sec. IV). The work is split in a fixed
    number (:data:`N_CHUNKS`) of chunks with child seeds from
    :func:`noneq.rng.spawn_seeds`, so the result depends only on ``seed``.
    Random numbers: numba's generator seeded with the chunk seed initialises a
    xoshiro256** stream per chunk; nodes are drawn by the exact Lemire method, the
    heat-bath acceptance uses 32-bit thresholds ``p_i 2^32`` (resolution 2.3e-10)
    and initial states come from Walker's alias table of ``P_st``. The links are bit-packed in one 64-bit word and the update is
    branch-free (per-node tables).

    Returns
    -------
    dict
        ``bin_centers``, ``probabilities`` (histogram of ΔS, grid as in
        :func:`entropy_production_distribution`), ``counts`` (integer histogram),
        ``samples``, ``Q1_mean``/``Q2_mean`` (heat taken from B1/B2 per run) and
        their standard errors ``Q1_err``/``Q2_err``, ``seconds``.
    """
    M, t, T1, T2, eps = _check_common(M, t, T1, T2, eps, M_MAX_MC)
    samples = validate.integer("samples", samples, 1)
    w = validate.real("bin_width", bin_width, 0.0, None, lo_open=True)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    L = M - 1
    ptau = _mpa_tau(L, p1, p2)
    with np.errstate(divide="ignore"):
        lnp = np.log(ptau)
    alias_p, alias_j = _alias_table(ptau)
    nb = int(math.ceil(_ds_bound(M, t, T1, T2, eps, lnp) / w)) + 1
    thr1, thr2 = _thresholds(p1, p2)
    seeds = spawn_seeds(seed, N_CHUNKS)
    c1, c2 = eps / T1, eps * _inv(T2)
    t0 = time.perf_counter()
    # split into a fixed sequence of blocks (for the progress bar); every block
    # uses its own N_CHUNKS child seeds derived from the root seed
    nblocks = max(1, min(100, samples // 10**7))
    block_counts = _split(samples, nblocks)
    block_seeds = spawn_seeds(seed, nblocks) if nblocks > 1 else None
    hist = np.zeros(2 * nb + 1, dtype=np.int64)
    sums = np.zeros(4)
    it = range(nblocks)
    if show_progress:
        it = progress(it, desc=f"MC M={M} t={t} T2={T2:g}", total=nblocks, unit="block")
    for b in it:
        sd = seeds if nblocks == 1 else spawn_seeds(int(block_seeds[b]), N_CHUNKS)
        counts = _split(int(block_counts[b]), N_CHUNKS)
        h, s = _mc_kernel(L, M, M * t, thr1, thr2, alias_p, alias_j, lnp, c1, c2, w, nb, counts, sd)
        hist += h.sum(axis=0)
        sums += s.sum(axis=0)
    secs = time.perf_counter() - t0
    centers = w * np.arange(-nb, nb + 1)
    centers_t, counts_t = _trim(centers, hist)
    m1, m2 = sums[0] / samples, sums[1] / samples
    v1 = max(sums[2] / samples - m1**2, 0.0)
    v2 = max(sums[3] / samples - m2**2, 0.0)
    return {
        "bin_centers": centers_t,
        "probabilities": counts_t / samples,
        "counts": counts_t,
        "samples": samples,
        "Q1_mean": eps * m1,
        "Q2_mean": eps * m2,
        "Q1_err": eps * math.sqrt(v1 / samples),
        "Q2_err": eps * math.sqrt(v2 / samples),
        "seconds": secs,
    }


def chi2_test(centers_exact, probs_exact, centers_mc, counts_mc, bin_width, min_expected=5.0):
    """Pearson χ² test of a Monte Carlo histogram against the exact bin probabilities.

    Bins are matched by their index ``round(c / bin_width)``; bins with expected
    count ``>= min_expected`` are compared one by one and the others pooled into
    one cell (dropped if its expectation is still below ``min_expected``).

    Returns
    -------
    dict
        ``chi2``, ``dof``, ``pvalue``, ``outside`` (Monte Carlo counts in bins of
        zero exact probability; must be 0).
    """
    from scipy.stats import chi2 as _chi2

    w = validate.real("bin_width", bin_width, 0.0, None, lo_open=True)
    ce = np.asarray(centers_exact, dtype=float)
    pe = np.asarray(probs_exact, dtype=float)
    cm = np.asarray(centers_mc, dtype=float)
    nm = np.asarray(counts_mc)
    K = float(nm.sum())
    ie = np.rint(ce / w).astype(np.int64)
    im = np.rint(cm / w).astype(np.int64)
    support = dict(zip(ie, pe))
    cnt = dict(zip(im, nm))
    outside = int(sum(c for i, c in cnt.items() if support.get(i, 0.0) == 0.0))
    obs = np.array([cnt.get(i, 0) for i in ie], dtype=float)
    exp = pe * K
    ok = exp >= min_expected
    o = np.append(obs[ok], obs[~ok].sum())
    e = np.append(exp[ok], exp[~ok].sum())
    if e[-1] < min_expected:
        o, e = o[:-1], e[:-1]
    stat = float(np.sum((o - e) ** 2 / e))
    dof = len(o) - 1
    return {"chi2": stat, "dof": dof, "pvalue": float(_chi2.sf(stat, dof)), "outside": outside}


def _numpy_reference(M, t, p1, p2, samples, seed=0):
    """Vectorised NumPy version of the same update rule (benchmark reference)."""
    rng = np.random.default_rng(seed)
    L = M - 1
    tau = np.zeros(samples, dtype=np.uint64)
    n1 = np.zeros(samples, dtype=np.int64)
    n2 = np.zeros(samples, dtype=np.int64)
    top = np.uint64(1 << (L - 1))
    one = np.uint64(1)
    for _ in range(M * t):
        node = rng.integers(0, M, samples, dtype=np.uint64)
        u = rng.random(samples)
        b1 = node == 0
        b2 = node == M - 1
        bulk = ~(b1 | b2)
        new1 = (u < p1).astype(np.uint64)
        old1 = tau & one
        n1 += np.where(b1, new1.astype(np.int64) - old1.astype(np.int64), 0)
        tau = np.where(b1, (tau & ~one) | new1, tau)
        new2 = (u < p2).astype(np.uint64)
        old2 = (tau >> np.uint64(L - 1)) & one
        n2 += np.where(b2, new2.astype(np.int64) - old2.astype(np.int64), 0)
        tau = np.where(b2, (tau & ~top) | (new2 << np.uint64(L - 1)), tau)
        sh = np.where(bulk, node - one, np.uint64(0))
        x = ((tau >> sh) ^ (tau >> (sh + one))) & one & bulk.astype(np.uint64)
        tau ^= (x * np.uint64(3)) << sh
    return n1, n2


# ----------------------------------------------------------------------------
# one-site system: large deviations of the current (eqs. 20-36)
# ----------------------------------------------------------------------------

def _ldf_rates(T1, T2, eps, mu1=0.0, mu2=0.0):
    p1 = float(_fermi((eps - mu1) / T1))
    p2 = float(_fermi((eps - mu2) * _inv(T2)))
    alpha, gamma, beta, delta = _rates(p1, p2)
    return alpha, gamma, beta, delta


def scaled_cumulant_generating_function(xi, T1, T2, eps=2.0):
    """``λ(√u(ξ) - 1)`` with ``u`` of eq. (28), λ = 1 (rates of eqs. 4-5).

    ``ξ`` counts particles entering the site from B1 (eqs. 22-29).
    """
    T1, T2 = _temps(T1, T2)
    eps = _eps(eps)
    xi = validate.array("xi", np.atleast_1d(xi), ndim=None)
    a, g, b, d = _ldf_rates(T1, T2, eps)
    u = (d + b * np.exp(xi)) * (a + g * np.exp(-xi))
    return np.sqrt(u) - 1.0


def large_deviation_function(J, T1, T2, eps=2.0):
    """Large deviation function ``I(J)`` of the one-site system (eqs. 28-33).

    ``J`` is the particle current from B1 into the site (λ = 1);
    ``I(J) = max_ξ {Jξ + 1 - √u(ξ)}`` (the Legendre transform; the paper's
    eq. (31) says "min", see the errata), with the maximiser ``ξ_m`` solving
    eq. (32) by bisection and Newton steps. Vectorised over ``J``.
    """
    T1, T2 = _temps(T1, T2)
    eps = _eps(eps)
    Jarr = validate.array("J", np.atleast_1d(J), ndim=None)
    a, g, b, d = _ldf_rates(T1, T2, eps)
    A = a * d + b * g
    B = a * b
    C = g * d

    def dphi(x):
        ex = np.exp(x)
        u = A + B * ex + C / ex
        return 0.5 * (B * ex - C / ex) / np.sqrt(u)

    # bracket: J(ξ) is increasing from -inf to inf
    lo = np.full(Jarr.shape, -1.0)
    hi = np.full(Jarr.shape, 1.0)
    for _ in range(200):
        m = dphi(lo) > Jarr
        if not m.any():
            break
        lo = np.where(m, 2 * lo - 1, lo)
    for _ in range(200):
        m = dphi(hi) < Jarr
        if not m.any():
            break
        hi = np.where(m, 2 * hi + 1, hi)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        m = dphi(mid) < Jarr
        lo = np.where(m, mid, lo)
        hi = np.where(m, hi, mid)
        if np.all(hi - lo <= 4e-16 * np.maximum(1.0, np.abs(mid))):
            break
    xi = 0.5 * (lo + hi)
    ex = np.exp(xi)
    u = A + B * ex + C / ex
    out = Jarr * xi + 1.0 - np.sqrt(u)
    return out if np.ndim(J) else float(out[0])


def one_site_current_distribution(t, T1, T2, eps=2.0, nfft=4096):
    """Exact ``P(N; t)`` of the net number ``N`` of particles injected from B1 (eqs. 20-27).

    The one-site system (two spins) in continuous time with λ = 1, starting
    empty (``G_0(ξ, 0) = 1``): the generating function ``G = G_0 + G_1`` of eqs.
    (26)-(28) is evaluated at ``ξ = iθ`` on ``nfft`` points and inverted by FFT.
    Absolute accuracy ~1e-16, so only probabilities well above that are meaningful.

    Returns
    -------
    N : numpy.ndarray of int
        ``-nfft/2 .. nfft/2 - 1``.
    P : numpy.ndarray
        ``P(N; t)``.
    """
    t = validate.real("t", t, 0.0, None, lo_open=True)
    T1, T2 = _temps(T1, T2)
    eps = _eps(eps)
    nfft = validate.integer("nfft", nfft, 16, 2**22)
    if nfft < 4 * t + 64:
        raise ValueError(f"nfft must exceed 4 t + 64 = {4 * t + 64:g}, got {nfft}")
    a, g, b, d = _ldf_rates(T1, T2, eps)
    theta = 2 * np.pi * np.arange(nfft) / nfft
    ex = np.exp(1j * theta)
    u = (d + b * ex) * (a + g / ex)
    r = np.sqrt(u)  # principal branch, Re r >= 0; cosh and sinh(x)/x are even in r
    # e^{-t} cosh(t r) and e^{-t} sinh(t r)/r without overflow (|u| <= 1 on the circle)
    ep = np.exp(t * (r - 1.0))
    em = np.exp(-t * (r + 1.0))
    ch = 0.5 * (ep + em)
    small = np.abs(r) < 1e-8
    sh = np.where(small, t * np.exp(-t), 0.5 * (ep - em) / np.where(small, 1.0, r))
    G0 = ch + (g - d) * sh
    G1 = sh * (d + a * ex)
    G = G0 + G1
    c = np.fft.fft(G).real / nfft  # P(N) = (1/n) Σ_θ G(iθ) e^{-iθN}
    N = np.arange(nfft)
    N = np.where(N >= nfft // 2, N - nfft, N)
    order = np.argsort(N)
    return N[order], c[order]


# ----------------------------------------------------------------------------
# efficiency at maximum power (eqs. 10-17, 52-62)
# ----------------------------------------------------------------------------

def _f(x):
    return 1.0 / (1.0 + np.exp(x))


def _fp(x):
    e = np.exp(-x)
    return -e / (1.0 + e) ** 2


def _fpp(x):
    e = np.exp(-x)  # f''(x) = e^{-x}(1 - e^{-x})/(1 + e^{-x})^3, no overflow for x > 0
    return e * (1.0 - e) / (1.0 + e) ** 3


def power(x1, x2, eta_C):
    """Reduced power ``(x2 - (1-η_C) x1)[f(x2) - f(x1)]``, ``f(x) = 1/(1+e^x)`` (eq. 52).

    Proportional to eq. (12): ``P = k T2 [x2 - (1-η_C) x1] J`` with
    ``J = (f(x2) - f(x1))/M`` (eq. 11), ``x_i = (ε - μ_i)/kT_i``.
    """
    eta_C = validate.real("eta_C", eta_C, 0.0, 1.0, hi_open=True)
    x1 = np.asarray(x1, dtype=complex if np.iscomplexobj(x1) else float)
    x2 = np.asarray(x2, dtype=complex if np.iscomplexobj(x2) else float)
    return (x2 - (1 - eta_C) * x1) * (_f(x2) - _f(x1))


def efficiency(x1, x2, eta_C):
    """Efficiency ``η = 1 - (1-η_C) x1/x2`` (eq. 13)."""
    eta_C = validate.real("eta_C", eta_C, 0.0, 1.0, hi_open=True)
    return 1.0 - (1.0 - eta_C) * np.asarray(x1) / np.asarray(x2)


def _grad_hess(x1, x2, c):
    # c = 1 - eta_C; P = (x2 - c x1)(f(x2) - f(x1))
    d = x2 - c * x1
    df = _f(x2) - _f(x1)
    g1 = -c * df - d * _fp(x1)
    g2 = df + d * _fp(x2)
    h11 = 2 * c * _fp(x1) - d * _fpp(x1)
    h22 = 2 * _fp(x2) + d * _fpp(x2)
    h12 = -c * _fp(x2) - _fp(x1)
    return g1, g2, h11, h12, h22


def _newton(x1, x2, c, iters=40):
    for _ in range(iters):
        g1, g2, h11, h12, h22 = _grad_hess(x1, x2, c)
        det = h11 * h22 - h12 * h12
        dx1 = (h22 * g1 - h12 * g2) / det
        dx2 = (-h12 * g1 + h11 * g2) / det
        x1 = x1 - dx1
        x2 = x2 - dx2
        if abs(dx1) + abs(dx2) < 1e-14 * (abs(x1) + abs(x2)):
            break
    return x1, x2


A0 = None  # root of eq. (56) for f = 1/(1+e^x), set at import below


def _a0():
    from scipy.optimize import brentq

    return brentq(lambda x: 2 * _fp(x) + x * _fpp(x), 1.0, 4.0, xtol=1e-15, rtol=1e-15)


A0 = _a0()


def optimal_affinities(eta_C):
    """Maximiser ``(x1*, x2*)`` of the power (eq. 14) at Carnot efficiency ``eta_C``.

    Exact Newton solution of eqs. (53)-(54), started from the series of eqs.
    (61)-(62) (coefficients from :func:`efficiency_series`) or, for larger
    ``η_C``, by continuation from smaller ``η_C``. ``x1* > x2*``: particles flow
    from the hot reservoir B2 to B1 against the chemical potential.
    """
    eta_C = validate.real("eta_C", eta_C, 0.0, 1.0, lo_open=True, hi_open=True)
    steps = max(1, int(math.ceil(eta_C / 0.05)))
    e1 = eta_C / steps
    # second-order series (eqs. 61-62 with b1 = -a0/4, a1 = b1 + a0/2) as a start
    x1, x2 = A0 * (1 + e1 / 4 + e1**2 / 6), A0 * (1 - e1 / 4 - e1**2 / 12)
    for e in np.linspace(e1, eta_C, steps):
        x1, x2 = _newton(x1, x2, 1.0 - e)
    g1, g2, h11, h12, h22 = _grad_hess(x1, x2, 1.0 - eta_C)
    if not (h11 < 0 and h11 * h22 - h12 * h12 > 0):
        raise RuntimeError("Newton iteration did not reach the power maximum")
    return float(x1), float(x2)


def efficiency_at_max_power(eta_C):
    """Efficiency at maximum power ``η*(η_C)`` by exact maximisation (eqs. 13-14).

    Vectorised over ``eta_C`` in ``[0, 1)``; ``η*(0) = 0``.
    """
    arr = validate.array("eta_C", np.atleast_1d(eta_C), ndim=None, lo=0.0, hi=1.0)
    if np.any(arr >= 1.0):
        raise ValueError("eta_C must have all elements in [0, 1)")
    out = np.empty(arr.shape)
    for idx, e in np.ndenumerate(arr):
        if e == 0:
            out[idx] = 0.0
        else:
            x1, x2 = optimal_affinities(e)
            out[idx] = 1.0 - (1.0 - e) * x1 / x2
    return out if np.ndim(eta_C) else float(out[0])


def efficiency_series(order=6, radius=0.25, points=128):
    """Taylor coefficients of ``η*``, ``x1*``, ``x2*`` in powers of ``η_C`` (eqs. 17, 61-62).

    Exact to rounding: the stationarity equations (53)-(54) are analytic in
    ``η_C``, so they are solved by complex Newton iteration on the circle
    ``|η_C| = radius`` (continued around the circle) and the Taylor coefficients
    follow from the Cauchy integral (a discrete Fourier transform).

    Returns
    -------
    dict
        ``eta``, ``x1``, ``x2``: arrays of coefficients of orders ``0..order``.
    """
    order = validate.integer("order", order, 1, 20)
    radius = validate.real("radius", radius, 0.0, 0.6, lo_open=True)
    points = validate.integer("points", points, 2 * order + 8, 4096)
    theta = 2 * np.pi * np.arange(points) / points
    z = radius * np.exp(1j * theta)
    x1r, x2r = optimal_affinities(radius)
    x1 = complex(x1r)
    x2 = complex(x2r)
    X1 = np.empty(points, dtype=complex)
    X2 = np.empty(points, dtype=complex)
    sub = 8
    for k in range(points):
        # continue from the previous point in small steps
        prev = z[k - 1] if k > 0 else z[0]
        for s in range(1, sub + 1):
            e = prev + (z[k] - prev) * s / sub if k > 0 else z[0]
            x1, x2 = _newton(x1, x2, 1.0 - e)
        X1[k], X2[k] = x1, x2
    eta = 1.0 - (1.0 - z) * X1 / X2
    out = {}
    for name, vals in (("eta", eta), ("x1", X1), ("x2", X2)):
        c = np.fft.fft(vals) / points
        coef = (c[: order + 1] / radius ** np.arange(order + 1)).real
        out[name] = coef
    return out


def curzon_ahlborn(eta_C):
    """Curzon–Ahlborn efficiency ``1 - sqrt(1 - η_C)``."""
    arr = np.asarray(eta_C, dtype=float)
    return 1.0 - np.sqrt(1.0 - arr)


# ----------------------------------------------------------------------------
# command line: paper-scale runs
# ----------------------------------------------------------------------------

def _parse_T(text):
    return math.inf if text.strip().lower() in {"inf", "infinity", "∞"} else float(text)


def main(argv=None):
    """Paper-scale runs: Fig. 3 by Monte Carlo (K = 10^9 runs per T2) against the exact law."""
    ap = argparse.ArgumentParser(
        prog="python -m noneq.ising_chain",
        description="Ising chain / SSEP stochastic thermodynamics at paper scale (Toral et al.).",
    )
    ap.add_argument("--M", type=int, default=10, help="number of spins (default 10)")
    ap.add_argument("--t", type=int, default=10, help="Monte Carlo steps per run (default 10)")
    ap.add_argument("--T1", type=float, default=1.0)
    ap.add_argument("--T2", type=_parse_T, nargs="+", default=[2.0, 5.0, 10.0, math.inf],
                    help="hot temperatures (use inf for T2 = ∞)")
    ap.add_argument("--samples", type=float, default=None,
                    help="runs per T2 (default: pick(ci=1e5, book=1e7, paper=1e9))")
    ap.add_argument("--bin-width", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=2016)
    ap.add_argument("--energy", action="store_true", help="also print p(E) for M = 4, 10, 20, 25, 100")
    ap.add_argument("--out", default=None, help="save the histograms to this .npz file")
    args = ap.parse_args(argv)
    from noneq.scale import pick

    samples = int(args.samples) if args.samples is not None else pick(ci=10**5, book=10**7, paper=10**9)
    print(f"numba threads: {numba.get_num_threads()}; samples per T2: {samples:.3g}")
    print(f"T_eff(T1={args.T1:g}, T2=2) = {effective_temperature(args.T1, 2.0):.6f}")
    save = {}
    for T2 in args.T2:
        t0 = time.perf_counter()
        ce, pe = entropy_production_distribution(args.M, args.t, args.T1, T2, bin_width=args.bin_width)
        te = time.perf_counter() - t0
        res = simulate(args.M, args.t, args.T1, T2, samples=samples, bin_width=args.bin_width,
                       seed=args.seed, show_progress=True)
        rate = samples * args.M * args.t / res["seconds"]
        test = chi2_test(ce, pe, res["bin_centers"], res["counts"], args.bin_width)
        chi, dof, pval = test["chi2"], test["dof"], test["pvalue"]
        jq = heat_current(args.M, args.T1, T2)
        print(f"T2={T2:g}: exact {te:.1f} s; MC {res['seconds']:.1f} s ({rate:.3g} trials/s); "
              f"chi2={chi:.1f}/{dof} (p={pval:.3f}); <Q2>/t={res['Q2_mean']/args.t:.6f}"
              f"±{res['Q2_err']/args.t:.6f} vs J_Q={jq:.6f}")
        key = "inf" if math.isinf(T2) else f"{T2:g}"
        save[f"exact_centers_{key}"] = ce
        save[f"exact_prob_{key}"] = pe
        save[f"mc_centers_{key}"] = res["bin_centers"]
        save[f"mc_counts_{key}"] = res["counts"]
    if args.energy:
        Teff = effective_temperature(args.T1, 2.0)
        for M in (4, 10, 20, 25, 100):
            E, p = energy_distribution(M, args.T1, 2.0)
            _, q = effective_energy_distribution(M, Teff)
            print(f"M={M}: max |p(E) - p_eff(E)| = {np.max(np.abs(p - q)):.3e}")
    if args.out:
        np.savez(args.out, **save)
        print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
