"""Compiled kernels of the entropy-production computations: exact propagation and Monte Carlo.

Both families of kernels evaluate ΔS of one run with the same compiled formula
(:func:`_delta_s`) and put it in a bin with the same rule (:func:`_bin_index`),
so the exact law (:mod:`~noneq.ising_chain.exact`) and the sampler
(:mod:`~noneq.ising_chain.montecarlo`) cannot drift apart. Link configurations
are integers whose bit ``i-1`` is ``τ_i``; heat is counted in quanta ``n_i`` of ε
taken from reservoir ``B_i``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from noneq.rng import xoshiro_next as _xoshiro
from noneq.rng import xoshiro_state as _seed_state

# ----------------------------------------------------------------------------
# shared formulas
# ----------------------------------------------------------------------------


@njit(cache=True)
def _delta_s(n1, n2, lp0, lpt, c1, c2):
    """``ΔS = -Q1/T1 - Q2/T2 + ln P(τ0) - ln P(τt)`` with ``Q_i = ε n_i``, ``c_i = ε/T_i`` (eq. 19, Sec. IV)."""
    return -(c1 * n1 + c2 * n2) + (lp0 - lpt)


@njit(cache=True)
def _bin_index(ds, invw, nb):
    """Index of the bin ``[c - w/2, c + w/2)``, ``c = k w``, on the grid ``k = -nb..nb`` (``invw = 1/w``)."""
    return int(math.floor(ds * invw + 0.5)) + nb


@njit(cache=True)
def _popcount(x):
    """Number of particles of the configuration ``x``."""
    c = 0
    while x:
        x &= x - 1
        c += 1
    return c


# ----------------------------------------------------------------------------
# exact propagation of the joint law of (configuration, heat quanta from B1)
# ----------------------------------------------------------------------------


def _exact_kernel(L, M, ntrials, p1, p2, R):
    """K[τ0, τt, n1 + R] for every initial state in one call (see :func:`_exact_rows`)."""
    S = 1 << L
    K = np.zeros((S, S, 2 * R + 1))
    _exact_rows(K, 0, S, L, M, ntrials, p1, p2, R)
    return K


@njit(cache=True, parallel=True)
def _exact_rows(K, first, last, L, M, ntrials, p1, p2, R):
    """Fill ``K[τ0, τt, n1 + R]`` for ``first <= τ0 < last``: probability to end in τt with n1 quanta from B1.

    One trial: B = (1/M)[Σ_inner swaps + B1 redraw + B2 redraw] A, written per
    target row; identity swaps (equal neighbours) are folded into a diagonal.
    Each row keeps the range [lo, hi] of counter values it can hold (the union of
    its sources' ranges), so only reachable (τ, n1) pairs are touched; the ranges
    stay inside |n1| <= ceil(k/2) after k trials (two successive quanta from B1
    need a hop in between), which fixes the array width 2R + 1. The initial
    states are independent, so the caller runs them in chunks of ``τ0``.
    """
    S = 1 << L
    W = 2 * R + 1
    q1 = 1.0 - p1
    q2 = 1.0 - p2
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
    for t0 in prange(first, last):
        A = np.zeros((S, W))
        B = np.zeros((S, W))
        alo = np.full(S, W, dtype=np.int64)
        ahi = np.full(S, -1, dtype=np.int64)
        blo = np.empty(S, dtype=np.int64)
        bhi = np.empty(S, dtype=np.int64)
        A[t0, R] = 1.0
        alo[t0] = R
        ahi[t0] = R
        for _ in range(ntrials):
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


@njit(cache=True)
def _exact_hist(K, ptau, lnp, c1, c2, R, w, nb, first, last, hist):
    """Add to ``hist`` the law of ΔS on the grid ``k w``, ``k = -nb..nb``, from ``K[τ0]``, ``first <= τ0 < last``."""
    S = K.shape[0]
    W = K.shape[2]
    invw = 1.0 / w
    for t0 in range(first, last):
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
                hist[_bin_index(ds, invw, nb)] += pw * v


@njit(cache=True)
def _nonzero_values(K, ptau, lnp, c1, c2, R):
    """ΔS and probability of every (τ0, τt, n1) entry of positive probability."""
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


@njit(cache=True)
def _initial_states(seeds):
    """xoshiro256** state of each stream (one row of 4 uint64 per seed)."""
    out = np.empty((seeds.shape[0], 4), dtype=np.uint64)
    for c in range(seeds.shape[0]):
        out[c] = _seed_state(seeds[c])
    return out


@njit(cache=True, parallel=True)
def _mc_kernel(L, M, ntrials, thr1, thr2, alias_p, alias_j, lnp, c1, c2, w, nb, counts, states, hist, sums):
    """``counts[c]`` runs on stream ``c``, added to its histogram of ΔS ``hist[c]`` and sums of n1, n2, n1², n2².

    ``states[c]`` (xoshiro256**, from :func:`_initial_states`) is advanced in
    place, so a stream's runs are the same whether it is called once or in
    several chunks. Nothing is returned: a kernel that returns arrays can turn a
    pending ``SIGINT`` into a ``SystemError`` while boxing them.
    """
    nch = counts.shape[0]
    BM, TH, SH, BU, N0 = _tables(L, M, thr1, thr2)
    Mu = np.uint64(M)
    rej = np.uint64((2**32 - M) % M)
    S = alias_p.shape[0]
    invw = 1.0 / w
    for c in prange(nch):
        s0 = states[c, 0]
        s1 = states[c, 1]
        s2 = states[c, 2]
        s3 = states[c, 3]
        h = hist[c]
        sn1 = sums[c, 0]
        sn2 = sums[c, 1]
        sq1 = sums[c, 2]
        sq2 = sums[c, 3]
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
            h[_bin_index(ds, invw, nb)] += 1
            sn1 += n1
            sn2 += n2
            sq1 += n1 * n1
            sq2 += n2 * n2
        sums[c, 0] = sn1
        sums[c, 1] = sn2
        sums[c, 2] = sq1
        sums[c, 3] = sq2
        states[c, 0] = s0
        states[c, 1] = s1
        states[c, 2] = s2
        states[c, 3] = s3
