"""Stochastic mass transport on graphs: flux balance and the chemical potential.

Reproduces the mass transport models of K. Martens and E. Bertin, arXiv 1106.5652 ("Influence of
flux balance on the generalized chemical potential in mass transport models"):

* continuous masses on a directed graph; from site ``i`` holding mass ``m`` a mass
  ``mu`` leaves towards ``j`` at rate density ``w_ij v(mu) f_i(m - mu) / f_i(m)``
  (eqs. 2 and 12) with ``v = 1`` and ``f_i(m) = m**(eta_i - 1)``;
* the zero range process (``v(mu) = delta(mu - 1)``, integer masses, ``f = 1``)
  on the same graphs (Sec. 3.4).

Rates, exactly
--------------
With ``v = 1`` and ``f_i(m) = m**(eta_i - 1)`` the total departure rate density
integrates to ``int_0^m (1 - mu/m)**(eta_i - 1) dmu = m / eta_i`` per unit of
link weight, and the moved fraction ``x = mu / m`` has the density
``eta_i (1 - x)**(eta_i - 1)``, i.e. ``x ~ Beta(1, eta_i)``; equivalently the
mass left behind is ``m U**(1/eta_i)`` with ``U`` uniform. A site of total
out-weight ``W_i = sum_j w_ij`` therefore fires at rate ``W_i m_i / eta_i`` and
sends its packet to ``j`` with probability ``w_ij / W_i``. The probe of the
paper (``f = 1``) and the three-branch model with ``phi = 1`` are ``eta = 1``.

Simulation
----------
One exact event-driven (Gillespie) kernel for all geometries. Site rates are kept
in an 8-ary sum tree (O(log N) selection and update; an event between two sites
of equal rate coefficient only touches the tree up to their common ancestor).
Time-averaged observables (masses of arbitrary sets of sites, their squares,
per-site masses, mass carried by every link) are integrated exactly in
continuous time, lazily between the events that change them. Random numbers:
each kernel call seeds numba's generator (package convention, :mod:`noneq.rng`)
and draws from it the state of an inline xoshiro256** stream (:func:`noneq.rng.xoshiro_state`).

Theory
------
``lambda_ring`` (eqs. 7-8), ``flux_theory`` (eq. 11), ``three_branch_theory``
(eqs. 17, 18, 32-33), ``alpha_theory`` (eqs. 32-35), ``zrp_fugacities``
(eqs. 20-23), ``zrp_densities`` (eq. 19).
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from . import validate
from .progress import progress
from .rng import resolve_seed, spawn_seeds
from .rng import xoshiro_state as _seed_state
from .rng import xoshiro_uniform as _rand

__all__ = [
    "Graph",
    "Run",
    "ring_graph",
    "attach_probe",
    "three_branch_graph",
    "simulate",
    "stationary_masses",
    "lambda_ring",
    "flux_theory",
    "alpha_theory",
    "three_branch_theory",
    "zrp_fugacities",
    "zrp_densities",
    "sinusoidal_eta",
    "random_eta",
    "simulate_ring",
    "simulate_ring_probe",
    "simulate_three_branch",
    "simulate_zrp_three_branch",
    "ThreeBranchResult",
    "RingProbeResult",
    "ZRPResult",
    "main",
]

BRANCHES = ("A", "B", "C")
_FANOUT = 8
_REBUILD_EVERY = 1 << 22


# --------------------------------------------------------------------------- graphs


@dataclass
class Graph:
    """Directed weighted graph in compressed (CSR) form.

    Attributes
    ----------
    n : int
        Number of sites.
    out_ptr, out_idx, out_w : ndarray
        Out-links of site ``i`` are ``out_idx[out_ptr[i]:out_ptr[i+1]]`` with
        weights ``out_w[...]`` (the ``w_ij`` multiplying ``v(mu)`` in eq. 12).
    eta : ndarray
        Exponent of ``f_i(m) = m**(eta_i - 1)`` per site.
    label : ndarray of int
        Part of the system a site belongs to (graph-specific, see the builders).
    pos : ndarray of int
        Position of the site along its branch/ring (0-based).
    info : dict
        Named special sites (contact points, branching points, ...).
    """

    n: int
    out_ptr: np.ndarray
    out_idx: np.ndarray
    out_w: np.ndarray
    eta: np.ndarray
    label: np.ndarray
    pos: np.ndarray
    info: dict = field(default_factory=dict)

    @property
    def out_weight(self) -> np.ndarray:
        """Total out-weight ``W_i = sum_j w_ij``."""
        return np.add.reduceat(self.out_w, self.out_ptr[:-1]) if self.n else np.zeros(0)

    def in_weight(self) -> np.ndarray:
        """Total in-weight ``sum_j w_ji``."""
        return np.bincount(self.out_idx, weights=self.out_w, minlength=self.n)

    def factorisation_defect(self) -> np.ndarray:
        """``sum_j w_ij - sum_j w_ji`` per site: zero everywhere iff eq. (13) holds."""
        return self.out_weight - self.in_weight()

    def link(self, i: int, j: int) -> int:
        """Index of the link ``i -> j`` in ``out_idx`` (``ValueError`` if absent)."""
        for k in range(self.out_ptr[i], self.out_ptr[i + 1]):
            if self.out_idx[k] == j:
                return k
        raise ValueError(f"no link {i} -> {j}")


def _from_edges(n, edges, eta, label, pos, info):
    edges = [(int(a), int(b), float(w)) for a, b, w in edges if w > 0.0]
    merged = {}
    for a, b, w in edges:
        merged[(a, b)] = merged.get((a, b), 0.0) + w
    keys = sorted(merged)
    src = np.array([k[0] for k in keys], dtype=np.int64)
    dst = np.array([k[1] for k in keys], dtype=np.int64)
    wts = np.array([merged[k] for k in keys], dtype=np.float64)
    counts = np.bincount(src, minlength=n)
    if np.any(counts == 0):
        raise ValueError("every site needs at least one out-link (check p, q and the gamma weights)")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return Graph(n, ptr, dst, wts, np.asarray(eta, dtype=np.float64), np.asarray(label, dtype=np.int64),
                 np.asarray(pos, dtype=np.int64), info)


def _eta_array(eta, n):
    if np.ndim(eta) == 0:
        e = validate.real("eta", eta, 0.0, lo_open=True)
        return np.full(n, e)
    return validate.array("eta", eta, shape=(n,), lo=0.0, lo_open=True)


def ring_graph(N, p=1.0, q=None, eta=1.0):
    """Ring of ``N`` sites, links ``i -> i+1`` (weight ``p``) and ``i -> i-1`` (weight ``q = 1 - p``).

    Parameters
    ----------
    N : int
        Number of sites (>= 2).
    p : float
        Forward weight in [0, 1] (Sec. 2.1).
    q : float, optional
        Backward weight; defaults to ``1 - p`` as in the paper.
    eta : float or array
        ``f_i(m) = m**(eta_i - 1)`` exponents (> 0).
    """
    N = validate.integer("N", N, 2)
    p = validate.real("p", p, 0.0, 1.0)
    q = 1.0 - p if q is None else validate.real("q", q, 0.0, 1.0)
    if p + q <= 0:
        raise ValueError("p + q must be positive")
    eta = _eta_array(eta, N)
    edges = [(i, (i + 1) % N, p) for i in range(N)] + [(i, (i - 1) % N, q) for i in range(N)]
    return _from_edges(N, edges, eta, np.zeros(N), np.arange(N), {"kind": "ring"})


def attach_probe(graph, site, N_pr, p=1.0, q=None, eta_pr=1.0, contact=1.0):
    """Attach a probe ring of ``N_pr`` sites to ``site`` of ``graph`` (Fig. 2).

    The probe is a homogeneous ring (weights ``p`` forward, ``q`` backward) with
    ``f_pr = m**(eta_pr - 1)`` (the paper: ``f_pr = 1``, ``eta_pr = 1``). The contact
    adds one link ``site -> probe[0]`` and one link ``probe[0] -> site``, both of
    weight ``contact``. Each of the two contact sites gains the same in- and
    out-weight, so the factorisation condition eq. (13) holds at every site if it
    held before: the stationary law stays ``prod_i f_i(m_i)`` (eq. 3), probe included.
    Probe sites get ``label = -1`` and ``pos`` = 0..N_pr-1.
    """
    if not isinstance(graph, Graph):
        raise ValueError("graph must be a Graph")
    site = validate.integer("site", site, 0, graph.n - 1)
    N_pr = validate.integer("N_pr", N_pr, 2)
    p = validate.real("p", p, 0.0, 1.0)
    q = 1.0 - p if q is None else validate.real("q", q, 0.0, 1.0)
    eta_pr = validate.real("eta_pr", eta_pr, 0.0, lo_open=True)
    contact = validate.real("contact", contact, 0.0, lo_open=True)
    n0 = graph.n
    edges = []
    for i in range(n0):
        for k in range(graph.out_ptr[i], graph.out_ptr[i + 1]):
            edges.append((i, graph.out_idx[k], graph.out_w[k]))
    for a in range(N_pr):
        edges.append((n0 + a, n0 + (a + 1) % N_pr, p))
        edges.append((n0 + a, n0 + (a - 1) % N_pr, q))
    edges.append((site, n0, contact))
    edges.append((n0, site, contact))
    eta = np.concatenate([graph.eta, np.full(N_pr, eta_pr)])
    label = np.concatenate([graph.label, np.full(N_pr, -1)])
    pos = np.concatenate([graph.pos, np.arange(N_pr)])
    info = dict(graph.info)
    info.update(probe=np.arange(n0, n0 + N_pr), contact=site, probe_contact=n0, n_main=n0)
    return _from_edges(n0 + N_pr, edges, eta, label, pos, info)


def three_branch_graph(n_A, n_B, n_C, p=1.0, q=None, gamma_B=0.5, gamma_C=0.5, eta=1.0):
    """Three oriented branches between two branching points (Fig. 4).

    Site order: the merging node (index 0), the ``n_A`` interior sites of A, the
    splitting node (index ``n_A + 1``), then the ``n_B`` sites of B and the ``n_C``
    sites of C; ``N = n_A + n_B + n_C + 2`` as in Sec. 3.4. Along each branch mass
    moves forward with weight ``p`` and backward with weight ``q``. The splitting
    node sends forward to the first site of B with ``gamma_B p`` and of C with
    ``gamma_C p``; the merging node sends backward to the last site of B with
    ``gamma_B q`` and of C with ``gamma_C q``. Labels: 0 for A and both nodes
    (the paper counts the branching points in A, Sec. 3.2), 1 for B, 2 for C;
    ``pos`` runs along each branch (A: 0 = merging node ... n_A + 1 = splitting node).
    """
    n_A = validate.integer("n_A", n_A, 0)
    n_B = validate.integer("n_B", n_B, 1)
    n_C = validate.integer("n_C", n_C, 1)
    p = validate.real("p", p, 0.0, 1.0)
    q = 1.0 - p if q is None else validate.real("q", q, 0.0, 1.0)
    gamma_B = validate.real("gamma_B", gamma_B, 0.0)
    gamma_C = validate.real("gamma_C", gamma_C, 0.0)
    if p + q <= 0:
        raise ValueError("p + q must be positive")
    if gamma_B + gamma_C <= 0:
        raise ValueError("gamma_B + gamma_C must be positive")
    N = n_A + n_B + n_C + 2
    eta = _eta_array(eta, N)
    merge, split = 0, n_A + 1
    A = list(range(0, n_A + 2))  # merge node, interior, split node
    B = list(range(n_A + 2, n_A + 2 + n_B))
    C = list(range(n_A + 2 + n_B, N))
    edges = []
    for a, b in zip(A[:-1], A[1:]):
        edges += [(a, b, p), (b, a, q)]
    for br, g in ((B, gamma_B), (C, gamma_C)):
        for a, b in zip(br[:-1], br[1:]):
            edges += [(a, b, p), (b, a, q)]
        edges += [(split, br[0], g * p), (br[0], split, q)]
        edges += [(br[-1], merge, p), (merge, br[-1], g * q)]
    label = np.zeros(N, dtype=np.int64)
    label[B] = 1
    label[C] = 2
    pos = np.concatenate([np.arange(n_A + 2), np.arange(n_B), np.arange(n_C)])
    info = {"kind": "three_branch", "merge": merge, "split": split,
            "A": np.array(A), "B": np.array(B), "C": np.array(C),
            "p": p, "q": q, "gamma_B": gamma_B, "gamma_C": gamma_C}
    return _from_edges(N, edges, eta, label, pos, info)


# --------------------------------------------------------------------------- kernels


@njit(inline="always")
def _shift_regions(site, delta, t, reg_ptr, reg_idx, reg_m, reg_t, reg_i1, reg_i2):
    """Integrate the masses of the regions containing ``site`` up to ``t``, then add ``delta``."""
    for kk in range(reg_ptr[site], reg_ptr[site + 1]):
        r = reg_idx[kk]
        x = reg_m[r]
        dt = t - reg_t[r]
        reg_i1[r] += x * dt
        reg_i2[r] += x * x * dt
        reg_t[r] = t
        reg_m[r] = x + delta


def _tree_layout(n):
    """Offsets of the levels of the 8-ary prefix-sum tree over ``n`` sites.

    Level 0 has ``ceil(n / 8)`` nodes, level ``l`` has ``ceil(nodes(l-1) / 8)``, the
    top level one node. Node ``k`` of level ``l`` stores, in the 8 consecutive
    entries ``tree[offs[l] + 8k : offs[l] + 8k + 8]``, the inclusive prefix sums of
    the total rates of its 8 children (sites ``8k..8k+7`` at level 0, nodes
    ``8k..8k+7`` of level ``l - 1`` above). The total rate is the last entry of
    the root. Returns ``(offs, total_size)``.
    """
    nodes = [-(-n // _FANOUT)]
    while nodes[-1] > 1:
        nodes.append(-(-nodes[-1] // _FANOUT))
    offs = np.zeros(len(nodes), dtype=np.int64)
    for l in range(1, len(nodes)):
        offs[l] = offs[l - 1] + _FANOUT * nodes[l - 1]
    return offs, int(offs[-1] + _FANOUT)


@njit(cache=True)
def _rebuild(m, c, W, zrp, tree, offs):
    """Recompute every prefix sum from the masses (also removes accumulated round-off)."""
    n = m.shape[0]
    D = offs.shape[0]
    tree[:] = 0.0
    for k in range(-(-n // 8)):
        s = 0.0
        for j in range(8):
            i = 8 * k + j
            if i < n:
                if zrp:
                    if m[i] >= 0.5:
                        s += W[i]
                else:
                    s += c[i] * m[i]
            tree[offs[0] + 8 * k + j] = s
    for l in range(1, D):
        nchild = (offs[l] - offs[l - 1]) // 8
        for k in range(-(-nchild // 8)):
            s = 0.0
            for j in range(8):
                ch = 8 * k + j
                if ch < nchild:
                    s += tree[offs[l - 1] + 8 * ch + 7]
                tree[offs[l] + 8 * k + j] = s


@njit(cache=True)
def _run(m, c, W, eta_inv, zrp, tree, offs,
         out_ptr, out_idx, out_w, flow, single, fsite,
         reg_ptr, reg_idx, reg_m, reg_i1, reg_i2, reg_t,
         track_sites, site_int, site_t,
         t0, t_end, max_events, seed):
    """Advance the configuration ``m`` from time ``t0`` to ``t_end`` (exact Gillespie).

    Accumulates (added to the arrays passed in): ``flow[k]`` mass carried by link
    ``k`` (for a site with a single out-link, ``single[i] >= 0``, the mass goes to
    ``fsite[i]`` instead, one memory access fewer per event); ``reg_i1[r]``, ``reg_i2[r]`` time integrals of the mass of region ``r``
    and of its square; ``site_int[i]`` time integral of ``m[i]`` if ``track_sites``.
    Returns ``(t, n_events)``; ``t < t_end`` only if ``max_events`` was reached or
    no site can fire. Random numbers: numba's generator is seeded with ``seed``
    (package convention) and seeds an inline xoshiro256** stream, ten times cheaper
    per draw than ``np.random.random()`` inside numba.
    """
    rs = _seed_state(seed)
    n = m.shape[0]
    nreg = reg_m.shape[0]
    D = offs.shape[0]
    _rebuild(m, c, W, zrp, tree, offs)
    for r in range(nreg):
        reg_m[r] = 0.0
        reg_t[r] = t0
    for i in range(n):
        for k in range(reg_ptr[i], reg_ptr[i + 1]):
            reg_m[reg_idx[k]] += m[i]
        if track_sites:
            site_t[i] = t0
    root = offs[D - 1] + 7
    t = t0
    nev = 0
    since = 0
    sink = 0.0
    while nev < max_events:
        R = tree[root]
        if not R > 0.0:
            break
        tn = t - math.log(1.0 - _rand(rs)) / R
        if tn > t_end:
            t = t_end
            break
        t = tn
        # ---- select the site: at each level count the prefix sums <= u (branch-free)
        u = _rand(rs) * R
        k = 0
        for l in range(D - 1, -1, -1):
            # Touch, ahead of time, the cache lines the next steps will need, so that these
            # loads overlap with the scan of the current node instead of following it:
            # below level 2 the next node is one of 8 consecutive nodes, at level 0 the site
            # is one of 8k..8k+7, whose records (one line each when the arrays are views of
            # site records, see ``simulate``) are touched through ``m`` (reads only; ``sink``
            # keeps them from being optimised away).
            if l == 2 or l == 1:
                b1 = offs[l - 1] + 64 * k
                for jj in range(8):
                    if b1 + 8 * jj < offs[l]:
                        sink += tree[b1 + 8 * jj]
            elif l == 0:
                for jj in range(8):
                    if 8 * k + jj < n:
                        sink += m[8 * k + jj]
            base = offs[l] + 8 * k
            cnt = 0
            for jj in range(8):
                cnt += tree[base + jj] <= u
            if cnt > 7:
                cnt = 7
            if cnt > 0:
                u -= tree[base + cnt - 1]
            k = 8 * k + cnt
        i = k
        if i >= n or (m[i] < 0.5 if zrp else not m[i] > 0.0):
            _rebuild(m, c, W, zrp, tree, offs)  # round-off at a tree boundary: refresh
            continue
        # ---- destination
        dst = single[i]
        kl = -1
        if dst < 0:
            a0 = out_ptr[i]
            deg = out_ptr[i + 1] - a0
            uu = _rand(rs) * W[i]
            kl = a0 + deg - 1
            for kk in range(a0, a0 + deg - 1):
                if uu < out_w[kk]:
                    kl = kk
                    break
                uu -= out_w[kk]
            dst = out_idx[kl]
        # ---- moved mass: x = mu / m ~ Beta(1, eta), i.e. m (1 - x) = m U**(1/eta)
        mi = m[i]
        if zrp:
            mu = 1.0
            mi_new = mi - 1.0
        else:
            e = eta_inv[i]
            s = _rand(rs)
            if e != 1.0:
                s = s ** e
            mi_new = mi * s
            mu = mi - mi_new
        if kl < 0:
            fsite[i] += mu
        else:
            flow[kl] += mu
        # ---- lazily integrated observables
        if nreg > 0:
            _shift_regions(i, -mu, t, reg_ptr, reg_idx, reg_m, reg_t, reg_i1, reg_i2)
            _shift_regions(dst, mu, t, reg_ptr, reg_idx, reg_m, reg_t, reg_i1, reg_i2)
        if track_sites:
            site_int[i] += mi * (t - site_t[i])
            site_t[i] = t
            site_int[dst] += m[dst] * (t - site_t[dst])
            site_t[dst] = t
        mj = m[dst]
        m[i] = mi_new
        m[dst] = mj + mu
        # ---- rate changes, propagated up to the common ancestor of i and dst
        if zrp:
            da = -W[i] if mi_new < 0.5 else 0.0
            db = W[dst] if mj < 0.5 else 0.0
        else:
            cm = c[i] * mu
            da = -cm
            db = cm if c[dst] == c[i] else c[dst] * mu
        a = i
        b = dst
        for l in range(D):
            na = a >> 3
            nb = b >> 3
            ba = offs[l] + 8 * na
            if da != 0.0:
                for jj in range(a & 7, 8):
                    tree[ba + jj] += da
            bb = offs[l] + 8 * nb
            if db != 0.0:
                for jj in range(b & 7, 8):
                    tree[bb + jj] += db
            if na == nb:
                d = da + db
                if d == 0.0:
                    break
                da = d
                db = 0.0
            a = na
            b = nb
        nev += 1
        since += 1
        if since >= _REBUILD_EVERY:
            _rebuild(m, c, W, zrp, tree, offs)
            since = 0
    # ---- close the integrals at the final time
    for r in range(nreg):
        x = reg_m[r]
        dt = t - reg_t[r]
        reg_i1[r] += x * dt
        reg_i2[r] += x * x * dt
        reg_t[r] = t
    if track_sites:
        for i in range(n):
            site_int[i] += m[i] * (t - site_t[i])
            site_t[i] = t
    return t, nev, sink


# --------------------------------------------------------------------------- driver


@dataclass
class Run:
    """Output of :func:`simulate`.

    Attributes
    ----------
    times : ndarray (n_blocks,)
        End time of each block (measured from the start of the run).
    region_mean, region_sq : ndarray (n_blocks, n_regions)
        Time averages of each region's mass and of its square over each block.
    region_end : ndarray (n_blocks, n_regions)
        Region masses at the end of each block.
    site_mean : ndarray or None
        Time-averaged mass of every site over the whole run (``track_sites``).
    flow : ndarray
        Mass carried by each link over the whole run (indexed like ``graph.out_idx``).
    snapshots : ndarray or None
        Masses of ``snap_sites`` at the end of each block.
    masses : ndarray
        Final configuration.
    duration : float
        Simulated time.
    events : int
        Number of events.
    wall : float
        Wall-clock seconds.
    """

    times: np.ndarray
    region_mean: np.ndarray
    region_sq: np.ndarray
    region_end: np.ndarray
    site_mean: np.ndarray | None
    flow: np.ndarray
    snapshots: np.ndarray | None
    masses: np.ndarray
    duration: float
    events: int
    wall: float


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
             snap_sites=None, seed=None, desc=None, max_events=None):
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
    desc : str, optional
        Show a progress bar with this label.
    max_events : int, optional
        Safety cap on the number of events per block.

    Returns
    -------
    Run
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
    it = range(n_blocks)
    if desc is not None:
        it = progress(it, desc=desc, total=n_blocks)
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
    """
    eta = validate.array("eta", eta, lo=0.0, lo_open=True)
    M = validate.real("M", M, 0.0)
    rng = np.random.default_rng(resolve_seed(seed))
    if zrp:
        return rng.multinomial(int(round(M)), np.full(eta.size, 1.0 / eta.size)).astype(np.float64)
    g = rng.gamma(eta)
    s = g.sum()
    return M * g / s if s > 0 else np.full(eta.size, M / eta.size)


# --------------------------------------------------------------------------- theory


def lambda_ring(eta, M, exact=True):
    """Global chemical potential of the factorised ring, eqs. (7)-(8).

    ``lambda = (sum_i eta_i - 1) / M`` (eq. 7, ``exact=True``) or
    ``N <eta> / M = <eta> / rho`` (eq. 8).
    """
    eta = validate.array("eta", eta, lo=0.0, lo_open=True)
    M = validate.real("M", M, 0.0, lo_open=True)
    H = eta.sum()
    return (H - 1.0) / M if exact else H / M


def flux_theory(lam, p=1.0, q=None):
    """Mass flux through a link for ``v = 1``, eq. (11): ``Phi = (p - q) / lambda**2``."""
    lam = validate.real("lam", lam, 0.0, lo_open=True)
    p = validate.real("p", p, 0.0, 1.0)
    q = 1.0 - p if q is None else validate.real("q", q, 0.0, 1.0)
    return (p - q) / lam ** 2


def alpha_theory(rho, eta=1.0, kappa=1.0 / 3.0):
    """Shift ``alpha(rho)`` between the branches' local chemical potentials, eqs. (32)-(35).

    ``alpha = (eta / rho) (1 - 2 kappa + (3 kappa - 1) / sqrt(2))`` (eq. 35), from
    ``Phi(rho_A) = 2 Phi(rho_BC)`` (eq. 32) with ``Phi = rho**2 / eta**2``,
    ``rho = kappa rho_A + (1 - kappa) rho_BC`` (eq. 33) and
    ``alpha = Lambda(rho_BC) - Lambda(rho_A)``, ``Lambda(rho) = eta / rho`` (eq. 34).
    Accepts arrays for ``rho``.
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

    Returns
    -------
    dict
        ``density``, ``lam`` (local chemical potentials ``eta / rho_nu``) and ``flux``,
        each a mapping "A", "B", "C" -> float.
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
    lam = {b: (eta / dens[b] if dens[b] > 0 else np.inf) for b in BRANCHES}
    flux = {b: dens[b] ** 2 / eta ** 2 for b in BRANCHES}
    return {"density": dens, "lam": lam, "flux": flux}


def zrp_fugacities(n_A, n_B, n_C, p, q=None, gamma_B=1.0, gamma_C=1.0):
    """Exact fugacities of the zero range process on the three-branch graph, eq. (20).

    Solves ``sum_j v_ij z_i = sum_j v_ji z_j`` for every site of the graph of
    :func:`three_branch_graph` (``N = n_A + n_B + n_C + 2`` sites, Sec. 3.4; the paper
    takes ``gamma_B = gamma_C = 1`` and ``p > q``): ``z`` is the stationary measure of
    one walker hopping with rates ``v_ij``, computed by a sparse direct solve with the
    normalisation ``z = 1`` at the first site of branch B. On each branch the
    solution has the form eq. (23).

    Returns
    -------
    dict
        "A": fugacities of A including both nodes (merge node first, split node
        last, ``n_A + 2`` values), "B", "C": fugacities along B and C.
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
        Fugacities of all sites.
    M : int
        Total number of particles (> 0).
    canonical : bool
        Exact fixed-``M`` averages (True) or grand-canonical ones (False).

    Returns
    -------
    (densities, x)
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


# --------------------------------------------------------------------------- models


def _batch(x):
    """Mean and standard error (batch means) along axis 0."""
    x = np.asarray(x, dtype=np.float64)
    nb = x.shape[0]
    mean = x.mean(axis=0)
    err = x.std(axis=0, ddof=1) / math.sqrt(nb) if nb > 1 else np.full_like(mean, np.nan)
    return mean, err


def simulate_ring(N, rho=1.0, eta=2.0, p=1.0, t_max=100.0, n_blocks=10, seed=None):
    """Homogeneous or disordered ring started in its exact stationary state (Sec. 2).

    The initial configuration is drawn from eq. (3) (``M`` times a Dirichlet vector),
    so no relaxation is needed; the run measures the link fluxes (eq. 11) and
    records the whole configuration at the end of each block (for the single-site
    law eq. 9).

    Parameters
    ----------
    N : int
        Number of sites (>= 2).
    rho : float
        Density ``M / N`` (> 0).
    eta : float or array
        Exponents of ``f_i(m) = m**(eta_i - 1)`` (> 0).
    p : float
        Forward weight in [0, 1], ``q = 1 - p``.
    t_max : float
        Simulated time (> 0).
    n_blocks : int
        Number of blocks (snapshots are taken at the end of each).
    seed : None or int

    Returns
    -------
    dict with ``graph``, ``run``, ``M``, ``lam`` (eq. 8), ``flux`` (mass per unit
    time through each forward link, net of the backward one), ``snapshots``.
    """
    N = validate.integer("N", N, 2)
    rho = validate.real("rho", rho, 0.0, lo_open=True)
    p = validate.real("p", p, 0.0, 1.0)
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    g = ring_graph(N, p=p, eta=eta)
    s_init, s_run = spawn_seeds(seed, 2)
    m0 = stationary_masses(g.eta, rho * N, seed=int(s_init))
    run = simulate(g, m0, t_max, n_blocks=n_blocks, snap_sites=np.arange(N), seed=int(s_run))
    fwd = np.array([g.link(i, (i + 1) % N) for i in range(N)])
    flux = run.flow[fwd].copy()
    if p < 1.0:
        bwd = np.array([g.link((i + 1) % N, i) for i in range(N)])
        flux -= run.flow[bwd]
    return {"graph": g, "run": run, "M": rho * N, "lam": g.eta.sum() / (rho * N),
            "flux": flux, "snapshots": run.snapshots}


@dataclass
class RingProbeResult:
    """Fig. 3: relaxation of a probe in contact with a ring.

    ``times`` (block ends), ``lam_probe`` (``N_pr / M_pr``, block averages),
    ``lam_main`` (``sum_main eta / M_main``), ``lam_expected`` (``sum eta / M``, the
    stationary value of both, exactly, from the Dirichlet law), ``lam0_main`` (before
    contact), ``contact_snapshots`` (masses of the main contact site and of the probe
    site touching it at each block end), ``eta_contact`` (their ``eta``), ``M``, ``run``.
    """

    times: np.ndarray
    lam_probe: np.ndarray
    lam_main: np.ndarray
    lam_expected: float
    lam0_main: float
    contact_snapshots: np.ndarray
    eta_contact: np.ndarray
    M: float
    run: Run


def sinusoidal_eta(N):
    """``eta_i = 2 + sin(2 pi i / N)``, ``i = 1..N`` (Sec. 2.3)."""
    N = validate.integer("N", N, 2)
    i = np.arange(1, N + 1)
    return 2.0 + np.sin(2.0 * np.pi * i / N)


def random_eta(N, lo=1.0, hi=3.0, seed=None):
    """Quenched ``eta_i`` uniform in ``(lo, hi)`` (Fig. 3, case iii)."""
    N = validate.integer("N", N, 2)
    lo = validate.real("lo", lo, 0.0, lo_open=True)
    hi = validate.real("hi", hi, lo, lo_open=True)
    return np.random.default_rng(resolve_seed(seed)).uniform(lo, hi, N)


def simulate_ring_probe(N, eta, probe_site, N_pr, rho=2.0, rho_pr=0.2, p=1.0, t_max=1000.0,
                        n_blocks=200, seed=None, desc=None):
    """Probe measurement of the chemical potential of a disordered ring (Figs. 2, 3).

    The ring (``f_i = m**(eta_i - 1)``, weights ``p``, ``1 - p``) and the probe (a
    ring of ``N_pr`` sites with ``f = 1``, same ``p``) are each drawn from their own
    exact stationary state at densities ``rho`` and ``rho_pr`` and put in contact
    at ``t = 0`` through the links of :func:`attach_probe` (eq. 13 holds at every
    site). Probe sites ``probe_site`` are 1-based as in the paper (``i = N/4``).

    Returns
    -------
    RingProbeResult
    """
    N = validate.integer("N", N, 2)
    eta = _eta_array(eta, N)
    probe_site = validate.integer("probe_site", probe_site, 1, N)
    N_pr = validate.integer("N_pr", N_pr, 2)
    rho = validate.real("rho", rho, 0.0, lo_open=True)
    rho_pr = validate.real("rho_pr", rho_pr, 0.0)
    p = validate.real("p", p, 0.0, 1.0)
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    ring = ring_graph(N, p=p, eta=eta)
    g = attach_probe(ring, probe_site - 1, N_pr, p=p)
    s1, s2, s3 = spawn_seeds(seed, 3)
    m0 = np.concatenate([stationary_masses(eta, rho * N, seed=int(s1)),
                         stationary_masses(np.ones(N_pr), rho_pr * N_pr, seed=int(s2))])
    main = np.arange(N)
    probe = np.arange(N, N + N_pr)
    contact = np.array([probe_site - 1, N])
    run = simulate(g, m0, t_max, n_blocks=n_blocks, regions=[main, probe], snap_sites=contact,
                   seed=int(s3), desc=desc)
    M = rho * N + rho_pr * N_pr
    H_main = eta.sum()
    with np.errstate(divide="ignore"):
        lam_probe = N_pr / run.region_mean[:, 1]
        lam_main = H_main / run.region_mean[:, 0]
    return RingProbeResult(run.times, lam_probe, lam_main, (H_main + N_pr) / M, H_main / (rho * N),
                           run.snapshots, g.eta[contact], M, run)


@dataclass
class ThreeBranchResult:
    """Output of :func:`simulate_three_branch`.

    Attributes
    ----------
    density, density_err : dict "A", "B", "C" -> float
        Time-averaged density of the bulk of each branch (its middle half) and its
        batch-means standard error.
    lam, lam_err : dict
        Local chemical potential ``eta / rho_nu`` and its error.
    g, g_err : dict
        ``Var(M_nu) / N_nu`` of the whole branch (eq. 14).
    g_sub : dict "A", "B", "C" -> ndarray (len(sub_sizes), 2)
        The same (value, error) for the centred sub-segments of lengths ``sub_sizes``.
    flux : dict
        Mass flux through the bulk links of each branch (mass per unit time).
    series : dict
        ``times`` and per-branch bulk densities averaged over each block
        (relaxation phase first, then measurement; times relative to contact/start
        of measurement); with a probe also ``lam_probe``.
    lam_probe, lam_probe_err : float
        Probe measurement ``N_pr / <M_pr>`` over the measurement phase (if probe).
    theory : dict
        :func:`three_branch_theory` at the same parameters.
    """

    N_b: int
    rho: float
    params: dict
    density: dict
    density_err: dict
    lam: dict
    lam_err: dict
    g: dict
    g_err: dict
    sub_sizes: np.ndarray
    g_sub: dict
    flux: dict
    series: dict
    profile: dict
    lam_probe: float
    lam_probe_err: float
    theory: dict
    events: int
    wall: float


def simulate_three_branch(N_b, rho, gamma_B=0.5, gamma_C=0.5, p=1.0, t_max=None, *, eta=1.0,
                          t_relax=None, n_blocks=20, n_relax_blocks=10, init="uniform", probe=None,
                          N_pr=None, rho_pr=0.2, sub_sizes=None, seed=None, desc=None):
    """Three-branch mass transport model (Secs. 3.1-3.3, Figs. 5-7).

    Each branch has ``N_b`` sites; the two branching points belong to A (A has
    ``N_b - 2`` interior sites), so ``N = 3 N_b``. Rates: ``v = 1``,
    ``f = m**(eta - 1)`` (the paper: ``phi = 1``, ``eta = 1``).

    The system is first relaxed for ``t_relax`` (default ``10 N_b / rho``: about
    twenty crossings of a branch by a density wave, whose speed is ``dPhi/drho = 2 rho``
    for ``eta = 1``), then measured for ``t_max`` (default ``20 N_b / rho``). With
    ``probe`` set to "A", "B" or "C", a probe ring (``N_pr`` sites, ``f = 1``,
    density ``rho_pr`` in its own stationary state) is attached to the middle site of
    that branch at the end of the relaxation (Fig. 5), as in :func:`attach_probe`.

    Parameters
    ----------
    N_b : int
        Sites per branch (>= 8).
    rho : float
        Global density ``M / (3 N_b)`` (> 0).
    gamma_B, gamma_C : float
        Branching weights (>= 0, not both zero).
    p : float
        Forward weight in [0, 1], ``q = 1 - p``.
    t_max : float, optional
        Measurement time (> 0).
    eta : float
        ``f(m) = m**(eta - 1)``.
    t_relax : float, optional
        Relaxation time (>= 0).
    n_blocks, n_relax_blocks : int
        Blocks of the measurement (error bars, time series) and of the relaxation.
    init : {"uniform", "balanced"}
        Initial state: the factorised law at density ``rho`` everywhere, or at the
        flux-balance densities of :func:`three_branch_theory` in each branch.
    probe : {None, "A", "B", "C"}
    N_pr : int, optional
        Probe size (default ``max(16, N_b // 40)``).
    rho_pr : float
        Initial probe density.
    sub_sizes : sequence of int, optional
        Lengths of centred sub-segments of each branch for ``g_sub``.
    seed : None or int
    desc : str, optional
        Progress-bar label.

    Returns
    -------
    ThreeBranchResult
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

    g = three_branch_graph(N_b - 2, N_b, N_b, p=p, gamma_B=gamma_B, gamma_C=gamma_C, eta=eta)
    sites = {b: g.info[b] for b in BRANCHES}
    bulk = {b: s[len(s) // 4: len(s) - len(s) // 4] for b, s in sites.items()}
    regions, names = [], []
    for b in BRANCHES:
        regions.append(bulk[b]); names.append(("bulk", b))
    for b in BRANCHES:
        regions.append(sites[b]); names.append(("all", b))
    for b in BRANCHES:
        s = sites[b]
        for L in sub_sizes:
            a = (len(s) - L) // 2
            regions.append(s[a:a + L]); names.append(("sub", b, int(L)))
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
    events, wall = 0, 0.0
    series_t, series_d = [], []
    if t_relax > 0:
        rr = simulate(g, m0, t_relax, n_blocks=n_relax_blocks, regions=[bulk[b] for b in BRANCHES],
                      seed=int(seeds[1]), desc=None if desc is None else desc + " (relax)")
        m0 = rr.masses
        events += rr.events
        wall += rr.wall
        series_t.append(rr.times - t_relax)
        series_d.append(rr.region_mean / np.array([len(bulk[b]) for b in BRANCHES]))
    gm = g
    if probe is not None:
        site = int(sites[probe][len(sites[probe]) // 2])
        gm = attach_probe(g, site, N_pr, p=p, eta_pr=1.0)
        m0 = np.concatenate([m0, stationary_masses(np.ones(N_pr), rho_pr * N_pr, seed=int(seeds[2]))])
        regions = regions + [np.arange(g.n, g.n + N_pr)]
    run = simulate(gm, m0, t_max, n_blocks=n_blocks, regions=regions, seed=int(seeds[3]),
                   track_sites=True, desc=None if desc is None else desc)
    events += run.events
    wall += run.wall
    nb = {b: len(bulk[b]) for b in BRANCHES}
    dens_blocks = np.stack([run.region_mean[:, ridx[("bulk", b)]] / nb[b] for b in BRANCHES], axis=1)
    series_t.append(run.times)
    series_d.append(dens_blocks)
    density, density_err, lam, lam_err = {}, {}, {}, {}
    for k, b in enumerate(BRANCHES):
        mu, er = _batch(dens_blocks[:, k])
        density[b], density_err[b] = float(mu), float(er)
        lb = eta / dens_blocks[:, k]
        lm, le = _batch(lb)
        lam[b], lam_err[b] = float(eta / mu), float(le)

    def gvar(r, L):
        # Var(M) / L over the whole measurement; error from the spread of the blocks
        m1 = run.region_mean[:, r].mean()
        m2 = run.region_sq[:, r].mean()
        blocks = (run.region_sq[:, r] - m1 ** 2) / L
        return float((m2 - m1 ** 2) / L), float(blocks.std(ddof=1) / math.sqrt(len(blocks)))

    gd, ge, gs = {}, {}, {}
    for b in BRANCHES:
        gd[b], ge[b] = gvar(ridx[("all", b)], len(sites[b]))
        gs[b] = np.array([gvar(ridx[("sub", b, int(L))], int(L)) for L in sub_sizes])
    flux = {}
    for b in BRANCHES:
        s = bulk[b]
        ks = [gm.link(int(s[i]), int(s[i + 1])) for i in range(len(s) - 1)]
        f = run.flow[ks].sum()
        if p < 1:
            kb = [gm.link(int(s[i + 1]), int(s[i])) for i in range(len(s) - 1)]
            f -= run.flow[kb].sum()
        flux[b] = float(f / len(ks))
    series = {"times": np.concatenate(series_t), "density": np.concatenate(series_d)}
    profile = {b: run.site_mean[sites[b]] for b in BRANCHES}
    lam_pr = lam_pr_err = float("nan")
    if probe is not None:
        mp = run.region_mean[:, -1]
        series["lam_probe"] = N_pr / mp
        half = n_blocks // 2
        mu, er = _batch(mp[half:])
        lam_pr = float(N_pr / mu)
        lam_pr_err = float(N_pr * er / mu ** 2)
    params = dict(gamma_B=gamma_B, gamma_C=gamma_C, p=p, eta=eta, t_max=t_max, t_relax=t_relax,
                  init=init, probe=probe, N_pr=N_pr, rho_pr=rho_pr, n_blocks=n_blocks)
    return ThreeBranchResult(N_b, rho, params, density, density_err, lam, lam_err, gd, ge, sub_sizes, gs,
                             flux, series, profile, lam_pr, lam_pr_err, theory, events, wall)


@dataclass
class ZRPResult:
    """Output of :func:`simulate_zrp_three_branch`.

    ``site_density`` (time-averaged occupation of every site, graph order),
    ``theory_density`` (exact fixed-``M`` prediction from the exact fugacities),
    ``z`` (fugacities, dict), ``x`` (global fugacity), ``density``/``density_err``
    (bulk of each branch), ``lam``/``lam_err`` (``ln((1 + rho)/rho)``, the local
    chemical potential of a geometric single-site law), ``shift``/``shift_err``
    (``lam_B - lam_A``), ``shift_exact`` (``ln(z_A / z_B)`` at mid-branch),
    ``shift_canonical`` (the same estimator applied to the exact fixed-``M`` densities),
    ``flux`` (net flux per bulk link), ``graph``.
    """

    graph: Graph
    site_density: np.ndarray
    theory_density: np.ndarray
    z: dict
    x: float
    density: dict
    density_err: dict
    lam: dict
    lam_err: dict
    shift: float
    shift_err: float
    shift_exact: float
    shift_canonical: float
    flux: dict
    events: int
    wall: float


def simulate_zrp_three_branch(n_A, n_B, n_C, rho, p=0.75, q=None, gamma_B=1.0, gamma_C=1.0, t_max=None,
                              *, t_relax=None, n_blocks=20, seed=None, desc=None):
    """Zero range process (``f = 1``) on the three-branch graph (Sec. 3.4).

    A non-empty site sends one particle along each link ``i -> j`` at rate ``v_ij``
    (weights of :func:`three_branch_graph`; the paper: ``gamma_B = gamma_C = 1``,
    ``p > q``). Starts from ``round(rho N)`` particles placed at random, relaxes for
    ``t_relax`` (default ``10 N / (p - q)``) and measures for ``t_max`` (default
    ``40 N / (p - q)``); compares the site densities with the exact factorised law
    eqs. (19)-(20).

    Parameters
    ----------
    n_A, n_B, n_C : int
        Interior sites of the branches (the two branching points are extra sites).
    rho : float
        Particles per site (> 0); ``M = round(rho N)``.
    p, q : float
        Forward and backward weights (``q = 1 - p`` by default).
    gamma_B, gamma_C : float
        Branching weights.
    t_max, t_relax : float, optional
        Measurement and relaxation times.
    n_blocks : int
        Blocks for the batch-means error bars (>= 2).
    seed : None or int
    desc : str, optional
        Progress-bar label.

    Returns
    -------
    ZRPResult
    """
    p = validate.real("p", p, 0.0, 1.0)
    q = 1.0 - p if q is None else validate.real("q", q, 0.0, 1.0)
    g = three_branch_graph(n_A, n_B, n_C, p=p, q=q, gamma_B=gamma_B, gamma_C=gamma_C)
    rho = validate.real("rho", rho, 0.0, lo_open=True)
    drift = max(abs(p - q), 0.05)
    if t_max is None:
        t_max = 40.0 * g.n / drift
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    if t_relax is None:
        t_relax = 10.0 * g.n / drift
    t_relax = validate.real("t_relax", t_relax, 0.0)
    n_blocks = validate.integer("n_blocks", n_blocks, 2)
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
    events, wall = 0, 0.0
    if t_relax > 0:
        rr = simulate(g, m0, t_relax, zrp=True, seed=int(s[1]))
        m0, events, wall = rr.masses, rr.events, rr.wall
    bulk = {}
    for b in BRANCHES:
        st = g.info[b]
        bulk[b] = st[len(st) // 4: len(st) - len(st) // 4]
    run = simulate(g, m0, t_max, n_blocks=n_blocks, regions=[bulk[b] for b in BRANCHES], zrp=True,
                   track_sites=True, seed=int(s[2]), desc=desc)
    events += run.events
    wall += run.wall
    density, density_err, lam, lam_err = {}, {}, {}, {}
    dens_blocks = np.stack([run.region_mean[:, k] / len(bulk[b]) for k, b in enumerate(BRANCHES)], axis=1)
    for k, b in enumerate(BRANCHES):
        mu, er = _batch(dens_blocks[:, k])
        density[b], density_err[b] = float(mu), float(er)
        lam[b] = float(math.log((1 + mu) / mu))
        lam_err[b] = float(er / (mu * (1 + mu)))
    sh = np.log((1 + dens_blocks[:, 1]) / dens_blocks[:, 1]) - np.log((1 + dens_blocks[:, 0]) / dens_blocks[:, 0])
    shift = lam["B"] - lam["A"]
    shift_err = _batch(sh)[1]
    rA, rB = theo[bulk["A"]].mean(), theo[bulk["B"]].mean()
    shift_canonical = math.log((1 + rB) / rB) - math.log((1 + rA) / rA)
    zA = zf["A"][len(zf["A"]) // 2]
    zB = zf["B"][len(zf["B"]) // 2]
    flux = {}
    for b in BRANCHES:
        st = bulk[b]
        f = sum(run.flow[g.link(int(st[i]), int(st[i + 1]))] - run.flow[g.link(int(st[i + 1]), int(st[i]))]
                for i in range(len(st) - 1))
        flux[b] = float(f / (len(st) - 1))
    return ZRPResult(g, run.site_mean, theo, zf, float(x), density, density_err, lam, lam_err,
                     float(shift), float(shift_err), float(math.log(zA / zB)), float(shift_canonical),
                     flux, events, wall)


# --------------------------------------------------------------------------- command line


def _fig5_branch(args):
    """One probe run of Fig. 5 (top level, so that it can run in a worker process)."""
    b, N_b, N_pr, t_max, t_relax, seed, show = args
    r = simulate_three_branch(N_b, 0.5, t_max=t_max, t_relax=t_relax, init="balanced", probe=b, N_pr=N_pr,
                              n_blocks=100, seed=seed, desc=f"branch {b}" if show else None)
    return b, r


def main(argv=None):
    """Paper-scale runs: ``python -m noneq.mass_transport {fig3,fig5,fig7,zrp} [--out file.npz]``."""
    ap = argparse.ArgumentParser(prog="python -m noneq.mass_transport",
                                 description="Paper-scale simulations of arXiv 1106.5652 (mass transport, "
                                             "flux balance and the chemical potential).")
    ap.add_argument("what", choices=["fig3", "fig5", "fig7", "zrp"], help="which computation")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None, help="save results to this .npz file")
    ap.add_argument("--t-max", type=float, default=None, help="measurement time (default per figure)")
    ap.add_argument("--t-relax", type=float, default=None, help="relaxation time (fig5/fig7)")
    ap.add_argument("--N", type=int, default=None, help="system size (N for fig3, N_b for fig5/fig7)")
    ap.add_argument("--N-pr", type=int, default=None, help="probe size")
    ap.add_argument("--jobs", type=int, default=3, help="fig5: run the three branches in this many processes")
    ap.add_argument("--branches", default="ABC", help="fig5: which probe runs (subset of ABC)")
    a = ap.parse_args(argv)
    out = {}
    if a.what == "fig3":
        N = a.N or 15870
        N_pr = a.N_pr or 512
        t_max = a.t_max or 10000.0
        cases = {"sin_N/4": (sinusoidal_eta(N), N // 4), "sin_3N/4": (sinusoidal_eta(N), 3 * N // 4),
                 "random": (random_eta(N, seed=a.seed), N // 4)}
        for k, (name, (eta, site)) in enumerate(cases.items()):
            r = simulate_ring_probe(N, eta, site, N_pr, t_max=t_max, n_blocks=300, seed=a.seed + k, desc=name)
            tail = r.lam_probe[len(r.lam_probe) // 2:]
            print(f"{name}: probe lambda (second half) = {tail.mean():.4f}, main = "
                  f"{r.lam_main[-1]:.4f}, expected {r.lam_expected:.4f}, {r.run.events / r.run.wall:.3g} events/s")
            out[name + "_t"], out[name + "_probe"], out[name + "_main"] = r.times, r.lam_probe, r.lam_main
            out[name + "_expected"] = r.lam_expected
    elif a.what == "fig5":
        N_b = a.N or 43348
        N_pr = a.N_pr or 1024
        t_max = a.t_max or 12000.0
        t_relax = a.t_relax if a.t_relax is not None else 2000.0
        th = three_branch_theory(0.5)
        if not a.branches or any(b not in BRANCHES for b in a.branches):
            ap.error("--branches must be a non-empty subset of ABC")
        jobs = [(b, N_b, N_pr, t_max, t_relax, a.seed + k, True) for k, b in enumerate(BRANCHES) if b in a.branches]
        t0 = time.perf_counter()
        if a.jobs > 1 and len(jobs) > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=a.jobs) as ex:
                results = list(ex.map(_fig5_branch, jobs))
        else:
            results = [_fig5_branch(j) for j in jobs]
        for b, r in results:
            print(f"probe in {b}: lambda~ = {r.lam_probe:.4f} +- {r.lam_probe_err:.4f} (second half), "
                  f"bulk 1/rho = {r.lam[b]:.4f}, flux balance eq. 17: {th['lam'][b]:.4f}; "
                  f"{r.events:.3g} events at {r.events / r.wall:.3g} events/s")
            out[b + "_t"] = r.series["times"][-r.params["n_blocks"]:]
            out[b + "_probe"] = r.series["lam_probe"]
        print(f"wall time {time.perf_counter() - t0:.0f} s")
    elif a.what == "fig7":
        N_b = a.N or 341
        for k, rho in enumerate(progress(np.linspace(0.1, 1.0, 10), desc="rho")):
            r = simulate_three_branch(N_b, float(rho), t_max=a.t_max, t_relax=a.t_relax, seed=a.seed + k)
            print(f"rho={rho:.2f}: lam A,B,C = {r.lam['A']:.4f} {r.lam['B']:.4f} {r.lam['C']:.4f}; "
                  f"B-A = {r.lam['B'] - r.lam['A']:.4f} +- {r.lam_err['B'] + r.lam_err['A']:.4f}, "
                  f"alpha = {alpha_theory(rho):.4f}; g/rho_nu^2 (whole branch) = "
                  + " ".join(f"{r.g[b] / r.density[b] ** 2:.3f}" for b in BRANCHES))
            for b in BRANCHES:
                out.setdefault("lam_" + b, []).append(r.lam[b])
                out.setdefault("g_" + b, []).append(r.g[b])
    else:
        n = a.N or 1000
        r = simulate_zrp_three_branch(n, n, n, 0.5, p=0.75, t_max=a.t_max, t_relax=a.t_relax, seed=a.seed,
                                      desc="zrp")
        print(f"z_A/z_B (mid-branch) = {math.exp(r.shift_exact):.6f}; shift lam_B - lam_A = "
              f"{r.shift:.4f} +- {r.shift_err:.4f} (exact fixed-M {r.shift_canonical:.4f}, "
              f"ln(z_A/z_B) = {r.shift_exact:.4f}, ln 2 = {math.log(2):.4f})")
        out["site_density"], out["theory_density"] = r.site_density, r.theory_density
    if a.out:
        np.savez(a.out, **{k: np.asarray(v) for k, v in out.items()})
        print("saved", a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
