"""Closed formulas: insertion probabilities, currents, profiles, effective temperature.

Eqs. (4)-(5) (heat-bath probabilities and SSEP rates), (8)-(9) (currents), (45)
(link profile), (47) and (50)-(51) (linear response, temperature profile and
conductivity, corrected), (81)-(83) (effective temperature and effective energy
distribution, corrected) and the mean entropy production of Sec. IV. Beyond the
paper, :mod:`~noneq.ising_chain.correlations` holds the two-point function of the
links and the variance of the energy. The exact computations that check these
formulas live in :mod:`~noneq.ising_chain.mpa` and :mod:`~noneq.ising_chain.exact`.
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
