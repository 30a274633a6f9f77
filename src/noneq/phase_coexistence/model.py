"""The model: mu(rho), mu'(rho) and the right-hand side of eqs. 2.8-2.12, written once.

A ring of ``N`` boxes with densities ``rho_i``, a battery of voltage ``phi`` on
the bond ``N -> 1`` and the double-well free energy of Sec. 6, in units where the
box length is ``Lambda = 1`` (``kappa`` is the paper's ``kappa_Lambda``)::

    mu(rho)       = (rho - 0.5)(rho - 1.5)(rho - 2.5)                      (6.1)
    mu~_i         = mu(rho_i) - kappa (rho_{i+1} + rho_{i-1} - 2 rho_i)     (2.12)
    j_i           = -sigma(rho^m_i) (mu~_{i+1} - mu~_i - phi delta_{i,N})
                    + sqrt(2 sigma(rho^m_i) T_eff) xi_i                      (2.10)
    d rho_i / dt  = -(j_i - j_{i-1})                                         (2.8)

with ``sigma(rho) = rho`` and ``rho^m_i = (rho_i + rho_{i+1}) / 2``.

The formulas live in small ``@njit(inline="always")`` functions -- :func:`_mu`,
:func:`_dmu`, :func:`_mu_tilde_into`, :func:`_bond`, :func:`_fluxes`,
:func:`_divergence` -- that every compiled kernel (noiseless relaxation, noisy
Heun integration, the public functions below) inlines, and whose plain Python
bodies (``.py_func``) serve the NumPy side; so no second copy of a formula exists.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .. import validate

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
    "stationary_current",
    "initial_profile",
    "max_stable_dt",
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


# --------------------------------------------------------------------------- the formulas (inlined everywhere)


@njit(cache=True, inline="always")
def _mu(r):
    """mu(rho) = (rho - 0.5)(rho - 1.5)(rho - 2.5) (eq. 6.1)."""
    return (r - 0.5) * (r - 1.5) * (r - 2.5)


@njit(cache=True, inline="always")
def _dmu(r):
    """mu'(rho) = 3 (rho - 1.5)^2 - 1 (derivative of eq. 6.1)."""
    return 3.0 * (r - 1.5) ** 2 - 1.0


@njit(cache=True, inline="always")
def _mu_tilde_into(rho, kappa, mt):
    """mt_i = mu(rho_i) - kappa (rho_{i+1} + rho_{i-1} - 2 rho_i) on the ring (eq. 2.12)."""
    n = rho.shape[0]
    r = rho[0]
    mt[0] = _mu(r) - kappa * (rho[1] + rho[n - 1] - 2.0 * r)
    for i in range(1, n - 1):
        r = rho[i]
        mt[i] = _mu(r) - kappa * (rho[i + 1] + rho[i - 1] - 2.0 * r)
    r = rho[n - 1]
    mt[n - 1] = _mu(r) - kappa * (rho[0] + rho[n - 2] - 2.0 * r)


@njit(cache=True, inline="always")
def _bond(rho, mt, i, ip, phi_i):
    """Conductivity sigma(rho^m_i) = (rho_i + rho_ip)/2 and force mu~_ip - mu~_i - phi_i of one bond (eq. 2.10)."""
    return 0.5 * (rho[i] + rho[ip]), mt[ip] - mt[i] - phi_i


@njit(cache=True, inline="always")
def _fluxes(rho, mt, flux, dw, kappa, phi, kdt, noise2):
    """Integrated bond currents over one step (eq. 2.10): flux_i = j_i dt.

    Fills ``mt`` with mu~ (eq. 2.12) and ``flux`` with the drift
    ``-sigma_i g_i kdt`` (``kdt = dt / Lambda``; ``kdt = 1`` gives the currents
    j_i themselves); if ``noise2 = 2 T_eff > 0`` adds the noise
    ``sqrt(noise2 max(sigma_i, 0)) dw_i`` with Wiener increments ``dw``
    (``dw`` is not read when ``noise2 == 0``).
    """
    n = rho.shape[0]
    _mu_tilde_into(rho, kappa, mt)
    for i in range(n - 1):
        s, g = _bond(rho, mt, i, i + 1, 0.0)
        flux[i] = -s * g * kdt
    s, g = _bond(rho, mt, n - 1, 0, phi)  # the battery bond N -> 1
    flux[n - 1] = -s * g * kdt
    if noise2 > 0.0:
        for i in range(n - 1):
            s, g = _bond(rho, mt, i, i + 1, 0.0)
            flux[i] += math.sqrt(noise2 * max(s, 0.0)) * dw[i]
        s, g = _bond(rho, mt, n - 1, 0, phi)
        flux[n - 1] += math.sqrt(noise2 * max(s, 0.0)) * dw[n - 1]


@njit(cache=True, inline="always")
def _divergence(out, base, flux, inv_lam):
    """out_i = base_i - (flux_i - flux_{i-1}) / Lambda: eq. 2.8 over one step (``out`` may be ``base``)."""
    n = flux.shape[0]
    out[0] = base[0] - (flux[0] - flux[n - 1]) * inv_lam
    for i in range(1, n):
        out[i] = base[i] - (flux[i] - flux[i - 1]) * inv_lam


# --------------------------------------------------------------------------- compiled faces for NumPy callers


@njit(cache=True)
def _rhs(rho, kappa, phi):
    """(mu~, j, d rho/dt) of a profile: eqs. 2.12, 2.10 without noise, 2.8."""
    n = rho.shape[0]
    mt = np.empty(n)
    j = np.empty(n)
    out = np.empty(n)
    _fluxes(rho, mt, j, j, kappa, phi, 1.0, 0.0)
    _divergence(out, np.zeros(n), j, 1.0)
    return mt, j, out


@njit(cache=True)
def _bond_terms(rho, kappa, phi):
    """(mu~, sigma, g) of every bond, for the Jacobian (eqs. 2.10, 2.12)."""
    n = rho.shape[0]
    mt = np.empty(n)
    s = np.empty(n)
    g = np.empty(n)
    _mu_tilde_into(rho, kappa, mt)
    for i in range(n - 1):
        s[i], g[i] = _bond(rho, mt, i, i + 1, 0.0)
    s[n - 1], g[n - 1] = _bond(rho, mt, n - 1, 0, phi)
    return mt, s, g


def _drho_dt_raw(rho, kappa, phi):
    """Eq. 2.8 without validation (inner loop of Newton's method)."""
    return _rhs(rho, kappa, phi)[2]


def _jacobian(rho, kappa, phi):
    """Sparse Jacobian of d rho / dt (eq. 2.8) with respect to rho (cyclic, 5 bands).

    With j_i = -s_i g_i, s_i = (rho_i + rho_{i+1})/2 and g_i = mu~_{i+1} - mu~_i
    (- phi on bond N): d mu~_i/d rho_i = mu'(rho_i) + 2 kappa and
    d mu~_i/d rho_{i+-1} = -kappa, so g_i depends on rho_{i-1}..rho_{i+2}.
    """
    from scipy import sparse

    n = rho.shape[0]
    idx = np.arange(n)
    ip = (idx + 1) % n
    _, s, g = _bond_terms(rho, kappa, phi)
    dmu = _dmu.py_func(rho)
    dg = {
        -1: kappa * np.ones(n),  # -mu~_i with respect to rho_{i-1}
        0: -kappa - (dmu + 2 * kappa),  # mu~_{i+1} and -mu~_i with respect to rho_i
        1: (dmu[ip] + 2 * kappa) + kappa,  # mu~_{i+1} and -mu~_i with respect to rho_{i+1}
        2: -kappa * np.ones(n),  # mu~_{i+1} with respect to rho_{i+2}
    }
    # dj_i/drho_c = -(ds_i/drho_c) g_i - s_i dg_i/drho_c ; d rho_i/dt = -(j_i - j_{i-1})
    dj = {k: -s * v for k, v in dg.items()}
    dj[0] = dj[0] - 0.5 * g
    dj[1] = dj[1] - 0.5 * g
    rows, cols, vals = [], [], []
    for k, v in dj.items():
        # row i gets -dj_i/drho_{i+k}, row i+1 gets +dj_i/drho_{i+k}
        rows += [idx % n, (idx + 1) % n]
        cols += [(idx + k) % n, (idx + k) % n]
        vals += [-v, v]
    return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))


# --------------------------------------------------------------------------- public model functions


def _check_profile(name, rho, min_size=3):
    return validate.array(name, rho, ndim=1, min_size=min_size)


def _check_rho_bar(rho_bar):
    return validate.real("rho_bar", rho_bar, _RHO_BAR_LO, _RHO_BAR_HI, lo_open=True, hi_open=True)


def _densities(rho):
    """``rho`` as a float array of its own shape (0-d for a scalar), checked finite."""
    validate.array("rho", rho, ndim=None, min_size=0)
    return np.asarray(rho, dtype=np.float64)


def mu(rho):
    """Bulk chemical potential of the double-well model (eq. 6.1).

    Parameters
    ----------
    rho : float or array_like
        Densities (any finite values).

    Returns
    -------
    float or ndarray
        mu(rho) = (rho - 0.5)(rho - 1.5)(rho - 2.5), same shape as ``rho``.

    Raises
    ------
    ValueError
        If ``rho`` contains non-finite values.

    Examples
    --------
    >>> import noneq.phase_coexistence as pc
    >>> pc.mu([0.5, 1.5, 2.5, 3.0]).tolist()  # zeros at rho_G, 1.5 and rho_L
    [0.0, -0.0, 0.0, 1.875]
    """
    return _mu.py_func(_densities(rho))


def free_energy_density(rho):
    """Free energy density f(rho) = -(rho - 1.5)^2 / 2 + (rho - 1.5)^4 / 4 (eq. 2.6, with f' = mu of eq. 6.1).

    Parameters
    ----------
    rho : float or array_like
        Densities (any finite values).

    Returns
    -------
    float or ndarray
        Same shape as ``rho``.

    Raises
    ------
    ValueError
        If ``rho`` contains non-finite values.
    """
    d = _densities(rho) - 1.5
    return -0.5 * d**2 + 0.25 * d**4


def pressure(rho):
    """Thermodynamic pressure p(rho) = rho mu(rho) - f(rho) (eq. 2.17).

    Parameters
    ----------
    rho : float or array_like
        Densities (any finite values).

    Returns
    -------
    float or ndarray
        Same shape as ``rho``.

    Raises
    ------
    ValueError
        If ``rho`` contains non-finite values.
    """
    rho = _densities(rho)
    return rho * mu(rho) - free_energy_density(rho)


def mu_tilde(rho, kappa):
    """Generalised chemical potential on the ring (eq. 2.12 with Lambda = 1).

    Parameters
    ----------
    rho : array_like, shape (N,)
        Densities rho_1..rho_N (periodic), N >= 3.
    kappa : float
        kappa_Lambda = kappa / Lambda^2 >= 0.

    Returns
    -------
    ndarray, shape (N,)
        mu~_i = mu(rho_i) - kappa (rho_{i+1} + rho_{i-1} - 2 rho_i).

    Raises
    ------
    ValueError
        For a profile that is not a finite 1-d array of at least 3 entries, or kappa < 0.
    """
    rho = _check_profile("rho", rho)
    kappa = validate.real("kappa", kappa, 0.0)
    mt = np.empty_like(rho)
    _mu_tilde_into(rho, kappa, mt)
    return mt


def currents(rho, kappa, phi):
    """Deterministic bond currents j_i, i = 1..N (eq. 2.10 without noise, Lambda = 1).

    Bond i joins sites i and i+1; bond N (the last entry) joins N and 1 and
    carries the battery: j_N = -sigma(rho^m_N)(mu~_1 - mu~_N - phi).

    Parameters
    ----------
    rho : array_like, shape (N,)
        Densities (periodic), N >= 3.
    kappa : float
        kappa_Lambda >= 0.
    phi : float
        Battery voltage (any finite value).

    Returns
    -------
    ndarray, shape (N,)

    Raises
    ------
    ValueError
        For an invalid profile, kappa < 0 or a non-finite phi.
    """
    rho = _check_profile("rho", rho)
    kappa = validate.real("kappa", kappa, 0.0)
    phi = validate.real("phi", phi)
    return _rhs(rho, kappa, phi)[1]


def drho_dt(rho, kappa, phi):
    """Noiseless time derivative d rho_i / dt = -(j_i - j_{i-1}) (eq. 2.8 with eqs. 2.10, 2.12).

    Parameters
    ----------
    rho : array_like, shape (N,)
        Densities (periodic), N >= 3.
    kappa : float
        kappa_Lambda >= 0.
    phi : float
        Battery voltage (any finite value).

    Returns
    -------
    ndarray, shape (N,)
        Sums to zero (mass conservation) up to rounding.

    Raises
    ------
    ValueError
        For an invalid profile, kappa < 0 or a non-finite phi.
    """
    rho = _check_profile("rho", rho)
    kappa = validate.real("kappa", kappa, 0.0)
    phi = validate.real("phi", phi)
    return _rhs(rho, kappa, phi)[2]


def stationary_current(rho, phi):
    """Steady current J = phi / sum_i 1/sigma(rho^m_i) (eq. 2.28, Lambda = 1).

    Parameters
    ----------
    rho : array_like, shape (N,)
        A stationary profile (positive densities), N >= 3.
    phi : float
        Battery voltage.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For an invalid profile or a non-finite phi.
    """
    rho = _check_profile("rho", rho)
    phi = validate.real("phi", phi)
    sigma = _bond_terms(rho, 0.0, phi)[1]  # sigma(rho^m_i) of every bond, as in eq. 2.10
    return phi / np.sum(1.0 / sigma)


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

    Raises
    ------
    ValueError
        For invalid parameters, or densities that become non-positive after the mass correction.
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
    """Largest stable Heun step for the linearised noiseless dynamics (eq. 2.8).

    The linearisation around densities up to ``rho_max`` has decay rates up to
    lambda = 4 sigma(rho_max) (mu'(rho_max) + 4 kappa) (wave number pi);
    Heun's method is stable for lambda dt <= 2.

    Parameters
    ----------
    kappa : float
        kappa_Lambda >= 0.
    rho_max : float
        Largest density expected, > 1.5 + 1/sqrt(3) (where mu' > 0).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For kappa < 0 or rho_max outside the range.
    """
    kappa = validate.real("kappa", kappa, 0.0)
    rho_max = validate.real("rho_max", rho_max, 1.5 + 1.0 / math.sqrt(3.0), lo_open=True)
    return 2.0 / (4.0 * rho_max * (_dmu.py_func(rho_max) + 4.0 * kappa))


def _check_dt(dt, kappa, rho_max=2.75):
    dt = validate.real("dt", dt, 0.0, lo_open=True)
    lim = max_stable_dt(kappa, rho_max)
    if dt > lim:
        raise ValueError(f"dt must be in (0, {lim:.4g}] for kappa={kappa:g} (Heun stability limit), got {dt:g}")
    return dt
