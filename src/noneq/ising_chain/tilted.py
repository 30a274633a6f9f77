"""Current statistics of the chain in discrete and in continuous time, from one tilted matrix.

Beyond the paper, which computes the large deviation function of the current
only for the one-site system in continuous time (Sec. V, eqs. 20-36), while its
Figs. 3-4 use the discrete-time rule of Appendix I. Let ``T(ξ)`` be the one-trial
transition matrix of the link configurations (Appendix I) with every particle
entering from B1 weighted by ``e^ξ`` and every particle leaving to B1 by
``e^-ξ``, and ``Λ(ξ)`` its largest (Perron) eigenvalue. With time in Monte Carlo
steps of ``M`` trials:

* discrete time (Appendix I): ``ψ_d(ξ) = M ln Λ(ξ)``;
* continuous time (the SSEP with λ = 1 per MCS, eq. 4): the generator is
  ``M (T - 1)``, so ``ψ_c(ξ) = M (Λ(ξ) - 1)``; for ``M = 2`` this is ``√u - 1``
  with ``u`` of eq. (28).

Both vanish where ``Λ = 1`` (``ξ = 0`` and, by the symmetry of eq. 36,
``ξ = ξ_0``) and have the same slope at 0 (the mean current); since
``ln Λ <= Λ - 1``, ``ψ_d <= ψ_c`` and the discrete-time rate function is the larger:
``Var_d = Var_c - J̄²/M`` per MCS.
"""

from __future__ import annotations

import numpy as np

from noneq import validate

from ._common import coupling, solve_increasing, temps
from .theory import insertion_probabilities

__all__ = ["tilted_trial_matrices", "current_scgf", "current_ldf"]

#: Largest M of the dense tilted matrices (2^(M-1) link configurations).
M_MAX_TILTED = 9
_TIMES = ("discrete", "continuous")


def tilted_trial_matrices(M, p1, p2):
    """``(T0, Ap, Am)`` with ``T(ξ) = T0 + e^ξ Ap + e^-ξ Am`` the tilted one-trial matrix (columns: from).

    Link configurations are integers whose bit ``i-1`` is ``τ_i``. One trial picks
    node 1 (B1 redraws ``τ_1``: occupied with probability ``p_1``), node ``M`` (B2
    redraws ``τ_L`` with ``p_2``) or an inner node ``i`` (swaps ``τ_{i-1}``, ``τ_i``),
    each with probability ``1/M`` (Appendix I). ``Ap`` holds the B1 insertions,
    ``Am`` the B1 removals.

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 9``.
    p1, p2 : float
        Heat-bath probabilities of eq. (5), in ``[0, 1]``.

    Returns
    -------
    T0, Ap, Am : numpy.ndarray
        ``(2^(M-1), 2^(M-1))``; ``T0 + Ap + Am`` is column-stochastic.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    M = validate.integer("M", M, 2, M_MAX_TILTED)
    p1 = validate.real("p1", p1, 0.0, 1.0)
    p2 = validate.real("p2", p2, 0.0, 1.0)
    L = M - 1
    S = 1 << L
    T0 = np.zeros((S, S))
    Ap = np.zeros((S, S))
    Am = np.zeros((S, S))
    w = 1.0 / M
    top = 1 << (L - 1)
    for tau in range(S):
        # B1 redraws tau_1
        if tau & 1:
            T0[tau, tau] += w * p1
            Am[tau ^ 1, tau] += w * (1 - p1)
        else:
            T0[tau, tau] += w * (1 - p1)
            Ap[tau | 1, tau] += w * p1
        # B2 redraws tau_L
        T0[tau | top, tau] += w * p2
        T0[tau & ~top, tau] += w * (1 - p2)
        # inner nodes 2..M-1 swap tau_{i-1} and tau_i
        for i in range(L - 1):
            a, b = (tau >> i) & 1, (tau >> (i + 1)) & 1
            T0[tau ^ (3 << i) if a != b else tau, tau] += w
    return T0, Ap, Am


def _perron(xi, T0, Ap, Am):
    """``Λ(ξ)`` and ``dΛ/dξ`` for an array of ``ξ`` (batched eigen-decompositions)."""
    ep = np.exp(xi)[:, None, None]
    em = np.exp(-xi)[:, None, None]
    T = T0 + ep * Ap + em * Am
    dT = ep * Ap - em * Am
    w, V = np.linalg.eig(T)
    k = np.argmax(w.real, axis=-1)
    lam = np.take_along_axis(w.real, k[:, None], -1)[:, 0]
    r = np.take_along_axis(V, k[:, None, None], -1)[..., 0].real
    wl, U = np.linalg.eig(np.swapaxes(T, -1, -2))
    kl = np.argmax(wl.real, axis=-1)
    left = np.take_along_axis(U, kl[:, None, None], -1)[..., 0].real
    num = np.einsum("ni,nij,nj->n", left, dT, r)
    den = np.einsum("ni,ni->n", left, r)
    return lam, num / den


def _check(M, T1, T2, eps, time):
    M = validate.integer("M", M, 2, M_MAX_TILTED)
    T1, T2 = temps(T1, T2)
    eps = coupling(eps)
    time = validate.choice("time", time, _TIMES)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    return M, time, tilted_trial_matrices(M, p1, p2)


def _psi(lam, dlam, M, time):
    if time == "discrete":
        return M * np.log(lam), M * dlam / lam
    return M * (lam - 1.0), M * dlam


def current_scgf(xi, M, T1, T2, eps=2.0, time="discrete"):
    """Scaled cumulant generating function ``ψ(ξ) = lim ln<e^{ξN}>/t`` of the particles ``N`` entering from B1.

    Time ``t`` in Monte Carlo steps. ``time="discrete"``: the rule of Appendix I,
    ``ψ = M ln Λ(ξ)``; ``"continuous"``: the SSEP with λ = 1 (eq. 4),
    ``ψ = M (Λ(ξ) - 1)`` (for ``M = 2`` the ``√u - 1`` of eqs. 28-29).

    Parameters
    ----------
    xi : float or array_like
        Counting parameter, finite, ``|ξ| <= 300``.
    M : int
        Number of spins, ``2 <= M <= 9``.
    T1 : float
        Temperature of B1, in ``(0, inf)``.
    T2 : float
        Temperature of B2, in ``(0, inf]``.
    eps : float
        Coupling ε, in ``(0, inf)``.
    time : {"discrete", "continuous"}

    Returns
    -------
    numpy.ndarray
        ``ψ(ξ)``, shape of ``np.atleast_1d(xi)``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    M, time, mats = _check(M, T1, T2, eps, time)
    xi = validate.array("xi", np.atleast_1d(xi), lo=-300.0, hi=300.0, ndim=None)
    lam, dlam = _perron(xi.ravel().astype(float), *mats)
    return _psi(lam, dlam, M, time)[0].reshape(xi.shape)


def current_ldf(J, M, T1, T2, eps=2.0, time="discrete"):
    """Large deviation function ``I(J) = max_ξ {ξJ - ψ(ξ)}`` of the current from B1, per MCS.

    ``ψ`` of :func:`current_scgf`; the maximiser solves ``ψ'(ξ) = J`` (``ψ'`` from
    the left and right Perron vectors) by bisection. In discrete time ``J`` is
    bounded (at most one particle enters from B1 per two trials); outside the
    range reached with ``|ξ| <= 300`` the result is ``inf``.

    Parameters
    ----------
    J : float or array_like
        Currents (particles per MCS), finite.
    M, T1, T2, eps, time
        As in :func:`current_scgf`.

    Returns
    -------
    float or numpy.ndarray
        ``I(J) >= 0`` (a float for scalar ``J``).

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> import numpy as np
    >>> from noneq import ising_chain as ic
    >>> J = np.array([0.05, 0.2])
    >>> fts = [ic.current_ldf(J, 2, 1.0, 2.0, time=k) - ic.current_ldf(-J, 2, 1.0, 2.0, time=k)
    ...        for k in ("discrete", "continuous")]
    >>> bool(np.allclose(fts, 2.0 * (1 - 1 / 2.0) * J, atol=1e-9))   # eq. (36), both
    True
    """
    M, time, mats = _check(M, T1, T2, eps, time)
    Jarr = validate.array("J", np.atleast_1d(J), ndim=None).astype(float)
    shape = Jarr.shape
    Jf = Jarr.ravel()

    def dpsi(x):
        return _psi(*_perron(x, *mats), M, time)[1]

    reach_lo, reach_hi = dpsi(np.array([-300.0]))[0], dpsi(np.array([300.0]))[0]
    xi = solve_increasing(dpsi, Jf, -300.0, 300.0, 1e-13, max_iter=100)
    lam, dlam = _perron(xi, *mats)
    out = Jf * xi - _psi(lam, dlam, M, time)[0]
    out = np.where((Jf <= reach_lo) | (Jf >= reach_hi), np.inf, out)
    out = out.reshape(shape)
    return out if np.ndim(J) else float(out.ravel()[0])
