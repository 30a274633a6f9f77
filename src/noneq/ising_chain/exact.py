"""Exact laws of the entropy production after ``t`` MCS, P(ΔS) (Figs. 3-4).

The stationary laws (:func:`stationary_distribution`, :func:`energy_distribution`)
live in :mod:`~noneq.ising_chain.stationary` and are importable from here too.

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
    M_MAX_EXACT,
    M_MAX_MC,
    bath_coefficients,
    check_run,
    contribution_inputs,
    half_bins,
    log_p,
    n1_bound,
    require,
    trim,
)
from ._kernels import _delta_s, _exact_hist, _exact_rows, _nonzero_values
from .mpa import mpa_tau
from .results import ExactEntropyProduction
from .stationary import (  # importable from here, as before
    energy_distribution,
    stationary_distribution,
    stationary_tau_distribution,
)
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
