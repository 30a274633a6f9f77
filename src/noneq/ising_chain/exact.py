"""Exact laws: stationary distribution (ansatz or master equation), energy distribution, P(ΔS).

* :func:`stationary_distribution` and :func:`stationary_tau_distribution` by the
  matrix product ansatz (:mod:`~noneq.ising_chain.mpa`) or by a sparse solve of
  the stationary master equation (eq. 76) in spin space;
* :func:`energy_distribution` -- the law of ``E = Σ ℓ_i`` (Fig. 6);
* :func:`entropy_production_distribution`, :func:`entropy_production_atoms` and
  :func:`entropy_production_exact` -- the exact law of the total entropy
  production after ``t`` MCS (Figs. 3-4), by propagating the joint law of
  (link configuration, heat quanta taken from B1) through the discrete-time rule
  of Appendix I.
"""

from __future__ import annotations

import time

import numpy as np

from noneq import validate
from noneq.progress import Chunked

from ._common import (
    CONTRIBUTIONS,
    M_MAX_ENERGY,
    M_MAX_EXACT,
    M_MAX_FULL,
    M_MAX_MC,
    M_MAX_SOLVE,
    bath_coefficients,
    check_run,
    contribution_inputs,
    coupling,
    half_bins,
    log_p,
    n1_bound,
    require,
    temps,
    trim,
)
from ._kernels import _delta_s, _exact_hist, _exact_rows, _nonzero_values
from ._mpa_kernels import _tau_to_spin
from .mpa import mpa_particle_numbers, mpa_tau
from .results import ExactEntropyProduction
from .theory import insertion_probabilities

__all__ = [
    "stationary_distribution",
    "stationary_tau_distribution",
    "energy_distribution",
    "entropy_production_distribution",
    "entropy_production_atoms",
    "entropy_production_exact",
    "entropy_production_joint",
]


# ----------------------------------------------------------------------------
# stationary state
# ----------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------
# exact law of the entropy production
# ----------------------------------------------------------------------------


#: Work (array entries times trials) above which the exact propagation shows a progress bar (~2 s).
_EXACT_BAR_WORK = 1e9


def exact_joint(M, t, T1, T2, eps):
    """Joint law ``K[τ0, τt, n1 + R]`` after ``t`` MCS, ``P_st(τ)`` and the offset ``R``.

    The ``2^(M-1)`` initial states are propagated in chunks of well under a
    second (:class:`noneq.progress.Chunked`), so that ``SIGINT`` stops the call;
    the memory of ``K`` is checked first (:func:`noneq.memory.require`).
    """
    import numba

    p1, p2 = insertion_probabilities(T1, T2, eps)
    R = n1_bound(M, t)
    S, W = 1 << (M - 1), 2 * R + 1
    # K, and two (S, W) work arrays per thread
    require(8.0 * S * W * (S + 2 * numba.get_num_threads()), f"M = {M}, t = {t}",
            "the joint law of (initial state, final state, heat quanta)")
    ptau = mpa_tau(M - 1, p1, p2)
    K = np.zeros((S, S, W))
    show = None if float(S) * S * W * M * t > _EXACT_BAR_WORK else False
    first = 0
    for n in Chunked(S, first=2, progress=show, desc=f"exact P(dS) M={M} t={t}", unit="state"):
        _exact_rows(K, first, first + n, M - 1, M, M * t, p1, p2, R)
        first += n
    return K, ptau, R


def _histogram(K, ptau, R, M, t, T1, T2, eps, w, contribution="total"):
    c1, c2 = bath_coefficients(T1, T2, eps)
    lnp, c1, c2 = contribution_inputs(contribution, log_p(ptau), c1, c2)
    # the grid bounds the total; it holds each part as well (|bath| and |system| are
    # bounded by the two terms of the bound)
    nb = half_bins(M, t, T1, T2, eps, log_p(ptau), w)
    require(8.0 * (2 * nb + 1), f"t = {t}, bin_width = {w}", "the histogram of ΔS")
    hist = np.zeros(2 * nb + 1)
    first = 0
    for n in Chunked(K.shape[0], first=8, progress=False):
        _exact_hist(K, ptau, lnp, c1, c2, R, w, nb, first, first + n, hist)
        first += n
    # not renormalised: the bins hold the propagated mass, which sums to one only if the
    # propagation conserves probability (checked by the tests and the chapter)
    return trim(w * np.arange(-nb, nb + 1), hist)


def _group_atoms(K, ptau, R, T1, T2, eps, decimals, contribution="total"):
    # values and probabilities of every non-zero entry, then their sorted copies
    require(32.0 * np.count_nonzero(K), "M and t", "the distinct values of ΔS")
    c1, c2 = bath_coefficients(T1, T2, eps)
    lnp, c1, c2 = contribution_inputs(contribution, log_p(ptau), c1, c2)
    vals, probs = _nonzero_values(K, ptau, lnp, c1, c2, R)
    # P(τ0) K can underflow to zero; such entries would make a group of zero mass (0/0 below)
    keep = probs > 0
    vals, probs = vals[keep], probs[keep]
    order = np.argsort(vals, kind="stable")
    vals, probs = vals[order], probs[order]
    # a new value starts where the sorted values jump by more than 10^-decimals
    start = np.concatenate(([True], np.diff(vals) > 10.0 ** (-decimals)))
    idx = np.flatnonzero(start)
    group_p = np.add.reduceat(probs, idx)
    # representative: probability-weighted mean of the (equal up to rounding) members
    group_v = np.add.reduceat(vals * probs, idx) / group_p
    return group_v, group_p


def joint_values(K, ptau, R, T1, T2, eps):
    """ΔS and probability of every ``(τ0, τt, n1)`` entry of the joint law (flattened, NumPy).

    The same ΔS formula as the kernels (its Python form, broadcast over the whole array).
    """
    S = K.shape[0]
    lnp = log_p(ptau)
    N = np.array([bin(i).count("1") for i in range(S)])
    n1 = np.arange(K.shape[2]) - R
    dN = N[None, :] - N[:, None]
    c1, c2 = bath_coefficients(T1, T2, eps)
    n2 = dN[:, :, None] - n1[None, None, :]
    vals = _delta_s.py_func(n1[None, None, :], n2, lnp[:, None, None], lnp[None, :, None], c1, c2)
    probs = ptau[:, None, None] * K
    return vals.ravel(), probs.ravel()


def entropy_production_distribution(M, t, T1, T2, eps=2.0, bin_width=0.2, method="exact",
                                    samples=None, seed=None, contribution="total"):
    """Histogram of the entropy production ΔS after ``t`` MCS (Figs. 3-4), or of its bath or system part.

    Runs start from the stationary state (eqs. 63-75); ``ΔS = -Q_1/T_1 - Q_2/T_2
    + ln P_st(s(0)) - ln P_st(s(t))`` (Sec. IV and eq. 19, heats taken from the
    reservoirs, counted in quanta of ε); ``contribution`` selects the sum or one of
    its two terms.

    Parameters
    ----------
    M : int
        Number of spins (``2 <= M <= 12`` exact, ``<= 24`` Monte Carlo).
    t : int
        Number of Monte Carlo steps (``M t`` update trials), ``t >= 1``.
    T1 : float
        Temperature of B1, in ``(0, inf)``.
    T2 : float
        Temperature of B2, in ``(0, inf]`` (``numpy.inf`` allowed).
    eps : float
        Coupling ε, in ``(0, inf)``.
    bin_width : float
        ``w > 0``; bins ``[c - w/2, c + w/2)`` centred on multiples ``c`` of ``w``.
    method : {"exact", "mc"}
        ``"exact"`` propagates the joint law of (link configuration, heat quanta
        taken from B1) through the discrete-time rule of Appendix I for every
        initial configuration; the heat from B2 follows from energy balance.
        ``"mc"`` samples the same rule (:func:`~noneq.ising_chain.montecarlo.simulate`).
    samples : int, optional
        Number of Monte Carlo runs, ``>= 1`` (required for ``"mc"``, must be None for ``"exact"``).
    seed : int, optional
        Seed of the Monte Carlo sampler (None or a non-negative integer).
    contribution : {"total", "bath", "system"}
        Which entropy production: ``"total"`` ΔS (the fluctuation theorem's, the
        default), ``"bath"`` ``ΔS_bath = -Q_1/T_1 - Q_2/T_2`` only (eq. 19, heats taken
        from the reservoirs) or ``"system"`` ``ln P_st(s(0)) - ln P_st(s(t))`` only;
        the same formula, grid and bins for all three.

    Returns
    -------
    bin_centers, probabilities : numpy.ndarray
        Symmetric grid of centres ``k w`` (so ``P(ΔS)`` and ``P(-ΔS)`` are
        mirror entries) and the probability of each bin; they sum to one up to
        rounding (not renormalised, so the sum checks that the propagation
        conserves probability).

    Raises
    ------
    ValueError
        If a parameter is outside its range or ``samples`` does not match ``method``.

    Examples
    --------
    >>> import numpy as np
    >>> from noneq import ising_chain as ic
    >>> c, p = ic.entropy_production_distribution(4, 3, 1.0, 2.0)
    >>> round(float(p.sum()), 12), bool(np.allclose(c, -c[::-1]))
    (1.0, True)
    """
    method = validate.choice("method", method, ("exact", "mc"))
    m_max = M_MAX_EXACT if method == "exact" else M_MAX_MC
    M, t, T1, T2, eps = check_run(M, t, T1, T2, eps, m_max)
    w = validate.real("bin_width", bin_width, 0.0, None, lo_open=True)
    contribution = validate.choice("contribution", contribution, CONTRIBUTIONS)
    if method == "exact":
        if samples is not None:
            raise ValueError("samples must be None for method='exact'")
        K, ptau, R = exact_joint(M, t, T1, T2, eps)
        return _histogram(K, ptau, R, M, t, T1, T2, eps, w, contribution)
    if samples is None:
        raise ValueError("samples must be given for method='mc'")
    from .montecarlo import simulate

    res = simulate(M, t, T1, T2, eps=eps, samples=samples, bin_width=w, seed=seed, progress=False,
                   contribution=contribution)
    return res.bin_centers, res.probabilities


def entropy_production_atoms(M, t, T1, T2, eps=2.0, decimals=9, contribution="total"):
    """Exact distribution of ΔS (or of its bath or system part) as distinct values and their probabilities.

    Sorted values closer than ``10**-decimals`` to their neighbour are merged
    (they are equal up to rounding). Used to check the finite-time fluctuation
    theorem (eq. 18) value by value
    (:func:`~noneq.ising_chain.checks.fluctuation_theorem_residual`).

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 12``.
    t : int
        Number of Monte Carlo steps, ``t >= 1``.
    T1, T2, eps : float
        As in :func:`entropy_production_distribution`.
    decimals : int
        Merging tolerance exponent, ``1 <= decimals <= 14``.
    contribution : {"total", "bath", "system"}
        Which entropy production: ``"total"`` ΔS (the fluctuation theorem's, the
        default), ``"bath"`` ``ΔS_bath = -Q_1/T_1 - Q_2/T_2`` only (eq. 19, heats taken
        from the reservoirs) or ``"system"`` ``ln P_st(s(0)) - ln P_st(s(t))`` only;
        the same formula, grid and bins for all three.

    Returns
    -------
    values, probabilities : numpy.ndarray
        Sorted distinct ΔS values with positive probability.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    M, t, T1, T2, eps = check_run(M, t, T1, T2, eps, M_MAX_EXACT)
    decimals = validate.integer("decimals", decimals, 1, 14)
    contribution = validate.choice("contribution", contribution, CONTRIBUTIONS)
    K, ptau, R = exact_joint(M, t, T1, T2, eps)
    return _group_atoms(K, ptau, R, T1, T2, eps, decimals, contribution)


def entropy_production_exact(M, t, T1, T2, eps=2.0, bin_width=0.2, decimals=9, contribution="total"):
    """Exact ΔS law after ``t`` MCS, as a histogram and as distinct values, in one pass (Figs. 3-4).

    Same as :func:`entropy_production_distribution` (``method="exact"``) and
    :func:`entropy_production_atoms` together, sharing the propagation.

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 12``.
    t : int
        Number of Monte Carlo steps, ``t >= 1``.
    T1, T2, eps : float
        As in :func:`entropy_production_distribution`.
    bin_width : float
        Histogram bin width, ``> 0``.
    decimals : int
        Merging tolerance exponent of the distinct values, ``1 <= decimals <= 14``.
    contribution : {"total", "bath", "system"}
        Which entropy production: ``"total"`` ΔS (the fluctuation theorem's, the
        default), ``"bath"`` ``ΔS_bath = -Q_1/T_1 - Q_2/T_2`` only (eq. 19, heats taken
        from the reservoirs) or ``"system"`` ``ln P_st(s(0)) - ln P_st(s(t))`` only;
        the same formula, grid and bins for all three.

    Returns
    -------
    ExactEntropyProduction
        ``bin_centers``, ``probabilities`` (histogram), ``values``, ``atom_probabilities``
        (distinct values), ``mean`` (exact mean of the chosen part), ``seconds``; also readable as
        ``r["key"]``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> from noneq import ising_chain as ic
    >>> r = ic.entropy_production_exact(4, 2, 1.0, 2.0)
    >>> abs(r.mean - ic.mean_bath_entropy_production(4, 2, 1.0, 2.0)) < 1e-12
    True
    """
    M, t, T1, T2, eps = check_run(M, t, T1, T2, eps, M_MAX_EXACT)
    w = validate.real("bin_width", bin_width, 0.0, None, lo_open=True)
    decimals = validate.integer("decimals", decimals, 1, 14)
    contribution = validate.choice("contribution", contribution, CONTRIBUTIONS)
    t0 = time.perf_counter()
    K, ptau, R = exact_joint(M, t, T1, T2, eps)
    centers, probs = _histogram(K, ptau, R, M, t, T1, T2, eps, w, contribution)
    vals, aprobs = _group_atoms(K, ptau, R, T1, T2, eps, decimals, contribution)
    del K
    return ExactEntropyProduction(
        bin_centers=centers,
        probabilities=probs,
        values=vals,
        atom_probabilities=aprobs,
        mean=float(np.dot(vals, aprobs)),
        seconds=time.perf_counter() - t0,
    )


def entropy_production_joint(M, t, T1, T2, eps=2.0):
    """Exact joint law of the heat quanta and the system term after ``t`` MCS (Sec. IV).

    Every ``(τ(0), τ(t), n_1)`` of positive probability, with ``n_2`` from energy
    balance: any functional of the heats and of the end states (the total ΔS, its bath
    or system part, or the bath term with another sign convention, as in the errata)
    follows by summing over these entries.

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 12``.
    t : int
        Number of Monte Carlo steps, ``t >= 1``.
    T1, T2, eps : float
        As in :func:`entropy_production_distribution`.

    Returns
    -------
    n1, n2 : numpy.ndarray of int
        Net heat quanta ε taken from B1 and from B2.
    system : numpy.ndarray
        ``ln P_st(τ(0)) - ln P_st(τ(t))``.
    probabilities : numpy.ndarray
        Probability of each entry (they sum to one up to rounding).

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> import numpy as np
    >>> from noneq import ising_chain as ic
    >>> n1, n2, sys_, p = ic.entropy_production_joint(4, 2, 1.0, 2.0)
    >>> bath = -2.0 * (n1 / 1.0 + n2 / 2.0)
    >>> bool(abs(np.dot(bath + sys_, p) - ic.mean_bath_entropy_production(4, 2, 1.0, 2.0)) < 1e-12)
    True
    """
    M, t, T1, T2, eps = check_run(M, t, T1, T2, eps, M_MAX_EXACT)
    K, ptau, R = exact_joint(M, t, T1, T2, eps)
    S = K.shape[0]
    require(40.0 * np.count_nonzero(K), f"M = {M}, t = {t}", "the joint law of heats and end states")
    i0, it, k = np.nonzero(K)
    N = np.array([bin(i).count("1") for i in range(S)])
    n1 = k - R
    n2 = N[it] - N[i0] - n1
    lnp = log_p(ptau)
    return n1, n2, lnp[i0] - lnp[it], ptau[i0] * K[i0, it, k]
