"""Closed formulas: insertion probabilities, currents, profiles, effective temperature.

Eqs. (4)-(5) (heat-bath probabilities and SSEP rates), (8)-(9) (currents), (45)
(link profile), (47) and (50)-(51) (linear response, temperature profile and
conductivity, corrected), (81)-(83) (effective temperature and effective energy
distribution, corrected), the mean entropy production of Sec. IV, and, beyond the
paper, the exact two-point function of the links (the long-range correlations of
the boundary-driven SSEP) with the variance of the energy it implies. The exact
computations that check them live in :mod:`~noneq.ising_chain.mpa` and
:mod:`~noneq.ising_chain.exact`.
"""

from __future__ import annotations

import math

import numpy as np

from noneq import validate

from ._common import M_MAX_ENERGY, check_run, coupling, inv, temps

__all__ = [
    "insertion_probabilities",
    "particle_current",
    "heat_current",
    "link_profile_theory",
    "temperature_profile",
    "conductivity",
    "linear_response_current",
    "effective_temperature",
    "effective_energy_distribution",
    "mean_bath_entropy_production",
    "link_covariance",
    "energy_variance",
    "canonical_energy_variance",
    "energy_variance_ratio_limit",
    "gaussian_total_variation",
]


def fermi(x):
    """``f(x) = 1/(1 + e^x)`` written as ``(1 - tanh(x/2))/2`` (no overflow; real or complex ``x``).

    The one Fermi function of the package: heat-bath probabilities (eq. 5), the
    grand-canonical ones of the engine (eq. 6) and the power of eq. (52).
    """
    return 0.5 * (1.0 - np.tanh(0.5 * np.asarray(x)))


def fermi_difference(x2, x1):
    """``f(x2) - f(x1)`` of :func:`fermi` without cancellation: ``sinh((x1-x2)/2) / (2 cosh(x1/2) cosh(x2/2))``.

    The identity ``tanh a - tanh b = sinh(a - b)/(cosh a cosh b)`` keeps full
    relative accuracy when ``x1`` and ``x2`` are close (the engine near
    ``η_C = 0``, eqs. 52-54); real or complex arguments.
    """
    x1 = np.asarray(x1)
    x2 = np.asarray(x2)
    return 0.5 * np.sinh(0.5 * (x1 - x2)) / (np.cosh(0.5 * x1) * np.cosh(0.5 * x2))


def ssep_rates(p1, p2):
    """Rates ``(α, γ, β, δ) = (p1, 1 - p1, 1 - p2, p2)`` of eq. (4) with λ = 1."""
    return p1, 1.0 - p1, 1.0 - p2, p2


def _tanh_pair(T1, T2, eps):
    # tanh(ε/2T_i) = -<ℓ> of a link in equilibrium at T_i (eqs. 9, 81-82)
    return math.tanh(eps / (2 * T1)), math.tanh(0.5 * eps * inv(T2))


def insertion_probabilities(T1, T2, eps=2.0):
    """Heat-bath probabilities ``p_1, p_2`` of eq. (5).

    ``p_i = 1/(1 + exp(ε/T_i))`` is the probability that the redrawn end link has
    energy +ε/2 (a particle on the end site); ``p_2 = 1/2`` for ``T2 = inf``.

    Parameters
    ----------
    T1 : float
        Temperature of B1, in ``(0, inf)``.
    T2 : float
        Temperature of B2, in ``(0, inf]`` (``numpy.inf`` allowed).
    eps : float
        Coupling ε, in ``(0, inf)``.

    Returns
    -------
    p1, p2 : float

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> from noneq import ising_chain as ic
    >>> p1, p2 = ic.insertion_probabilities(1.0, float("inf"))
    >>> round(p1, 6), p2
    (0.119203, 0.5)
    """
    T1, T2 = temps(T1, T2)
    eps = coupling(eps)
    return float(fermi(eps / T1)), float(fermi(eps * inv(T2)))


def particle_current(M, T1, T2, eps=2.0):
    """Stationary particle current ``J = (p_2 - p_1)/M`` per MCS, from B2 to B1 (eq. 8).

    Parameters
    ----------
    M : int
        Number of spins, ``M >= 2``.
    T1, T2, eps : float
        As in :func:`insertion_probabilities`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    M = validate.integer("M", M, 2)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    return (p2 - p1) / M


def heat_current(M, T1, T2, eps=2.0):
    """Stationary heat current ``J_Q = ε [tanh(ε/2T1) - tanh(ε/2T2)]/(2M)`` per MCS, from B2 to B1 (eq. 9).

    Equal to ``ε`` times :func:`particle_current`; the tanh form of eq. (9) avoids
    the cancellation in ``p_2 - p_1`` near ``T1 = T2``.

    Parameters
    ----------
    M : int
        Number of spins, ``M >= 2``.
    T1, T2, eps : float
        As in :func:`insertion_probabilities`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> from noneq import ising_chain as ic
    >>> round(ic.heat_current(10, 1.0, 2.0), 8)
    0.0299477
    """
    M = validate.integer("M", M, 2)
    T1, T2 = temps(T1, T2)
    eps = coupling(eps)
    th1, th2 = _tanh_pair(T1, T2, eps)
    return (th1 - th2) * eps / (2 * M)


def link_profile_theory(M, T1, T2, eps=2.0):
    """Linear profile ``P_st(ℓ_i = +1) = ((M - i) p_1 + i p_2)/M``, ``i = 1..M-1`` (eq. 45).

    Parameters
    ----------
    M : int
        Number of spins, ``M >= 2``.
    T1, T2, eps : float
        As in :func:`insertion_probabilities`.

    Returns
    -------
    numpy.ndarray
        ``M - 1`` probabilities.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    M = validate.integer("M", M, 2)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    i = np.arange(1, M)
    return ((M - i) * p1 + i * p2) / M


def temperature_profile(x, T1, T2, eps=2.0, length=1.0):
    """Local temperature ``T(x)`` of eq. (50) for ``0 <= x <= length``.

    Defined by ``p(T(x)) = ((L-x) p(T1) + x p(T2))/L`` with ``p(T) = 1/(1+e^{ε/T})``.

    Parameters
    ----------
    x : float or array_like
        Positions in ``[0, length]``.
    T1, T2, eps : float
        As in :func:`insertion_probabilities`.
    length : float
        Chain length ``L``, in ``(0, inf)``.

    Returns
    -------
    numpy.ndarray
        ``T(x)`` (at least 1-d); ``inf`` where ``p = 1/2``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    T1, T2 = temps(T1, T2)
    eps = coupling(eps)
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

    Parameters
    ----------
    T : float or array_like
        Temperatures in ``(0, inf]``; ``κ(inf) = 0``.
    eps : float
        Coupling ε, in ``(0, inf)``.

    Returns
    -------
    numpy.ndarray
        ``κ(T)``, same shape as ``T``.

    Raises
    ------
    ValueError
        If ``T`` has an element outside ``(0, inf]`` or ``eps <= 0``.
    """
    eps = coupling(eps)
    T = np.asarray(T, dtype=float)
    if np.any(~(T > 0)):
        raise ValueError("T must have all elements in (0, inf]")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        arg = eps / (2 * T)
        out = eps**2 / (2 * T * np.cosh(arg)) ** 2
    return np.where(np.isinf(T), 0.0, out)


def linear_response_current(M, T1, dT, eps=2.0):
    """Linear-response heat current ``κ(T1) ΔT/M`` (eq. 47 corrected, κ of :func:`conductivity`).

    Parameters
    ----------
    M : int
        Number of spins, ``M >= 2``.
    T1 : float
        Temperature of B1, in ``(0, inf)``.
    dT : float
        ``T2 - T1``, any finite real.
    eps : float
        Coupling ε, in ``(0, inf)``.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    M = validate.integer("M", M, 2)
    T1 = validate.real("T1", T1, 0.0, None, lo_open=True)
    dT = validate.real("dT", dT)
    return float(conductivity(T1, eps)) * dT / M


def effective_temperature(T1, T2, eps=2.0):
    """Effective temperature of eq. (82): ``tanh(ε/2T) = [tanh(ε/2T1) + tanh(ε/2T2)]/2``.

    Parameters
    ----------
    T1, T2, eps : float
        As in :func:`insertion_probabilities`.

    Returns
    -------
    float
        ``T_eff`` in ``(0, inf]``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> from noneq import ising_chain as ic
    >>> round(ic.effective_temperature(1.0, 2.0), 5)   # the paper's 1.40473
    1.40473
    """
    T1, T2 = temps(T1, T2)
    eps = coupling(eps)
    th1, th2 = _tanh_pair(T1, T2, eps)
    y = 0.5 * (th1 + th2)
    return math.inf if y == 0 else eps / (2 * math.atanh(y))


def effective_energy_distribution(M, T, eps=2.0):
    """Canonical ``p(E) = Ω(E) e^{-εE/2T}/Z`` of an open Ising chain (eq. 83 corrected).

    ``E = Σ ℓ_i`` runs over ``-(M-1), -(M-3), ..., M-1`` and
    ``Ω(E) = 2 C(M-1, (M-1+E)/2)`` (the paper prints ``C(M, ·)``; see the errata).
    Use ``T = effective_temperature(T1, T2)`` for the effective form.

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 400``.
    T : float
        Temperature, in ``(0, inf]``.
    eps : float
        Coupling ε, in ``(0, inf)``.

    Returns
    -------
    E : numpy.ndarray of int
    p : numpy.ndarray
        Probabilities summing to one.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    M = validate.integer("M", M, 2, M_MAX_ENERGY)
    T = validate.real("T", T, 0.0, None, lo_open=True, allow_inf=True)
    eps = coupling(eps)
    L = M - 1
    n = np.arange(L + 1)
    E = 2 * n - L
    from scipy.special import gammaln

    logw = (np.log(2.0) + gammaln(L + 1) - gammaln(n + 1) - gammaln(L - n + 1)
            - 0.5 * eps * E * inv(T))
    w = np.exp(logw - logw.max())
    return E, w / w.sum()


def mean_bath_entropy_production(M, t, T1, T2, eps=2.0):
    """``<ΔS_bath> = t J_Q (1/T1 - 1/T2)`` over ``t`` MCS in the stationary state (Sec. IV).

    Equal to the mean total entropy production ``<ΔS>`` (the system term averages
    to zero in the stationary state).

    Parameters
    ----------
    M : int
        Number of spins, ``M >= 2``.
    t : int
        Number of Monte Carlo steps, ``t >= 1``.
    T1, T2, eps : float
        As in :func:`insertion_probabilities`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    M, t, T1, T2, eps = check_run(M, t, T1, T2, eps, 10**9)
    return t * heat_current(M, T1, T2, eps) * (1.0 / T1 - inv(T2))


def link_covariance(M, T1, T2, eps=2.0):
    """Exact stationary covariance ``<τ_i τ_j> - ρ_i ρ_j`` of the links, ``i, j = 1..M-1``.

    Beyond the paper. With ``α + γ = β + δ = 1`` (eq. 4, λ = 1) a reservoir redraws
    its end site at rate 1, so the stationary equations are those of a chain with
    fixed ghost sites ``τ_0 = p_1``, ``τ_M = p_2``: the density is the linear
    profile of eq. (45) and, for ``i < j``, ``C_ij`` is harmonic in ``(i, j)``, zero
    on ``i = 0`` and ``j = M``, with the source ``C_{i-1,i+1} + C_{i,i+2} - 2 C_{i,i+1}
    = g^2`` on the diagonal (``g = (p_2 - p_1)/M``, the gradient). The bilinear
    solution is::

        C_ij = -(p_2 - p_1)^2 i (M - j) / (M^2 (M - 1)),   i < j,

    and ``C_ii = ρ_i (1 - ρ_i)``.

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 400``.
    T1, T2, eps : float
        As in :func:`insertion_probabilities`.

    Returns
    -------
    numpy.ndarray
        Symmetric ``(M - 1, M - 1)`` covariance matrix of ``τ_1 .. τ_{M-1}``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    M = validate.integer("M", M, 2, M_MAX_ENERGY)
    p1, p2 = insertion_probabilities(T1, T2, eps)
    rho = link_profile_theory(M, T1, T2, eps)
    i = np.arange(1, M)
    lo = np.minimum(i[:, None], i[None, :])
    hi = np.maximum(i[:, None], i[None, :])
    C = -((p2 - p1) ** 2) * lo * (M - hi) / (M**2 * (M - 1.0))
    C[np.diag_indices(M - 1)] = rho * (1.0 - rho)
    return C


def energy_variance(M, T1, T2, eps=2.0):
    """Exact stationary variance of ``E = Σ ℓ_i = 2N - (M - 1)`` (``N`` = number of particles).

    ``Var(E) = 4 Σ_ij C_ij`` with the covariance of :func:`link_covariance`: the
    local variances of the linear profile (eq. 45) plus the negative long-range
    correlations. Beyond the paper; it explains the width of Fig. 6.

    Parameters
    ----------
    M : int
        Number of spins, ``2 <= M <= 400``.
    T1, T2, eps : float
        As in :func:`insertion_probabilities`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> from noneq import ising_chain as ic
    >>> E, p = ic.energy_distribution(30, 1.0, 2.0)
    >>> var = p @ E**2 - (p @ E) ** 2
    >>> bool(abs(var / ic.energy_variance(30, 1.0, 2.0) - 1) < 1e-12)
    True
    """
    return float(4.0 * link_covariance(M, T1, T2, eps).sum())


def canonical_energy_variance(M, T, eps=2.0):
    """Variance of ``E = Σ ℓ_i`` in the canonical open chain at ``T``: ``4 (M-1) p(T)(1 - p(T))``.

    In equilibrium the links are independent with ``P(ℓ = +1) = p(T) = 1/(1 + e^{ε/T})``
    (eq. 83); at ``T = T_eff`` of eq. (82), ``p(T_eff) = (p_1 + p_2)/2``.

    Parameters
    ----------
    M : int
        Number of spins, ``M >= 2``.
    T : float
        Temperature, in ``(0, inf]``.
    eps : float
        Coupling ε, in ``(0, inf)``.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    M = validate.integer("M", M, 2)
    T = validate.real("T", T, 0.0, None, lo_open=True, allow_inf=True)
    eps = coupling(eps)
    p = float(fermi(eps * inv(T)))
    return 4.0 * (M - 1) * p * (1.0 - p)


def energy_variance_ratio_limit(T1, T2, eps=2.0):
    """``lim_{M->inf} Var(E) / Var_can(E; T_eff) = 1 - (p_2 - p_1)^2 / (6 ρ (1 - ρ))``, ``ρ = (p_1 + p_2)/2``.

    From :func:`link_covariance`: the local variances integrate to
    ``M [ρ(1-ρ) - (p_2-p_1)^2/12]`` and the long-range part to ``-M (p_2-p_1)^2/12``.

    Parameters
    ----------
    T1, T2, eps : float
        As in :func:`insertion_probabilities`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    p1, p2 = insertion_probabilities(T1, T2, eps)
    rho = 0.5 * (p1 + p2)
    return 1.0 - (p2 - p1) ** 2 / (6.0 * rho * (1.0 - rho))


def gaussian_total_variation(ratio):
    """Total-variation distance between two centred normal laws whose variances differ by ``ratio``.

    With ``s = sqrt(ratio)`` (``0 < s < 1``, the narrower law has standard deviation
    ``s``, the wider 1) the densities cross at ``x* = s sqrt(2 ln(1/s)/(1 - s^2))`` and
    the distance is ``2 [Φ(x*/s) - Φ(x*)]``; independent of the widths themselves.
    Symmetric in ``ratio -> 1/ratio``.

    Parameters
    ----------
    ratio : float
        Variance ratio, in ``(0, inf)``.

    Returns
    -------
    float
        In ``[0, 1)``; 0 for ``ratio = 1``.

    Raises
    ------
    ValueError
        If ``ratio`` is outside its range.
    """
    ratio = validate.real("ratio", ratio, 0.0, None, lo_open=True)
    if ratio == 1.0:
        return 0.0
    from scipy.special import ndtr

    s = math.sqrt(min(ratio, 1.0 / ratio))
    x = s * math.sqrt(2.0 * math.log(1.0 / s) / (1.0 - s * s))
    return float(2.0 * (ndtr(x / s) - ndtr(x)))
