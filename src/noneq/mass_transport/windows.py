"""Variance function of eq. (14) on windows at the start, middle and end of each branch.

:func:`three_branch_windows` measures ``g = Var(M_w) / ell`` for windows of
``ell`` sites placed at the start, in the middle and at the end of each branch of the
three-branch model (Secs. 3.1-3.3), for the whole branches and, with the
time-averaged site masses, the density profile along each branch.
:func:`ring_windows` does the same on a homogeneous ring, the factorised control
whose stationary law is known exactly (eq. 3). Both are compared with
:func:`~noneq.mass_transport.theory.g_conservation_baseline`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import validate
from ..rng import spawn_seeds
from .dynamics import simulate, stationary_masses
from .graphs import BRANCHES, ring_graph, three_branch_graph

__all__ = ["WindowResult", "POSITIONS", "three_branch_windows", "ring_windows"]

#: Where a window sits in its branch, in the order of the result arrays.
POSITIONS = ("start", "middle", "end")


@dataclass
class WindowResult:
    """Variance function on windows of each part of a system.

    Attributes
    ----------
    ells : ndarray of int (n_sizes,)
        Window sizes (a window longer than its part is cut to the part).
    g : dict
        Part -> ndarray (n_sizes, 3): ``Var(M_w) / ell`` (eq. 14) for the windows at
        the start, middle and end (:data:`POSITIONS`) of the part.
    window_density : dict
        Part -> ndarray (n_sizes, 3): time-averaged density of each window.
    g_whole : dict
        Part -> float: eq. (14) for the whole part.
    density : dict
        Part -> float: time-averaged density of the whole part.
    sizes : dict
        Part -> int: number of sites of the part.
    profile : dict
        Part -> ndarray: time-averaged mass of each site, in the order of the flow.
    events : int
        Events simulated (relaxation and measurement).
    seconds : float
        Wall-clock time.
    """

    ells: np.ndarray
    g: dict
    window_density: dict
    g_whole: dict
    density: dict
    sizes: dict
    profile: dict
    events: int
    seconds: float


def _windows(sites, ells):
    """Index arrays of the windows of ``ell`` sites at the start, middle and end of ``sites``."""
    n = len(sites)
    out = []
    for ell in ells:
        a = (n - ell) // 2
        out += [sites[:ell], sites[a:a + ell], sites[n - ell:]]
    return out


def _measure(graph, parts, m0, ells, t_relax, t_max, n_blocks, seeds):
    """Relax, then measure the windows and the whole parts; returns a :class:`WindowResult`."""
    regions, keys = [], []
    for name, sites in parts.items():
        for k, w in enumerate(_windows(sites, ells)):
            regions.append(w)
            keys.append((name, k))
        regions.append(sites)
        keys.append((name, "all"))
    events, seconds = 0, 0.0
    if t_relax > 0:
        rr = simulate(graph, m0, t_relax, n_blocks=1, seed=int(seeds[0]), progress=False)
        m0, events, seconds = rr.masses, rr.events, rr.seconds
    run = simulate(graph, m0, t_max, n_blocks=n_blocks, regions=regions, track_sites=True,
                   seed=int(seeds[1]), progress=False)
    m1 = run.region_mean.mean(axis=0)
    var = run.region_sq.mean(axis=0) - m1 ** 2
    idx = {k: r for r, k in enumerate(keys)}
    ns = len(ells)
    g, wd, gw, dens, size, prof = {}, {}, {}, {}, {}, {}
    for name, sites in parts.items():
        L = np.array([len(regions[idx[(name, k)]]) for k in range(3 * ns)],
                     dtype=np.float64).reshape(ns, 3)
        v = np.array([var[idx[(name, k)]] for k in range(3 * ns)]).reshape(ns, 3)
        mm = np.array([m1[idx[(name, k)]] for k in range(3 * ns)]).reshape(ns, 3)
        g[name] = v / L
        wd[name] = mm / L
        r = idx[(name, "all")]
        gw[name] = float(var[r] / len(sites))
        dens[name] = float(m1[r] / len(sites))
        size[name] = len(sites)
        prof[name] = run.site_mean[sites]
    return WindowResult(np.asarray(ells, dtype=np.int64), g, wd, gw, dens, size, prof,
                        int(events + run.events), float(seconds + run.seconds))


def _ells(fractions, n):
    out = []
    for f in fractions:
        f = validate.real("fractions", f, 0.0, 1.0, lo_open=True)
        out.append(max(1, int(round(f * n))))
    return np.array(out, dtype=np.int64)


def three_branch_windows(N_b, rho, fractions=(0.125, 0.25, 0.5), gamma_B=0.5, gamma_C=0.5,
                         p=1.0, *, t_max=None, t_relax=None, n_blocks=20, seed=None):
    """Eq. (14) on windows at the start, middle and end of each branch (Fig. 6).

    Same model as :func:`~noneq.mass_transport.simulate_three_branch` (``v = 1``,
    ``phi = 1``; the branching points belong to A, ``N = 3 N_b``), started from the
    uniform factorised state, relaxed for ``t_relax`` and measured for ``t_max``.
    A branch runs in the direction of the flow: A from the merging to the
    splitting point, B and C from the splitting to the merging point.

    Parameters
    ----------
    N_b : int
        Sites per branch, >= 8.
    rho : float
        Global density, > 0.
    fractions : sequence of float
        Window sizes as fractions of ``N_b``, in (0, 1] (rounded, at least one site).
    gamma_B, gamma_C : float
        Branching weights, >= 0, not both zero.
    p : float
        Forward weight in [0, 1], ``q = 1 - p``.
    t_max : float, optional
        Measurement time, > 0 (default ``20 N_b / rho``).
    t_relax : float, optional
        Relaxation time, >= 0 (default ``10 N_b / rho``).
    n_blocks : int
        Blocks of the measurement, >= 1.
    seed : None or int
        Seed (:mod:`noneq.rng`).

    Returns
    -------
    WindowResult
        Parts "A", "B", "C".

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> r = three_branch_windows(16, 0.5, t_max=100.0, t_relax=20.0, seed=1)
    >>> r.g["A"].shape, r.sizes["A"]
    ((3, 3), 16)
    """
    N_b = validate.integer("N_b", N_b, 8)
    rho = validate.real("rho", rho, 0.0, lo_open=True)
    ells = _ells(fractions, N_b)
    t_max = 20.0 * N_b / rho if t_max is None else t_max
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    t_relax = 10.0 * N_b / rho if t_relax is None else t_relax
    t_relax = validate.real("t_relax", t_relax, 0.0)
    n_blocks = validate.integer("n_blocks", n_blocks, 1)
    g = three_branch_graph(N_b - 2, N_b, N_b, p=p, gamma_B=gamma_B, gamma_C=gamma_C)
    parts = {b: np.asarray(g.info[b]) for b in BRANCHES}
    s = spawn_seeds(seed, 3)
    m0 = stationary_masses(g.eta, rho * 3 * N_b, seed=int(s[0]))
    return _measure(g, parts, m0, ells, t_relax, t_max, n_blocks, s[1:])


def ring_windows(N, rho, fractions=(0.125, 0.25, 0.5), part=None, p=1.0, *, t_max=None,
                 n_blocks=20, seed=None):
    """Eq. (14) on windows of a homogeneous ring: the factorised control of Fig. 6.

    The ring (``f = 1``, weights ``p``, ``1 - p``) starts in its exact stationary
    state (``M`` times a Dirichlet(1, ..., 1) vector, eq. 3), so no relaxation is
    needed. The first ``part`` sites are treated like a branch: windows at its start,
    middle and end, and the whole part.

    Parameters
    ----------
    N : int
        Ring size, >= 8.
    rho : float
        Density, > 0.
    fractions : sequence of float
        Window sizes as fractions of ``part``, in (0, 1].
    part : int, optional
        Sites of the pseudo-branch, in [1, N] (default ``N // 3``).
    p : float
        Forward weight in [0, 1].
    t_max : float, optional
        Measurement time, > 0 (default ``20 part / rho``, as for a branch).
    n_blocks : int
        Blocks of the measurement, >= 1.
    seed : None or int
        Seed (:mod:`noneq.rng`).

    Returns
    -------
    WindowResult
        Parts "ring" (the first ``part`` sites) and, if ``part < N``, "rest" (the
        other sites, measured alike), so that ``sizes`` and ``density`` cover the
        whole ring.

    Raises
    ------
    ValueError
        If a parameter is outside its range.
    """
    N = validate.integer("N", N, 8)
    rho = validate.real("rho", rho, 0.0, lo_open=True)
    part = N // 3 if part is None else validate.integer("part", part, 1, N)
    ells = _ells(fractions, part)
    t_max = 20.0 * part / rho if t_max is None else t_max
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    n_blocks = validate.integer("n_blocks", n_blocks, 1)
    g = ring_graph(N, p=p)
    s = spawn_seeds(seed, 3)
    m0 = stationary_masses(g.eta, rho * N, seed=int(s[0]))
    parts = {"ring": np.arange(part)}
    if part < N:
        parts["rest"] = np.arange(part, N)
    return _measure(g, parts, m0, ells, 0.0, t_max, n_blocks, s[1:])
