"""Global and local chemical potentials of the zero range process, exactly (Sec. 3.4).

The stationary law of the zero range process (``f = 1``) on the three-branch graph is
factorised (eq. 19) with the fugacities of eq. (20). Splitting the system into branch A
(both branching points included) and branches B + C,

``P(M_A = m) = Z_A(m) Z_BC(M - m) / Z(M)``,

with ``Z_X(m)`` the coefficient of ``s**m`` in ``prod_{i in X} 1 / (1 - z_i s)``. The
global chemical potentials of eq. (24), ``lambda_X = d ln Z_X / d M_X``, are equal at
the most probable split, while the local ones, ``ln((1 + rho) / rho)`` of a geometric
bulk site, differ by ``ln(z_A / z_B)`` (eqs. 25-26).

* :func:`zrp_log_partition` -- ``ln Z(m)``, ``m = 0..M``, for any set of fugacities;
* :func:`zrp_amplitudes` -- the amplitudes ``z_nu`` and ``K_nu`` of eq. (23) and the
  branch currents; ``z_A / z_B = J_A / J_B`` at every size;
* :func:`zrp_chemical_potentials` -- the split distribution, the global and the local
  chemical potentials;
* :func:`simulate_zrp_three_branch` -- the event-driven simulation of the same system,
  checked against the exact fixed-``M`` densities.
"""

from __future__ import annotations

import math

import numpy as np

from .. import validate
from ..rng import spawn_seeds
from ..stats import block_mean
from .dynamics import _UNSET, _resolve_progress, simulate, stationary_masses
from .graphs import BRANCHES, three_branch_graph
from .models import _bulk, _path_links, _require_run
from .results import ZRPResult
from .theory import _zrp_lambda, zrp_densities, zrp_fugacities

__all__ = ["zrp_log_partition", "zrp_amplitudes", "zrp_chemical_potentials", "simulate_zrp_three_branch"]

#: Bytes per site of the exact ZRP fugacities (sparse solve, measured peak about 900 B).
_ZRP_THEORY_BYTES_SITE = 1024


def zrp_log_partition(z, M):
    """``ln Z(m)`` for ``m = 0..M``: canonical partition functions of the ZRP with ``f = 1``.

    ``Z(m) = sum over {n_i >= 0, sum n_i = m} of prod_i z_i**n_i`` (eq. 19 without the
    normalisation), the coefficient of ``s**m`` in ``prod_i 1 / (1 - z_i s)``. Computed
    without overflow: with ``w_i = x z_i`` and ``x`` chosen so that the grand-canonical
    mean of the total is ``M / 2`` or more, ``Z(m) x**m prod_i (1 - w_i)`` is the
    probability of the total ``m`` in the grand-canonical law (at most 1), built site by
    site by the recursion ``c_new[m] = c[m] + w c_new[m - 1]`` (times ``1 - w``).

    Parameters
    ----------
    z : array
        Fugacities, > 0.
    M : int
        Largest total, >= 0.

    Returns
    -------
    ndarray (M + 1,)
        ``ln Z(m)``; ``-inf`` where the probability underflows (far from ``M``).

    Raises
    ------
    ValueError
        If ``z`` or ``M`` is outside its range.

    Examples
    --------
    >>> import numpy as np
    >>> np.exp(zrp_log_partition([1.0, 2.0], 2)).round(12).tolist()  # 1, 1+2, 1+2+4
    [1.0, 3.0, 7.0]
    """
    from scipy.signal import lfilter

    z = validate.array("z", z, lo=0.0, lo_open=True)
    M = validate.integer("M", M, 0)
    zmax = float(z.max())
    if M == 0:
        return np.zeros(1)
    # the tilt: grand-canonical mean total = M (a bisection on a monotone function)
    lo, hi = 0.0, 1.0 / zmax
    for _ in range(200):
        x = 0.5 * (lo + hi)
        w = x * z
        if np.sum(w / (1.0 - w)) < M:
            lo = x
        else:
            hi = x
    x = lo
    w = x * z
    c = np.zeros(M + 1)
    c[0] = 1.0
    for wi in w:
        c = (1.0 - wi) * lfilter([1.0], [1.0, -wi], c)
    with np.errstate(divide="ignore"):
        logc = np.log(c)
    return logc - np.arange(M + 1) * math.log(x) - np.sum(np.log1p(-w))


def zrp_amplitudes(n_A, n_B, n_C, p, q=None, gamma_B=1.0, gamma_C=1.0):
    """Amplitudes ``z_nu``, ``K_nu`` of eq. (23) and the currents of the three branches.

    Along a branch, eq. (21) makes ``p z_j - q z_{j+1}`` the same on every link: it is
    the current ``J_nu`` per unit of ``Z(M - 1) / Z(M)`` (a particle leaves site ``j``
    forwards at rate ``p`` when ``n_j > 0``, ``P(n_j > 0) = z_j Z(M - 1) / Z(M)``).
    Inserting eq. (23), ``z_j = z_nu [1 + K_nu (q/p)**(N_nu - j)]``, gives
    ``p z_j - q z_{j+1} = (p - q) z_nu``: the amplitude is the current divided by
    ``p - q``, so ``z_A / z_B = J_A / J_B`` exactly, at every size. With
    ``J_A = J_B + J_C`` (conservation at the branching points) and ``J_B = J_C`` (equal
    branches B and C) the ratio is exactly 2; the mid-branch value of ``z_j`` only
    tends to it (eq. 22).

    Parameters
    ----------
    n_A : int
        Interior sites of A, >= 0.
    n_B, n_C : int
        Sites of B and C, >= 1.
    p : float
        Forward weight in [0, 1].
    q : float, optional
        Backward weight in [0, 1] (default ``1 - p``), ``q != p``.
    gamma_B, gamma_C : float
        Branching weights, >= 0, not both zero.

    Returns
    -------
    dict
        "z": branch -> amplitude ``z_nu`` (normalised so that ``z_B = 1``),
        "K": branch -> ``K_nu`` (``j`` counted along the branch, the last site of
        the branch in the direction of the flow at ``j = N_nu``; A includes both
        branching points), "J": branch -> current ``p z_j - q z_{j+1}`` along the
        branch, "fugacities": the site fugacities (same normalisation).

    Raises
    ------
    ValueError
        If a parameter is outside its range or ``p == q`` (no bias: eq. 23 has a
        double root).

    Examples
    --------
    >>> a = zrp_amplitudes(3, 3, 3, 0.75)
    >>> round(a["z"]["A"] / a["z"]["B"], 12), round(a["J"]["A"] / a["J"]["B"], 12)
    (2.0, 2.0)
    """
    p = validate.real("p", p, 0.0, 1.0)
    q = 1.0 - p if q is None else validate.real("q", q, 0.0, 1.0)
    if abs(p - q) < 1e-12:
        raise ValueError("p and q must differ (the amplitudes of eq. 23 need a bias)")
    z = zrp_fugacities(n_A, n_B, n_C, p, q, gamma_B, gamma_C)
    J = {b: float(p * z[b][0] - q * z[b][1]) if len(z[b]) > 1 else math.nan for b in BRANCHES}
    for b, gam in (("B", gamma_B), ("C", gamma_C)):
        if len(z[b]) == 1:  # one-site branch: the current on the link from the split node
            J[b] = float(gam * p * z["A"][-1] - q * z[b][0])
    amp = {b: J[b] / (p - q) for b in BRANCHES}
    norm = amp["B"]
    amp = {b: float(amp[b] / norm) for b in BRANCHES}
    J = {b: float(J[b] / norm) for b in BRANCHES}
    fug = {b: z[b] / norm for b in BRANCHES}
    K = {b: float(fug[b][-1] / amp[b] - 1.0) for b in BRANCHES}
    return {"z": amp, "K": K, "J": J, "fugacities": fug}


def zrp_chemical_potentials(n_A, n_B, n_C, M, p, q=None, gamma_B=1.0, gamma_C=1.0):
    """Global (eq. 24) and local (eqs. 27-28) chemical potentials of the ZRP, exactly.

    The system is split into A (``n_A + 2`` sites, both branching points) and B + C.
    ``P(M_A = m) = Z_A(m) Z_BC(M - m) / Z(M)`` (eq. 19 summed over the configurations
    with ``M_A = m``) is computed exactly from :func:`zrp_log_partition`, with the
    fugacities normalised so that the amplitude of B is 1 (:func:`zrp_amplitudes`).
    The global chemical potentials ``lambda_X = d ln Z_X / d M_X`` are the
    differences ``ln Z_X(m + 1) - ln Z_X(m)``, placed at ``m + 1/2``; ``ln P(m + 1) -
    ln P(m) = lambda_A(m + 1/2) - lambda_BC(M - m - 1/2)``, so the most probable split
    is where the two cross. Both are interpolated linearly to that crossing. The
    local chemical potentials are ``ln((1 + rho_nu) / rho_nu)`` of the exact fixed-M
    mean density of the middle half of each branch (as measured by the simulations).

    Parameters
    ----------
    n_A : int
        Interior sites of A, >= 0.
    n_B, n_C : int
        Sites of B and C, >= 1.
    M : int
        Particles, >= 2.
    p : float
        Forward weight in [0, 1].
    q : float, optional
        Backward weight in [0, 1] (default ``1 - p``), ``q != p``.
    gamma_B, gamma_C : float
        Branching weights, >= 0, not both zero.

    Returns
    -------
    dict
        "P": ``P(M_A = m)``, ``m = 0..M``; "m_star": most probable ``M_A`` (int);
        "m_cross": the crossing (real); "lam_A", "lam_BC": global chemical potentials
        at the crossing; "lam_A_step", "lam_BC_step": their change per particle
        there (the resolution of a discrete split); "lam_local": branch -> local
        chemical potential; "density": branch -> bulk density; "ln_zA_zB":
        ``ln`` of the amplitude ratio; "x": the grand-canonical fugacity of the
        whole system (``-ln x`` is the grand-canonical global chemical potential).

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> r = zrp_chemical_potentials(10, 10, 10, 16, 0.75)
    >>> abs(r["lam_A"] - r["lam_BC"]) < 1e-12
    True
    """
    M = validate.integer("M", M, 2)
    amp = zrp_amplitudes(n_A, n_B, n_C, p, q, gamma_B, gamma_C)
    fug = amp["fugacities"]
    zA = fug["A"]
    zBC = np.concatenate([fug["B"], fug["C"]])
    lZA = zrp_log_partition(zA, M)
    lZBC = zrp_log_partition(zBC, M)
    m = np.arange(M + 1)
    logP = lZA + lZBC[M - m]
    logP -= logP.max()
    P = np.exp(logP)
    P /= P.sum()
    m_star = int(np.argmax(P))
    # lambda_A at m + 1/2 and lambda_BC at M - m - 1/2, for m = 0..M-1
    with np.errstate(invalid="ignore"):
        lamA = np.diff(lZA)
        lamBC_rev = np.diff(lZBC)[::-1]  # lambda_BC(M - m - 1/2) for m = 0..M-1
    d = lamA - lamBC_rev  # ln P(m+1) - ln P(m), decreasing in m
    ok = np.isfinite(d)
    k = int(np.nonzero(ok & (d <= 0))[0][0]) if np.any(ok & (d <= 0)) else M - 1
    if k == 0:
        k = 1
    # crossing between the half-integers k - 1/2 and k + 1/2
    t = d[k - 1] / (d[k - 1] - d[k]) if d[k - 1] != d[k] else 0.5
    m_cross = (k - 0.5) + t
    lam_A = lamA[k - 1] + t * (lamA[k] - lamA[k - 1])
    lam_BC = lamBC_rev[k - 1] + t * (lamBC_rev[k] - lamBC_rev[k - 1])
    sites = np.concatenate([fug[b] for b in BRANCHES])
    dens_all, x = zrp_densities(sites, M, canonical=True)
    off = {"A": 0, "B": len(fug["A"]), "C": len(fug["A"]) + len(fug["B"])}
    density, lam_local = {}, {}
    for b in BRANCHES:
        nb = len(fug[b])
        d_b = dens_all[off[b]: off[b] + nb]
        bulk = d_b[nb // 4: nb - nb // 4] if nb >= 4 else d_b
        density[b] = float(bulk.mean())
        lam_local[b] = float(_zrp_lambda(density[b]))
    return {"P": P, "m_star": m_star, "m_cross": float(m_cross), "lam_A": float(lam_A),
            "lam_BC": float(lam_BC), "lam_A_step": float(lamA[k] - lamA[k - 1]),
            "lam_BC_step": float(lamBC_rev[k] - lamBC_rev[k - 1]), "lam_local": lam_local,
            "density": density, "ln_zA_zB": float(math.log(amp["z"]["A"] / amp["z"]["B"])),
            "x": float(x)}


# --------------------------------------------------------------------------- zero range process (Sec. 3.4)


def simulate_zrp_three_branch(n_A, n_B, n_C, rho, p=0.75, q=None, gamma_B=1.0, gamma_C=1.0, t_max=None,
                              *, t_relax=None, n_blocks=20, seed=None, desc=_UNSET, progress=None):
    """Zero range process (``f = 1``) on the three-branch graph (Sec. 3.4).

    A non-empty site sends one particle along each link ``i -> j`` at rate ``v_ij``
    (weights of :func:`~noneq.mass_transport.three_branch_graph`; the paper:
    ``gamma_B = gamma_C = 1``, ``p > q``). Starts from ``round(rho N)`` particles placed
    at random, relaxes for ``t_relax`` (default ``10 N / |p - q|``) and measures for
    ``t_max`` (default ``40 N / |p - q|``, with ``|p - q|`` floored at 0.05); compares
    the site densities with the exact factorised law eqs. (19)-(20).

    Parameters
    ----------
    n_A : int
        Interior sites of A (the two branching points are extra sites), >= 1.
    n_B, n_C : int
        Sites of B and C, >= 1.
    rho : float
        Particles per site, > 0; ``M = round(rho N)`` must be at least 1.
    p : float
        Forward weight in [0, 1].
    q : float, optional
        Backward weight in [0, 1] (``1 - p`` by default).
    gamma_B, gamma_C : float
        Branching weights, >= 0, not both zero.
    t_max : float, optional
        Measurement time, > 0.
    t_relax : float, optional
        Relaxation time, >= 0.
    n_blocks : int
        Blocks for the batch-means error bars, >= 2.
    seed : None or int
        Seed (:mod:`noneq.rng`).
    desc : str or None, optional
        Progress-bar label (older switch; ``desc=None`` turns the bar off).
    progress : None or bool
        Progress bars of the relaxation and the measurement: None follows
        ``NONEQ_PROGRESS``, True/False force them.

    Returns
    -------
    ZRPResult

    Raises
    ------
    ValueError
        If a parameter is outside its range (an empty branch included), or if the
        run does not fit in memory.

    Examples
    --------
    >>> r = simulate_zrp_three_branch(6, 6, 6, 0.5, t_max=500.0, t_relax=50.0, n_blocks=4, seed=1,
    ...                               progress=False)
    >>> r.site_density.shape, round(float(r.site_density.sum()), 9)
    ((20,), 10.0)
    """
    n_A = validate.integer("n_A", n_A, 1)
    n_B = validate.integer("n_B", n_B, 1)
    n_C = validate.integer("n_C", n_C, 1)
    p = validate.real("p", p, 0.0, 1.0)
    q = 1.0 - p if q is None else validate.real("q", q, 0.0, 1.0)
    rho = validate.real("rho", rho, 0.0, lo_open=True)
    n_blocks = validate.integer("n_blocks", n_blocks, 2)
    n = n_A + n_B + n_C + 2
    M_est = rho * n
    _require_run(f"n_A + n_B + n_C + 2 = {n}" if n >= M_est else f"rho = {rho:g} ({M_est:.3g} particles)",
                 n, 2 * n + 4, n_blocks, 3, n, graphs=2,
                 extra=_ZRP_THEORY_BYTES_SITE * n + 32 * (M_est + 1),
                 what="the graph, the run and the exact fixed-M densities")
    g = three_branch_graph(n_A, n_B, n_C, p=p, q=q, gamma_B=gamma_B, gamma_C=gamma_C)
    drift = max(abs(p - q), 0.05)
    if t_max is None:
        t_max = 40.0 * g.n / drift
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    if t_relax is None:
        t_relax = 10.0 * g.n / drift
    t_relax = validate.real("t_relax", t_relax, 0.0)
    show, label = _resolve_progress(progress, desc, "zero range process")
    zf = zrp_fugacities(n_A, n_B, n_C, p, q, gamma_B, gamma_C)
    z = np.zeros(g.n)
    for b in BRANCHES:
        z[g.info[b]] = zf[b]
    Mtot = int(round(rho * g.n))
    if Mtot < 1:
        raise ValueError("rho * N must be at least 1 particle")
    theo, x = zrp_densities(z, Mtot, canonical=True)
    s = spawn_seeds(seed, 3)
    m0 = stationary_masses(np.ones(g.n), Mtot, seed=int(s[0]), zrp=True)
    events, seconds = 0, 0.0
    if t_relax > 0:
        rr = simulate(g, m0, t_relax, zrp=True, seed=int(s[1]), progress=show, desc=label + " (relax)")
        m0, events, seconds = rr.masses, rr.events, rr.seconds
    bulk = {b: _bulk(g.info[b]) for b in BRANCHES}
    run = simulate(g, m0, t_max, n_blocks=n_blocks, regions=[bulk[b] for b in BRANCHES], zrp=True,
                   track_sites=True, seed=int(s[2]), progress=show, desc=label)
    events += run.events
    seconds += run.seconds
    density, density_err, lam, lam_err = {}, {}, {}, {}
    dens_blocks = np.stack([run.region_mean[:, k] / len(bulk[b]) for k, b in enumerate(BRANCHES)], axis=1)
    for k, b in enumerate(BRANCHES):
        mu, er = block_mean(dens_blocks[:, k])
        density[b], density_err[b] = float(mu), float(er)
        lam[b] = float(_zrp_lambda(mu))
        lam_err[b] = float(er / (mu * (1 + mu)))  # |d lam / d rho| = 1 / (rho (1 + rho))
    sh = _zrp_lambda(dens_blocks[:, 1]) - _zrp_lambda(dens_blocks[:, 0])
    shift = lam["B"] - lam["A"]
    shift_err = block_mean(sh)[1]
    rA, rB = theo[bulk["A"]].mean(), theo[bulk["B"]].mean()
    shift_canonical = _zrp_lambda(rB) - _zrp_lambda(rA)
    zA = zf["A"][len(zf["A"]) // 2]
    zB = zf["B"][len(zf["B"]) // 2]
    flux = {}
    for b in BRANCHES:
        ks, kb = _path_links(g, bulk[b])
        flux[b] = float(sum(run.flow[f] - run.flow[r] for f, r in zip(ks, kb)) / len(ks))
    return ZRPResult(g, run.site_mean, theo, zf, float(x), density, density_err, lam, lam_err,
                     float(shift), float(shift_err), float(math.log(zA / zB)), float(shift_canonical),
                     flux, events, seconds)
