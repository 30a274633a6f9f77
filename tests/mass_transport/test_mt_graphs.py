"""Graphs of arXiv 1106.5652: ring, probe contact (Fig. 2), three branches (Fig. 4) and eq. (13)."""

import numpy as np
import pytest

from noneq import mass_transport as mt
from noneq.mass_transport.graphs import _from_edges


def test_ring_and_probe_satisfy_factorisation_condition():
    g = mt.attach_probe(mt.ring_graph(50, p=0.8, eta=mt.sinusoidal_eta(50)), 12, 10)
    assert np.allclose(g.factorisation_defect(), 0.0)
    assert g.n == 60 and g.info["contact"] == 12 and g.info["probe_contact"] == 50


def test_probe_contact_links():
    """One link each way between the contact site and the first probe site, both of weight ``contact``."""
    g = mt.attach_probe(mt.ring_graph(10, p=1.0), 4, 6, contact=0.5)
    k1, k2 = g.link(4, 10), g.link(10, 4)
    assert g.out_w[k1] == 0.5 and g.out_w[k2] == 0.5
    assert np.all(g.label[10:] == -1) and g.pos[10:].tolist() == list(range(6))
    with pytest.raises(ValueError, match="no link"):
        g.link(5, 10)


def test_three_branch_eq13_fails_at_the_merging_node_and_first_sites_of_B_and_C():
    """At p = 1, gamma_B = gamma_C = 1/2 eq. (13) holds at the splitting node but fails at
    the merging node and at the first sites of B and C (not only at branching points)."""
    g = mt.three_branch_graph(6, 8, 8, p=1.0, gamma_B=0.5, gamma_C=0.5)
    d = g.factorisation_defect()
    bad = np.flatnonzero(np.abs(d) > 1e-12)
    # merge node: in-weight 2, out-weight 1; first sites of B and C: in-weight 1/2, out-weight 1
    assert set(bad) == {g.info["merge"], g.info["B"][0], g.info["C"][0]}
    assert np.isclose(d[g.info["merge"]], -1.0)
    assert np.isclose(d[g.info["B"][0]], 0.5) and np.isclose(d[g.info["C"][0]], 0.5)
    assert abs(d[g.info["split"]]) < 1e-12  # the splitting node satisfies eq. (13)
    assert g.n == 6 + 8 + 8 + 2
    # with p < 1 both nodes and the first and last sites of B and C fail
    g = mt.three_branch_graph(6, 8, 8, p=0.75, gamma_B=0.5, gamma_C=0.5)
    bad = set(np.flatnonzero(np.abs(g.factorisation_defect()) > 1e-12))
    ends = {g.info["B"][0], g.info["B"][-1], g.info["C"][0], g.info["C"][-1]}
    assert bad == {g.info["merge"], g.info["split"]} | ends, bad


def test_three_branch_weights_at_the_nodes():
    """Fig. 4: the splitting node sends gamma_B p into B and gamma_C p into C, the merging node
    gamma_B q and gamma_C q backwards."""
    p, gB, gC = 0.7, 0.2, 0.9
    g = mt.three_branch_graph(3, 4, 5, p=p, gamma_B=gB, gamma_C=gC)
    s, m, B, C = g.info["split"], g.info["merge"], g.info["B"], g.info["C"]
    assert np.isclose(g.out_w[g.link(s, B[0])], gB * p) and np.isclose(g.out_w[g.link(s, C[0])], gC * p)
    assert np.isclose(g.out_w[g.link(m, B[-1])], gB * (1 - p)) and np.isclose(g.out_w[g.link(m, C[-1])], gC * (1 - p))
    assert np.isclose(g.out_w[g.link(B[-1], m)], p) and np.isclose(g.out_w[g.link(B[0], s)], 1 - p)
    assert g.label.tolist() == [0] * 5 + [1] * 4 + [2] * 5


def test_eta_profiles():
    e = mt.sinusoidal_eta(8)
    assert np.isclose(e[1], 3.0) and np.isclose(e.mean(), 2.0)
    r = mt.random_eta(1000, seed=3)
    assert np.array_equal(r, mt.random_eta(1000, seed=3)) and 1 < r.min() and r.max() < 3


def test_every_site_needs_an_out_link():
    with pytest.raises(ValueError, match="out-link"):
        _from_edges(3, [(0, 1, 1.0), (1, 0, 1.0), (2, 0, 0.0)], np.ones(3), np.zeros(3), np.arange(3), {})
    # repeated links are merged
    g = _from_edges(2, [(0, 1, 1.0), (0, 1, 0.5), (1, 0, 1.0)], np.ones(2), np.zeros(2), np.arange(2), {})
    assert g.out_w.tolist() == [1.5, 1.0]
