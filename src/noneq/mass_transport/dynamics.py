"""Python drivers of the event-driven kernel: :func:`simulate` and :func:`stationary_masses`.

:func:`simulate` lays out the per-site records the kernel of
:mod:`noneq.mass_transport._gillespie` reads, cuts the run into blocks (one child
seed each) and turns the kernel's time integrals into block averages
(:class:`~noneq.mass_transport.results.Run`). :func:`stationary_masses` draws the
exact factorised stationary state (eq. 3), so that runs need no relaxation when
eq. (13) holds.

Every block is run in chunks of about :data:`CHUNK_SECONDS` of wall time (an event
budget adapted to the measured event rate): between two chunks control returns to
Python, so "Interrupt kernel" (``SIGINT``) stops a run within a fraction of a second,
and the progress bar (in simulated time, with its remaining time) moves. The kernel
carries its whole state from one chunk to the next, so the numbers do not depend on
where the chunks end. The memory a run needs is added up before anything is
allocated (:func:`noneq.memory.require`).
"""

from __future__ import annotations

import time

import numpy as np

from .. import memory, validate
from ..progress import progress as _progress_bar
from ..rng import resolve_seed, spawn_seeds
from ._gillespie import PAUSED, _begin, _run, _tree_layout
from .graphs import Graph
from .results import Run

__all__ = ["simulate", "stationary_masses", "simulate_bytes", "CHUNK_SECONDS"]

#: Target wall time of one call of the compiled kernel (seconds).
CHUNK_SECONDS = 0.25
#: Events of the first call (at 1e6 events/s, the slowest rate measured, 0.05 s).
FIRST_CHUNK = 50_000
#: Largest factor between the event budgets of two consecutive calls.
CHUNK_GROWTH = 4.0
#: Bytes per site, per link, per region membership and per block-series entry of :func:`simulate`
#: (site records and tree, working copies, flows, CSR of the regions, block averages).
_BYTES_SITE, _BYTES_LINK, _BYTES_MEMBER, _BYTES_SERIES = 200, 24, 48, 8


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


def _time_bar(progress, label, total):
    """Progress bar over ``total`` units of simulated time (``progress`` from :func:`_resolve_progress`)."""
    return _progress_bar(total=float(total), desc=label, unit=" time", unit_scale=True,
                         progress=None if progress is None else bool(progress))


class _EventChunks:
    """Event budgets of successive kernel calls, each sized to last about ``seconds``.

    The first budget is ``first`` events; after a call that used its whole budget
    the next one is the measured rate times ``seconds`` (at most ``growth`` times
    the previous budget, at least 1000 events).
    """

    def __init__(self, seconds=None, first=None, growth=None):
        self.seconds = CHUNK_SECONDS if seconds is None else seconds
        self.size = FIRST_CHUNK if first is None else first
        self.growth = CHUNK_GROWTH if growth is None else growth

    def budget(self):
        """Events allowed in the next call."""
        return self.size

    def record(self, events, elapsed, full):
        """Adapt the budget after a call that did ``events`` in ``elapsed`` seconds (``full``: budget used up)."""
        if full:
            rate = events / max(elapsed, 1e-6)
            self.size = int(min(max(1000.0, rate * self.seconds), self.size * self.growth))


def simulate_bytes(n, n_links, n_blocks=1, n_regions=0, n_members=0, n_snap=0):
    """Memory :func:`simulate` allocates for a graph of ``n`` sites and ``n_links`` links (bytes).

    Parameters
    ----------
    n, n_links : int
        Sites and links of the graph, >= 0.
    n_blocks : int
        Blocks of the run, >= 1.
    n_regions, n_members : int
        Number of regions and their total number of sites.
    n_snap : int
        Sites recorded at the end of each block.

    Returns
    -------
    int
        An upper estimate of the largest simultaneous need of one call.
    """
    return int(_BYTES_SITE * n + _BYTES_LINK * n_links + _BYTES_MEMBER * n_members
               + _BYTES_SERIES * n_blocks * (4 * n_regions + n_snap + 1))


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
    """Regions as site -> region lists in CSR form ``(ptr, idx, n_regions)`` (regions of a site in order)."""
    if regions is None:
        regions = []
    sites_all, ids = [], []
    for r, sites in enumerate(regions):
        sites = np.asarray(sites, dtype=np.int64).ravel()
        if sites.size and (sites.min() < 0 or sites.max() >= n):
            raise ValueError(f"regions[{r}] contains sites outside [0, {n - 1}]")
        sites = np.unique(sites)
        sites_all.append(sites)
        ids.append(np.full(sites.size, r, dtype=np.int64))
    ptr = np.zeros(n + 1, dtype=np.int64)
    if not sites_all:
        return ptr, np.zeros(0, dtype=np.int64), 0
    sites_all = np.concatenate(sites_all)
    np.cumsum(np.bincount(sites_all, minlength=n), out=ptr[1:])
    idx = np.concatenate(ids)[np.argsort(sites_all, kind="stable")]
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
        Progress bar over the simulated time (it moves after every chunk of about
        :data:`CHUNK_SECONDS`): None follows ``NONEQ_PROGRESS``, True/False force it.

    Returns
    -------
    Run
        Block averages, flows, snapshots and the final configuration. The run is
        cut into chunks of a fraction of a second (``SIGINT`` raises
        ``KeyboardInterrupt`` between two of them, leaving ``masses`` untouched
        and returning nothing); the numbers do not depend on the cuts.

    Raises
    ------
    ValueError
        If a parameter is outside its range (``masses`` negative or of the wrong
        shape, non-integer masses with ``zrp``, sites outside the graph, ...), or
        if the run needs more memory than is available (:func:`simulate_bytes`).
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
    if zrp and (np.any(m != np.round(m)) or (m.size and m.max() > 2.0 ** 53)):
        raise ValueError("masses must be integers (at most 2**53) for the zero range process")
    if max_events is None:
        max_events = np.iinfo(np.int64).max
    max_events = validate.integer("max_events", max_events, 1)
    snap = None if snap_sites is None else np.asarray(snap_sites, dtype=np.int64).ravel()
    if snap is not None and snap.size and (snap.min() < 0 or snap.max() >= n):
        raise ValueError(f"snap_sites must lie in [0, {n - 1}]")
    show, label = _resolve_progress(progress, desc, "simulate")
    n_regions = 0 if regions is None else len(regions)
    n_members = 0 if regions is None else sum(int(np.size(r)) for r in regions)
    need = simulate_bytes(n, graph.out_idx.size, n_blocks, n_regions, n_members,
                          0 if snap is None else snap.size)
    per_block = _BYTES_SERIES * n_blocks * (4 * n_regions + (0 if snap is None else snap.size) + 1)
    memory.require(need, f"n_blocks = {n_blocks}" if 2 * per_block > need else f"graph.n = {n}",
                   "the site records and the block averages of the run")
    rptr, ridx, nreg = _regions_csr(n, regions)
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
    reg_m = np.zeros(nreg)
    reg_t = np.zeros(nreg)
    track_sites = bool(track_sites)
    site_int = np.zeros(n if track_sites else 0)
    site_t = np.zeros(n if track_sites else 0)
    times = np.zeros(n_blocks)
    rmean = np.zeros((n_blocks, nreg))
    rsq = np.zeros((n_blocks, nreg))
    rend = np.zeros((n_blocks, nreg))
    snaps = None if snap is None else np.zeros((n_blocks, snap.size))
    dt = t_max / n_blocks
    t = 0.0
    events = 0
    rs = np.zeros(4, dtype=np.uint64)
    chunks = _EventChunks()
    wall = time.perf_counter()
    bar = _time_bar(show, label, t_max)
    try:
        for b in range(n_blocks):
            i1 = np.zeros(nreg)
            i2 = np.zeros(nreg)
            t_end = (b + 1) * dt
            _begin(m, c, W, zrp, tree, offs, rptr, ridx, reg_m, reg_t, track_sites, site_t, t, int(seeds[b]), rs)
            since = 0
            nev_block = 0
            while True:  # chunks of about CHUNK_SECONDS; the state stays in the arrays
                budget = min(chunks.budget(), max_events - nev_block)
                w0 = time.perf_counter()
                t_new, nev, status, since, _ = _run(
                    m, c, W, eta_inv, zrp, tree, offs,
                    graph.out_ptr, graph.out_idx, graph.out_w, flow, single, fsite,
                    rptr, ridx, reg_m, i1, i2, reg_t,
                    track_sites, site_int, site_t,
                    t, t_end, budget, rs, since)
                chunks.record(nev, time.perf_counter() - w0, status == PAUSED)
                nev_block += nev
                bar.update(t_new - t)
                t = t_new
                if status != PAUSED:
                    break
                if nev_block >= max_events:
                    raise RuntimeError(f"max_events={max_events} reached in block {b}")
            events += nev_block
            if t < t_end:  # frozen (no mass can move): the state is constant up to t_end
                i1 += reg_m * (t_end - t)
                i2 += reg_m ** 2 * (t_end - t)
                if track_sites:
                    site_int += m * (t_end - t)
                bar.update(t_end - t)
            t = t_end
            times[b] = t
            rmean[b] = i1 / dt
            rsq[b] = i2 / dt
            rend[b] = reg_m
            if snaps is not None:
                snaps[b] = m[snap]
    finally:
        bar.close()
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
