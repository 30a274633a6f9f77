"""Large deviations of the particle current of the one-site system (eqs. 20-36, Fig. 5).

One site between the two reservoirs, in continuous time with λ = 1 and the rates
``(α, γ, β, δ)`` of eq. (4). Everything follows from ``u(ξ)`` of eq. (28)
(:func:`_u`, written once): the scaled cumulant generating function
``√u - 1``, its Legendre transform ``I(J)`` (eqs. 31-33) and the exact
finite-time law ``P(N; t)`` (eqs. 26-27).
"""

from __future__ import annotations

import numpy as np

from noneq import validate

from ._common import coupling, inv, solve_increasing, temps
from .theory import fermi, ssep_rates

__all__ = [
    "scaled_cumulant_generating_function",
    "large_deviation_function",
    "one_site_current_distribution",
]


def _ldf_rates(T1, T2, eps, mu1=0.0, mu2=0.0):
    # grand-canonical insertion probabilities (eq. 6; eq. 5 for mu = 0), then eq. (4)
    p1 = float(fermi((eps - mu1) / T1))
    p2 = float(fermi((eps - mu2) * inv(T2)))
    return ssep_rates(p1, p2)


def _u(z, a, g, b, d):
    """``u = (δ + β z)(α + γ/z)`` of eq. (28) at ``z = e^ξ`` (real or complex), and ``z du/dz``.

    ``z du/dz = αβ z - γδ/z`` is ``du/dξ``.
    """
    return (d + b * z) * (a + g / z), a * b * z - g * d / z


def scaled_cumulant_generating_function(xi, T1, T2, eps=2.0):
    """``λ(√u(ξ) - 1)`` with ``u`` of eq. (28), λ = 1 (rates of eqs. 4-5).

    ``ξ`` counts particles entering the site from B1 (eqs. 22-29).

    Parameters
    ----------
    xi : float or array_like
        Counting parameter, finite.
    T1 : float
        Temperature of B1, in ``(0, inf)``.
    T2 : float
        Temperature of B2, in ``(0, inf]``.
    eps : float
        Coupling ε, in ``(0, inf)``.

    Returns
    -------
    numpy.ndarray
        Same shape as ``np.atleast_1d(xi)``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    T1, T2 = temps(T1, T2)
    eps = coupling(eps)
    xi = validate.array("xi", np.atleast_1d(xi), ndim=None)
    a, g, b, d = _ldf_rates(T1, T2, eps)
    u, _ = _u(np.exp(xi), a, g, b, d)
    return np.sqrt(u) - 1.0


def large_deviation_function(J, T1, T2, eps=2.0):
    """Large deviation function ``I(J)`` of the one-site system (eqs. 28-33, Fig. 5).

    ``J`` is the particle current from B1 into the site (λ = 1);
    ``I(J) = max_ξ {Jξ + 1 - √u(ξ)}`` (the Legendre transform; the paper's
    eq. (31) says "min", see the errata), with the maximiser ``ξ_m`` solving
    eq. (32) by bisection to machine precision. Vectorised over ``J``.

    Parameters
    ----------
    J : float or array_like
        Currents, finite.
    T1 : float
        Temperature of B1, in ``(0, inf)``.
    T2 : float
        Temperature of B2, in ``(0, inf]``.
    eps : float
        Coupling ε, in ``(0, inf)``.

    Returns
    -------
    float or numpy.ndarray
        ``I(J) >= 0``, a float for scalar ``J``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> import numpy as np
    >>> from noneq import ising_chain as ic
    >>> J = np.array([0.05, 0.1])
    >>> slope = ic.large_deviation_function(J, 1.0, 2.0) - ic.large_deviation_function(-J, 1.0, 2.0)
    >>> bool(np.allclose(slope, 2.0 * (1 - 1 / 2.0) * J, atol=1e-12))   # eq. (36)
    True
    """
    T1, T2 = temps(T1, T2)
    eps = coupling(eps)
    Jarr = validate.array("J", np.atleast_1d(J), ndim=None)
    a, g, b, d = _ldf_rates(T1, T2, eps)

    def dphi(x):  # d(√u)/dξ = u'/(2√u): the current at ξ, increasing from -inf to inf
        u, du = _u(np.exp(x), a, g, b, d)
        return 0.5 * du / np.sqrt(u)

    xi = solve_increasing(dphi, Jarr, -1.0, 1.0, 4e-16, expand=True)
    u, _ = _u(np.exp(xi), a, g, b, d)
    out = Jarr * xi + 1.0 - np.sqrt(u)
    return out if np.ndim(J) else float(out[0])


def one_site_current_distribution(t, T1, T2, eps=2.0, nfft=4096):
    """Exact ``P(N; t)`` of the net number ``N`` of particles injected from B1 (eqs. 20-27).

    The one-site system (two spins) in continuous time with λ = 1, starting
    empty (``G_0(ξ, 0) = 1``): the generating function ``G = G_0 + G_1`` of eqs.
    (26)-(28) is evaluated at ``ξ = iθ`` on ``nfft`` points and inverted by FFT.
    Absolute accuracy ~1e-16, so only probabilities well above that are meaningful.

    Parameters
    ----------
    t : float
        Time, in ``(0, inf)``.
    T1 : float
        Temperature of B1, in ``(0, inf)``.
    T2 : float
        Temperature of B2, in ``(0, inf]``.
    eps : float
        Coupling ε, in ``(0, inf)``.
    nfft : int
        Number of points, ``16 <= nfft <= 2^22`` and ``nfft > 4 t + 64``.

    Returns
    -------
    N : numpy.ndarray of int
        ``-nfft/2 .. nfft/2 - 1``.
    P : numpy.ndarray
        ``P(N; t)``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    t = validate.real("t", t, 0.0, None, lo_open=True)
    T1, T2 = temps(T1, T2)
    eps = coupling(eps)
    nfft = validate.integer("nfft", nfft, 16, 2**22)
    if nfft < 4 * t + 64:
        raise ValueError(f"nfft must exceed 4 t + 64 = {4 * t + 64:g}, got {nfft}")
    a, g, b, d = _ldf_rates(T1, T2, eps)
    theta = 2 * np.pi * np.arange(nfft) / nfft
    ex = np.exp(1j * theta)
    u, _ = _u(ex, a, g, b, d)
    r = np.sqrt(u)  # principal branch, Re r >= 0; cosh and sinh(x)/x are even in r
    # e^{-t} cosh(t r) and e^{-t} sinh(t r)/r without overflow (|u| <= 1 on the circle)
    ep = np.exp(t * (r - 1.0))
    em = np.exp(-t * (r + 1.0))
    ch = 0.5 * (ep + em)
    small = np.abs(r) < 1e-8
    sh = np.where(small, t * np.exp(-t), 0.5 * (ep - em) / np.where(small, 1.0, r))
    G0 = ch + (g - d) * sh
    G1 = sh * (d + a * ex)
    G = G0 + G1
    c = np.fft.fft(G).real / nfft  # P(N) = (1/n) Σ_θ G(iθ) e^{-iθN}
    N = np.arange(nfft)
    N = np.where(N >= nfft // 2, N - nfft, N)
    order = np.argsort(N)
    return N[order], c[order]
