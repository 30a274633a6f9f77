"""Exact and first-order formulas of the paper: coexistence, X_eq and the interface chemical potential.

* :func:`coexistence` -- equal mu and equal pressure (eq. 2.16);
* :func:`x_eq` -- the equilibrium liquid fraction (eq. 2.18);
* :func:`interface_chemical_potential_theory` -- mu^I for kappa_Lambda << 1 at the
  selected interface position (eq. 4.22; phi/6 for rho_bar = 1.5, eq. 6.5);
* :func:`interface_chemical_potential_fixed_x` -- mu^I of the member of the
  kappa -> 0 family with a given liquid fraction X (eqs. 2.39-2.43);
* :func:`selected_state_theory` -- the phase averages, X_*, the pressure
  difference and the interface pressures of the selected state (eqs. 4.19-4.27).

The simulations that check them are in :mod:`.steady` (noiseless) and
:mod:`.noisy` (stochastic).
"""

from __future__ import annotations

import numpy as np

from .. import validate
from .model import MU_C, RHO_G, RHO_L, SIGMA_G, SIGMA_L, _check_rho_bar, _dmu, mu, pressure

__all__ = [
    "coexistence",
    "x_eq",
    "interface_chemical_potential_theory",
    "interface_chemical_potential_fixed_x",
    "selected_state_theory",
]


def coexistence():
    """Solve the equal-mu, equal-pressure conditions (eq. 2.16) numerically.

    Newton's method on mu(rho_G) = mu(rho_L) = mu_c, p(rho_G) = p(rho_L)
    (eq. 2.17) from (0.6, 2.4, 0.1).

    Returns
    -------
    (rho_G, rho_L, mu_c) : tuple of float
        For eq. 6.1 they are (0.5, 2.5, 0) up to rounding.

    Examples
    --------
    >>> import noneq.phase_coexistence as pc
    >>> [round(v, 12) + 0.0 for v in pc.coexistence()]
    [0.5, 2.5, 0.0]
    """
    dmu = _dmu.py_func
    x = np.array([0.6, 2.4, 0.1])
    for _ in range(50):
        g, l, m = x
        r = np.array([mu(g) - m, mu(l) - m, pressure(l) - pressure(g)])
        jac = np.array([[dmu(g), 0, -1], [0, dmu(l), -1], [-g * dmu(g), l * dmu(l), 0]])
        x = x - np.linalg.solve(jac, r)
        if np.max(np.abs(r)) < 1e-15:
            break
    return float(x[0]), float(x[1]), float(x[2])


def x_eq(rho_bar=1.5):
    """Equilibrium liquid fraction X_eq from rho_L X + rho_G (1 - X) = rho_bar (eq. 2.18).

    Parameters
    ----------
    rho_bar : float
        Mean density in [0.5, 2.5].

    Returns
    -------
    float
        (rho_bar - rho_G) / (rho_L - rho_G), in [0, 1].

    Raises
    ------
    ValueError
        If rho_bar is outside [0.5, 2.5].
    """
    rho_bar = validate.real("rho_bar", rho_bar, RHO_G, RHO_L)
    return (rho_bar - RHO_G) / (RHO_L - RHO_G)


def interface_chemical_potential_theory(phi, rho_bar=1.5):
    """Interface chemical potential for kappa_Lambda << 1 (eq. 4.22).

    mu^I = mu_c + (phi/2) (sigma_L - sigma_G) X (1 - X) / (sigma_G X + sigma_L (1 - X))
    with X = X_eq(rho_bar) (eq. 2.18), sigma_L = 2.5, sigma_G = 0.5 and mu_c = 0;
    for rho_bar = 1.5 this is phi / 6 (eq. 6.5). Valid to first order in phi.

    Parameters
    ----------
    phi : float or array_like
        Battery voltage (finite).
    rho_bar : float
        Mean density in (0.5, 2.5).

    Returns
    -------
    float or ndarray

    Raises
    ------
    ValueError
        For rho_bar outside (0.5, 2.5) or a non-finite phi.

    Examples
    --------
    >>> import noneq.phase_coexistence as pc
    >>> round(pc.interface_chemical_potential_theory(0.06), 12)
    0.01
    """
    rho_bar = _check_rho_bar(rho_bar)
    phi_arr = np.asarray(phi, dtype=float)
    if not np.all(np.isfinite(phi_arr)):
        raise ValueError("phi must be finite")
    x = x_eq(rho_bar)
    val = MU_C + 0.5 * phi_arr * (SIGMA_L - SIGMA_G) * x * (1 - x) / (SIGMA_G * x + SIGMA_L * (1 - x))
    return float(val) if val.ndim == 0 else val


def interface_chemical_potential_fixed_x(phi, x, rho_bar=1.5):
    """mu^I of the member X of the kappa -> 0 family of stationary profiles (eqs. 2.39-2.43).

    Eq. 4.22 is mu^I at the *selected* interface position X_* (eq. 4.19). A
    noiseless profile keeps the liquid fraction X it starts with; for it, the
    piecewise-linear mu profile (eqs. 2.39-2.42, slopes -JL/sigma) and the mass
    constraint (eq. 2.43, linearised: rho = rho_c + (mu - mu_c)/mu'(rho_c) with
    mu'(0.5) = mu'(2.5) = 2) give, to first order in phi,

    mu^I = [ (X_eq - X)(rho_L - rho_G) - X a / mu'_L + (1 - X) b / mu'_G ] / (X / mu'_L + (1 - X) / mu'_G)

    with a = JL X / (2 sigma_L), b = JL (1 - X) / (2 sigma_G), JL from eq. 2.42.
    At X = X_eq = 1/2 this coincides with eq. 4.22 (both give phi/6); elsewhere
    the two differ at O(phi).

    Parameters
    ----------
    phi : float
        Battery voltage (finite).
    x : float
        Liquid fraction X in (0, 1).
    rho_bar : float
        Mean density in (0.5, 2.5).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For parameters outside these ranges.
    """
    phi = validate.real("phi", phi)
    x = validate.real("x", x, 0.0, 1.0, lo_open=True, hi_open=True)
    rho_bar = _check_rho_bar(rho_bar)
    xe = x_eq(rho_bar)
    dl = _dmu.py_func(RHO_L)
    dg = _dmu.py_func(RHO_G)
    jl = phi / (x / SIGMA_L + (1 - x) / SIGMA_G)
    a = jl * x / (2 * SIGMA_L)
    b = jl * (1 - x) / (2 * SIGMA_G)
    return MU_C + ((xe - x) * (RHO_L - RHO_G) - x * a / dl + (1 - x) * b / dg) / (x / dl + (1 - x) / dg)


def selected_state_theory(phi, rho_bar=1.5):
    """First-order predictions for the state selected by the variational principle (Sec. 4.2).

    With X = X_eq(rho_bar) (eq. 2.18) and mu_c = 0:

    * eq. 4.19: mu_c = (1 - X_*) mubar^L + X_* mubar^G (returned as ``mu_c``, the
      value the weighted mean must take);
    * eq. 4.23: mubar^L = mu_c + X phi / 2, mubar^G = mu_c - (1 - X) phi / 2;
    * X_* from the mass constraint X_* rhobar^L + (1 - X_*) rhobar^G = rho_bar with
      rhobar^{L,G} = rho_c^{L,G} + (mubar^{L,G} - mu_c) / mu'(rho_c^{L,G}) (eq. 4.5,
      linearised), as described after eq. 4.23:
      X_* - X_eq = -[X dRho^L + (1 - X) dRho^G] / (rho_c^L - rho_c^G);
    * eq. 4.24: p^L - p^G = phi rho_bar / 2;
    * eq. 4.22: mu^I;
    * eq. 4.27: p_- = p_c + (mu^I - mu_c) rho_c^L, p_+ = p_c + (mu^I - mu_c) rho_c^G,
      the pressures on the liquid and gas sides of the interface.

    All to first order in phi.

    Parameters
    ----------
    phi : float
        Battery voltage, finite.
    rho_bar : float
        Mean density in (0.5, 2.5).

    Returns
    -------
    dict
        ``mu_c``, ``mu_L``, ``mu_G``, ``x_star``, ``x_eq``, ``dp`` (p^L - p^G),
        ``mu_I``, ``p_c``, ``p_minus``, ``p_plus``.

    Raises
    ------
    ValueError
        For a non-finite phi or rho_bar outside (0.5, 2.5).

    Examples
    --------
    >>> import noneq.phase_coexistence as pc
    >>> t = pc.selected_state_theory(0.05, 1.0)
    >>> round(t["mu_L"], 6), round(t["mu_G"], 6), round(t["x_star"] - t["x_eq"], 6)
    (0.00625, -0.01875, 0.003125)
    """
    phi = validate.real("phi", phi)
    rho_bar = _check_rho_bar(rho_bar)
    x = x_eq(rho_bar)
    mu_l = MU_C + x * phi / 2
    mu_g = MU_C - (1 - x) * phi / 2
    d_l = (mu_l - MU_C) / _dmu.py_func(RHO_L)
    d_g = (mu_g - MU_C) / _dmu.py_func(RHO_G)
    mu_i = interface_chemical_potential_theory(phi, rho_bar)
    p_c = float(pressure(RHO_L))
    return {
        "mu_c": MU_C,
        "mu_L": mu_l,
        "mu_G": mu_g,
        "x_eq": x,
        "x_star": x - (x * d_l + (1 - x) * d_g) / (RHO_L - RHO_G),
        "dp": phi * rho_bar / 2,
        "mu_I": mu_i,
        "p_c": p_c,
        "p_minus": p_c + (mu_i - MU_C) * RHO_L,
        "p_plus": p_c + (mu_i - MU_C) * RHO_G,
    }
