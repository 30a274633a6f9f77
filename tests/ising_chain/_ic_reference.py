"""Plain NumPy / Python references of the equations behind the compiled kernels of noneq.ising_chain.

Written from the paper, in the spin language where the kernels use bit-packed
links, so that a kernel and its reference share nothing but the equations:

* :func:`trial` -- one update of Appendix I (eq. 37 at the ends, a flip of an
  inner spin with opposite neighbours), heat from the Hamiltonian of eq. (1);
* :func:`run_same_uniforms` / :func:`mc_kernel_reference` -- the sampler, fed the
  same xoshiro256** numbers as the kernel (:func:`xoshiro_next` in pure Python);
* :func:`exact_joint_reference` -- the joint law of (configuration, quanta from
  B1) by dense matrix powers;
* :func:`mpa_weights_reference` -- the weight of every configuration by the
  operator algebra of eqs. (63)-(75), one configuration at a time.
* :func:`entropy_production_enumeration` -- the joint law of the bath and system
  entropy changes by branching over every trial in spin space (eq. 37 written
  from the temperatures, heats from the end links' energies).
"""

from __future__ import annotations

import math

import numpy as np

MASK64 = (1 << 64) - 1


# ---------------------------------------------------------------- random numbers


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK64


def xoshiro_next(state):
    """One xoshiro256** step on a list of four Python ints (updated in place); returns the output."""
    s0, s1, s2, s3 = state
    r = (_rotl((s1 * 5) & MASK64, 7) * 9) & MASK64
    t = (s1 << 17) & MASK64
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    state[:] = [s0, s1, s2, s3]
    return r


def draw_node(state, M):
    """Uniform node in ``0..M-1`` from the high 32 bits (multiply-shift, biased zone rejected) and the
    uniform in [0, 1) given by the low 32 bits of the same number."""
    rej = (2**32 - M) % M
    while True:
        r = xoshiro_next(state)
        m = (r >> 32) * M
        if (m & 0xFFFFFFFF) >= rej:
            return m >> 32, (r & 0xFFFFFFFF) / 2.0**32


def uniform53(state):
    """Uniform in [0, 1) from the top 53 bits."""
    return (xoshiro_next(state) >> 11) / 2.0**53


# ---------------------------------------------------------------- configurations


def spins_from_tau(tau, M):
    """Spins (``s_1 = +1``) with ``τ_i = 1`` iff ``s_i != s_{i+1}`` (bit ``i-1`` of ``tau``)."""
    s = np.ones(M, dtype=np.int64)
    for i in range(M - 1):
        s[i + 1] = -s[i] if (tau >> i) & 1 else s[i]
    return s


def tau_from_spins(s):
    """``τ_i = (1 - s_i s_{i+1})/2`` packed into an integer."""
    tau = (1 - s[:-1] * s[1:]) // 2
    return int(sum(int(b) << i for i, b in enumerate(tau)))


def energy(s, eps=2.0):
    """``H = -(ε/2) Σ s_i s_{i+1}`` (eq. 1)."""
    return -0.5 * eps * float(np.sum(s[:-1] * s[1:]))


def trial(s, node, u, p1, p2, eps=2.0):
    """One update of Appendix I on the spins ``s`` (in place); returns the heat quanta taken from B1 and B2.

    Node 0 (M-1): the end spin is redrawn from the heat bath, ``s_1 = -s_2`` (link
    energy +ε/2) with probability ``p_1`` (eq. 37; ``s_M``, ``p_2`` likewise). An
    inner spin flips when its neighbours are opposite (no energy change).
    """
    M = len(s)
    e0 = energy(s, eps)
    if node == 0:
        s[0] = -s[1] if u < p1 else s[1]
        return round((energy(s, eps) - e0) / eps), 0
    if node == M - 1:
        s[M - 1] = -s[M - 2] if u < p2 else s[M - 2]
        return 0, round((energy(s, eps) - e0) / eps)
    if s[node - 1] != s[node + 1]:
        s[node] = -s[node]
    assert energy(s, eps) == e0
    return 0, 0


def run_same_uniforms(tau, ntrials, state, M, p1, p2):
    """``ntrials`` trials from the links ``tau`` with the generator ``state``: ``(tau, n1, n2)``."""
    s = spins_from_tau(tau, M)
    n1 = n2 = 0
    for _ in range(ntrials):
        node, u = draw_node(state, M)
        a, b = trial(s, node, u, p1, p2)
        n1 += a
        n2 += b
    return tau_from_spins(s), n1, n2


def mc_kernel_reference(M, ntrials, p1, p2, alias_p, alias_j, lnp, c1, c2, w, nb, counts, states, final=None):
    """Histogram and (n1, n2, n1², n2²) sums per chunk, from the given initial generator states.

    ``final``, if a list, receives the generator state of each chunk after its runs.
    """
    S = len(alias_p)
    hist = np.zeros((len(counts), 2 * nb + 1), dtype=np.int64)
    sums = np.zeros((len(counts), 4))
    for c, (cnt, st) in enumerate(zip(counts, states)):
        st = [int(x) for x in st]
        for _ in range(cnt):
            col = int(uniform53(st) * S)
            i0 = col if uniform53(st) < alias_p[col] else int(alias_j[col])
            it, n1, n2 = run_same_uniforms(i0, ntrials, st, M, p1, p2)
            ds = -(c1 * n1 + c2 * n2) + (lnp[i0] - lnp[it])
            hist[c, int(math.floor(ds / w + 0.5)) + nb] += 1
            sums[c] += (n1, n2, n1 * n1, n2 * n2)
        if final is not None:
            final.append(st)
    return hist, sums


# ---------------------------------------------------------------- exact propagation


def one_trial_matrix(M, p1, p2, R):
    """Dense one-trial transition matrix on the states ``(τ, n1 + R)`` (index ``τ (2R+1) + n1 + R``)."""
    L = M - 1
    S, W = 1 << L, 2 * R + 1
    T = np.zeros((S * W, S * W))
    for tau in range(S):
        for n in range(W):
            src = tau * W + n
            for node in range(M):
                if node in (0, M - 1):  # heat bath: u = 0 inserts (u < p), u = 1 does not
                    p = p1 if node == 0 else p2
                    outcomes = ((0.0, p), (1.0, 1.0 - p))
                else:
                    outcomes = ((0.5, 1.0),)
                for u, prob in outcomes:
                    s = spins_from_tau(tau, M)
                    a, _ = trial(s, node, u, p1, p2)
                    m = n + a
                    if 0 <= m < W:
                        T[src, tau_from_spins(s) * W + m] += prob / M
    return T


def exact_joint_reference(M, t, p1, p2, R):
    """``K[τ0, τt, n1 + R]`` after ``M t`` trials by dense matrix powers."""
    L = M - 1
    S, W = 1 << L, 2 * R + 1
    P = np.linalg.matrix_power(one_trial_matrix(M, p1, p2, R), M * t)
    return P[np.arange(S) * W + R].reshape(S, S, W)


# ---------------------------------------------------------------- matrix product ansatz


def mpa_weights_reference(L, p1, p2):
    """Weight of every configuration (index bit ``i-1`` = ``τ_i``): ``<W| Π_i (τ_i D^ + (1-τ_i) E^) |V>/(L+1)!``.

    Each configuration separately: the polynomial ``p = 1`` on ``y = 1..L+1`` is
    acted on by the operators of sites ``L, L-1, ..., 1`` with
    ``(aX + bY) p (y) = a (y+1) p(y+1) + (b - a) y p(y)`` (D^: ``a, b = α, δ``;
    E^: ``γ, β``), each step divided by ``k + 1``.
    """
    alpha, gamma, beta, delta = p1, 1.0 - p1, 1.0 - p2, p2
    out = np.empty(1 << L)
    for tau in range(1 << L):
        g = np.ones(L + 1)
        for k in range(1, L + 1):
            site = L - k  # bit of τ_{L-k+1}
            a, b = (alpha, delta) if (tau >> site) & 1 else (gamma, beta)
            y = np.arange(1.0, L + 2 - k)
            g = (a * (y + 1) * g[1:] + (b - a) * y * g[:-1]) / (k + 1.0)
        out[tau] = g[0]
    return out


# ---------------------------------------------------------------- entropy production by enumeration


def entropy_production_enumeration(M, t, T1, T2, eps, Pst):
    """Exact law of (ΔS_bath, ΔS_system) after ``t`` MCS, by enumerating every trial in spin space.

    Spins ``s`` (bit ``i`` set iff ``s_{i+1} = +1``) start from ``Pst`` (a law on the
    ``2^M`` spin configurations). Each of the ``M t`` trials branches over the node
    (probability ``1/M``) and, at the ends, over the redrawn spin with the heat-bath
    probabilities of eq. (37) written from ``T1``, ``T2`` directly. The heat taken from
    ``B_i`` is the change of the end link's energy ``(ε/2) ℓ`` caused by the update of
    the end spin; ``ΔS_bath = -Q1/T1 - Q2/T2`` and ``ΔS_system = ln Pst(s(0)) -
    ln Pst(s(t))``. Returns a dict ``(ΔS_bath, ΔS_system) -> probability`` (keys rounded
    to 12 decimals so that equal values share one entry).
    """

    def spin(s, i):
        return 1 if (s >> i) & 1 else -1

    def setspin(s, i, v):
        return s | (1 << i) if v > 0 else s & ~(1 << i)

    b1, b2 = eps / T1, (0.0 if math.isinf(T2) else eps / T2)
    # state: (s0, s, twice the heat from B1 in units of eps/2, same for B2) -> probability
    law = {(s, s, 0, 0): p for s, p in enumerate(Pst) if p > 0}
    for _ in range(M * t):
        new = {}
        for (s0, s, h1, h2), p in law.items():
            for i in range(M):
                pi = p / M
                if i in (0, M - 1):
                    nb = spin(s, 1) if i == 0 else spin(s, M - 2)
                    beta_eps = b1 if i == 0 else b2
                    old_link = -spin(s, i) * nb
                    for v in (1, -1):
                        q = 1.0 / (1.0 + math.exp(-v * nb * beta_eps))  # eq. (37)
                        dl = -v * nb - old_link
                        key = (s0, setspin(s, i, v), h1 + (dl if i == 0 else 0), h2 + (dl if i else 0))
                        new[key] = new.get(key, 0.0) + pi * q
                else:
                    s1 = s ^ (1 << i) if spin(s, i - 1) != spin(s, i + 1) else s
                    key = (s0, s1, h1, h2)
                    new[key] = new.get(key, 0.0) + pi
        law = new
    out = {}
    for (s0, s, h1, h2), p in law.items():
        bath = -(0.5 * eps * h1) / T1 - (0.0 if math.isinf(T2) else (0.5 * eps * h2) / T2)
        system = math.log(Pst[s0]) - math.log(Pst[s])
        key = (round(bath, 12), round(system, 12))
        out[key] = out.get(key, 0.0) + p
    return out
