"""The Ising <-> SSEP mapping at the level of the generators (Sec. II, eq. 4).

The spin chain has ``2^M`` configurations, the exclusion process ``2^(M-1)``:
``τ_i = (1 - s_i s_{i+1})/2`` forgets the global flip. The map is exact for the
dynamics if the spin generator is *lumpable* with respect to the partition into
pairs ``{s, -s}`` (every configuration of a pair has the same total rate into each
other pair), and then the lumped generator must equal the SSEP generator with the
rates of eq. (4): ``α = λ p_1, γ = λ(1 - p_1), δ = λ p_2, β = λ(1 - p_2)`` and
hops at rate λ, with ``λ = 1`` per MCS (``1/M`` per trial of Appendix I).

Generators here are dense ``Q[from, to]`` rate matrices per MCS with
``Q[s, s] = -Σ_{s'} Q[s, s']``, for small chains.
"""

from __future__ import annotations

import numpy as np

from noneq import validate

from ._common import coupling, temps
from .theory import insertion_probabilities

__all__ = ["spin_rate_matrix", "ssep_rate_matrix", "link_labels", "lump"]

#: Largest M of the dense generators (2^M x 2^M).
M_MAX_DENSE = 10


def _diag(Q):
    Q[np.diag_indices_from(Q)] = 0.0
    Q[np.diag_indices_from(Q)] = -Q.sum(axis=1)
    return Q


def spin_rate_matrix(M, T1, T2, eps=2.0, field=0.0):
    """Generator of the spin chain per MCS (rates = ``M`` x the one-trial probabilities of Appendix I).

    Spin ``k`` flips at rate 1 when its neighbours differ (``1 < k < M``); spin 1
    is redrawn at rate 1 from the heat bath at ``T1`` with the energy
    ``-(ε/2) s_1 s_2 - h s_1`` (eq. 37 for ``h = 0``), spin ``M`` at rate 1 at ``T2``.
    A field ``h != 0`` on the first spin is not part of the paper; it breaks the
    global flip symmetry and with it the lumpability onto links.

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 10``.
    T1 : float
        Temperature of B1, in ``(0, inf)``.
    T2 : float
        Temperature of B2, in ``(0, inf]``.
    eps : float
        Coupling ε, in ``(0, inf)``.
    field : float
        Field ``h`` on spin 1, finite.

    Returns
    -------
    numpy.ndarray
        ``(2^M, 2^M)`` generator ``Q[from, to]``, bit ``i-1`` of the index set iff ``s_i = +1``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    M = validate.integer("M", M, 2, M_MAX_DENSE)
    T1, T2 = temps(T1, T2)
    eps = coupling(eps)
    h = validate.real("field", field)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    n = 1 << M
    s = np.arange(n)
    spin = 2 * ((s[:, None] >> np.arange(M)) & 1) - 1
    Q = np.zeros((n, n))
    # spin 1: heat bath, flip probability 1/(1 + exp(ΔE/T1)), ΔE = ε s1 s2 + 2 h s1
    dE = eps * spin[:, 0] * spin[:, 1] + 2 * h * spin[:, 0]
    Q[s, s ^ 1] += 0.5 * (1.0 - np.tanh(0.5 * dE / T1))
    # spin M: flip with p2 if aligned with s_{M-1}, 1 - p2 otherwise (eq. 37)
    aligned = spin[:, M - 1] == spin[:, M - 2]
    Q[s, s ^ (1 << (M - 1))] += np.where(aligned, p2, 1.0 - p2)
    for k in range(1, M - 1):
        ok = spin[:, k - 1] != spin[:, k + 1]
        Q[s[ok], s[ok] ^ (1 << k)] += 1.0
    return _diag(Q)


def ssep_rate_matrix(L, alpha, gamma, beta, delta, lam=1.0):
    """Generator of the open symmetric exclusion process on ``L`` sites (Sec. II).

    A particle enters site 1 at rate ``α`` (if empty) and leaves it at rate ``γ``;
    it enters site ``L`` at rate ``δ`` and leaves it at rate ``β``; it hops to an
    empty neighbour at rate ``λ``.

    Parameters
    ----------
    L : int
        Number of sites, ``1 <= L <= 9``.
    alpha, gamma, beta, delta : float
        Boundary rates, in ``[0, inf)``.
    lam : float
        Hopping rate, in ``[0, inf)``.

    Returns
    -------
    numpy.ndarray
        ``(2^L, 2^L)`` generator ``Q[from, to]``, bit ``i-1`` of the index is ``τ_i``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    L = validate.integer("L", L, 1, M_MAX_DENSE - 1)
    a, g, b, d, lam = (validate.real(k, v, 0.0) for k, v in
                       (("alpha", alpha), ("gamma", gamma), ("beta", beta), ("delta", delta), ("lam", lam)))
    n = 1 << L
    Q = np.zeros((n, n))
    top = 1 << (L - 1)
    for tau in range(n):
        if tau & 1:
            Q[tau, tau ^ 1] += g
        else:
            Q[tau, tau | 1] += a
        if tau & top:
            Q[tau, tau ^ top] += b
        else:
            Q[tau, tau | top] += d
        for i in range(L - 1):
            if ((tau >> i) ^ (tau >> (i + 1))) & 1:
                Q[tau, tau ^ (3 << i)] += lam
    return _diag(Q)


def link_labels(M):
    """Link configuration ``τ(s)`` of every spin configuration ``s`` (``τ_i = s_i xor s_{i+1}``).

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 10``.

    Returns
    -------
    numpy.ndarray of int
        ``2^M`` labels in ``0 .. 2^(M-1) - 1``; each label is taken by ``s`` and its global flip.

    Raises
    ------
    ValueError
        If ``M`` is outside its range.
    """
    M = validate.integer("M", M, 2, M_MAX_DENSE)
    s = np.arange(1 << M)
    return (s ^ (s >> 1)) & ((1 << (M - 1)) - 1)


def lump(Q, labels):
    """Lump a generator onto a partition and measure how far it is from lumpable.

    For each state ``s`` and block ``B`` the rate ``R[s, B] = Σ_{s' in B} Q[s, s']``
    is computed; the chain is (strongly) lumpable iff ``R[s, B]`` is the same for
    every ``s`` of a block, and the lumped generator is then ``R`` on any
    representative. Returned: the block average and the largest spread.

    Parameters
    ----------
    Q : array_like
        Square generator ``Q[from, to]``.
    labels : array_like of int
        Block of each state, ``0 .. nblocks - 1``, every block non-empty.

    Returns
    -------
    lumped : numpy.ndarray
        ``(nblocks, nblocks)`` block-averaged rates.
    defect : float
        ``max_{A, B} (max_{s in A} R[s, B] - min_{s in A} R[s, B])``; 0 for a lumpable chain.

    Raises
    ------
    ValueError
        If the shapes do not match or a block is empty.
    """
    Q = np.asarray(Q, dtype=float)
    labels = np.asarray(labels)
    if Q.ndim != 2 or Q.shape[0] != Q.shape[1] or labels.shape != (Q.shape[0],):
        raise ValueError("Q must be square and labels must have one entry per state")
    if labels.min() < 0 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError("labels must be non-negative integers")
    nb = int(labels.max()) + 1
    if np.bincount(labels, minlength=nb).min() == 0:
        raise ValueError("labels must use every block 0 .. nblocks - 1")
    onehot = np.zeros((Q.shape[0], nb))
    onehot[np.arange(Q.shape[0]), labels] = 1.0
    R = Q @ onehot
    lumped = np.zeros((nb, nb))
    defect = 0.0
    for blk in range(nb):
        rows = R[labels == blk]
        lumped[blk] = rows.mean(axis=0)
        defect = max(defect, float(np.max(rows.max(axis=0) - rows.min(axis=0))))
    return lumped, defect
