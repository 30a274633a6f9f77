"""The paper's simulations: ring (Sec. 2), ring and probe (Fig. 3), three branches (Figs. 5-7).

The zero range process (Sec. 3.4) is simulated in :mod:`~noneq.mass_transport.zrp`, next to its exact law.

Each entry point builds its graph (:mod:`~noneq.mass_transport.graphs`), draws the
initial state (:func:`~noneq.mass_transport.dynamics.stationary_masses`), runs the
kernel through :func:`~noneq.mass_transport.dynamics.simulate` and turns block
averages into estimates with standard errors (:mod:`noneq.stats`, batch means over
the blocks), next to the exact values of :mod:`~noneq.mass_transport.theory`.
"""

from __future__ import annotations

import numpy as np

from .. import memory, validate
from ..rng import spawn_seeds
from ..stats import block_mean
from .dynamics import _UNSET, _resolve_progress, simulate, simulate_bytes, stationary_masses
from .graphs import BRANCHES, _eta_array, attach_probe, graph_bytes, ring_graph, three_branch_graph
from .results import RingProbeResult, RingResult, ThreeBranchResult
from .theory import (
    _lambda_eq8,
    _local_lambda,
    three_branch_theory,
)

__all__ = ["simulate_ring", "simulate_ring_probe", "simulate_three_branch"]


def _path_links(graph, path, backward=True):
    """Link indices ``path[i] -> path[i+1]`` (and ``path[i+1] -> path[i]`` if ``backward``) along a path."""
    fwd = [graph.link(int(path[i]), int(path[i + 1])) for i in range(len(path) - 1)]
    bwd = [graph.link(int(path[i + 1]), int(path[i])) for i in range(len(path) - 1)] if backward else []
    return fwd, bwd


def _require_run(parameter, n, n_links, n_blocks=1, n_regions=0, n_members=0, n_snap=0, graphs=1, extra=0,
                 what="the graph, the site records and the block averages"):
    """Refuse, before building anything, a simulation whose graph(s) and run do not fit in memory."""
    need = graphs * graph_bytes(n, n_links) + simulate_bytes(n, n_links, n_blocks, n_regions, n_members, n_snap)
    memory.require(need + extra, parameter, what)


def _bulk(sites):
    """The middle half of a branch (a quarter of its sites cut at each end)."""
    return sites[len(sites) // 4: len(sites) - len(sites) // 4]


def _variance_per_site(region_mean, region_sq, L):
    """Eq. (14), ``Var(M) / L`` over the whole measurement, and its error from the spread of the blocks.

    ``region_mean``, ``region_sq`` are the block averages of a region's mass and of
    its square; the value uses the overall mean, each block's estimate uses the
    block's second moment around the overall mean.
    """
    m1 = region_mean.mean()
    m2 = region_sq.mean()
    blocks = (region_sq - m1 ** 2) / L
    return float((m2 - m1 ** 2) / L), float(block_mean(blocks)[1])


# --------------------------------------------------------------------------- ring (Sec. 2)


def simulate_ring(N, rho=1.0, eta=2.0, p=1.0, t_max=100.0, n_blocks=10, seed=None, *, progress=None):
    """Homogeneous or disordered ring started in its exact stationary state (Sec. 2).

    The initial configuration is drawn from eq. (3) (``M`` times a Dirichlet vector),
    so no relaxation is needed; the run measures the link fluxes (eq. 11) and
    records the whole configuration at the end of each block (for the single-site
    law eq. 9).

    Parameters
    ----------
    N : int
        Number of sites, >= 2.
    rho : float
        Density ``M / N``, > 0.
    eta : float or array (N,)
        Exponents of ``f_i(m) = m**(eta_i - 1)``, > 0.
    p : float
        Forward weight in [0, 1], ``q = 1 - p``.
    t_max : float
        Simulated time, > 0.
    n_blocks : int
        Number of blocks (snapshots of all ``N`` sites are taken at the end of each,
        so ``N n_blocks`` numbers are kept), >= 1.
    seed : None or int
        Seed (:mod:`noneq.rng`).
    progress : None or bool
        Progress bar: None follows ``NONEQ_PROGRESS``, True/False force it.

    Returns
    -------
    RingResult
        ``graph``, ``run``, ``M``, ``lam`` (eq. 8), ``flux`` (mass per unit time
        through each forward link, net of the backward one), ``snapshots``; also
        readable as ``r["flux"]``.

    Raises
    ------
    ValueError
        If a parameter is outside its range, or if the run does not fit in memory.

    Examples
    --------
    >>> r = simulate_ring(50, rho=1.0, eta=2.0, t_max=20.0, seed=1, progress=False)
    >>> r["snapshots"].shape, round(float(r.lam), 12)
    ((10, 50), 2.0)
    """
    N = validate.integer("N", N, 2)
    rho = validate.real("rho", rho, 0.0, lo_open=True)
    p = validate.real("p", p, 0.0, 1.0)
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    n_blocks = validate.integer("n_blocks", n_blocks, 1)
    _require_run(f"N = {N} with n_blocks = {n_blocks}", N, 2 * N, n_blocks, n_snap=N)
    g = ring_graph(N, p=p, eta=eta)
    s_init, s_run = spawn_seeds(seed, 2)
    m0 = stationary_masses(g.eta, rho * N, seed=int(s_init))
    run = simulate(g, m0, t_max, n_blocks=n_blocks, snap_sites=np.arange(N), seed=int(s_run),
                   progress=progress, desc="ring")
    ring = np.append(np.arange(N), 0)
    fwd, bwd = _path_links(g, ring, backward=p < 1.0)
    flux = run.flow[fwd].copy()
    if p < 1.0:
        flux -= run.flow[bwd]
    return RingResult(graph=g, run=run, M=rho * N, lam=_lambda_eq8(g.eta.sum(), rho * N), flux=flux,
                      snapshots=run.snapshots)


def simulate_ring_probe(N, eta, probe_site, N_pr, rho=2.0, rho_pr=0.2, p=1.0, t_max=1000.0,
                        n_blocks=200, seed=None, desc=_UNSET, *, progress=None):
    """Probe measurement of the chemical potential of a disordered ring (Figs. 2, 3).

    The ring (``f_i = m**(eta_i - 1)``, weights ``p``, ``1 - p``) and the probe (a
    ring of ``N_pr`` sites with ``f = 1``, same ``p``) are each drawn from their own
    exact stationary state at densities ``rho`` and ``rho_pr`` and put in contact
    at ``t = 0`` through the links of :func:`~noneq.mass_transport.attach_probe`
    (eq. 13 holds at every site). The chemical potentials are eq. (8) applied to the
    probe (``N_pr / M_pr``) and to the ring (``sum eta / M_main``).

    Parameters
    ----------
    N : int
        Ring size, >= 2.
    eta : float or array (N,)
        Exponents of the ring, > 0.
    probe_site : int
        Contact site, 1-based as in the paper (``i = N/4``), in [1, N].
    N_pr : int
        Probe size, >= 2.
    rho, rho_pr : float
        Initial densities of ring (> 0) and probe (>= 0).
    p : float
        Forward weight in [0, 1].
    t_max : float
        Simulated time after contact, > 0.
    n_blocks : int
        Number of blocks (time resolution), >= 1.
    seed : None or int
        Seed (:mod:`noneq.rng`).
    desc : str or None, optional
        Label of the progress bar (older switch; ``desc=None`` turns it off).
    progress : None or bool
        Progress bar: None follows ``NONEQ_PROGRESS``, True/False force it.

    Returns
    -------
    RingProbeResult

    Raises
    ------
    ValueError
        If a parameter is outside its range, or if the run does not fit in memory.

    Examples
    --------
    >>> from noneq.mass_transport import sinusoidal_eta
    >>> r = simulate_ring_probe(64, sinusoidal_eta(64), 16, 8, t_max=50.0, n_blocks=5, seed=1, progress=False)
    >>> r.lam_probe.shape
    (5,)
    """
    N = validate.integer("N", N, 2)
    probe_site = validate.integer("probe_site", probe_site, 1, N)
    N_pr = validate.integer("N_pr", N_pr, 2)
    n_blocks = validate.integer("n_blocks", n_blocks, 1)
    n = N + N_pr
    _require_run(f"N + N_pr = {n}" if n > 8 * n_blocks else f"n_blocks = {n_blocks}", n, 2 * n + 2,
                 n_blocks, 2, n, 2, graphs=2)
    eta = _eta_array(eta, N)
    rho = validate.real("rho", rho, 0.0, lo_open=True)
    rho_pr = validate.real("rho_pr", rho_pr, 0.0)
    p = validate.real("p", p, 0.0, 1.0)
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    show, label = _resolve_progress(progress, desc, "ring and probe")
    ring = ring_graph(N, p=p, eta=eta)
    g = attach_probe(ring, probe_site - 1, N_pr, p=p)
    s1, s2, s3 = spawn_seeds(seed, 3)
    m0 = np.concatenate([stationary_masses(eta, rho * N, seed=int(s1)),
                         stationary_masses(np.ones(N_pr), rho_pr * N_pr, seed=int(s2))])
    main = np.arange(N)
    probe = np.arange(N, N + N_pr)
    contact = np.array([probe_site - 1, N])
    run = simulate(g, m0, t_max, n_blocks=n_blocks, regions=[main, probe], snap_sites=contact,
                   seed=int(s3), progress=show, desc=label)
    M = rho * N + rho_pr * N_pr
    H_main = eta.sum()
    with np.errstate(divide="ignore"):
        lam_probe = _lambda_eq8(N_pr, run.region_mean[:, 1])
        lam_main = _lambda_eq8(H_main, run.region_mean[:, 0])
    return RingProbeResult(run.times, lam_probe, lam_main, _lambda_eq8(H_main + N_pr, M),
                           _lambda_eq8(H_main, rho * N), run.snapshots, g.eta[contact], M, run)


# --------------------------------------------------------------------------- three branches (Secs. 3.1-3.3)


def simulate_three_branch(N_b, rho, gamma_B=0.5, gamma_C=0.5, p=1.0, t_max=None, *, eta=1.0,
                          t_relax=None, n_blocks=20, n_relax_blocks=10, init="uniform", probe=None,
                          N_pr=None, rho_pr=0.2, sub_sizes=None, snap_sites=None, seed=None, desc=_UNSET,
                          progress=None):
    """Three-branch mass transport model (Secs. 3.1-3.3, Figs. 5-7).

    Each branch has ``N_b`` sites; the two branching points belong to A (A has
    ``N_b - 2`` interior sites), so ``N = 3 N_b``. Rates: ``v = 1``,
    ``f = m**(eta - 1)`` (the paper: ``phi = 1``, ``eta = 1``).

    The system is first relaxed for ``t_relax`` (default ``10 N_b / rho``: about
    twenty crossings of a branch by a density wave, whose speed is ``dPhi/drho = 2 rho``
    for ``eta = 1``), then measured for ``t_max`` (default ``20 N_b / rho``). With
    ``probe`` set to "A", "B" or "C", a probe ring (``N_pr`` sites, ``f = 1``,
    density ``rho_pr`` in its own stationary state) is attached to the middle site of
    that branch at the end of the relaxation (Fig. 5), as in
    :func:`~noneq.mass_transport.attach_probe`. Estimates: bulk densities and local
    chemical potentials ``eta / rho_nu`` (eq. 34), ``g_nu`` (eq. 14), bulk fluxes
    (eq. 11), with batch-means errors over the measurement blocks.

    Parameters
    ----------
    N_b : int
        Sites per branch, >= 8.
    rho : float
        Global density ``M / (3 N_b)``, > 0.
    gamma_B, gamma_C : float
        Branching weights, >= 0, not both zero.
    p : float
        Forward weight in [0, 1], ``q = 1 - p``.
    t_max : float, optional
        Measurement time, > 0.
    eta : float
        ``f(m) = m**(eta - 1)``, eta > 0.
    t_relax : float, optional
        Relaxation time, >= 0.
    n_blocks : int
        Blocks of the measurement (error bars, time series), >= 2.
    n_relax_blocks : int
        Blocks of the relaxation (time series), >= 1.
    init : {"uniform", "balanced"}
        Initial state: the factorised law at density ``rho`` everywhere, or at the
        flux-balance densities of :func:`~noneq.mass_transport.three_branch_theory`
        in each branch.
    probe : {None, "A", "B", "C"}
        Branch the probe is attached to (none by default).
    N_pr : int, optional
        Probe size, >= 2 (default ``max(16, N_b // 40)``).
    rho_pr : float
        Initial probe density, >= 0.
    sub_sizes : sequence of int, optional
        Lengths of centred sub-segments of each branch for ``g_sub``, in [1, N_b - 2]
        (default ``N_b // 8, N_b // 4, N_b // 2``).
    snap_sites : index array, optional
        Sites of the main system whose masses are recorded at the end of each
        measurement block, in ``[0, 3 N_b - 1]`` (graph order of
        :func:`~noneq.mass_transport.three_branch_graph`: A from the merging point
        at 0 to the splitting point at ``N_b - 1``, then B from ``N_b`` and C from
        ``2 N_b``, each in the direction of ``p``).
    seed : None or int
        Seed (:mod:`noneq.rng`).
    desc : str or None, optional
        Progress-bar label (older switch; ``desc=None`` turns the bars off).
    progress : None or bool
        Progress bars: None follows ``NONEQ_PROGRESS``, True/False force them.

    Returns
    -------
    ThreeBranchResult

    Raises
    ------
    ValueError
        If a parameter is outside its range, or if the run does not fit in memory
        (checked before anything is allocated; the message names ``N_b``).

    Examples
    --------
    >>> r = simulate_three_branch(16, 0.5, t_max=200.0, t_relax=50.0, n_blocks=4, seed=1, progress=False)
    >>> sorted(r.lam), r.n_blocks
    (['A', 'B', 'C'], 4)
    """
    N_b = validate.integer("N_b", N_b, 8)
    rho = validate.real("rho", rho, 0.0, lo_open=True)
    gamma_B = validate.real("gamma_B", gamma_B, 0.0)
    gamma_C = validate.real("gamma_C", gamma_C, 0.0)
    if gamma_B + gamma_C <= 0:
        raise ValueError("gamma_B + gamma_C must be positive")
    p = validate.real("p", p, 0.0, 1.0)
    eta = validate.real("eta", eta, 0.0, lo_open=True)
    if t_max is None:
        t_max = 20.0 * N_b / rho
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    if t_relax is None:
        t_relax = 10.0 * N_b / rho
    t_relax = validate.real("t_relax", t_relax, 0.0)
    n_blocks = validate.integer("n_blocks", n_blocks, 2)
    n_relax_blocks = validate.integer("n_relax_blocks", n_relax_blocks, 1)
    init = validate.choice("init", init, ("uniform", "balanced"))
    if probe is not None:
        probe = validate.choice("probe", probe, BRANCHES)
        N_pr = max(16, N_b // 40) if N_pr is None else validate.integer("N_pr", N_pr, 2)
    rho_pr = validate.real("rho_pr", rho_pr, 0.0)
    if sub_sizes is None:
        sub_sizes = [N_b // 8, N_b // 4, N_b // 2]
    sub_sizes = np.array([validate.integer("sub_sizes", s, 1, N_b - 2) for s in sub_sizes], dtype=np.int64)
    if snap_sites is not None:
        snap_sites = validate.array("snap_sites", snap_sites, dtype=np.int64, lo=0, hi=3 * N_b - 1)
    n_snap = 0 if snap_sites is None else snap_sites.size
    show, label = _resolve_progress(progress, desc, "three branches")
    n = 3 * N_b + (0 if probe is None else N_pr)
    n_regions = 6 + 3 * sub_sizes.size + 1
    blocks = max(n_blocks, n_relax_blocks)
    _require_run(f"N_b = {N_b}" if n > 8 * blocks else f"n_blocks = {n_blocks}, n_relax_blocks = {n_relax_blocks}",
                 n, 2 * n + 6, blocks, n_regions, n + 3 * int(sub_sizes.sum()) + n // 2,
                 n_snap=n_snap, graphs=1 if probe is None else 2)

    g = three_branch_graph(N_b - 2, N_b, N_b, p=p, gamma_B=gamma_B, gamma_C=gamma_C, eta=eta)
    sites = {b: g.info[b] for b in BRANCHES}
    bulk = {b: _bulk(s) for b, s in sites.items()}
    regions, names = [], []
    for b in BRANCHES:
        regions.append(bulk[b])
        names.append(("bulk", b))
    for b in BRANCHES:
        regions.append(sites[b])
        names.append(("all", b))
    for b in BRANCHES:
        s = sites[b]
        for L in sub_sizes:
            a = (len(s) - L) // 2
            regions.append(s[a:a + L])
            names.append(("sub", b, int(L)))
    ridx = {k: r for r, k in enumerate(names)}

    seeds = spawn_seeds(seed, 5)
    theory = three_branch_theory(rho, gamma_B, gamma_C, eta)
    M = rho * 3 * N_b
    if init == "uniform":
        m0 = stationary_masses(g.eta, M, seed=int(seeds[0]))
    else:
        m0 = np.zeros(g.n)
        tot = sum(theory["density"][b] * N_b for b in BRANCHES)
        for k, b in enumerate(BRANCHES):
            m0[sites[b]] = stationary_masses(g.eta[sites[b]], theory["density"][b] * N_b * M / tot,
                                             seed=int(spawn_seeds(int(seeds[0]), 3)[k]))
    events, seconds = 0, 0.0
    series_t, series_d = [], []
    if t_relax > 0:
        rr = simulate(g, m0, t_relax, n_blocks=n_relax_blocks, regions=[bulk[b] for b in BRANCHES],
                      seed=int(seeds[1]), progress=show, desc=label + " (relax)")
        m0 = rr.masses
        events += rr.events
        seconds += rr.seconds
        series_t.append(rr.times - t_relax)
        series_d.append(rr.region_mean / np.array([len(bulk[b]) for b in BRANCHES]))
    gm = g
    if probe is not None:
        site = int(sites[probe][len(sites[probe]) // 2])
        gm = attach_probe(g, site, N_pr, p=p, eta_pr=1.0)
        m0 = np.concatenate([m0, stationary_masses(np.ones(N_pr), rho_pr * N_pr, seed=int(seeds[2]))])
        regions = regions + [np.arange(g.n, g.n + N_pr)]
    run = simulate(gm, m0, t_max, n_blocks=n_blocks, regions=regions, seed=int(seeds[3]),
                   track_sites=True, snap_sites=snap_sites, progress=show, desc=label)
    events += run.events
    seconds += run.seconds
    nb = {b: len(bulk[b]) for b in BRANCHES}
    dens_blocks = np.stack([run.region_mean[:, ridx[("bulk", b)]] / nb[b] for b in BRANCHES], axis=1)
    series_t.append(run.times)
    series_d.append(dens_blocks)
    density, density_err, lam, lam_err = {}, {}, {}, {}
    for k, b in enumerate(BRANCHES):
        mu, er = block_mean(dens_blocks[:, k])
        density[b], density_err[b] = float(mu), float(er)
        lam[b] = float(_local_lambda(mu, eta))
        lam_err[b] = float(block_mean(_local_lambda(dens_blocks[:, k], eta))[1])

    gd, ge, gs = {}, {}, {}
    for b in BRANCHES:
        r = ridx[("all", b)]
        gd[b], ge[b] = _variance_per_site(run.region_mean[:, r], run.region_sq[:, r], len(sites[b]))
        gs[b] = np.array([_variance_per_site(run.region_mean[:, ridx[("sub", b, int(L))]],
                                             run.region_sq[:, ridx[("sub", b, int(L))]], int(L))
                          for L in sub_sizes])
    flux = {}
    for b in BRANCHES:
        ks, kb = _path_links(gm, bulk[b], backward=p < 1)
        f = run.flow[ks].sum()
        if p < 1:
            f -= run.flow[kb].sum()
        flux[b] = float(f / len(ks))
    series = {"times": np.concatenate(series_t), "density": np.concatenate(series_d)}
    profile = {b: run.site_mean[sites[b]] for b in BRANCHES}
    lam_pr = lam_pr_err = float("nan")
    if probe is not None:
        mp = run.region_mean[:, -1]
        series["lam_probe"] = _lambda_eq8(N_pr, mp)
        mu, er = block_mean(mp[n_blocks // 2:])
        lam_pr = float(_lambda_eq8(N_pr, mu))
        lam_pr_err = float(N_pr * er / mu ** 2)
    params = dict(gamma_B=gamma_B, gamma_C=gamma_C, p=p, eta=eta, t_max=t_max, t_relax=t_relax,
                  init=init, probe=probe, N_pr=N_pr, rho_pr=rho_pr, n_blocks=n_blocks)
    return ThreeBranchResult(N_b, rho, params, density, density_err, lam, lam_err, gd, ge, sub_sizes, gs,
                             flux, series, profile, lam_pr, lam_pr_err, theory, events, seconds,
                             snap_sites=snap_sites, snapshots=run.snapshots)
