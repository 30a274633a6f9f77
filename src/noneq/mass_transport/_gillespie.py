"""The exact event-driven (Gillespie) kernel of the mass transport models, and its helpers.

One kernel, :func:`_run`, serves every geometry and both kinds of mass:

* continuous masses (eqs. 2 and 12 with ``v = 1``, ``f_i(m) = m**(eta_i - 1)``): site
  ``i`` fires at rate ``c_i m_i`` with ``c_i = W_i / eta_i`` (``W_i = sum_j w_ij``), sends
  its packet to ``j`` with probability ``w_ij / W_i`` and keeps ``m_i U**(1/eta_i)``
  (the moved fraction is ``Beta(1, eta_i)``);
* the zero range process (Sec. 3.4, ``v(mu) = delta(mu - 1)``, ``f = 1``): a non-empty
  site fires at rate ``W_i`` and moves one particle.

Site rates live in an 8-ary prefix-sum tree (:func:`_tree_layout`, :func:`_rebuild`):
O(log N) selection and update; an event between two sites of equal rate coefficient
only touches the tree up to their common ancestor. Time integrals of region masses
are kept lazily (:func:`_shift_regions`). Random numbers: numba's generator is seeded
with the block seed (package convention, :mod:`noneq.rng`) and seeds an inline
xoshiro256** stream; per event the kernel draws, in this order, the waiting time,
the site, the link (only for sites with more than one out-link) and the kept
fraction (only for continuous masses).

A block is started by :func:`_begin` (seed, tree, regions) and advanced by calls of
:func:`_run` that each do at most a given number of events and carry the whole state
in their arguments, so the driver can cut a run into chunks of a fraction of a second
(between them a pending ``SIGINT`` is raised and the progress bar moves) without
changing a single number.

The Python driver is :func:`noneq.mass_transport.dynamics.simulate`; the tests check
single events and short trajectories against a plain NumPy statement of the same rule.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..rng import xoshiro_state as _seed_state
from ..rng import xoshiro_uniform as _rand

#: Children per node of the prefix-sum tree (the kernel hard-codes 8 in its index arithmetic).
_FANOUT = 8
#: Events between two full recomputations of the tree (bounds accumulated round-off).
_REBUILD_EVERY = 1 << 22


@njit(inline="always")
def _site_rate(mi, ci, Wi, zrp):
    """Total firing rate of one site: ``c_i m_i`` (continuous masses) or ``W_i [m_i >= 1]`` (ZRP)."""
    if zrp:
        return Wi if mi >= 0.5 else 0.0
    return ci * mi


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
                s += _site_rate(m[i], c[i], W[i], zrp)
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


#: Return codes of :func:`_run`: ``t_end`` reached, event budget of the call used up
#: (the run is paused and continues exactly where it stopped), no site can fire.
DONE, PAUSED, FROZEN = 0, 1, 2


@njit(cache=True)
def _begin(m, c, W, zrp, tree, offs, reg_ptr, reg_idx, reg_m, reg_t, track_sites, site_t, t0, seed, rs):
    """Start a block at time ``t0``: seed the stream ``rs`` (4 x uint64, filled in place), rebuild the
    tree from ``m``, set the region masses and the start of every lazily kept time integral."""
    rs[:] = _seed_state(seed)
    n = m.shape[0]
    _rebuild(m, c, W, zrp, tree, offs)
    for r in range(reg_m.shape[0]):
        reg_m[r] = 0.0
        reg_t[r] = t0
    for i in range(n):
        for k in range(reg_ptr[i], reg_ptr[i + 1]):
            reg_m[reg_idx[k]] += m[i]
        if track_sites:
            site_t[i] = t0


@njit(cache=True)
def _close(t, m, reg_m, reg_i1, reg_i2, reg_t, track_sites, site_int, site_t):
    """Bring every lazily kept time integral up to time ``t``."""
    for r in range(reg_m.shape[0]):
        x = reg_m[r]
        dt = t - reg_t[r]
        reg_i1[r] += x * dt
        reg_i2[r] += x * x * dt
        reg_t[r] = t
    if track_sites:
        for i in range(m.shape[0]):
            site_int[i] += m[i] * (t - site_t[i])
            site_t[i] = t


@njit(cache=True)
def _run(m, c, W, eta_inv, zrp, tree, offs,
         out_ptr, out_idx, out_w, flow, single, fsite,
         reg_ptr, reg_idx, reg_m, reg_i1, reg_i2, reg_t,
         track_sites, site_int, site_t,
         t0, t_end, max_events, rs, since):
    """Advance the configuration ``m`` from time ``t0`` towards ``t_end`` (exact Gillespie).

    A block is started by :func:`_begin` and then advanced by one or more calls of
    ``_run``, each doing at most ``max_events`` events. Everything the run needs
    to go on lives in the arrays passed in (configuration, tree, stream state
    ``rs``, region masses and the starts ``reg_t``, ``site_t`` of the time
    integrals) plus the returned ``since`` (events since the last full rebuild of
    the tree), so a block cut into any number of calls gives bit for bit the
    numbers of one call. Between calls control returns to Python (where a
    pending ``SIGINT`` raises ``KeyboardInterrupt``).

    Accumulates (added to the arrays passed in): ``flow[k]`` mass carried by link
    ``k`` (for a site with a single out-link, ``single[i] >= 0``, the mass goes to
    ``fsite[i]`` instead, one memory access fewer per event); ``reg_i1[r]``,
    ``reg_i2[r]`` time integrals of the mass of region ``r`` and of its square;
    ``site_int[i]`` time integral of ``m[i]`` if ``track_sites``; the integrals
    are brought up to the returned time (:func:`_close`) unless the call stops on
    its event budget. Returns ``(t, n_events, status, since, sink)``: ``status``
    is :data:`DONE` (``t = t_end``), :data:`PAUSED` (``max_events`` done, ``t`` is
    the time of the last event) or :data:`FROZEN` (no site can fire); ``sink``
    only keeps the prefetching reads alive. Random numbers: the inline
    xoshiro256** stream ``rs`` (seeded by :func:`_begin` from numba's generator,
    package convention), ten times cheaper per draw than ``np.random.random()``
    inside numba.
    """
    n = m.shape[0]
    nreg = reg_m.shape[0]
    D = offs.shape[0]
    st = rs.copy()  # a private copy: the compiler can keep the stream apart from the stores to m and tree
    root = offs[D - 1] + 7
    t = t0
    nev = 0
    sink = 0.0
    status = PAUSED
    while nev < max_events:
        R = tree[root]
        if not R > 0.0:
            status = FROZEN
            break
        tn = t - math.log(1.0 - _rand(st)) / R
        if tn > t_end:
            t = t_end
            status = DONE
            break
        t = tn
        # ---- select the site: at each level count the prefix sums <= u (branch-free)
        u = _rand(st) * R
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
            uu = _rand(st) * W[i]
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
            s = _rand(st)
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
    rs[:] = st
    if status != PAUSED:
        _close(t, m, reg_m, reg_i1, reg_i2, reg_t, track_sites, site_int, site_t)
    return t, nev, status, since, sink
