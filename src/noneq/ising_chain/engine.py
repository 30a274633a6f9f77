"""Efficiency at maximum power of the particle engine (eqs. 10-17, 52-62).

(Named ``engine``, not ``efficiency``: ``noneq.ising_chain.efficiency`` is, as
before the split, the function η of eq. (13).)

The reduced power ``(x2 - (1-η_C) x1)[f(x2) - f(x1)]`` with the Fermi function
``f`` of eq. (5) (:func:`noneq.ising_chain.theory.fermi`) is maximised over the
affinities ``x_i = (ε - μ_i)/kT_i`` by Newton's method on the exact gradient and
Hessian; the Taylor coefficients of eqs. (17), (61)-(62) follow from a Cauchy
integral. The constant ``A0`` (root of eq. 56) is computed on first use: the
``scipy.optimize`` import it needs is not paid when the package is imported.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from noneq import validate

from .results import EfficiencySeries
from .theory import fermi_difference

__all__ = [
    "power",
    "efficiency",
    "optimal_affinities",
    "efficiency_at_max_power",
    "efficiency_series",
    "curzon_ahlborn",
]


def _fp(x):
    e = np.exp(-x)
    return -e / (1.0 + e) ** 2


def _fpp(x):
    e = np.exp(-x)  # f''(x) = e^{-x}(1 - e^{-x})/(1 + e^{-x})^3, no overflow for x > 0
    return e * (1.0 - e) / (1.0 + e) ** 3


@functools.cache
def a0():
    """``a0``: the root of ``2 f'(a) + a f''(a) = 0`` (eq. 56), the optimal affinity at ``η_C -> 0``.

    Computed once (Brent's method to 1e-15) and cached; also available as
    ``noneq.ising_chain.A0``.

    Returns
    -------
    float
        ``2.399357...``
    """
    from scipy.optimize import brentq

    return brentq(lambda x: 2 * _fp(x) + x * _fpp(x), 1.0, 4.0, xtol=1e-15, rtol=1e-15)


def __getattr__(name):  # A0 is computed on first access (PEP 562)
    if name == "A0":
        return a0()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _affinity(name, x):
    if np.iscomplexobj(x):
        x = np.asarray(x, dtype=complex)
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{name} must contain only finite numbers")
        return x
    validate.array(name, np.atleast_1d(x), ndim=None)
    return np.asarray(x, dtype=float)


def power(x1, x2, eta_C):
    """Reduced power ``(x2 - (1-η_C) x1)[f(x2) - f(x1)]``, ``f(x) = 1/(1+e^x)`` (eq. 52).

    Proportional to eq. (12): ``P = k T2 [x2 - (1-η_C) x1] J`` with
    ``J = (f(x2) - f(x1))/M`` (eq. 11), ``x_i = (ε - μ_i)/kT_i``.

    Parameters
    ----------
    x1, x2 : float or array_like
        Affinities, finite (complex allowed).
    eta_C : float
        Carnot efficiency ``1 - T1/T2``, in ``[0, 1)``.

    Returns
    -------
    numpy.ndarray
        Broadcast shape of ``x1`` and ``x2``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    eta_C = validate.real("eta_C", eta_C, 0.0, 1.0, hi_open=True)
    x1 = _affinity("x1", x1)
    x2 = _affinity("x2", x2)
    return (x2 - (1 - eta_C) * x1) * fermi_difference(x2, x1)


def efficiency(x1, x2, eta_C):
    """Efficiency ``η = 1 - (1-η_C) x1/x2`` (eq. 13).

    Parameters
    ----------
    x1, x2 : float or array_like
        Affinities, finite; ``x2 != 0``.
    eta_C : float
        Carnot efficiency, in ``[0, 1)``.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    eta_C = validate.real("eta_C", eta_C, 0.0, 1.0, hi_open=True)
    x1 = _affinity("x1", x1)
    x2 = _affinity("x2", x2)
    if np.any(x2 == 0):
        raise ValueError("x2 must be nonzero")
    return 1.0 - (1.0 - eta_C) * np.asarray(x1) / np.asarray(x2)


def _grad_hess(x1, x2, c):
    # c = 1 - eta_C; P = (x2 - c x1)(f(x2) - f(x1))
    d = x2 - c * x1
    df = fermi_difference(x2, x1)
    g1 = -c * df - d * _fp(x1)
    g2 = df + d * _fp(x2)
    h11 = 2 * c * _fp(x1) - d * _fpp(x1)
    h22 = 2 * _fp(x2) + d * _fpp(x2)
    h12 = -c * _fp(x2) - _fp(x1)
    return g1, g2, h11, h12, h22


def _newton(x1, x2, c, iters=40):
    for _ in range(iters):
        g1, g2, h11, h12, h22 = _grad_hess(x1, x2, c)
        det = h11 * h22 - h12 * h12
        dx1 = (h22 * g1 - h12 * g2) / det
        dx2 = (-h12 * g1 + h11 * g2) / det
        x1 = x1 - dx1
        x2 = x2 - dx2
        if abs(dx1) + abs(dx2) < 1e-14 * (abs(x1) + abs(x2)):
            break
    return x1, x2


def optimal_affinities(eta_C):
    """Maximiser ``(x1*, x2*)`` of the power (eq. 14) at Carnot efficiency ``eta_C``.

    Exact Newton solution of eqs. (53)-(54), started from the second-order series
    of eqs. (61)-(62) (``a1 = a0/4``, ``b1 = -a0/4``) and continued from smaller
    ``η_C`` in steps of at most 0.05. ``x1* > x2*``: particles flow from the hot
    reservoir B2 to B1 against the chemical potential.

    Parameters
    ----------
    eta_C : float
        Carnot efficiency, in ``(0, 1)``.

    Returns
    -------
    x1, x2 : float

    Raises
    ------
    ValueError
        If ``eta_C`` is outside ``(0, 1)``.
    RuntimeError
        If Newton's method does not end at a maximum.
    """
    eta_C = validate.real("eta_C", eta_C, 0.0, 1.0, lo_open=True, hi_open=True)
    steps = max(1, int(math.ceil(eta_C / 0.05)))
    e1 = eta_C / steps
    A0 = a0()
    x1, x2 = A0 * (1 + e1 / 4 + e1**2 / 6), A0 * (1 - e1 / 4 - e1**2 / 12)
    for e in np.linspace(e1, eta_C, steps):
        x1, x2 = _newton(x1, x2, 1.0 - e)
    g1, g2, h11, h12, h22 = _grad_hess(x1, x2, 1.0 - eta_C)
    if not (h11 < 0 and h11 * h22 - h12 * h12 > 0):
        raise RuntimeError("Newton iteration did not reach the power maximum")
    return float(x1), float(x2)


def efficiency_at_max_power(eta_C):
    """Efficiency at maximum power ``η*(η_C)`` by exact maximisation (eqs. 13-14).

    Parameters
    ----------
    eta_C : float or array_like
        Carnot efficiencies in ``[0, 1)``; ``η*(0) = 0``.

    Returns
    -------
    float or numpy.ndarray
        Same shape as ``eta_C``.

    Raises
    ------
    ValueError
        If an element is outside ``[0, 1)``.

    Examples
    --------
    >>> from noneq import ising_chain as ic
    >>> eta = ic.efficiency_at_max_power(0.5)
    >>> bool(ic.curzon_ahlborn(0.5) < eta < 0.5)
    True
    """
    arr = validate.array("eta_C", np.atleast_1d(eta_C), ndim=None, lo=0.0, hi=1.0)
    if np.any(arr >= 1.0):
        raise ValueError("eta_C must have all elements in [0, 1)")
    out = np.empty(arr.shape)
    for idx, e in np.ndenumerate(arr):
        if e == 0:
            out[idx] = 0.0
        else:
            x1, x2 = optimal_affinities(e)
            out[idx] = 1.0 - (1.0 - e) * x1 / x2
    return out if np.ndim(eta_C) else float(out[0])


def efficiency_series(order=6, radius=0.25, points=128):
    """Taylor coefficients of ``η*``, ``x1*``, ``x2*`` in powers of ``η_C`` (eqs. 17, 61-62).

    Exact to rounding: the stationarity equations (53)-(54) are analytic in
    ``η_C``, so they are solved by complex Newton iteration on the circle
    ``|η_C| = radius`` (continued around the circle) and the Taylor coefficients
    follow from the Cauchy integral (a discrete Fourier transform).

    Parameters
    ----------
    order : int
        Highest order, ``1 <= order <= 20``.
    radius : float
        Radius of the contour, in ``(0, 0.6]``.
    points : int
        Points on the contour, ``2 order + 8 <= points <= 4096``.

    Returns
    -------
    EfficiencySeries
        ``eta``, ``x1``, ``x2``: arrays of coefficients of orders ``0..order``
        (also readable as ``s["eta"]``).

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> from noneq import ising_chain as ic
    >>> s = ic.efficiency_series(order=3)
    >>> bool(abs(s.eta[0]) < 1e-15)   # eta*(0) = 0 up to rounding
    True
    >>> [round(float(c), 7) for c in s.eta[1:]]   # eq. (17): 1/2, 1/8, 0.0774920
    [0.5, 0.125, 0.077492]
    """
    order = validate.integer("order", order, 1, 20)
    radius = validate.real("radius", radius, 0.0, 0.6, lo_open=True)
    points = validate.integer("points", points, 2 * order + 8, 4096)
    theta = 2 * np.pi * np.arange(points) / points
    z = radius * np.exp(1j * theta)
    x1r, x2r = optimal_affinities(radius)
    x1 = complex(x1r)
    x2 = complex(x2r)
    X1 = np.empty(points, dtype=complex)
    X2 = np.empty(points, dtype=complex)
    sub = 8
    for k in range(points):
        # continue from the previous point in small steps
        prev = z[k - 1] if k > 0 else z[0]
        for s in range(1, sub + 1):
            e = prev + (z[k] - prev) * s / sub if k > 0 else z[0]
            x1, x2 = _newton(x1, x2, 1.0 - e)
        X1[k], X2[k] = x1, x2
    eta = 1.0 - (1.0 - z) * X1 / X2
    coef = {}
    for name, vals in (("eta", eta), ("x1", X1), ("x2", X2)):
        c = np.fft.fft(vals) / points
        coef[name] = (c[: order + 1] / radius ** np.arange(order + 1)).real
    return EfficiencySeries(**coef)


def curzon_ahlborn(eta_C):
    """Curzon–Ahlborn efficiency ``1 - sqrt(1 - η_C)``.

    Parameters
    ----------
    eta_C : float or array_like
        Carnot efficiencies in ``[0, 1]``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Same shape as ``eta_C``.

    Raises
    ------
    ValueError
        If an element is outside ``[0, 1]``.
    """
    validate.array("eta_C", np.atleast_1d(eta_C), ndim=None, lo=0.0, hi=1.0)
    arr = np.asarray(eta_C, dtype=float)
    return 1.0 - np.sqrt(1.0 - arr)
