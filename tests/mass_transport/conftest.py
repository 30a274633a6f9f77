"""Fixtures of the mass transport tests: small graphs, their initial states, and a driver that runs
the compiled kernel for a fixed number of events from a given state."""

import numpy as np
import pytest

from noneq import mass_transport as mt
from noneq.mass_transport._gillespie import _begin, _close, _run, _tree_layout
from noneq.mass_transport.dynamics import _regions_csr


def run_kernel(graph, masses, n_events, seed, zrp=False, regions=None, fast_path=False, t_end=np.inf):
    """Run the kernel for at most ``n_events`` events from ``masses`` at ``t = 0``.

    ``fast_path`` gives sites with a single out-link their destination directly, as
    :func:`noneq.mass_transport.simulate` does (the moved mass is then booked per site).
    Returns ``(masses, flow per link, time, events, region time integrals (first, second moment))``.
    """
    n = graph.n
    offs, total = _tree_layout(n)
    tree = np.zeros(total)
    W = graph.out_weight
    eta_inv = 1.0 / graph.eta
    c = W * eta_inv
    m = np.array(masses, dtype=np.float64)
    flow = np.zeros(graph.out_idx.size)
    deg = np.diff(graph.out_ptr)
    single = np.full(n, -1, dtype=np.int64)
    if fast_path:
        single[deg == 1] = graph.out_idx[graph.out_ptr[:-1][deg == 1]]
    fsite = np.zeros(n)
    rptr, ridx, nreg = _regions_csr(n, regions)
    i1, i2 = np.zeros(nreg), np.zeros(nreg)
    reg_m, reg_t, site_int, site_t = np.zeros(nreg), np.zeros(nreg), np.zeros(n), np.zeros(n)
    rs = np.zeros(4, dtype=np.uint64)
    _begin(m, c, W, bool(zrp), tree, offs, rptr, ridx, reg_m, reg_t, False, site_t, 0.0, int(seed), rs)
    t, nev, _, _, _ = _run(m, c, W, eta_inv, bool(zrp), tree, offs, graph.out_ptr, graph.out_idx, graph.out_w,
                           flow, single, fsite, rptr, ridx, reg_m, i1, i2, reg_t, False, site_int, site_t,
                           0.0, float(t_end), int(n_events), rs, 0)
    _close(t, m, reg_m, i1, i2, reg_t, False, site_int, site_t)
    one = deg == 1
    flow[graph.out_ptr[:-1][one]] += fsite[one]
    return m, flow, t, nev, i1, i2


@pytest.fixture
def kernel():
    """The compiled kernel, run from a given state (see :func:`run_kernel`)."""
    return run_kernel


@pytest.fixture
def ring_probe_graph():
    """A disordered ring of 12 sites (p = 0.7) with a probe of 5 sites attached to site 3."""
    ring = mt.ring_graph(12, p=0.7, eta=mt.sinusoidal_eta(12))
    return mt.attach_probe(ring, 3, 5, p=0.7)


@pytest.fixture
def branch_graph():
    """Three branches with unequal branching weights and p < 1 (every node has several out-links)."""
    return mt.three_branch_graph(4, 5, 6, p=0.8, gamma_B=0.3, gamma_C=0.9, eta=1.7)
