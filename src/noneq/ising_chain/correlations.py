"""The two-point function of the links and the variance of the energy (beyond the paper).

Why the effective canonical form of Fig. 6 (eqs. 81-83) works and where it fails:
the exact stationary covariance of the links of the boundary-driven exclusion
process (long-range, order ``1/M`` per pair), the variance of ``E = Σ ℓ_i`` it
implies, the canonical variance at a temperature, their ratio's large-``M`` limit
``1 - (p_2 - p_1)^2 / (6 ρ̄ (1 - ρ̄))``, and the total-variation distance of two
centred normal laws with a given variance ratio. Checked against the matrix product
ansatz in ``tests/ising_chain/test_ic_correlations.py``.
"""

from __future__ import annotations

import math

import numpy as np

from noneq import validate

from ._common import M_MAX_ENERGY, coupling, inv
from .theory import fermi, insertion_probabilities, link_profile_theory

__all__ = [
    "link_covariance",
    "energy_variance",
    "canonical_energy_variance",
    "energy_variance_ratio_limit",
    "gaussian_total_variation",
]


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
