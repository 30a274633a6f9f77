"""Every public function names the bad parameter and its range."""

import numpy as np
import pytest

from noneq import mass_transport as mt


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: mt.simulate_three_branch(64, -0.5), "rho"),
        (lambda: mt.simulate_three_branch(64, 0.5, p=1.5), "p"),
        (lambda: mt.simulate_three_branch(64, 0.5, gamma_B=-0.1), "gamma_B"),
        (lambda: mt.simulate_three_branch(1, 0.5), "N_b"),
        (lambda: mt.simulate_three_branch(64, 0.5, t_max=0.0), "t_max"),
        (lambda: mt.simulate_three_branch(64, 0.5, eta=0.0), "eta"),
        (lambda: mt.simulate_three_branch(64, 0.5, init="random"), "init"),
        (lambda: mt.simulate_three_branch(64, 0.5, probe="D"), "probe"),
        (lambda: mt.simulate_three_branch(64, 0.5, sub_sizes=[70]), "sub_sizes"),
        (lambda: mt.simulate_three_branch(64, 0.5, progress=2), "progress"),
        (lambda: mt.simulate_ring(1), "N"),
        (lambda: mt.simulate_ring(10, rho=0.0), "rho"),
        (lambda: mt.ring_graph(10, eta=-1.0), "eta"),
        (lambda: mt.ring_graph(10, p=0.0, q=0.0), "p \\+ q"),
        (lambda: mt.three_branch_graph(2, 0, 2), "n_B"),
        (lambda: mt.three_branch_graph(0, 2, 2), "n_A"),
        (lambda: mt.zrp_fugacities(0, 3, 3, 1, 0), "n_A"),
        (lambda: mt.zrp_fugacities(3, 3, 0, 0.75), "n_C"),
        (lambda: mt.simulate_zrp_three_branch(0, 3, 3, 1.0), "n_A"),
        (lambda: mt.simulate_zrp_three_branch(3, 0, 3, 1.0), "n_B"),
        (lambda: mt.simulate_zrp_three_branch(3, 3, 0, 1.0), "n_C"),
        (lambda: mt.simulate(mt.ring_graph(4), [2.0**60, 0, 0, 0], 1.0, zrp=True), "2\\*\\*53"),
        (lambda: mt.simulate_ring(10, n_blocks=0), "n_blocks"),
        (lambda: mt.simulate_ring_probe(100, 2.0, 5, 10, n_blocks=0), "n_blocks"),
        (lambda: mt.three_branch_graph(2, 2, 2, gamma_B=0.0, gamma_C=0.0), "gamma_B \\+ gamma_C"),
        (lambda: mt.attach_probe(mt.ring_graph(5), 5, 4), "site"),
        (lambda: mt.attach_probe("ring", 0, 4), "graph"),
        (lambda: mt.random_eta(10, lo=2.0, hi=1.0), "hi"),
        (lambda: mt.alpha_theory(-1.0), "rho"),
        (lambda: mt.alpha_theory(1.0, eta=0), "eta"),
        (lambda: mt.alpha_theory(1.0, kappa=1.0), "kappa"),
        (lambda: mt.three_branch_theory(0.5, kappa=(0.5, 0.5, 0.5)), "kappa"),
        (lambda: mt.flux_theory(0.0), "lam"),
        (lambda: mt.lambda_ring([1.0], 0.0), "M"),
        (lambda: mt.zrp_fugacities(10, 10, 10, 1.2), "p"),
        (lambda: mt.zrp_densities([1.0, -1.0], 3), "z"),
        (lambda: mt.zrp_densities([1.0, 1.0], 0), "M"),
        (lambda: mt.simulate_zrp_three_branch(4, 4, 4, 0.01), "1 particle"),
        (lambda: mt.simulate_zrp_three_branch(4, 4, 4, 0.5, n_blocks=1), "n_blocks"),
        (lambda: mt.simulate_ring_probe(100, 2.0, 0, 10), "probe_site"),
        (lambda: mt.simulate_ring_probe(100, 2.0, 5, 1), "N_pr"),
        (lambda: mt.simulate(mt.ring_graph(4), [1.0, -1.0, 0.0, 0.0], 1.0), "masses"),
        (lambda: mt.simulate(mt.ring_graph(4), np.ones(4), 1.0, seed=-3), "seed"),
        (lambda: mt.simulate(mt.ring_graph(4), np.ones(4) * 0.5, 1.0, zrp=True), "integers"),
        (lambda: mt.simulate(mt.ring_graph(4), np.ones(4), 1.0, regions=[[7]]), "regions"),
        (lambda: mt.simulate(mt.ring_graph(4), np.ones(4), 1.0, snap_sites=[4]), "snap_sites"),
        (lambda: mt.stationary_masses([1.0, 0.0], 1.0), "eta"),
        (lambda: mt.FIG3.at("huge"), "scale"),
    ],
)
def test_bad_input_raises(call, name):
    with pytest.raises(ValueError, match=name):
        call()
