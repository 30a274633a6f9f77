"""Monte Carlo of the discrete-time rule of Appendix I, started in the stationary state (Figs. 3-4).

The compiled kernels are in :mod:`noneq.ising_chain._kernels`; this module draws
the seeds, builds the tables the kernels read (alias table of ``P_st``, 32-bit
heat-bath thresholds) and sums the chunks.

The runs are spread over ``N_CHUNKS`` random streams per block of ``10^7`` runs;
each stream keeps its generator state between kernel calls, and the calls are
chunks of about a quarter of a second (:class:`noneq.progress.Chunked`), so a
``SIGINT`` stops :func:`simulate` within about a second and the numbers do not
depend on where the chunk boundaries fall.
"""

from __future__ import annotations

import math
import time

import numpy as np

from noneq import validate
from noneq.progress import Chunked
from noneq.rng import spawn_seeds

from ._common import (
    CONTRIBUTIONS,
    M_MAX_MC,
    N_CHUNKS,
    bath_coefficients,
    check_run,
    contribution_inputs,
    half_bins,
    log_p,
    require,
    trim,
)
from ._kernels import _initial_states, _mc_kernel
from .mpa import mpa_tau
from .results import SimulationResult
from .theory import insertion_probabilities

__all__ = ["simulate"]


def alias_table(p):
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


def thresholds(p1, p2):
    """Heat-bath probabilities as 32-bit thresholds ``round(p 2^32)`` (resolution 2.3e-10)."""
    return np.uint64(min(int(round(p1 * 2**32)), 2**32)), np.uint64(min(int(round(p2 * 2**32)), 2**32))


def split(samples, n_chunks):
    """``samples`` runs spread over ``n_chunks`` chunks (the first ones get one more)."""
    counts = np.full(n_chunks, samples // n_chunks, dtype=np.int64)
    counts[: samples % n_chunks] += 1
    return counts


def _resolve_progress(progress, show_progress):
    if progress is not None and show_progress is not None and bool(progress) != bool(show_progress):
        raise ValueError("progress and its old spelling show_progress disagree")
    flag = progress if progress is not None else show_progress
    return None if flag is None else bool(flag)


def simulate(M, t, T1, T2, eps=2.0, samples=10**5, bin_width=0.2, seed=None, show_progress=None, *,
             progress=None, contribution="total"):
    """Monte Carlo of the discrete-time rule of Appendix I, started in the stationary state.

    Each run draws ``τ(0)`` from ``P_st`` (matrix product ansatz), performs ``M t``
    update trials and records the heat quanta ``n_1, n_2`` taken from B1, B2 and
    the total entropy production ΔS (Sec. IV), or its bath or system part. The work is split in a fixed
    number (:data:`~noneq.ising_chain.N_CHUNKS`) of chunks with child seeds from
    :func:`noneq.rng.spawn_seeds`, so the result depends only on ``seed``.
    Random numbers: a xoshiro256** stream per chunk (:mod:`noneq.rng`); nodes are
    drawn by the exact Lemire method, the heat-bath acceptance uses 32-bit
    thresholds ``p_i 2^32`` (resolution 2.3e-10) and initial states come from
    Walker's alias table of ``P_st``. The links are bit-packed in one 64-bit word
    and the update is branch-free (per-node tables).

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 24``.
    t : int
        Number of Monte Carlo steps per run, ``t >= 1``.
    T1 : float
        Temperature of B1, in ``(0, inf)``.
    T2 : float
        Temperature of B2, in ``(0, inf]`` (``numpy.inf`` allowed).
    eps : float
        Coupling ε, in ``(0, inf)``.
    samples : int
        Number of runs, ``>= 1``.
    bin_width : float
        Bin width of the ΔS histogram, ``> 0``.
    seed : int, optional
        None (fresh entropy) or a non-negative integer.
    show_progress : bool, optional
        Old spelling of ``progress``.
    progress : bool, optional
        Progress bar (runs done, rate, remaining time): None follows
        ``NONEQ_PROGRESS``, True/False force it on/off.
    contribution : {"total", "bath", "system"}
        What the histogram holds: the total ΔS (default), ``ΔS_bath = -Q_1/T_1 -
        Q_2/T_2`` only or ``ln P_st(s(0)) - ln P_st(s(t))`` only; the same formula and
        bins as :func:`~noneq.ising_chain.exact.entropy_production_distribution`.
        The runs (and the heats) do not depend on it.

    Returns
    -------
    SimulationResult
        ``bin_centers``, ``probabilities`` (histogram of ΔS, grid as in
        :func:`~noneq.ising_chain.exact.entropy_production_distribution`), ``counts``
        (integer histogram), ``samples``, ``Q1_mean``/``Q2_mean`` (heat taken from
        B1/B2 per run) and their standard errors ``Q1_err``/``Q2_err``, ``seconds``;
        also readable as ``r["key"]``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> from noneq import ising_chain as ic
    >>> r = ic.simulate(6, 3, 1.0, 2.0, samples=100_000, seed=1, progress=False)
    >>> jq = ic.heat_current(6, 1.0, 2.0)
    >>> bool(abs(r.Q2_mean / 3 - jq) < 5 * r.Q2_err / 3)
    True
    """
    M, t, T1, T2, eps = check_run(M, t, T1, T2, eps, M_MAX_MC)
    samples = validate.integer("samples", samples, 1)
    w = validate.real("bin_width", bin_width, 0.0, None, lo_open=True)
    contribution = validate.choice("contribution", contribution, CONTRIBUTIONS)
    bar = _resolve_progress(progress, show_progress)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    L = M - 1
    # P_st, its logarithm and its alias table (built with Python lists: ~80 bytes per state)
    require(80.0 * 2**L, f"M = {M}", "the stationary law and its alias table")
    ptau = mpa_tau(L, p1, p2)
    lnp = log_p(ptau)
    nb = half_bins(M, t, T1, T2, eps, lnp, w)
    # the ΔS grid: one row per stream, and their sum
    require(8.0 * (N_CHUNKS + 2) * (2 * nb + 1), f"M = {M}, t = {t}, bin_width = {w}", "the histogram of ΔS")
    alias_p, alias_j = alias_table(ptau)
    thr1, thr2 = thresholds(p1, p2)
    seeds = spawn_seeds(seed, N_CHUNKS)
    c1, c2 = bath_coefficients(T1, T2, eps)
    # the ΔS the kernel bins: the same formula with the other part switched off
    lnp_ds, c1_ds, c2_ds = contribution_inputs(contribution, lnp, c1, c2)
    t0 = time.perf_counter()
    # a fixed sequence of blocks of 10^7 runs; every block uses its own N_CHUNKS
    # child seeds derived from the root seed (one block: the root's children)
    nblocks = max(1, min(100, samples // 10**7))
    block_counts = split(samples, nblocks)
    block_seeds = spawn_seeds(seed, nblocks) if nblocks > 1 else None
    hist = np.zeros((N_CHUNKS, 2 * nb + 1), dtype=np.int64)
    sums = np.zeros((N_CHUNKS, 4))
    b, done, total, given, counts, states = -1, 0, 0, None, None, None
    run = Chunked(samples, first=16 * N_CHUNKS, progress=bar, desc=f"MC M={M} t={t} T2={T2:g}", unit="run")
    for n in run:
        while n > 0:
            if done == total:  # next block: its streams start from their seeds
                b += 1
                sd = seeds if nblocks == 1 else spawn_seeds(int(block_seeds[b]), N_CHUNKS)
                states = _initial_states(sd)
                total, done = int(block_counts[b]), 0
                counts = [int(c) for c in split(total, N_CHUNKS)]
                given = [0] * N_CHUNKS
            m = min(n, total - done)
            done += m
            n -= m
            # stream c has run counts[c] * done // total of its counts[c] runs so far
            target = [c * done // total for c in counts]
            this = np.array([a - g for a, g in zip(target, given)], dtype=np.int64)
            given = target
            _mc_kernel(L, M, M * t, thr1, thr2, alias_p, alias_j, lnp_ds, c1_ds, c2_ds, w, nb, this, states, hist,
                       sums)
    hist = hist.sum(axis=0)
    sums = sums.sum(axis=0)
    secs = time.perf_counter() - t0
    centers_t, counts_t = trim(w * np.arange(-nb, nb + 1), hist)
    m1, m2 = sums[0] / samples, sums[1] / samples
    v1 = max(sums[2] / samples - m1**2, 0.0)
    v2 = max(sums[3] / samples - m2**2, 0.0)
    return SimulationResult(
        bin_centers=centers_t,
        probabilities=counts_t / samples,
        counts=counts_t,
        samples=samples,
        Q1_mean=eps * m1,
        Q2_mean=eps * m2,
        Q1_err=eps * math.sqrt(v1 / samples),
        Q2_err=eps * math.sqrt(v2 / samples),
        seconds=secs,
    )
