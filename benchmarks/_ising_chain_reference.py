"""Benchmark-only code for noneq.ising_chain: the bare update loop and a vectorised NumPy sampler.

Neither is part of the package: :func:`mc_trials_only` times the compiled update
of Appendix I without the stationary initial state and the ΔS bookkeeping, and
:func:`numpy_reference` is the same rule vectorised over runs in NumPy, the
baseline of the speed ratios in ``bench_ising_chain.py`` (the test
``tests/ising_chain/test_ic_montecarlo.py`` checks that it samples the right
heat current).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from noneq.ising_chain._kernels import _popcount, _run, _tables
from noneq.rng import xoshiro_state


@njit(cache=True, parallel=True)
def mc_trials_only(L, M, ntrials, thr1, thr2, counts, seeds):
    """Bare update loop: ``counts[c]`` runs of ``ntrials`` trials from ``τ = 0`` per chunk ``c``."""
    nch = counts.shape[0]
    out = np.zeros(nch, dtype=np.int64)
    BM, TH, SH, BU, N0 = _tables(L, M, thr1, thr2)
    Mu = np.uint64(M)
    rej = np.uint64((2**32 - M) % M)
    for c in prange(nch):
        st = xoshiro_state(seeds[c])
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


def numpy_reference(M, t, p1, p2, samples, seed=0):
    """Vectorised NumPy version of the update rule from ``τ = 0``: quanta ``n1, n2`` taken from B1, B2 per run."""
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
