"""The driver ``simulate``: conservation, seeds, exact time averages, blocks and the stationary state."""

import math

import numpy as np
import pytest
from scipy import stats

from noneq import mass_transport as mt


def test_mass_conservation_and_positivity():
    g = mt.attach_probe(mt.ring_graph(200, p=1.0, eta=mt.sinusoidal_eta(200)), 49, 20)
    m0 = mt.stationary_masses(g.eta, 300.0, seed=1)
    run = mt.simulate(g, m0, 300.0, n_blocks=3, seed=2)
    assert run.events > 10_000
    assert abs(run.masses.sum() - m0.sum()) < 1e-9 * m0.sum()
    assert run.masses.min() >= 0.0
    g3 = mt.three_branch_graph(30, 32, 32)
    m3 = mt.stationary_masses(g3.eta, 47.0, seed=3)
    r3 = mt.simulate(g3, m3, 200.0, seed=4)
    assert abs(r3.masses.sum() - 47.0) < 1e-10 * 47 and r3.masses.min() >= 0.0


def test_zrp_conserves_integer_particles():
    g = mt.three_branch_graph(10, 10, 10, p=0.75, gamma_B=1.0, gamma_C=1.0)
    m0 = mt.stationary_masses(np.ones(g.n), 20, seed=1, zrp=True)
    run = mt.simulate(g, m0, 100.0, zrp=True, seed=2)
    assert run.masses.sum() == 20 and np.all(run.masses == np.round(run.masses)) and run.masses.min() >= 0


def test_seed_reproducibility():
    a = mt.simulate_ring(100, t_max=20.0, seed=5)["run"]
    b = mt.simulate_ring(100, t_max=20.0, seed=5)["run"]
    c = mt.simulate_ring(100, t_max=20.0, seed=6)["run"]
    assert np.array_equal(a.masses, b.masses) and a.events == b.events
    assert not np.array_equal(a.masses, c.masses)


def test_time_averages_are_exact_for_conserved_region():
    """The whole system's mass is constant, so its time average and variance are exact."""
    g = mt.ring_graph(64, p=0.6)
    m0 = mt.stationary_masses(g.eta, 32.0, seed=0)
    run = mt.simulate(g, m0, 50.0, n_blocks=5, regions=[np.arange(64), np.arange(10)], track_sites=True, seed=1)
    assert np.allclose(run.region_mean[:, 0], 32.0, rtol=1e-12)
    assert np.allclose(run.region_sq[:, 0], 32.0 ** 2, rtol=1e-12)
    assert math.isclose(run.site_mean.sum(), 32.0, rel_tol=1e-12)
    assert np.all(run.region_sq[:, 1] >= run.region_mean[:, 1] ** 2 * (1 - 1e-12))
    # the per-site time averages add up to the region averages
    assert math.isclose(run.site_mean[:10].sum(), run.region_mean[:, 1].mean(), rel_tol=1e-10)


def test_frozen_state_and_event_cap():
    g = mt.ring_graph(4)
    run = mt.simulate(g, np.zeros(4), 3.0, n_blocks=3, regions=[np.arange(2)])
    assert run.events == 0 and np.all(run.region_mean == 0)
    with pytest.raises(RuntimeError, match="max_events"):
        mt.simulate(g, np.ones(4), 100.0, max_events=5, seed=1)


def test_run_record_names():
    run = mt.simulate(mt.ring_graph(8), np.ones(8), 2.0, n_blocks=4, seed=1, progress=False)
    assert run.n_blocks == 4 and run.wall == run.seconds >= 0 and run.duration == 2.0


def test_stationary_masses_dirichlet():
    """Eq. (3) for f = m**(eta - 1): M times a Dirichlet(eta) vector; its first component is Beta."""
    eta = np.array([0.7, 1.5, 2.0, 3.2])
    x = np.array([mt.stationary_masses(eta, 2.0, seed=s)[0] / 2.0 for s in range(2000)])
    assert stats.kstest(x, stats.beta(eta[0], eta.sum() - eta[0]).cdf).pvalue > 1e-3
    z = mt.stationary_masses(np.ones(5), 7, seed=1, zrp=True)
    assert z.sum() == 7 and np.all(z == np.round(z))


@pytest.mark.parametrize("progress", [None, True, False])
def test_progress_switch_and_old_desc(progress, capsys):
    g = mt.ring_graph(8)
    a = mt.simulate(g, np.ones(8), 2.0, n_blocks=2, seed=1, progress=progress)
    b = mt.simulate(g, np.ones(8), 2.0, n_blocks=2, seed=1, desc=None)
    c = mt.simulate(g, np.ones(8), 2.0, n_blocks=2, seed=1, desc="label", progress=False)
    assert np.array_equal(a.masses, b.masses) and np.array_equal(a.masses, c.masses)
    with pytest.raises(ValueError, match="progress"):
        mt.simulate(g, np.ones(8), 2.0, progress="yes")
