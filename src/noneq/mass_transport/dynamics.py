"""Python drivers of the event-driven kernel: :func:`simulate` and :func:`stationary_masses`.

:func:`simulate` lays out the per-site records the kernel of
:mod:`noneq.mass_transport._gillespie` reads, cuts the run into blocks (one child
seed each) and turns the kernel's time integrals into block averages
(:class:`~noneq.mass_transport.results.Run`). :func:`stationary_masses` draws the
exact factorised stationary state (eq. 3), so that runs need no relaxation when
eq. (13) holds.
"""

from __future__ import annotations

import time

import numpy as np

from .. import validate
from ..progress import progress as _progress_bar
from ..rng import resolve_seed, spawn_seeds
from ._gillespie import _run, _tree_layout
from .graphs import Graph
from .results import Run

__all__ = ["simulate", "stationary_masses"]


#: Default of the older ``desc`` keyword: "not given" (``desc=None`` given explicitly meant "no bar").
_UNSET = object()


def _resolve_progress(progress, desc, label):
    """Combine the ``progress`` switch with the older ``desc`` keyword into ``(progress, label)``.

    ``progress`` None follows ``NONEQ_PROGRESS``, True/False force the bar. The older
    spelling stays accepted: ``desc="text"`` names the bar, ``desc=None`` given
    explicitly (its old "no bar") turns it off unless ``progress=True``.
    """
    if progress is not None and not isinstance(progress, (bool, np.bool_)):
        raise ValueError(f"progress must be None, True or False, got {progress!r}")
    if desc is _UNSET:
        return progress, label
    if desc is None:
        return (True if progress else False), label
    return progress, str(desc)


def _progress_iter(it, progress, label, total):
    """Wrap ``it`` in a text progress bar (``progress`` from :func:`_resolve_progress`)."""
    if progress is False:
        return it
    kw = {} if progress is None else {"disable": not progress}
    return _progress_bar(it, desc=label, total=total, **kw)


def _arena(sizes):
    """One zeroed float64 buffer cut into 64-byte aligned views of the given sizes."""
    pads = [-(-int(k) // 8) * 8 for k in sizes]
    buf = np.zeros(sum(pads) + 8)
    off0 = (-(buf.ctypes.data // 8)) % 8  # first 64-byte boundary
    views, o = [], off0
    for k, pk in zip(sizes, pads):
        views.append(buf[o:o + int(k)])
        o += pk
    return buf, views


def _regions_csr(n, regions):
    if regions is None:
        regions = []
    members = [[] for _ in range(n)]
    for r, sites in enumerate(regions):
        sites = np.asarray(sites, dtype=np.int64).ravel()
        if sites.size and (sites.min() < 0 or sites.max() >= n):
            raise ValueError(f"regions[{r}] contains sites outside [0, {n - 1}]")
        for s in np.unique(sites):
            members[s].append(r)
    ptr = np.zeros(n + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(x) for x in members])
    idx = np.array([r for x in members for r in x], dtype=np.int64)
    return ptr, idx, len(regions)


def simulate(graph, masses, t_max, *, n_blocks=1, regions=None, zrp=False, track_sites=False,
             snap_sites=None, seed=None, desc=_UNSET, max_events=None, progress=None):
    """Run the exact event-driven dynamics on ``graph`` for a time ``t_max``.

    Parameters
    ----------
    graph : Graph
        Geometry, link weights and ``eta_i``.
    masses : array (graph.n,)
        Initial masses (non-negative; integers for the zero range process). Not modified.
    t_max : float
        Simulated time (> 0), split into ``n_blocks`` equal blocks.
    n_blocks : int
        Number of blocks (time series resolution and batch-means error bars).
    regions : list of index arrays, optional
        Sets of sites whose total mass (and its square) is time-averaged per block.
    zrp : bool
        Zero range process (``v(mu) = delta(mu - 1)``, ``f = 1``: a non-empty site
        fires at rate ``W_i``) instead of continuous masses.
    track_sites : bool
        Also time-average the mass of every site.
    snap_sites : index array, optional
        Sites whose masses are recorded at the end of each block.
    seed : None or int
        Seed (:mod:`noneq.rng`); block ``b`` uses the ``b``-th child seed.
    desc : str or None, optional
        Label of the progress bar (older switch: ``desc=None`` turns the bar off).
    max_events : int, optional
        Safety cap on the number of events per block, >= 1.
    progress : None or bool
        Progress bar over the blocks: None follows ``NONEQ_PROGRESS``, True/False force it.

    Returns
    -------
    Run
        Block averages, flows, snapshots and the final configuration.

    Raises
    ------
    ValueError
        If a parameter is outside its range (``masses`` negative or of the wrong
        shape, non-integer masses with ``zrp``, sites outside the graph, ...).
    RuntimeError
        If ``max_events`` is reached within a block.

    Examples
    --------
    >>> from noneq.mass_transport import ring_graph, stationary_masses, simulate
    >>> g = ring_graph(16, p=1.0, eta=2.0)
    >>> m0 = stationary_masses(g.eta, 16.0, seed=1)
    >>> run = simulate(g, m0, 5.0, n_blocks=5, regions=[range(8)], seed=2)
    >>> run.region_mean.shape, round(float(run.masses.sum()), 9)
    ((5, 1), 16.0)
    """
    if not isinstance(graph, Graph):
        raise ValueError("graph must be a Graph")
    n = graph.n
    m = validate.array("masses", masses, shape=(n,), lo=0.0).copy()
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    n_blocks = validate.integer("n_blocks", n_blocks, 1)
    zrp = bool(zrp)
    if zrp and np.any(m != np.round(m)):
        raise ValueError("masses must be integers for the zero range process")
    if max_events is None:
        max_events = np.iinfo(np.int64).max
    max_events = validate.integer("max_events", max_events, 1)
    seeds = spawn_seeds(seed, n_blocks)
    offs, total = _tree_layout(n)
    # Everything the kernel reads or writes for a site lives in one 64-byte record (one cache
    # line): mass, rate coefficient, 1/eta, single destination, outgoing mass, out-weight. The
    # kernel sees strided views of these records. Records and tree share one arena: above a few
    # MB numpy asks for transparent huge pages, which removes most TLB misses on large graphs.
    arena, views = _arena([total, 8 * n])
    tree, recf = views
    rec = recf.reshape(n, 8)
    m_work, c, eta_inv, fsite, W = rec[:, 0], rec[:, 1], rec[:, 2], rec[:, 4], rec[:, 5]
    W[:] = graph.out_weight
    eta_inv[:] = 1.0 / graph.eta
    c[:] = W * eta_inv
    m_work[:] = m
    m = m_work
    flow = np.zeros(graph.out_idx.shape[0])
    deg = np.diff(graph.out_ptr)
    single = recf.view(np.int64).reshape(n, 8)[:, 3]
    single[:] = np.where(deg == 1, graph.out_idx[np.minimum(graph.out_ptr[:-1], graph.out_idx.size - 1)], -1)
    rptr, ridx, nreg = _regions_csr(n, regions)
    reg_m = np.zeros(nreg)
    reg_t = np.zeros(nreg)
    site_int = np.zeros(n)
    site_t = np.zeros(n)
    snap = None if snap_sites is None else np.asarray(snap_sites, dtype=np.int64)
    if snap is not None and snap.size and (snap.min() < 0 or snap.max() >= n):
        raise ValueError(f"snap_sites must lie in [0, {n - 1}]")
    times = np.zeros(n_blocks)
    rmean = np.zeros((n_blocks, nreg))
    rsq = np.zeros((n_blocks, nreg))
    rend = np.zeros((n_blocks, nreg))
    snaps = None if snap is None else np.zeros((n_blocks, snap.size))
    dt = t_max / n_blocks
    t = 0.0
    events = 0
    wall = time.perf_counter()
    show, label = _resolve_progress(progress, desc, "simulate")
    it = _progress_iter(range(n_blocks), show, label, n_blocks)
    for b in it:
        i1 = np.zeros(nreg)
        i2 = np.zeros(nreg)
        t_end = (b + 1) * dt
        t_new, nev, _ = _run(m, c, W, eta_inv, zrp, tree, offs,
                          graph.out_ptr, graph.out_idx, graph.out_w, flow, single, fsite,
                          rptr, ridx, reg_m, i1, i2, reg_t,
                          bool(track_sites), site_int, site_t,
                          t, t_end, max_events, int(seeds[b]))
        events += nev
        if t_new < t_end:  # frozen (no mass can move) or event cap: state is constant
            if nev >= max_events:
                raise RuntimeError(f"max_events={max_events} reached in block {b}")
            i1 += reg_m * (t_end - t_new)
            i2 += reg_m ** 2 * (t_end - t_new)
            if track_sites:
                site_int += m * (t_end - t_new)
        t = t_end
        times[b] = t
        rmean[b] = i1 / dt
        rsq[b] = i2 / dt
        rend[b] = reg_m
        if snaps is not None:
            snaps[b] = m[snap]
    wall = time.perf_counter() - wall
    one = deg == 1
    flow[graph.out_ptr[:-1][one]] += fsite[one]
    m = m.copy()
    return Run(times, rmean, rsq, rend, site_int / t_max if track_sites else None, flow / t_max,
               snaps, m, t_max, int(events), wall)


def stationary_masses(eta, M, seed=None, zrp=False):
    """Draw a configuration from the factorised stationary law with total mass ``M``.

    For ``f_i(m) = m**(eta_i - 1)`` the law eq. (3) is ``M`` times a Dirichlet
    vector of parameters ``eta_i`` (exactly, at finite size). With ``zrp=True``
    the ``round(M)`` particles are placed uniformly at random (multinomial).

    Parameters
    ----------
    eta : array
        Exponents ``eta_i``, > 0 (only the length is used with ``zrp``).
    M : float
        Total mass, >= 0.
    seed : None or int
        Seed (:mod:`noneq.rng`).
    zrp : bool
        Integer particles placed uniformly instead of the Dirichlet law.

    Returns
    -------
    ndarray
        Masses summing to ``M`` (to round-off; exactly ``round(M)`` with ``zrp``).

    Raises
    ------
    ValueError
        If ``eta`` or ``M`` is outside its range.
    """
    eta = validate.array("eta", eta, lo=0.0, lo_open=True)
    M = validate.real("M", M, 0.0)
    rng = np.random.default_rng(resolve_seed(seed))
    if zrp:
        return rng.multinomial(int(round(M)), np.full(eta.size, 1.0 / eta.size)).astype(np.float64)
    g = rng.gamma(eta)
    s = g.sum()
    return M * g / s if s > 0 else np.full(eta.size, M / eta.size)
