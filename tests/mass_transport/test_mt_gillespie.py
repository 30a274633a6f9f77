"""The compiled Gillespie kernel against the rule of the model written in plain NumPy.

The rule (eqs. 2 and 12 with v = 1, f_i = m**(eta_i - 1); the zero range process of Sec. 3.4): site i
fires at rate W_i m_i / eta_i (ZRP: W_i if occupied), sends to j with probability w_ij / W_i, and the
moved fraction is Beta(1, eta_i) (ZRP: one particle). Two kinds of checks:

* same uniforms: the reference below draws from the same xoshiro256** stream as the kernel, in the
  kernel's order (waiting time, site, link if the site has several out-links, kept fraction), and
  must reproduce its events exactly (single events and whole trajectories, through ``simulate``);
* frequencies: many one-event runs from a fixed state, with a chi-square test of the (site, link)
  frequencies against the rule's probabilities and a KS test of the moved fraction against Beta(1, eta).
"""

import math

import numpy as np
import pytest
from scipy import stats

from noneq import mass_transport as mt
from noneq.mass_transport._gillespie import _rebuild, _tree_layout
from noneq.rng import spawn_seeds, xoshiro_state, xoshiro_uniform

# ----------------------------------------------------------------------------- the reference rule


def rule_rates(graph, m, zrp=False):
    """Firing rate of every site: W_i m_i / eta_i, or W_i [m_i >= 1] for the zero range process."""
    W = graph.out_weight
    return W * (m >= 1) if zrp else W * m / graph.eta


def rule_transition_probabilities(graph, m, zrp=False):
    """Probability that the next event moves mass along link k (indexed like graph.out_idx)."""
    r = rule_rates(graph, m, zrp)
    src = np.repeat(np.arange(graph.n), np.diff(graph.out_ptr))
    return r[src] / r.sum() * graph.out_w / graph.out_weight[src]


def reference_event(graph, m, t, draw, zrp=False):
    """One event of the rule from state (m, t) with uniforms from ``draw()``; returns (t, site, link, mu).

    ``m`` is updated in place. The site and the link are the first whose cumulative rate (weight)
    exceeds ``u R`` (``u W_i``).
    """
    rates = rule_rates(graph, m, zrp)
    R = rates.sum()
    t = t - math.log(1.0 - draw()) / R
    i = int(np.searchsorted(np.cumsum(rates), draw() * R, side="right"))
    a, b = graph.out_ptr[i], graph.out_ptr[i + 1]
    k = a
    if b - a > 1:
        k = a + min(int(np.searchsorted(np.cumsum(graph.out_w[a:b]), draw() * graph.out_weight[i], side="right")),
                    b - a - 1)
    if zrp:
        mu = 1.0
    else:
        mu = m[i] - m[i] * draw() ** (1.0 / graph.eta[i])
    m[i] -= mu
    m[graph.out_idx[k]] += mu
    return t, i, k, mu


def stream(seed):
    """The kernel's uniforms for ``seed``, one per call."""
    st = xoshiro_state(seed)
    return lambda: float(xoshiro_uniform(st))


def reference_run(graph, m, t0, t_end, seed, zrp=False, regions=()):
    """The rule from t0 to t_end with the kernel's stream for ``seed``; also the region time integrals."""
    draw = stream(seed)
    m = np.array(m, dtype=np.float64)
    flow = np.zeros(graph.out_idx.size)
    i1 = np.zeros(len(regions))
    i2 = np.zeros(len(regions))
    t = t0
    events = 0
    while True:
        before = np.array([m[r].sum() for r in regions])
        m_try = m.copy()
        t_new, i, k, mu = reference_event(graph, m_try, t, draw, zrp)
        dt = min(t_new, t_end) - t
        i1 += before * dt
        i2 += before ** 2 * dt
        if t_new > t_end:
            return m, flow, t_end, events, i1, i2
        m, t = m_try, t_new
        flow[k] += mu
        events += 1


# ----------------------------------------------------------------------------- tree


def test_tree_is_exact_after_rebuild():
    rng = np.random.default_rng(0)
    for n in (1, 7, 8, 9, 64, 65, 1000):
        m = rng.random(n)
        c = rng.random(n) + 0.5
        offs, size = _tree_layout(n)
        tree = np.zeros(size)
        _rebuild(m, c, np.ones(n), False, tree, offs)
        assert math.isclose(tree[offs[-1] + 7], float(np.sum(c * m)), rel_tol=1e-12)
        # every level-0 node holds the inclusive prefix sums of its 8 sites
        for k in range(-(-n // 8)):
            seg = (c * m)[8 * k: 8 * k + 8]
            assert np.allclose(tree[8 * k: 8 * k + seg.size], np.cumsum(seg), rtol=1e-12)


def test_tree_rebuild_zrp_rates():
    m = np.array([0.0, 1.0, 3.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 5.0])
    W = np.linspace(0.5, 2.0, m.size)
    offs, size = _tree_layout(m.size)
    tree = np.zeros(size)
    _rebuild(m, np.ones(m.size), W, True, tree, offs)
    assert math.isclose(tree[offs[-1] + 7], float(W[m >= 1].sum()), rel_tol=1e-12)


# ----------------------------------------------------------------------------- one event, same uniforms


def _one_event_cases(ring_probe_graph, branch_graph):
    rng = np.random.default_rng(5)
    g1, g2 = ring_probe_graph, branch_graph
    # probe contact: only the contact site of the ring and the probe site touching it hold mass
    m_contact = np.zeros(g1.n)
    m_contact[[g1.info["contact"], g1.info["probe_contact"]]] = [1.3, 0.4]
    # splitting node: only it holds mass, so the event is a reweighted transfer into B or C (or back)
    m_split = np.zeros(g2.n)
    m_split[g2.info["split"]] = 2.0
    return [
        ("ring + probe, random state", g1, rng.gamma(g1.eta), False),
        ("probe contact", g1, m_contact, False),
        ("three branches, random state", g2, rng.gamma(g2.eta), False),
        ("splitting node", g2, m_split, False),
        ("zero range process", g2, rng.integers(0, 3, g2.n).astype(float), True),
    ]


@pytest.mark.parametrize("case", range(5))
def test_one_event_matches_reference_rule(case, kernel, ring_probe_graph, branch_graph):
    name, g, m0, zrp = _one_event_cases(ring_probe_graph, branch_graph)[case]
    for seed in range(40):
        m_k, flow_k, t_k, nev, _, _ = kernel(g, m0, 1, seed, zrp=zrp)
        assert nev == 1
        m_r = m0.copy()
        t_r, i, k, mu = reference_event(g, m_r, 0.0, stream(seed), zrp)
        assert math.isclose(t_k, t_r, rel_tol=1e-12), (name, seed)
        assert np.flatnonzero(flow_k).tolist() == [k], (name, seed)
        assert math.isclose(flow_k[k], mu, rel_tol=1e-12), (name, seed)
        assert np.allclose(m_k, m_r, rtol=1e-12, atol=1e-15), (name, seed)


def test_single_out_link_fast_path_matches_rule(kernel):
    """Totally asymmetric ring: every site has one out-link, the kernel skips the link draw."""
    g = mt.ring_graph(9, p=1.0, eta=mt.sinusoidal_eta(9))
    m0 = np.random.default_rng(2).gamma(g.eta)
    for seed in range(20):
        m_k, flow_k, t_k, _, _, _ = kernel(g, m0, 1, seed, fast_path=True)
        m_r = m0.copy()
        t_r, i, k, mu = reference_event(g, m_r, 0.0, stream(seed))
        assert np.allclose(m_k, m_r, rtol=1e-12) and math.isclose(flow_k[k], mu, rel_tol=1e-12)


# ----------------------------------------------------------------------------- trajectories through simulate


@pytest.mark.parametrize("zrp", [False, True])
def test_simulate_trajectory_matches_reference_rule(zrp, ring_probe_graph, branch_graph):
    """Whole runs (several blocks, one child seed each): final state, link flows and region time integrals."""
    g = branch_graph if zrp else ring_probe_graph
    rng = np.random.default_rng(8)
    m0 = rng.integers(0, 4, g.n).astype(float) if zrp else rng.gamma(g.eta)
    regions = [np.arange(5), np.arange(3, g.n, 2)]
    n_blocks, t_max, seed = 3, 30.0, 17
    run = mt.simulate(g, m0, t_max, n_blocks=n_blocks, regions=regions, zrp=zrp, seed=seed, progress=False)
    assert run.events > 100
    m, t = m0, 0.0
    flow = np.zeros(g.out_idx.size)
    events = 0
    for b, s in enumerate(spawn_seeds(seed, n_blocks)):
        t_end = (b + 1) * (t_max / n_blocks)
        m, f, t, nev, i1, i2 = reference_run(g, m, t, t_end, int(s), zrp, regions)
        flow += f
        events += nev
        assert np.allclose(run.region_mean[b], i1 / (t_max / n_blocks), rtol=1e-9)
        assert np.allclose(run.region_sq[b], i2 / (t_max / n_blocks), rtol=1e-9)
    assert run.events == events
    assert np.allclose(run.masses, m, rtol=1e-9, atol=1e-12)
    assert np.allclose(run.flow, flow / t_max, rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------- frequencies of one event


def _one_event_sample(kernel, g, m0, n, zrp=False, seed0=0):
    links = np.empty(n, dtype=np.int64)
    frac = np.empty(n)
    for s in range(n):
        m, flow, _, _, _, _ = kernel(g, m0, 1, seed0 + s, zrp=zrp)
        k = int(np.argmax(flow))
        links[s] = k
        src = np.searchsorted(g.out_ptr, k, side="right") - 1
        frac[s] = flow[k] / m0[src]
    return links, frac


def _chi2_links(g, m0, links, zrp=False):
    p = rule_transition_probabilities(g, m0, zrp)
    obs = np.bincount(links, minlength=p.size)
    assert obs[p == 0].sum() == 0  # no transfer along an impossible link
    ok = p > 0
    return stats.chisquare(obs[ok], p[ok] * links.size).pvalue


def test_splitting_node_reweights_branches(kernel, branch_graph):
    """At the splitting node the transfers into B and C carry gamma_B p and gamma_C p (Fig. 4)."""
    g = branch_graph
    m0 = np.zeros(g.n)
    m0[g.info["split"]] = 1.0
    links, frac = _one_event_sample(kernel, g, m0, 6000)
    assert _chi2_links(g, m0, links) > 1e-3
    # the rule's own numbers: B gets gamma_B p / (q + (gamma_B + gamma_C) p) of the events
    kB = g.link(g.info["split"], g.info["B"][0])
    assert math.isclose(rule_transition_probabilities(g, m0)[kB], 0.3 * 0.8 / (0.2 + 1.2 * 0.8), rel_tol=1e-12)


def test_site_choice_and_probe_contact_frequencies(kernel, ring_probe_graph):
    """Rates W_i m_i / eta_i over the whole graph, including the two contact links of the probe."""
    g = ring_probe_graph
    m0 = np.random.default_rng(3).gamma(g.eta) + 0.2
    m0[g.info["contact"]] *= 4  # make the contact events frequent
    links, _ = _one_event_sample(kernel, g, m0, 8000, seed0=10_000)
    assert _chi2_links(g, m0, links) > 1e-3
    to_probe = g.link(g.info["contact"], g.info["probe_contact"])
    assert np.count_nonzero(links == to_probe) > 50


def test_zrp_one_event_frequencies(kernel, branch_graph):
    g = branch_graph
    m0 = (np.arange(g.n) % 3).astype(float)
    links, frac = _one_event_sample(kernel, g, m0, 6000, zrp=True, seed0=50_000)
    assert _chi2_links(g, m0, links, zrp=True) > 1e-3
    # one particle per event
    src = np.searchsorted(g.out_ptr, links, side="right") - 1
    assert np.allclose(frac * m0[src], 1.0)


@pytest.mark.parametrize("eta", [0.5, 1.0, 2.5])
def test_moved_fraction_is_beta_1_eta(kernel, eta):
    """x = mu / m ~ Beta(1, eta): the kernel keeps m U**(1/eta)."""
    g = mt.ring_graph(4, p=0.6, eta=eta)
    m0 = np.array([1.5, 0.0, 0.0, 0.0])
    _, frac = _one_event_sample(kernel, g, m0, 3000, seed0=int(100 * eta))
    assert stats.kstest(frac, stats.beta(1.0, eta).cdf).pvalue > 1e-3
    if eta != 1.0:  # the test has power against the uniform fraction
        assert stats.kstest(frac, "uniform").pvalue < 1e-3
