"""Exact results of arXiv 1106.5652 that the simulations are checked against.

* :func:`lambda_ring` -- global chemical potential of a factorised ring, eqs. (7)-(8);
* :func:`flux_theory` -- mass flux through a link for ``v = 1``, eq. (11);
* :func:`three_branch_theory` -- flux balance in the three branches, eqs. (17), (18);
* :func:`alpha_theory` -- shift between the branches' chemical potentials, eqs. (32)-(35);
* :func:`g_conservation_baseline` -- ``g_nu / rho_nu**2`` of a factorised law with the
  total mass fixed, the baseline of eq. (14) for a subsystem of ``ell`` sites;
* :func:`zrp_fugacities` -- exact fugacities of the zero range process, eqs. (20)-(23);
* :func:`zrp_densities` -- site densities of the zero range process, eq. (19).

The local relations used by several of them are written once, as private helpers:
``Lambda(rho) = eta / rho`` (the chemical potential of the local factorised law,
eq. 34), ``Phi(rho) = rho**2 / eta**2`` (eq. 11 with ``p = 1`` and ``lambda = eta / rho``)
and, for the zero range process, ``ln((1 + rho) / rho)`` (geometric single-site law).
SciPy is imported inside the functions that need it, so importing the package is cheap.
"""

from __future__ import annotations

import math

import numpy as np

from .. import validate
from .graphs import BRANCHES, three_branch_graph
from .results import ThreeBranchTheory

__all__ = [
    "lambda_ring",
    "flux_theory",
    "alpha_theory",
    "three_branch_theory",
    "probe_branch_lambda",
    "g_conservation_baseline",
    "zrp_fugacities",
    "zrp_densities",
]


# --------------------------------------------------------------------------- local relations


def _lambda_eq8(eta_sum, M):
    """Eq. (8): ``lambda = sum_i eta_i / M`` from the sum of the exponents."""
    return eta_sum / M


def _local_lambda(rho, eta):
    """``Lambda(rho) = eta / rho``: chemical potential of the factorised law at density ``rho`` (eq. 34)."""
    return eta / rho


def _bulk_flux(rho, eta):
    """``Phi(rho) = rho**2 / eta**2``: eq. (11) with ``p = 1`` and ``lambda = eta / rho``."""
    return rho ** 2 / eta ** 2


def _zrp_lambda(rho):
    """``ln((1 + rho) / rho)``: chemical potential of a geometric site of mean ``rho`` (ZRP, ``f = 1``).

    Scalars go through :func:`math.log`, arrays through :func:`numpy.log`.
    """
    if np.ndim(rho) == 0:
        return math.log((1 + rho) / rho)
    return np.log((1 + rho) / rho)


# --------------------------------------------------------------------------- ring


def lambda_ring(eta, M, exact=True):
    """Global chemical potential of the factorised ring, eqs. (7)-(8).

    Parameters
    ----------
    eta : array
        Exponents ``eta_i`` of ``f_i(m) = m**(eta_i - 1)``, > 0.
    M : float
        Total mass, > 0.
    exact : bool
        ``lambda = (sum_i eta_i - 1) / M`` (eq. 7, finite size) if True, else
        ``sum_i eta_i / M = <eta> / rho`` (eq. 8).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``eta`` or ``M`` is outside its range.

    Examples
    --------
    >>> float(lambda_ring([2.0, 2.0], 4.0, exact=False))
    1.0
    """
    eta = validate.array("eta", eta, lo=0.0, lo_open=True)
    M = validate.real("M", M, 0.0, lo_open=True)
    H = eta.sum()
    return (H - 1.0) / M if exact else _lambda_eq8(H, M)


def flux_theory(lam, p=1.0, q=None):
    """Mass flux through a link for ``v = 1``, eq. (11): ``Phi = (p - q) / lambda**2``.

    Parameters
    ----------
    lam : float
        Chemical potential, > 0.
    p : float
        Forward weight in [0, 1].
    q : float, optional
        Backward weight in [0, 1] (default ``1 - p``).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    lam = validate.real("lam", lam, 0.0, lo_open=True)
    p = validate.real("p", p, 0.0, 1.0)
    q = 1.0 - p if q is None else validate.real("q", q, 0.0, 1.0)
    return (p - q) / lam ** 2


# --------------------------------------------------------------------------- three branches


def alpha_theory(rho, eta=1.0, kappa=1.0 / 3.0):
    """Shift ``alpha(rho)`` between the branches' local chemical potentials, eqs. (32)-(35).

    ``alpha = (eta / rho) (1 - 2 kappa + (3 kappa - 1) / sqrt(2))`` (eq. 35), the
    solution of ``Phi(rho_A) = 2 Phi(rho_BC)`` (eq. 32) with ``Phi = rho**2 / eta**2``,
    ``rho = kappa rho_A + (1 - kappa) rho_BC`` (eq. 33) and
    ``alpha = Lambda(rho_BC) - Lambda(rho_A)``, ``Lambda(rho) = eta / rho`` (eq. 34).

    Parameters
    ----------
    rho : float or array
        Global density, > 0.
    eta : float
        Exponent of ``f(m) = m**(eta - 1)``, > 0.
    kappa : float
        Fraction of the sites in branch A, in (0, 1) (the paper: 1/3).

    Returns
    -------
    float or ndarray
        Same shape as ``rho``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> round(alpha_theory(0.5), 12)  # 1 / (3 rho)
    0.666666666667
    """
    r = np.asarray(rho, dtype=np.float64)
    if r.size == 0 or not np.all(np.isfinite(r)) or np.any(r <= 0):
        raise ValueError(f"rho must be positive and finite, got {rho!r}")
    eta = validate.real("eta", eta, 0.0, lo_open=True)
    kappa = validate.real("kappa", kappa, 0.0, 1.0, lo_open=True, hi_open=True)
    out = eta / r * (1.0 - 2.0 * kappa + (3.0 * kappa - 1.0) / math.sqrt(2.0))
    return float(out) if np.ndim(rho) == 0 else out


def three_branch_theory(rho, gamma_B=0.5, gamma_C=0.5, eta=1.0, kappa=(1 / 3, 1 / 3, 1 / 3)):
    """Flux-balance prediction for the three-branch model with ``p = 1`` (eqs. 17, 18, 32-33).

    With ``p = 1`` the splitting node sends a fraction ``gamma_nu / (gamma_B + gamma_C)``
    of its outgoing mass into branch ``nu``, so ``Phi_nu = gamma_nu Phi_A / (gamma_B +
    gamma_C)``. In the bulk, ``Phi = 1 / lambda**2`` (eq. 11 with ``v = 1``) and
    ``lambda = eta / rho`` (local factorised law), hence ``rho_nu = sqrt(Phi_nu / Phi_A)
    rho_A`` (eq. 18) and mass conservation ``rho = sum_nu kappa_nu rho_nu`` fixes ``rho_A``.

    Parameters
    ----------
    rho : float
        Global density, > 0.
    gamma_B, gamma_C : float
        Branching weights, >= 0, not both zero.
    eta : float
        Exponent of ``f(m) = m**(eta - 1)``, > 0.
    kappa : sequence of 3 floats
        Fractions of the sites in A, B, C (>= 0, summing to 1).

    Returns
    -------
    ThreeBranchTheory
        ``density``, ``lam`` (local chemical potentials ``eta / rho_nu``) and ``flux``,
        each a dict "A", "B", "C" -> float; ``th["lam"]`` works as ``th.lam``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> th = three_branch_theory(0.5)
    >>> round(float(th["lam"]["B"] / th["lam"]["A"]), 12)  # sqrt 2, eq. (17)
    1.414213562373
    """
    rho = validate.real("rho", rho, 0.0, lo_open=True)
    gamma_B = validate.real("gamma_B", gamma_B, 0.0)
    gamma_C = validate.real("gamma_C", gamma_C, 0.0)
    if gamma_B + gamma_C <= 0:
        raise ValueError("gamma_B + gamma_C must be positive")
    eta = validate.real("eta", eta, 0.0, lo_open=True)
    kap = validate.array("kappa", kappa, shape=(3,), lo=0.0)
    if abs(kap.sum() - 1.0) > 1e-9:
        raise ValueError("kappa must sum to 1")
    gb = gamma_B / (gamma_B + gamma_C)
    ratio = {"A": 1.0, "B": math.sqrt(gb), "C": math.sqrt(1.0 - gb)}
    rho_A = rho / sum(k * ratio[b] for k, b in zip(kap, BRANCHES))
    dens = {b: rho_A * ratio[b] for b in BRANCHES}
    lam = {b: (_local_lambda(dens[b], eta) if dens[b] > 0 else np.inf) for b in BRANCHES}
    flux = {b: _bulk_flux(dens[b], eta) for b in BRANCHES}
    return ThreeBranchTheory(density=dens, lam=lam, flux=flux)


def probe_branch_lambda(rho, rho_pr, N_b, N_pr, branch, gamma_B=0.5, gamma_C=0.5, eta=1.0):
    """Eq. (17) for Fig. 5: the chemical potential a probe reads, counting the mass it takes.

    Flux balance fixes the ratios ``rho_nu / rho_A`` (eq. 18, :func:`three_branch_theory`).
    A probe of ``N_pr`` sites with ``f = 1`` attached to branch ``nu`` ends at the
    branch's local chemical potential, i.e. at density ``rho_nu / eta``, so the
    conserved mass of the three branches of ``N_b`` sites and of the probe is shared as
    ``N_b sum_mu rho_mu + N_pr rho_nu / eta = 3 N_b rho + N_pr rho_pr``.

    Parameters
    ----------
    rho : float
        Global density of the main system before the contact, > 0.
    rho_pr : float
        Initial density of the probe, >= 0 (its mass joins the conserved mass).
    N_b, N_pr : int
        Sites per branch (>= 1) and probe sites (>= 0).
    branch : str
        The branch the probe touches, "A", "B" or "C".
    gamma_B, gamma_C, eta : float
        As in :func:`three_branch_theory`.

    Returns
    -------
    float
        ``eta / rho_nu``: the probe's and the branch's chemical potential at the end.

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> round(probe_branch_lambda(0.5, 0.2, 43348, 0, "B"), 4)  # no probe: eq. (17)
    2.2761
    >>> round(probe_branch_lambda(0.5, 0.2, 43348, 1024, "B"), 4)  # Fig. 5
    2.2847
    """
    rho_pr = validate.real("rho_pr", rho_pr, 0.0)
    N_b = validate.integer("N_b", N_b, 1)
    N_pr = validate.integer("N_pr", N_pr, 0)
    branch = validate.choice("branch", branch, BRANCHES)
    th = three_branch_theory(rho, gamma_B, gamma_C, eta)
    mass = 3 * N_b * rho + N_pr * rho_pr
    scale = mass / (N_b * sum(th.density.values()) + N_pr * th.density[branch] / eta)
    return float(eta / (scale * th.density[branch]))


def g_conservation_baseline(ell, rho_nu, sizes, densities, eta=1.0):
    """``g_nu / rho_nu**2`` of a factorised law at fixed total mass: ``1 - ell rho_nu**2 / S``.

    The baseline against which the variance function of eq. (14), measured on a
    subsystem of ``ell`` sites of a part ``nu`` of the system, is to be compared
    when the total mass is conserved and the parts have different densities.

    Derivation. Take independent site masses with the local factorised law of
    density ``rho_i`` (``f = m**(eta - 1)``: a Gamma law of shape ``eta``, variance
    ``rho_i**2 / eta``; eq. 3 without the constraint). Let ``X = M_w`` be the mass of
    the window and ``T`` the total mass. Conditioning on ``T = M`` (the conserved
    mass) removes from ``Var(X)`` the part correlated with ``T``; for sums of many
    independent terms ``(X, T)`` is jointly Gaussian to leading order, so

    ``Var(X | T) = Var(X) - Cov(X, T)**2 / Var(T)``,

    with ``Var(X) = Cov(X, T) = ell rho_nu**2 / eta`` (the window is part of the
    total) and ``Var(T) = S / eta``, ``S = sum_mu N_mu rho_mu**2``. Dividing by
    ``ell rho_nu**2 / eta``:

    ``g_nu / (rho_nu**2 / eta) = 1 - ell rho_nu**2 / S``.

    For one homogeneous part this is ``1 - ell / N``; the exact Dirichlet value
    ``(1 - ell / N) N eta / (N eta + 1)`` differs by ``O(1 / N)``. For the three
    branches with ``N_A = N_B = N_C = N_b`` and the flux-balance densities
    ``rho_A**2 = 2 rho_B**2 = 2 rho_C**2`` (eq. 17): ``S = 4 N_b rho_B**2``, so
    ``g_A / rho_A**2 = 1 - ell / (2 N_b)`` and ``g_B / rho_B**2 = 1 - ell / (4 N_b)``:
    the whole of branch A has ``g_A = rho_A**2 / 2`` from conservation alone.

    Parameters
    ----------
    ell : int or array
        Size of the subsystem, in [0, N_nu] (sites).
    rho_nu : float or array
        Density of the subsystem's part (or of the subsystem itself, which absorbs a
        density gradient along the part), > 0; broadcast against ``ell``.
    sizes : sequence of float
        Sites ``N_mu`` of every part of the system (the part ``nu`` included), >= 0.
    densities : sequence of float
        Densities ``rho_mu`` of the parts, >= 0, same length as ``sizes``.
    eta : float
        Exponent of ``f(m) = m**(eta - 1)``, > 0; the ratio returned is
        ``g_nu / (rho_nu**2 / eta)``, which does not depend on it.

    Returns
    -------
    float or ndarray
        ``1 - ell rho_nu**2 / sum_mu N_mu rho_mu**2``, shape of ``ell`` and ``rho_nu``
        broadcast together.

    Raises
    ------
    ValueError
        If a parameter is outside its range or ``ell rho_nu**2`` exceeds the sum.

    Examples
    --------
    >>> round(g_conservation_baseline(100, 2 ** 0.5, [100, 100, 100], [2 ** 0.5, 1, 1]), 12)
    0.5
    >>> g_conservation_baseline(100, 1.0, [100, 100, 100], [2 ** 0.5, 1, 1])
    0.75
    """
    rho_a = np.asarray(rho_nu, dtype=np.float64)
    if rho_a.size == 0 or not np.all(np.isfinite(rho_a)) or np.any(rho_a <= 0):
        raise ValueError(f"rho_nu must be positive and finite, got {rho_nu!r}")
    N = validate.array("sizes", sizes, lo=0.0)
    r = validate.array("densities", densities, lo=0.0)
    if N.shape != r.shape:
        raise ValueError(f"sizes and densities must have the same length, got {N.size} and {r.size}")
    validate.real("eta", eta, 0.0, lo_open=True)
    ell_a = np.asarray(ell, dtype=np.float64)
    if not np.all(np.isfinite(ell_a)) or np.any(ell_a < 0):
        raise ValueError(f"ell must be >= 0, got {ell!r}")
    S = float(np.sum(N * r ** 2))
    frac = ell_a * rho_a ** 2 / S if S > 0 else np.full(np.broadcast(ell_a, rho_a).shape, np.inf)
    if np.any(frac > 1.0 + 1e-12):
        raise ValueError("ell * rho_nu**2 exceeds sum(sizes * densities**2): the window "
                         "must lie inside the system")
    out = 1.0 - frac
    return float(out) if np.ndim(out) == 0 else out


# --------------------------------------------------------------------------- zero range process


def zrp_fugacities(n_A, n_B, n_C, p, q=None, gamma_B=1.0, gamma_C=1.0):
    """Exact fugacities of the zero range process on the three-branch graph, eq. (20).

    Solves ``sum_j v_ij z_i = sum_j v_ji z_j`` for every site of the graph of
    :func:`~noneq.mass_transport.three_branch_graph` (``N = n_A + n_B + n_C + 2`` sites,
    Sec. 3.4; the paper takes ``gamma_B = gamma_C = 1`` and ``p > q``): ``z`` is the
    stationary measure of one walker hopping with rates ``v_ij``, computed by a
    sparse direct solve with the normalisation ``z = 1`` at the first site of
    branch B. On each branch the solution has the form eq. (23).

    Parameters
    ----------
    n_A : int
        Interior sites of A, >= 1.
    n_B, n_C : int
        Sites of B and C, >= 1.
    p : float
        Forward weight in [0, 1].
    q : float, optional
        Backward weight in [0, 1] (default ``1 - p``).
    gamma_B, gamma_C : float
        Branching weights, >= 0, not both zero.

    Returns
    -------
    dict
        "A": fugacities of A including both nodes (merge node first, split node
        last, ``n_A + 2`` values), "B", "C": fugacities along B and C.

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> z = zrp_fugacities(40, 40, 40, 0.75)
    >>> round(float(z["A"][21] / z["B"][20]), 6)  # eq. (22): z_A / z_B -> 2
    2.0
    """
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    q_ = 1.0 - validate.real("p", p, 0.0, 1.0) if q is None else q
    g = three_branch_graph(n_A, n_B, n_C, p=p, q=q_, gamma_B=gamma_B, gamma_C=gamma_C)
    n = g.n
    src = np.repeat(np.arange(n), np.diff(g.out_ptr))
    # rows: (sum_j v_ij) z_i - sum_j v_ji z_j = 0
    Lmat = sp.csr_matrix((g.out_w, (g.out_idx, src)), shape=(n, n))
    Lmat = sp.diags(g.out_weight) - Lmat
    Lmat = Lmat.tolil()
    ref = int(g.info["B"][0])
    Lmat[ref, :] = 0.0
    Lmat[ref, ref] = 1.0
    rhs = np.zeros(n)
    rhs[ref] = 1.0
    z = spla.spsolve(Lmat.tocsc(), rhs)
    return {"A": z[g.info["A"]], "B": z[g.info["B"]], "C": z[g.info["C"]]}


def zrp_densities(z, M, canonical=True):
    """Site densities of the zero range process with ``f = 1`` and fugacities ``z`` (eq. 19).

    Grand-canonically site ``i`` is geometric with parameter ``w_i = x z_i``,
    ``<n_i> = w_i / (1 - w_i)``, the global fugacity ``x`` (``x max z < 1``) being
    fixed by ``sum_i <n_i> = M``. With ``canonical=True`` (default) the exact
    finite-size averages at fixed ``M`` are returned instead:
    ``P(n_i >= n) = z_i**n Z(M - n) / Z(M)`` with ``Z(m)`` the coefficient of
    ``s**m`` in ``prod_i 1 / (1 - z_i s)``, computed by a normalised recursion.

    Parameters
    ----------
    z : array
        Fugacities of all sites, > 0.
    M : int
        Total number of particles, >= 1.
    canonical : bool
        Exact fixed-``M`` averages (True) or grand-canonical ones (False).

    Returns
    -------
    densities : ndarray
        ``<n_i>``, summing to ``M``.
    x : float
        The grand-canonical global fugacity.

    Raises
    ------
    ValueError
        If ``z`` or ``M`` is outside its range.
    """
    from scipy.optimize import brentq
    from scipy.signal import lfilter

    z = validate.array("z", z, lo=0.0, lo_open=True)
    M = validate.integer("M", M, 1)
    zmax = z.max()

    def excess(x):
        w = x * z
        return np.sum(w / (1.0 - w)) - M

    x = brentq(excess, 0.0, (1.0 - 1e-15) / zmax, xtol=1e-15, rtol=1e-14, maxiter=500)
    w = x * z
    if not canonical:
        return w / (1.0 - w), x
    # distribution of the grand-canonical total, truncated at M: Zt(m) = Z(m) x**m / prod(1/(1-w))
    Zt = np.zeros(M + 1)
    Zt[0] = 1.0
    for wi in w:
        Zt = (1.0 - wi) * lfilter([1.0], [1.0, -wi], Zt)
    n = np.arange(1, M + 1)
    ratio = Zt[M - n] / Zt[M]  # Z(M - n) x**(M-n) / (Z(M) x**M)
    dens = np.array([np.sum(np.exp(n * math.log(wi)) * ratio) for wi in w])
    return dens, x
