"""Non-equilibrium liquid-gas coexistence in a boundary-driven diffusive system.

Discrete fluctuating hydrodynamics of S. Sasa and N. Nakagawa, *Non-equilibrium
phase coexistence in boundary-driven diffusive systems* (J. Stat. Phys.):
a ring of ``N`` boxes with densities ``rho_i``, a battery of voltage ``phi`` on
the bond ``N -> 1`` and a double-well free energy, in units where the box
length is ``Lambda = 1`` (so ``kappa`` below is the paper's ``kappa_Lambda``).

Model (numbers are the paper's equations)::

    mu(rho)       = (rho - 0.5)(rho - 1.5)(rho - 2.5)                      (6.1)
    mu~_i         = mu(rho_i) - kappa (rho_{i+1} + rho_{i-1} - 2 rho_i)     (2.12)
    j_i           = -sigma(rho^m_i) (mu~_{i+1} - mu~_i - phi delta_{i,N})
                    + sqrt(2 sigma(rho^m_i) T_eff) xi_i                      (2.10)
    d rho_i / dt  = -(j_i - j_{i-1})                                         (2.8)

with ``sigma(rho) = rho`` and ``rho^m_i = (rho_i + rho_{i+1}) / 2``. The
noisy dynamics is integrated with the stochastic Heun scheme (the same Gaussian
increment in predictor and corrector); the update is a discrete divergence of
bond fluxes, so the total mass is conserved to rounding. The noiseless steady
state is found by relaxation followed by Newton's method on the stationarity
equations with the mass constraint.

Gaussian numbers come from a ziggurat sampler (Marsaglia & Tsang, 128 layers)
driven by a SplitMix64 stream whose state is drawn from numba's generator after
``np.random.seed`` -- the seeding convention of :mod:`noneq.rng` -- because
numba's own normal sampler costs several times the rest of a Heun step.

Public API
----------
mu, free_energy_density, pressure, mu_tilde, currents, drho_dt
    the model's functions (eqs. 2.6, 2.8, 2.10, 2.12, 2.17, 6.1);
coexistence, x_eq
    equilibrium coexistence (eqs. 2.16-2.18);
interface_chemical_potential, interface_chemical_potential_theory
    eqs. 6.3-6.4 and eq. 4.22;
initial_profile, steady_state
    noiseless stationary profiles (eq. 2.27 with the corrected sign);
simulate, simulate_dimensional, interface_scan
    noisy dynamics, single run, with explicit (Lambda, A, T), and the parallel
    scan over (kappa, run) used for Fig. 8;
steady_state_scan
    noiseless mu^I against kappa_Lambda (Fig. 8, noiseless curve).

Run ``python -m noneq.phase_coexistence --help`` for the Fig. 8 computation
from the command line.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field

import numpy as np
from numba import njit, prange

from . import validate
from .progress import progress
from .rng import resolve_seed, spawn_seeds

__all__ = [
    "RHO_G",
    "RHO_L",
    "MU_C",
    "SIGMA_G",
    "SIGMA_L",
    "INITS",
    "mu",
    "free_energy_density",
    "pressure",
    "mu_tilde",
    "currents",
    "drho_dt",
    "coexistence",
    "x_eq",
    "stationary_current",
    "interface_chemical_potential",
    "interface_chemical_potential_theory",
    "interface_chemical_potential_fixed_x",
    "initial_profile",
    "steady_state",
    "max_stable_dt",
    "SimulationResult",
    "simulate",
    "simulate_dimensional",
    "ScanResult",
    "interface_scan",
    "batch_means",
    "standard_normal",
    "steady_state_scan",
    "main",
]

#: Coexisting gas and liquid densities and the coexistence chemical potential of
#: mu(rho) = (rho - 0.5)(rho - 1.5)(rho - 2.5) (eq. 2.16 with eq. 6.1).
RHO_G = 0.5
RHO_L = 2.5
MU_C = 0.0
#: Conductivities sigma(rho_c) = rho_c of the two phases (eq. 2.29; the paper's
#: Sec. 6 also prints sigma^G = 1.5, which is a misprint: see the errata).
SIGMA_G = RHO_G
SIGMA_L = RHO_L

#: Named initial profiles accepted by :func:`initial_profile`.
INITS = ("liquid-first", "gas-first", "uniform")

#: Densities allowed for rho_bar: strictly inside the coexistence region.
_RHO_BAR_LO, _RHO_BAR_HI = RHO_G, RHO_L


# ---------------------------------------------------------------------------
# Model functions (numpy)
# ---------------------------------------------------------------------------


def mu(rho):
    """Bulk chemical potential mu(rho) = (rho - 0.5)(rho - 1.5)(rho - 2.5) (eq. 6.1)."""
    rho = np.asarray(rho, dtype=float)
    return (rho - 0.5) * (rho - 1.5) * (rho - 2.5)


def free_energy_density(rho):
    """f(rho) = -(rho - 1.5)^2 / 2 + (rho - 1.5)^4 / 4 (eq. 2.6); f' = mu (eq. 6.1)."""
    d = np.asarray(rho, dtype=float) - 1.5
    return -0.5 * d**2 + 0.25 * d**4


def pressure(rho):
    """Thermodynamic pressure p(rho) = rho mu(rho) - f(rho) (eq. 2.17)."""
    rho = np.asarray(rho, dtype=float)
    return rho * mu(rho) - free_energy_density(rho)


def _check_profile(name, rho, min_size=3):
    return validate.array(name, rho, ndim=1, min_size=min_size)


def mu_tilde(rho, kappa):
    """Generalised chemical potential on the ring (eq. 2.12 with Lambda = 1).

    Parameters
    ----------
    rho : array_like, shape (N,)
        Densities rho_1..rho_N (periodic).
    kappa : float
        kappa_Lambda = kappa / Lambda^2 >= 0.

    Returns
    -------
    ndarray, shape (N,)
        mu~_i = mu(rho_i) - kappa (rho_{i+1} + rho_{i-1} - 2 rho_i).
    """
    rho = _check_profile("rho", rho)
    kappa = validate.real("kappa", kappa, 0.0)
    return mu(rho) - kappa * (np.roll(rho, -1) + np.roll(rho, 1) - 2.0 * rho)


def currents(rho, kappa, phi):
    """Deterministic bond currents j_i, i = 1..N (eq. 2.10 without noise, Lambda = 1).

    Bond i joins sites i and i+1; bond N (the last entry) joins N and 1 and
    carries the battery: j_N = -sigma(rho^m_N)(mu~_1 - mu~_N - phi).
    """
    rho = _check_profile("rho", rho)
    kappa = validate.real("kappa", kappa, 0.0)
    phi = validate.real("phi", phi)
    mt = mu_tilde(rho, kappa)
    g = np.roll(mt, -1) - mt
    g[-1] -= phi
    return -0.5 * (rho + np.roll(rho, -1)) * g


def drho_dt(rho, kappa, phi):
    """Noiseless time derivative d rho_i / dt = -(j_i - j_{i-1}) (eq. 2.8)."""
    j = currents(rho, kappa, phi)
    return -(j - np.roll(j, 1))


def stationary_current(rho, phi):
    """Steady current J = phi / sum_i 1/sigma(rho^m_i) (eq. 2.28, Lambda = 1)."""
    rho = _check_profile("rho", rho)
    phi = validate.real("phi", phi)
    return phi / np.sum(1.0 / (0.5 * (rho + np.roll(rho, -1))))


def coexistence():
    """Solve the equal-mu, equal-pressure conditions (eq. 2.16) numerically.

    Returns
    -------
    (rho_G, rho_L, mu_c) : tuple of float
        Computed by Newton's method from (0.6, 2.4); for eq. 6.1 they are
        (0.5, 2.5, 0) up to rounding.
    """
    x = np.array([0.6, 2.4, 0.1])
    for _ in range(50):
        g, l, m = x
        r = np.array([mu(g) - m, mu(l) - m, pressure(l) - pressure(g)])
        dmu = lambda z: 3 * (z - 1.5) ** 2 - 1.0  # noqa: E731
        jac = np.array([[dmu(g), 0, -1], [0, dmu(l), -1], [-g * dmu(g), l * dmu(l), 0]])
        x = x - np.linalg.solve(jac, r)
        if np.max(np.abs(r)) < 1e-15:
            break
    return float(x[0]), float(x[1]), float(x[2])


def x_eq(rho_bar=1.5):
    """Equilibrium liquid fraction X_eq from rho_L X + rho_G (1 - X) = rho_bar (eq. 2.18)."""
    rho_bar = validate.real("rho_bar", rho_bar, _RHO_BAR_LO, _RHO_BAR_HI)
    return (rho_bar - RHO_G) / (RHO_L - RHO_G)


def interface_chemical_potential_theory(phi, rho_bar=1.5):
    """Interface chemical potential for kappa_Lambda << 1 (eq. 4.22).

    mu^I = mu_c + (phi/2) (sigma_L - sigma_G) X (1 - X) / (sigma_G X + sigma_L (1 - X))
    with X = X_eq(rho_bar) (eq. 2.18), sigma_L = 2.5, sigma_G = 0.5 and mu_c = 0;
    for rho_bar = 1.5 this is phi / 6 (eq. 6.5). Valid to first order in phi.

    Parameters
    ----------
    phi : float or array_like
        Battery voltage.
    rho_bar : float
        Mean density in (0.5, 2.5).

    Returns
    -------
    float or ndarray
    """
    rho_bar = validate.real("rho_bar", rho_bar, _RHO_BAR_LO, _RHO_BAR_HI, lo_open=True, hi_open=True)
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
    x : float
        Liquid fraction X in (0, 1).
    rho_bar : float
        Mean density in (0.5, 2.5).
    """
    phi = validate.real("phi", phi)
    x = validate.real("x", x, 0.0, 1.0, lo_open=True, hi_open=True)
    rho_bar = _check_rho_bar(rho_bar)
    xe = x_eq(rho_bar)
    dl = 3.0 * (RHO_L - 1.5) ** 2 - 1.0
    dg = 3.0 * (RHO_G - 1.5) ** 2 - 1.0
    jl = phi / (x / SIGMA_L + (1 - x) / SIGMA_G)
    a = jl * x / (2 * SIGMA_L)
    b = jl * (1 - x) / (2 * SIGMA_G)
    return MU_C + ((xe - x) * (RHO_L - RHO_G) - x * a / dl + (1 - x) * b / dg) / (x / dl + (1 - x) / dg)


# ---------------------------------------------------------------------------
# Interface chemical potential (eqs. 6.3-6.4)
# ---------------------------------------------------------------------------


@njit(cache=True)
def _interface(rho, mt, level):
    """Liquid->gas crossing of ``level`` (eq. 6.3) and mu~ there (eq. 6.4).

    Scans the ring for i with rho_{i-1} > level >= rho_i (i-1 taken cyclically);
    if several crossings exist the steepest is used. Returns (X^I, mu^I, count)
    with X^I in [0, 1) in units of the ring length (site i sits at i/N, site N
    at 1 == 0), or (nan, nan, 0) when there is no crossing.
    """
    n = rho.shape[0]
    best = -1
    best_drop = -1.0
    count = 0
    for i in range(n):
        a = rho[i - 1]
        b = rho[i]
        if a > level and b <= level:
            count += 1
            if a - b > best_drop:
                best_drop = a - b
                best = i
    if best < 0:
        return np.nan, np.nan, 0
    i = best
    a = rho[i - 1]
    b = rho[i]
    wa = (a - level) / (a - b)  # weight of site i (eq. 6.3)
    wb = (level - b) / (a - b)  # weight of site i-1
    # 0-based index i is site i+1, at position (i+1)/N; site i-1 at i/N.
    x = (wb * i + wa * (i + 1)) / n
    if x >= 1.0:
        x -= 1.0
    m = wb * mt[i - 1] + wa * mt[i]
    return x, m, count


def interface_chemical_potential(rho, mu_tilde, level=1.5, return_position=False):
    """Chemical potential at the liquid->gas interface (eqs. 6.3-6.4).

    Finds i* with rho_{i*-1} > level and rho_{i*} < level (cyclically on the
    ring; the steepest such crossing if there are several) and interpolates
    linearly: mu^I = w mu~_{i*-1} + (1 - w) mu~_{i*} with
    w = (level - rho_{i*}) / (rho_{i*-1} - rho_{i*}).

    Parameters
    ----------
    rho, mu_tilde : array_like, shape (N,)
        Density and generalised chemical potential profiles.
    level : float
        Density defining the interface, (rho_G + rho_L)/2 = 1.5 in the paper.
    return_position : bool
        Also return the interface position X^I of eq. 6.3 (in [0, 1)).

    Returns
    -------
    float or (float, float)
        mu^I, or (mu^I, X^I).

    Raises
    ------
    ValueError
        For mismatched shapes, or when the profile never crosses ``level``
        from above.
    """
    rho = _check_profile("rho", rho, min_size=2)
    mt = validate.array("mu_tilde", mu_tilde, ndim=1, shape=rho.shape)
    level = validate.real("level", level)
    x, m, count = _interface(rho, mt, level)
    if count == 0:
        raise ValueError(f"rho has no liquid->gas crossing of level={level:g}: no interface")
    return (float(m), float(x)) if return_position else float(m)


# ---------------------------------------------------------------------------
# Initial profiles and the noiseless steady state
# ---------------------------------------------------------------------------


def _check_rho_bar(rho_bar):
    return validate.real("rho_bar", rho_bar, _RHO_BAR_LO, _RHO_BAR_HI, lo_open=True, hi_open=True)


def initial_profile(N, rho_bar=1.5, init="liquid-first"):
    """Initial density profile with total mass exactly N rho_bar.

    Parameters
    ----------
    N : int
        Number of boxes (>= 3).
    rho_bar : float
        Mean density in (0.5, 2.5).
    init : str or array_like
        ``"liquid-first"``: liquid (2.5) on sites 1..n_L right after the battery
        bond N -> 1 (the direction phi > 0 drives) and gas (0.5) on the rest,
        n_L = round(N (rho_bar - 0.5) / 2); ``"gas-first"``: gas on sites 1..n_G,
        n_G = N - n_L, and liquid on the rest; ``"uniform"``: rho_i = rho_bar.
        The mass is corrected to N rho_bar by adding the same constant to every
        site. An array of N positive densities is used as given after the
        same mass correction.

    Returns
    -------
    ndarray, shape (N,)
    """
    N = validate.integer("N", N, 3)
    rho_bar = _check_rho_bar(rho_bar)
    if isinstance(init, str):
        validate.choice("init", init, INITS)
        if init == "uniform":
            return np.full(N, rho_bar)
        n_l = int(round(N * (rho_bar - RHO_G) / (RHO_L - RHO_G)))
        n_l = min(max(n_l, 1), N - 1)
        rho = np.full(N, RHO_G)
        if init == "liquid-first":
            rho[:n_l] = RHO_L
        else:
            rho[N - n_l :] = RHO_L
    else:
        rho = validate.array("init", init, ndim=1, shape=(N,), lo=0.0, lo_open=True).copy()
    rho += rho_bar - rho.mean()
    if np.any(rho <= 0):
        raise ValueError("init gives non-positive densities after the mass correction")
    return rho


def max_stable_dt(kappa, rho_max=2.75):
    """Largest stable Heun step for the linearised noiseless dynamics.

    The linearisation of eq. 2.8 around densities up to ``rho_max`` has decay
    rates up to lambda = 4 sigma(rho_max) (mu'(rho_max) + 4 kappa) (wave number
    pi); Heun's method is stable for lambda dt <= 2.
    """
    kappa = validate.real("kappa", kappa, 0.0)
    dmu = 3.0 * (rho_max - 1.5) ** 2 - 1.0
    return 2.0 / (4.0 * rho_max * (dmu + 4.0 * kappa))


def _check_dt(dt, kappa, rho_max=2.75):
    dt = validate.real("dt", dt, 0.0, lo_open=True)
    lim = max_stable_dt(kappa, rho_max)
    if dt > lim:
        raise ValueError(f"dt must be in (0, {lim:.4g}] for kappa={kappa:g} (Heun stability limit), got {dt:g}")
    return dt


@njit(cache=True)
def _relax_kernel(rho, kappa, phi, dt, n_max, tol, check_every):
    """Noiseless Heun relaxation until max |d rho/dt| < tol or n_max steps."""
    n = rho.shape[0]
    mt = np.empty(n)
    f1 = np.empty(n)
    f2 = np.empty(n)
    rs = np.empty(n)
    res = np.inf
    steps = 0
    while steps < n_max:
        for i in range(n):
            mt[i] = (rho[i] - 0.5) * (rho[i] - 1.5) * (rho[i] - 2.5) - kappa * (rho[(i + 1) % n] + rho[i - 1] - 2.0 * rho[i])
        for i in range(n):
            ip = (i + 1) % n
            g = mt[ip] - mt[i]
            if i == n - 1:
                g -= phi
            f1[i] = -0.5 * (rho[i] + rho[ip]) * g * dt
        if steps % check_every == 0:
            res = 0.0
            for i in range(n):
                r = abs(f1[i] - f1[i - 1]) / dt
                if r > res:
                    res = r
            if res < tol:
                break
        for i in range(n):
            rs[i] = rho[i] - (f1[i] - f1[i - 1])
        for i in range(n):
            mt[i] = (rs[i] - 0.5) * (rs[i] - 1.5) * (rs[i] - 2.5) - kappa * (rs[(i + 1) % n] + rs[i - 1] - 2.0 * rs[i])
        for i in range(n):
            ip = (i + 1) % n
            g = mt[ip] - mt[i]
            if i == n - 1:
                g -= phi
            f2[i] = 0.5 * (f1[i] - 0.5 * (rs[i] + rs[ip]) * g * dt)
        for i in range(n):
            rho[i] -= f2[i] - f2[i - 1]
        steps += 1
    return steps, res


def _jacobian(rho, kappa, phi):
    """Sparse Jacobian of d rho / dt (eq. 2.8) with respect to rho (cyclic, 5 bands)."""
    from scipy import sparse

    n = rho.shape[0]
    idx = np.arange(n)
    ip = (idx + 1) % n
    mt = mu(rho) - kappa * (np.roll(rho, -1) + np.roll(rho, 1) - 2 * rho)
    g = mt[ip] - mt
    g[-1] -= phi
    s = 0.5 * (rho + rho[ip])
    dmu = 3.0 * (rho - 1.5) ** 2 - 1.0
    # d mu~_i / d rho_{i+k}: k=0: dmu_i + 2 kappa ; k=+-1: -kappa
    # g_i = mu~_{i+1} - mu~_i depends on rho_{i-1}..rho_{i+2}
    rows, cols, vals = [], [], []

    def add(r, c, v):
        rows.append(r % n)
        cols.append(c % n)
        vals.append(v)

    # dj_i/drho_c = -(ds_i/drho_c) g_i - s_i dg_i/drho_c ; d rho_i/dt = -(j_i - j_{i-1})
    dg = {
        -1: kappa * np.ones(n),  # -(-kappa) from -mu~_i wrt rho_{i-1}
        0: -kappa - (dmu + 2 * kappa),  # mu~_{i+1} wrt rho_i is -kappa ; -mu~_i wrt rho_i
        1: (dmu[ip] + 2 * kappa) + kappa,  # mu~_{i+1} wrt rho_{i+1}; -mu~_i wrt rho_{i+1} = +kappa
        2: -kappa * np.ones(n),
    }
    dj = {k: -s * v for k, v in dg.items()}
    dj[0] = dj[0] - 0.5 * g
    dj[1] = dj[1] - 0.5 * g
    for k, v in dj.items():
        # row i gets -dj_i/drho_{i+k}, row i+1 gets +dj_i/drho_{i+k}
        add(idx, idx + k, -v)
        add(idx + 1, idx + k, v)
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    v = np.concatenate(vals)
    return sparse.csr_matrix((v, (r, c)), shape=(n, n))


def _newton(rho, kappa, phi, rho_bar, tol, max_iter=60):
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    n = rho.shape[0]
    target = n * rho_bar

    def resid(r):
        f = _drho_dt_raw(r, kappa, phi)
        f[-1] = r.sum() - target
        return f

    res = resid(rho)
    norm = np.max(np.abs(res))
    for it in range(max_iter):
        if norm <= tol:
            return rho, it, norm
        jac = _jacobian(rho, kappa, phi).tolil()
        jac[n - 1, :] = np.ones(n)
        delta = spsolve(sparse.csr_matrix(jac), -res)
        if not np.all(np.isfinite(delta)):
            return rho, it, np.inf
        step = 1.0
        while step > 1e-4:
            trial = rho + step * delta
            if np.all(trial > 0):
                tres = resid(trial)
                tnorm = np.max(np.abs(tres))
                if tnorm < norm or norm < 1e-8:
                    break
            step *= 0.5
        else:
            return rho, it, norm
        rho, res, norm = trial, tres, tnorm
    return rho, max_iter, norm


def _drho_dt_raw(rho, kappa, phi):
    """Eq. 2.8 without validation (inner loop of Newton's method)."""
    rp = np.empty_like(rho)
    rp[:-1] = rho[1:]
    rp[-1] = rho[0]
    rm = np.empty_like(rho)
    rm[1:] = rho[:-1]
    rm[0] = rho[-1]
    mt = (rho - 0.5) * (rho - 1.5) * (rho - 2.5) - kappa * (rp + rm - 2.0 * rho)
    g = np.empty_like(rho)
    g[:-1] = mt[1:] - mt[:-1]
    g[-1] = mt[0] - mt[-1] - phi
    j = -0.5 * (rho + rp) * g
    out = np.empty_like(rho)
    out[1:] = -(j[1:] - j[:-1])
    out[0] = -(j[0] - j[-1])
    return out


def _growth_rate(rho, kappa, phi):
    """Largest real part of the linearised noiseless dynamics on the zero-mass subspace."""
    n = rho.shape[0]
    jac = _jacobian(rho, kappa, phi).toarray()
    # the uniform mode direction: mass is conserved, so one eigenvalue is 0 with
    # left eigenvector (1,...,1); project onto sum(delta) = 0 with an orthonormal basis
    q, _ = np.linalg.qr(np.vstack([np.ones(n), np.eye(n)[:-1]]).T)
    basis = q[:, 1:]
    red = basis.T @ jac @ basis
    return float(np.max(np.linalg.eigvals(red).real))


def steady_state(
    N, kappa, phi, rho_bar=1.5, init="liquid-first", *, tol=1e-10, dt=0.01, t_relax_max=None, return_info=False
):
    """Noiseless stationary profile of the ring (eqs. 2.8, 2.10 with T_eff = 0).

    The initial profile (see :func:`initial_profile`) is relaxed with the
    deterministic Heun dynamics in stretches of 500 time units (or until
    max |d rho/dt| < 1e-6); after each stretch that ends with max |d rho/dt|
    < 1e-4, Newton's method is tried on
    d rho_i/dt = 0 (i = 1..N-1) plus sum_i rho_i = N rho_bar, whose Jacobian is
    a sparse cyclic band. A Newton solution is accepted when its residual is
    below ``tol`` and it is linearly stable (no growing mode on the zero-mass
    subspace); otherwise the relaxation goes on.

    Parameters
    ----------
    N : int
        Number of boxes, >= 3.
    kappa : float
        kappa_Lambda >= 0.
    phi : float
        Battery voltage (|phi| <= 1).
    rho_bar : float
        Mean density in (0.5, 2.5).
    init : str or array_like
        Initial profile: ``"liquid-first"`` (default), ``"gas-first"``,
        ``"uniform"`` or an array of N densities.
    tol : float
        Required residual max_i |d rho_i/dt| (and mass error), default 1e-10.
    dt : float
        Step of the relaxation stage.
    t_relax_max : float, optional
        Cap on the relaxation time (default max(5e4, 20 N^2)). For kappa of
        order one the liquid domain of a ``"gas-first"`` start travels round
        the ring before it stops, which takes of order 10^4 time units at N = 64.
    return_info : bool
        Also return a dict with the residual, Newton iterations, relaxation
        time and the largest linear growth rate (negative: linearly stable).

    Returns
    -------
    ndarray, shape (N,) or (ndarray, dict)

    Raises
    ------
    ValueError
        For invalid parameters, or if the residual cannot be brought below tol.
    """
    N = validate.integer("N", N, 3, 1 << 16)
    kappa = validate.real("kappa", kappa, 0.0, 100.0)
    phi = validate.real("phi", phi, -1.0, 1.0)
    rho_bar = _check_rho_bar(rho_bar)
    tol = validate.real("tol", tol, 0.0, 1e-3, lo_open=True)
    rho = initial_profile(N, rho_bar, init)
    dt = _check_dt(dt, kappa, max(2.75, float(rho.max())))
    if t_relax_max is None:
        t_relax_max = max(5e4, 20.0 * N * N)
    t_relax_max = validate.real("t_relax_max", t_relax_max, 0.0, lo_open=True)
    n_max_total = int(t_relax_max / dt)
    chunk = max(1, int(round(500.0 / dt)))
    steps_done = 0
    best = None
    growth = float("nan")
    iters = 0
    failures, wait = 0, 0
    relax_tol = 1e-6
    while steps_done < n_max_total:
        # relax for up to `chunk` steps (stops early once max|d rho/dt| < 1e-6) ...
        steps, res_relax = _relax_kernel(rho, kappa, phi, dt, min(chunk, n_max_total - steps_done), relax_tol, 10)
        if steps == 0:
            # already below the threshold but no acceptable Newton solution (e.g. close to a
            # saddle): keep relaxing for a whole stretch so the loop always advances
            steps, res_relax = _relax_kernel(rho, kappa, phi, dt, min(chunk, n_max_total - steps_done), 0.0, 10)
        steps_done += int(steps)
        if res_relax > 1e-4 and steps_done < n_max_total:
            continue  # still far from stationary (e.g. a travelling liquid domain)
        if wait > 0 and steps_done < n_max_total and res_relax > relax_tol:
            wait -= 1  # back off after failed Newton attempts while the domain creeps
            continue
        # ... then polish with Newton; accept a converged, linearly stable point
        cand, iters, res = _newton(rho.copy(), kappa, phi, rho_bar, tol, max_iter=20)
        failures += 1
        wait = min(2**failures, 32)
        if res <= tol and np.all(cand > 0):
            # reject a stationary point that is linearly unstable (a saddle the
            # relaxation was only passing by) and keep relaxing instead
            growth = _growth_rate(cand, kappa, phi) if N <= 1024 else float("nan")
            if not growth > 1e-10:
                best = cand
                break
    if best is None:
        raise ValueError(
            f"steady_state did not converge to tol={tol:g} (N={N}, kappa={kappa:g}, phi={phi:g}); "
            "increase t_relax_max"
        )
    if not return_info:
        return best
    info = {
        "residual": float(np.max(np.abs(drho_dt(best, kappa, phi)))),
        "mass_error": float(abs(best.sum() - N * rho_bar)),
        "newton_iterations": int(iters),
        "t_relax": steps_done * dt,
        "growth_rate": growth,
        "current": stationary_current(best, phi),
    }
    return best, info


# ---------------------------------------------------------------------------
# Random numbers: SplitMix64 + ziggurat (Marsaglia & Tsang 2000, 128 layers)
# ---------------------------------------------------------------------------


def _ziggurat_tables():
    m1 = 2147483648.0
    dn = 3.442619855899
    tn = dn
    vn = 9.91256303526217e-3
    kn = np.zeros(128, dtype=np.int64)
    wn = np.zeros(128)
    fn = np.zeros(128)
    q = vn / math.exp(-0.5 * dn * dn)
    kn[0] = int((dn / q) * m1)
    kn[1] = 0
    wn[0] = q / m1
    wn[127] = dn / m1
    fn[0] = 1.0
    fn[127] = math.exp(-0.5 * dn * dn)
    for i in range(126, 0, -1):
        dn = math.sqrt(-2.0 * math.log(vn / dn + math.exp(-0.5 * dn * dn)))
        kn[i + 1] = int((dn / tn) * m1)
        tn = dn
        fn[i] = math.exp(-0.5 * dn * dn)
        wn[i] = dn / m1
    return kn, wn, fn


_KN, _WN, _FN = _ziggurat_tables()
_ZIG_R = 3.442619855899


@njit(cache=True, inline="always")
def _splitmix(state):
    state = state + np.uint64(0x9E3779B97F4A7C15)
    z = state
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return state, z


@njit(cache=True, inline="always")
def _uniform(state):
    state, z = _splitmix(state)
    return state, (np.float64(z >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def _normal_tail(state, hz, iz, kn, wn, fn):
    r = 3.442619855899
    while True:
        x = hz * wn[iz]
        if iz == 0:
            while True:
                state, u1 = _uniform(state)
                state, u2 = _uniform(state)
                x = -math.log(u1) / r
                y = -math.log(u2)
                if y + y >= x * x:
                    break
            return state, (r + x) if hz > 0 else (-r - x)
        state, u = _uniform(state)
        if fn[iz] + u * (fn[iz - 1] - fn[iz]) < math.exp(-0.5 * x * x):
            return state, x
        state, z = _splitmix(state)
        iz = np.int64(z & np.uint64(127))
        hz = np.int64(z >> np.uint64(32)) - 2147483648
        if abs(hz) < kn[iz]:
            return state, hz * wn[iz]


@njit(cache=True, inline="always")
def _normal(state, kn, wn, fn):
    state, z = _splitmix(state)
    iz = np.int64(z & np.uint64(127))
    hz = np.int64(z >> np.uint64(32)) - 2147483648
    if abs(hz) < kn[iz]:
        return state, hz * wn[iz]
    return _normal_tail(state, hz, iz, kn, wn, fn)


@njit(cache=True)
def _seed_state(seed):
    np.random.seed(seed)
    hi = np.uint64(np.random.randint(0, 2**31))
    lo = np.uint64(np.random.randint(0, 2**31))
    return (hi << np.uint64(32)) ^ lo ^ np.uint64(0x5851F42D4C957F2D)


@njit(cache=True)
def _normals_kernel(n, seed, kn, wn, fn):
    state = _seed_state(seed)
    out = np.empty(n)
    for i in range(n):
        state, out[i] = _normal(state, kn, wn, fn)
    return out


def standard_normal(n, seed=None):
    """Draw ``n`` standard normal numbers with the simulation's own sampler.

    Exposed so that the sampler can be tested (moments, Kolmogorov-Smirnov).
    """
    n = validate.integer("n", n, 0)
    return _normals_kernel(n, resolve_seed(seed), _KN, _WN, _FN)


# ---------------------------------------------------------------------------
# Noisy dynamics: stochastic Heun
# ---------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _fluxes(rho, mt, flux, dw, kappa, phi, kdt, noise2, n):
    """Bond fluxes over one step, sigma g dt / Lambda and sqrt(2 sigma c) dW (eq. 2.10)."""
    mt[0] = (rho[0] - 0.5) * (rho[0] - 1.5) * (rho[0] - 2.5) - kappa * (rho[1] + rho[n - 1] - 2.0 * rho[0])
    for i in range(1, n - 1):
        r = rho[i]
        mt[i] = (r - 0.5) * (r - 1.5) * (r - 2.5) - kappa * (rho[i + 1] + rho[i - 1] - 2.0 * r)
    r = rho[n - 1]
    mt[n - 1] = (r - 0.5) * (r - 1.5) * (r - 2.5) - kappa * (rho[0] + rho[n - 2] - 2.0 * r)
    for i in range(n - 1):
        s = 0.5 * (rho[i] + rho[i + 1])
        s = max(s, 0.0)
        flux[i] = -s * (mt[i + 1] - mt[i]) * kdt + math.sqrt(noise2 * s) * dw[i]
    s = max(0.5 * (rho[n - 1] + rho[0]), 0.0)
    flux[n - 1] = -s * (mt[0] - mt[n - 1] - phi) * kdt + math.sqrt(noise2 * s) * dw[n - 1]


@njit(cache=True, inline="always")
def _divergence(out, rho, flux, inv_lam, n):
    """out_i = rho_i - (flux_i - flux_{i-1}) / Lambda (eq. 2.8 over one step)."""
    out[0] = rho[0] - (flux[0] - flux[n - 1]) * inv_lam
    for i in range(1, n):
        out[i] = rho[i] - (flux[i] - flux[i - 1]) * inv_lam


@njit(cache=True, fastmath={"contract", "arcp", "reassoc"})
def _heun_run(rho, kappa, phi, noise2, dt, inv_lam, n_steps, sample_every, state, kn, wn, fn, level,
              acc_rho, acc_mt, mu_series, x_series, n_series):
    """Advance ``rho`` by n_steps stochastic Heun steps.

    Predictor rho* = rho - div F(rho, dW), corrector
    rho' = rho - div [F(rho, dW) + F(rho*, dW)] / 2 with the same increments dW
    (one Gaussian per bond per step, so the noise conserves mass exactly).
    Every ``sample_every`` steps (if n_series > 0) records mu^I and X^I and adds
    rho and mu~ to the accumulator row of the current batch.
    """
    n = rho.shape[0]
    n_b = acc_rho.shape[0]
    mt = np.empty(n)
    f1 = np.empty(n)
    f2 = np.empty(n)
    rs = np.empty(n)
    dw = np.empty(n)
    sdt = math.sqrt(dt)
    kdt = dt * inv_lam
    k = 0
    for step in range(n_steps):
        for i in range(n):
            state, z = _normal(state, kn, wn, fn)
            dw[i] = sdt * z
        _fluxes(rho, mt, f1, dw, kappa, phi, kdt, noise2, n)
        _divergence(rs, rho, f1, inv_lam, n)
        _fluxes(rs, mt, f2, dw, kappa, phi, kdt, noise2, n)
        for i in range(n):
            f2[i] = 0.5 * (f1[i] + f2[i])
        _divergence(rho, rho, f2, inv_lam, n)
        if n_series > 0 and (step + 1) % sample_every == 0 and k < n_series:
            b = (k * n_b) // n_series
            for i in range(n):
                r = rho[i]
                mt[i] = (r - 0.5) * (r - 1.5) * (r - 2.5) - kappa * (rho[i + 1 if i + 1 < n else 0] + rho[i - 1] - 2.0 * r)
                acc_rho[b, i] += r
                acc_mt[b, i] += mt[i]
            x, m, c = _interface(rho, mt, level)
            mu_series[k] = m
            x_series[k] = x
            k += 1
    return state


@njit(cache=True, parallel=True)
def _scan_kernel(rho0, kappas, phi, noise2, dt, inv_lam, n_burn, n_steps, sample_every, n_batches, seeds,
                 kn, wn, fn, level):
    """Run independent tasks (one per row of rho0, own kappa and seed) in parallel."""
    n_tasks, n = rho0.shape
    n_series = n_steps // sample_every
    rho_out = rho0.copy()
    acc_rho = np.zeros((n_tasks, n_batches, n))
    acc_mt = np.zeros((n_tasks, n_batches, n))
    mu_s = np.full((n_tasks, n_series), np.nan)
    x_s = np.full((n_tasks, n_series), np.nan)
    for t in prange(n_tasks):
        state = _seed_state(seeds[t])
        rho = rho_out[t]
        state = _heun_run(rho, kappas[t], phi, noise2, dt, inv_lam, n_burn, sample_every, state, kn, wn, fn, level,
                          acc_rho[t], acc_mt[t], mu_s[t], x_s[t], 0)
        state = _heun_run(rho, kappas[t], phi, noise2, dt, inv_lam, n_steps, sample_every, state, kn, wn, fn, level,
                          acc_rho[t], acc_mt[t], mu_s[t], x_s[t], n_series)
    return rho_out, acc_rho, acc_mt, mu_s, x_s


def batch_means(x, n_batches=20):
    """Mean and standard error of a correlated time series by batch means.

    The series is cut into ``n_batches`` contiguous batches; the standard error
    is the standard deviation of the batch averages over sqrt(n_batches). This
    is unbiased as long as each batch is much longer than the integrated
    autocorrelation time (the callers check this with :func:`_tau_int`).
    NaN entries (no interface found) are dropped first.
    """
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    n_batches = validate.integer("n_batches", n_batches, 2)
    if x.size < n_batches:
        return (float(np.mean(x)) if x.size else float("nan")), float("nan")
    m = x.size // n_batches
    b = x[: m * n_batches].reshape(n_batches, m).mean(axis=1)
    return float(np.mean(x)), float(np.std(b, ddof=1) / np.sqrt(n_batches))


def _tau_int(x, max_lag=None):
    """Integrated autocorrelation time (in samples) with Sokal's window c = 5."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    if n:
        x = x - x.mean()
    if n < 10 or np.var(x) == 0:
        return float("nan")
    f = np.fft.rfft(x, 2 * n)
    acf = np.fft.irfft(f * np.conj(f))[:n] / (np.arange(n, 0, -1) * np.var(x))
    tau = 0.5
    for lag in range(1, n if max_lag is None else min(n, max_lag)):
        tau += acf[lag]
        if lag >= 5 * tau:
            break
    return float(tau)


@dataclass
class SimulationResult:
    """Output of :func:`simulate`.

    Attributes
    ----------
    t : ndarray
        Sample times (after the burn-in).
    mu_I, x_I : ndarray
        Instantaneous interface chemical potential and position (eqs. 6.3-6.4).
    rho_mean, mu_tilde_mean : ndarray
        Time-averaged density and generalised chemical potential profiles.
    rho_final : ndarray
        Profile at the end of the run.
    mu_I_mean, mu_I_err : float
        Time average of the instantaneous mu^I and its batch-means standard error.
    mu_I_of_mean, mu_I_of_mean_err : float
        Eq. 6.4 applied to the time-averaged profiles, and the standard error
        from the spread of eq. 6.4 applied to each batch's averaged profiles.
    mu_I_batches : ndarray
        Eq. 6.4 of each batch's averaged profiles.
    tau_int : float
        Integrated autocorrelation time of mu^I (time units).
    mass_drift : float
        max |sum rho(t_end) - N rho_bar|.
    params : dict
        The parameters of the run.
    """

    t: np.ndarray
    mu_I: np.ndarray
    x_I: np.ndarray
    rho_mean: np.ndarray
    mu_tilde_mean: np.ndarray
    rho_final: np.ndarray
    mu_I_mean: float
    mu_I_err: float
    mu_I_of_mean: float
    mu_I_of_mean_err: float
    mu_I_batches: np.ndarray
    tau_int: float
    mass_drift: float
    params: dict = field(default_factory=dict)


def _check_noise_params(N, kappa, phi, T_eff, rho_bar, t_max, dt, t_burn, sample_every):
    N = validate.integer("N", N, 3, 1 << 16)
    kappa = validate.real("kappa", kappa, 0.0, 100.0)
    phi = validate.real("phi", phi, -1.0, 1.0)
    T_eff = validate.real("T_eff", T_eff, 0.0, 1.0)
    rho_bar = _check_rho_bar(rho_bar)
    dt = _check_dt(dt, kappa)
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    t_burn = validate.real("t_burn", t_burn, 0.0)
    sample_every = validate.real("sample_every", sample_every, dt)
    every = max(1, int(round(sample_every / dt)))
    n_steps = int(round(t_max / dt))
    if n_steps < every:
        raise ValueError(f"t_max must be at least sample_every={sample_every:g}, got {t_max:g}")
    return N, kappa, phi, T_eff, rho_bar, t_max, dt, t_burn, every, n_steps


def _run_tasks(rho0, kappas, phi, T_eff, dt, t_burn, n_steps, every, n_batches, seed, level=1.5, inv_lam=1.0,
               noise2=None):
    seeds = spawn_seeds(seed, rho0.shape[0])
    if noise2 is None:
        noise2 = 2.0 * T_eff
    n_burn = int(round(t_burn / dt))
    return _scan_kernel(
        np.ascontiguousarray(rho0, dtype=float), np.ascontiguousarray(kappas, dtype=float), float(phi), float(noise2),
        float(dt), float(inv_lam), n_burn, n_steps, every, n_batches, seeds, _KN, _WN, _FN, float(level),
    )


def _result(rho_f, acc_r, acc_m, mu_s, x_s, n_series, t0, dt_s, N, rho_bar, params, level=1.5):
    n_b = acc_r.shape[0]
    counts = np.array([np.sum((np.arange(n_series) * n_b) // n_series == b) for b in range(n_b)], dtype=float)
    rho_mean = acc_r.sum(axis=0) / n_series
    mt_mean = acc_m.sum(axis=0) / n_series
    mean, err = batch_means(mu_s, n_b)
    per_batch = np.full(n_b, np.nan)
    for b in range(n_b):
        if counts[b] == 0:
            continue
        try:
            per_batch[b] = interface_chemical_potential(acc_r[b] / counts[b], acc_m[b] / counts[b], level)
        except ValueError:
            pass
    try:
        mu_of_mean = interface_chemical_potential(rho_mean, mt_mean, level)
    except ValueError:
        mu_of_mean = float("nan")
    ok = np.isfinite(per_batch)
    err_of_mean = float(np.std(per_batch[ok], ddof=1) / np.sqrt(ok.sum())) if ok.sum() > 1 else float("nan")
    return SimulationResult(
        t=t0 + dt_s * np.arange(1, n_series + 1),
        mu_I=mu_s,
        x_I=x_s,
        rho_mean=rho_mean,
        mu_tilde_mean=mt_mean,
        rho_final=rho_f,
        mu_I_mean=mean,
        mu_I_err=err,
        mu_I_of_mean=mu_of_mean,
        mu_I_of_mean_err=err_of_mean,
        mu_I_batches=per_batch,
        tau_int=_tau_int(mu_s) * dt_s,
        mass_drift=float(abs(rho_f.sum() - N * rho_bar)),
        params=params,
    )


def simulate(
    N, kappa, phi, T_eff, rho_bar=1.5, t_max=5e4, dt=0.01, init="liquid-first", seed=None, *,
    t_burn=None, sample_every=0.1, n_batches=20,
):
    """Noisy dynamics (eqs. 2.8, 2.10, 2.12) with the stochastic Heun scheme.

    Parameters
    ----------
    N : int
        Number of boxes (>= 3).
    kappa : float
        kappa_Lambda >= 0.
    phi : float
        Battery voltage in [-1, 1].
    T_eff : float
        Noise temperature in [0, 1] (T / (A Lambda); with Lambda = 1 the paper's T / A).
    rho_bar : float
        Mean density in (0.5, 2.5).
    t_max : float
        Length of the measured part of the run (time units, after burn-in).
    dt : float
        Heun step (paper: 0.01); must be below the stability limit :func:`max_stable_dt`.
    init : str or array_like
        Initial profile (see :func:`initial_profile`).
    seed : int or None
        Same seed, same trajectory.
    t_burn : float, optional
        Burn-in time discarded before measuring (default: min(t_max / 10, 2 N^2)).
    sample_every : float
        Interval between samples of mu^I and of the profiles (time units).
    n_batches : int
        Number of batches for the standard error of mu^I.

    Returns
    -------
    SimulationResult
    """
    if t_burn is None:
        t_burn = min(0.1 * float(t_max), 2.0 * float(N) ** 2) if isinstance(t_max, (int, float)) else 0.0
    N, kappa, phi, T_eff, rho_bar, t_max, dt, t_burn, every, n_steps = _check_noise_params(
        N, kappa, phi, T_eff, rho_bar, t_max, dt, t_burn, sample_every)
    n_batches = validate.integer("n_batches", n_batches, 2)
    rho0 = initial_profile(N, rho_bar, init)[None, :]
    out = _run_tasks(rho0, [kappa], phi, T_eff, dt, t_burn, n_steps, every, n_batches, resolve_seed(seed))
    n_series = n_steps // every
    params = dict(N=N, kappa=kappa, phi=phi, T_eff=T_eff, rho_bar=rho_bar, t_max=t_max, dt=dt, t_burn=t_burn,
                  sample_every=every * dt, init=init if isinstance(init, str) else "array", seed=seed)
    return _result(out[0][0], out[1][0], out[2][0], out[3][0], out[4][0], n_series, t_burn, every * dt, N, rho_bar,
                   params)


def simulate_dimensional(
    N, kappa, phi, T, A=1.0, Lambda=1.0, t_max=100.0, dt=None, init="liquid-first", seed=None, *,
    t_burn=0.0, sample_every=None, n_batches=10,
):
    """Noisy dynamics written with explicit box length Lambda and cross section A.

    Integrates eqs. 2.8, 2.10, 2.12 as printed,
    d rho_i/dt = -(j_i - j_{i-1}) / Lambda,
    j_i = -(sigma/Lambda)(mu~_{i+1} - mu~_i - phi delta_{i,N}) + sqrt(2 sigma T / (A Lambda)) xi_i,
    mu~_i = mu(rho_i) - (kappa / Lambda^2)(rho_{i+1} + rho_{i-1} - 2 rho_i),
    with physical ``kappa`` and ``T`` and step ``dt`` (default 0.01 Lambda^2).
    Used to check which combinations of (kappa, T, A, Lambda) the dynamics
    depends on: with time measured in units of Lambda^2 it depends only on
    kappa / Lambda^2 and T / (A Lambda).

    Returns
    -------
    SimulationResult
        Times are physical; ``params`` records the dimensional inputs.
    """
    Lambda = validate.real("Lambda", Lambda, 0.0, lo_open=True)
    A = validate.real("A", A, 0.0, lo_open=True)
    T = validate.real("T", T, 0.0)
    N = validate.integer("N", N, 3, 1 << 16)
    kappa = validate.real("kappa", kappa, 0.0)
    phi = validate.real("phi", phi, -1.0, 1.0)
    if dt is None:
        dt = 0.01 * Lambda**2
    dt = validate.real("dt", dt, 0.0, lo_open=True)
    k_lam = kappa / Lambda**2
    _check_dt(dt / Lambda**2, k_lam)
    if sample_every is None:
        sample_every = 100 * dt
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    every = max(1, int(round(validate.real("sample_every", sample_every, dt) / dt)))
    n_steps = int(round(t_max / dt))
    if n_steps < every:
        raise ValueError("t_max must be at least sample_every")
    rho_bar = 1.5
    rho0 = initial_profile(N, rho_bar, init)
    rho_bar = float(rho0.mean())
    noise2 = 2.0 * T / (A * Lambda)
    n_batches = validate.integer("n_batches", n_batches, 2)
    out = _run_tasks(rho0[None, :], [k_lam], phi, 0.0, dt, t_burn, n_steps, every, n_batches, resolve_seed(seed),
                     inv_lam=1.0 / Lambda, noise2=noise2)
    params = dict(N=N, kappa=kappa, phi=phi, T=T, A=A, Lambda=Lambda, t_max=t_max, dt=dt, seed=seed)
    return _result(out[0][0], out[1][0], out[2][0], out[3][0], out[4][0], n_steps // every, t_burn, every * dt, N,
                   rho_bar, params)


@dataclass
class ScanResult:
    """Output of :func:`interface_scan`: arrays indexed [kappa, run]."""

    kappas: np.ndarray
    mu_I_mean: np.ndarray
    mu_I_err: np.ndarray
    mu_I_of_mean: np.ndarray
    mu_I_of_mean_err: np.ndarray
    tau_int: np.ndarray
    rho_mean: np.ndarray
    mu_tilde_mean: np.ndarray
    mass_drift: np.ndarray
    mu_I: np.ndarray
    rho_final: np.ndarray
    params: dict = field(default_factory=dict)

    def combined(self, of_mean=True):
        """Average over runs with the standard errors combined (independent runs).

        ``of_mean=True`` combines eq. 6.4 of the time-averaged profiles,
        otherwise the time averages of the instantaneous mu^I. Returns
        (mean, err) arrays over kappa; err = sqrt(sum err_r^2) / n_runs.
        """
        m, e = (self.mu_I_of_mean, self.mu_I_of_mean_err) if of_mean else (self.mu_I_mean, self.mu_I_err)
        return np.nanmean(m, axis=1), np.sqrt(np.nansum(e**2, axis=1)) / np.sum(np.isfinite(e), axis=1)


def interface_scan(
    N, kappas, phi=0.05, T_eff=0.002, rho_bar=1.5, t_max=5e4, dt=0.01, init="liquid-first", seed=None, *,
    n_runs=1, t_burn=None, sample_every=0.1, n_batches=20, n_chunks=None, show_progress=True,
):
    """mu^I against kappa_Lambda from independent noisy runs (Fig. 8), in parallel.

    Every (kappa, run) pair is one task with its own child seed from
    :func:`noneq.rng.spawn_seeds`; tasks are grouped into a fixed number of
    chunks (``n_chunks``, default: four tasks per chunk) run one after the
    other through a parallel kernel. Since every task carries its own seed,
    the numbers depend neither on the number of threads nor on the chunking;
    the chunks only let the progress bar advance.

    Returns
    -------
    ScanResult
    """
    kappas = validate.array("kappas", kappas, ndim=1, lo=0.0)
    N, _, phi, T_eff, rho_bar, t_max, dt, _, every, n_steps = _check_noise_params(
        N, float(kappas.max()), phi, T_eff, rho_bar, t_max, dt, 0.0, sample_every)
    n_runs = validate.integer("n_runs", n_runs, 1)
    n_batches = validate.integer("n_batches", n_batches, 2)
    if t_burn is None:
        t_burn = min(0.1 * t_max, 2.0 * N**2)
    t_burn = validate.real("t_burn", t_burn, 0.0)
    rho0 = initial_profile(N, rho_bar, init)
    tasks_k = np.repeat(kappas, n_runs)
    n_tasks = tasks_k.size
    if n_chunks is None:
        n_chunks = -(-n_tasks // 4)  # four tasks per chunk: both cores busy, a progress tick per chunk
    n_chunks = validate.integer("n_chunks", n_chunks, 1, n_tasks)
    seeds_all = spawn_seeds(resolve_seed(seed), n_tasks)
    bounds = np.linspace(0, n_tasks, n_chunks + 1).astype(int)
    n_series = n_steps // every
    shape = (kappas.size, n_runs)
    res = dict(mean=np.empty(n_tasks), err=np.empty(n_tasks), of_mean=np.empty(n_tasks),
               of_mean_err=np.empty(n_tasks), tau=np.empty(n_tasks),
               drift=np.empty(n_tasks))
    rho_m = np.empty((n_tasks, N))
    mt_m = np.empty((n_tasks, N))
    series = np.empty((n_tasks, n_series))
    rho_f = np.empty((n_tasks, N))
    it = range(n_chunks)
    if show_progress:
        it = progress(it, desc=f"mu^I scan N={N}", total=n_chunks)
    for c in it:
        a, b = bounds[c], bounds[c + 1]
        if a == b:
            continue
        out = _scan_kernel(np.repeat(rho0[None, :], b - a, axis=0), tasks_k[a:b], phi, 2.0 * T_eff, dt, 1.0,
                           int(round(t_burn / dt)), n_steps, every, n_batches, seeds_all[a:b], _KN, _WN, _FN, 1.5)
        for k in range(b - a):
            r = _result(out[0][k], out[1][k], out[2][k], out[3][k], out[4][k], n_series, t_burn, every * dt, N,
                        rho_bar, {})
            t = a + k
            res["mean"][t], res["err"][t], res["of_mean"][t] = r.mu_I_mean, r.mu_I_err, r.mu_I_of_mean
            res["of_mean_err"][t] = r.mu_I_of_mean_err
            res["tau"][t], res["drift"][t] = r.tau_int, r.mass_drift
            rho_m[t], mt_m[t], series[t], rho_f[t] = r.rho_mean, r.mu_tilde_mean, r.mu_I, r.rho_final
    params = dict(N=N, phi=phi, T_eff=T_eff, rho_bar=rho_bar, t_max=t_max, dt=dt, t_burn=t_burn,
                  sample_every=every * dt, init=init if isinstance(init, str) else "array", seed=seed,
                  n_runs=n_runs, n_chunks=n_chunks)
    return ScanResult(
        kappas=kappas, mu_I_mean=res["mean"].reshape(shape), mu_I_err=res["err"].reshape(shape),
        mu_I_of_mean=res["of_mean"].reshape(shape), mu_I_of_mean_err=res["of_mean_err"].reshape(shape),
        tau_int=res["tau"].reshape(shape),
        rho_mean=rho_m.reshape(shape + (N,)), mu_tilde_mean=mt_m.reshape(shape + (N,)),
        mass_drift=res["drift"].reshape(shape), mu_I=series.reshape(shape + (n_series,)),
        rho_final=rho_f.reshape(shape + (N,)), params=params,
    )


def steady_state_scan(N, kappas, phi=0.05, rho_bar=1.5, init="liquid-first", *, continuation=False,
                      show_progress=False):
    """Noiseless mu^I (eq. 6.4 on :func:`steady_state`) for each kappa_Lambda.

    Parameters
    ----------
    N, phi, rho_bar, init
        As in :func:`steady_state`.
    kappas : array_like
        Values of kappa_Lambda.
    continuation : bool
        If True, each steady state starts from the previous kappa's solution
        (follows one branch; much faster for large N, where a fresh start creeps
        for ~N^2 time units). If False, every kappa starts from ``init``.

    Returns
    -------
    dict with arrays ``kappa``, ``mu_I``, ``x_I``, ``growth_rate``, ``t_relax`` and
    the profiles ``rho`` (len(kappas), N).
    """
    kappas = validate.array("kappas", kappas, ndim=1, lo=0.0)
    N = validate.integer("N", N, 3, 1 << 16)
    out = {k: np.empty(kappas.size) for k in ("mu_I", "x_I", "growth_rate", "t_relax")}
    rhos = np.empty((kappas.size, N))
    start = init
    it = range(kappas.size)
    if show_progress:
        it = progress(it, desc=f"steady states N={N}", total=kappas.size)
    for n in it:
        k = float(kappas[n])
        rho, info = steady_state(N, k, phi, rho_bar, start, return_info=True)
        m, x = interface_chemical_potential(rho, mu_tilde(rho, k), return_position=True)
        out["mu_I"][n], out["x_I"][n] = m, x
        out["growth_rate"][n], out["t_relax"][n] = info["growth_rate"], info["t_relax"]
        rhos[n] = rho
        if continuation:
            start = rho
    out["kappa"] = kappas
    out["rho"] = rhos
    return out


def main(argv=None):
    """Command line: Fig. 8 (mu^I against kappa_Lambda), noiseless and noisy."""
    ap = argparse.ArgumentParser(
        prog="python -m noneq.phase_coexistence",
        description="Interface chemical potential mu^I against kappa_Lambda (Sasa & Nakagawa, Fig. 8): "
        "noiseless steady states and noisy Heun runs, with batch-means error bars.",
    )
    ap.add_argument("--N", type=int, nargs="+", default=[64], help="ring sizes (default 64; try 64 128 256)")
    ap.add_argument("--kappa-min", type=float, default=0.1)
    ap.add_argument("--kappa-max", type=float, default=2.0)
    ap.add_argument("--n-kappa", type=int, default=20, help="number of kappa_Lambda values (default 20)")
    ap.add_argument("--phi", type=float, default=0.05)
    ap.add_argument("--T-eff", type=float, default=0.002)
    ap.add_argument("--rho-bar", type=float, default=1.5)
    ap.add_argument("--t-max", type=float, default=5e4, help="measured time per noisy run (default 5e4)")
    ap.add_argument("--t-burn", type=float, default=None, help="burn-in per run (default min(t_max/10, 2 N^2))")
    ap.add_argument("--runs", type=int, default=1, help="independent noisy runs per kappa")
    ap.add_argument("--init", default="liquid-first", choices=[i for i in INITS if i != "uniform"])
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--noiseless-only", action="store_true")
    ap.add_argument("--out", default=None, help="save the results to this .npz file")
    a = ap.parse_args(argv)
    kappas = np.linspace(a.kappa_min, a.kappa_max, a.n_kappa)
    theory = interface_chemical_potential_theory(a.phi, a.rho_bar)
    print(f"eq. 4.22: mu^I = {theory:.4e} (kappa << 1); mu_c = 0 (kappa >> 1)")
    save = {"kappas": kappas, "theory": theory}
    for N in a.N:
        t0 = time.perf_counter()
        det = steady_state_scan(N, kappas, a.phi, a.rho_bar, a.init, continuation=N > 128, show_progress=True)
        print(f"N={N}: noiseless steady states in {time.perf_counter() - t0:.1f} s")
        save[f"N{N}_noiseless"] = det["mu_I"]
        scan = None
        if not a.noiseless_only:
            t0 = time.perf_counter()
            scan = interface_scan(N, kappas, a.phi, a.T_eff, a.rho_bar, a.t_max, init=a.init, seed=a.seed,
                                  n_runs=a.runs, t_burn=a.t_burn)
            m, e = scan.combined()
            mi, ei = scan.combined(of_mean=False)
            save[f"N{N}_noisy"], save[f"N{N}_noisy_err"] = m, e
            save[f"N{N}_noisy_inst"], save[f"N{N}_noisy_inst_err"] = mi, ei
            print(f"N={N}: noisy runs in {time.perf_counter() - t0:.1f} s "
                  f"(T_eff={a.T_eff:g}, t_max={a.t_max:g}, runs={a.runs})")
        print(f"{'kappa':>7} {'noiseless':>11} " + ("" if scan is None else
              f"{'noisy (avg profile)':>24} {'noisy (avg of inst.)':>24}"))
        for n, k in enumerate(kappas):
            line = f"{k:7.3f} {det['mu_I'][n]:11.4e} "
            if scan is not None:
                line += f"{m[n]:12.4e} +- {e[n]:8.1e} {mi[n]:12.4e} +- {ei[n]:8.1e}"
            print(line)
    if a.out:
        np.savez(a.out, **save)
        print(f"saved {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
