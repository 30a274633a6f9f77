"""Parameter validation of every public function of noneq.ising_chain, and T2 = inf."""

import numpy as np
import pytest

from noneq import ising_chain as ic


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda: ic.stationary_distribution(1, 1, 2), "M"),
        (lambda: ic.stationary_distribution(4, 0, 2), "T1"),
        (lambda: ic.stationary_distribution(4, 1, -2), "T2"),
        (lambda: ic.stationary_distribution(4, 1, 2, method="lu"), "method"),
        (lambda: ic.stationary_distribution(20, 1, 2, method="solve"), "M"),
        (lambda: ic.stationary_tau_distribution(40, 1, 2), "M"),
        (lambda: ic.energy_distribution(1, 1, 2), "M"),
        (lambda: ic.energy_distribution(5, 1, 2, eps=0), "eps"),
        (lambda: ic.entropy_production_distribution(1, 3, 1, 2), "M"),
        (lambda: ic.entropy_production_distribution(4, 0, 1, 2), "t"),
        (lambda: ic.entropy_production_distribution(4, 3, 1, 2, bin_width=0), "bin_width"),
        (lambda: ic.entropy_production_distribution(4, 3, 1, 2, method="x"), "method"),
        (lambda: ic.entropy_production_distribution(4, 3, 1, 2, method="mc", samples=0), "samples"),
        (lambda: ic.entropy_production_distribution(4, 3, 1, 2, method="mc"), "samples"),
        (lambda: ic.entropy_production_distribution(4, 3, 1, 2, samples=10), "samples"),
        (lambda: ic.entropy_production_distribution(30, 3, 1, 2), "M"),
        (lambda: ic.entropy_production_atoms(4, 3, 1, 2, decimals=0), "decimals"),
        (lambda: ic.entropy_production_exact(13, 3, 1, 2), "M"),
        (lambda: ic.simulate(4, 3, 1, 2, samples=-1), "samples"),
        (lambda: ic.simulate(4, 3, 1, 2, samples=10, seed=-3), "seed"),
        (lambda: ic.simulate(25, 3, 1, 2, samples=10), "M"),
        (lambda: ic.large_deviation_function(0.1, 1, 0), "T2"),
        (lambda: ic.large_deviation_function(np.nan, 1, 2), "J"),
        (lambda: ic.scaled_cumulant_generating_function(np.inf, 1, 2), "xi"),
        (lambda: ic.one_site_current_distribution(0, 1, 2), "t"),
        (lambda: ic.one_site_current_distribution(5000, 1, 2), "nfft"),
        (lambda: ic.efficiency_at_max_power(1.0), "eta_C"),
        (lambda: ic.optimal_affinities(0.0), "eta_C"),
        (lambda: ic.efficiency_series(order=0), "order"),
        (lambda: ic.efficiency_series(radius=0.9), "radius"),
        (lambda: ic.efficiency_series(order=8, points=10), "points"),
        (lambda: ic.power(1.0, np.nan, 0.2), "x2"),
        (lambda: ic.power(1.0, 2.0, 1.0), "eta_C"),
        (lambda: ic.efficiency(1.0, 0.0, 0.2), "x2"),
        (lambda: ic.curzon_ahlborn(1.5), "eta_C"),
        (lambda: ic.effective_temperature(-1, 2), "T1"),
        (lambda: ic.effective_energy_distribution(5, 0), "T"),
        (lambda: ic.temperature_profile(2.0, 1, 2), "x"),
        (lambda: ic.temperature_profile(0.5, 1, 2, length=0), "length"),
        (lambda: ic.conductivity([1.0, -1.0]), "T"),
        (lambda: ic.linear_response_current(1, 1.0, 0.1), "M"),
        (lambda: ic.particle_current(1, 1, 2), "M"),
        (lambda: ic.heat_current(5, 1, 2, eps=-1), "eps"),
        (lambda: ic.link_profile(500, 1, 2), "M"),
        (lambda: ic.link_profile_theory(1, 1, 2), "M"),
        (lambda: ic.insertion_probabilities(np.inf, 2), "T1"),
        (lambda: ic.mean_bath_entropy_production(5, 0, 1, 2), "t"),
        (lambda: ic.fluctuation_theorem_residual([1.0, -1.0], [0.5, -0.5]), "probs"),
        (lambda: ic.fluctuation_theorem_residual([1.0, -1.0], [0.5]), "same shape"),
        (lambda: ic.fluctuation_theorem_residual([1.0, -1.0], [0.5, 0.5], tol=0), "tol"),
        (lambda: ic.chi2_test([0.0], [1.0], [0.0], [3], 0.0), "bin_width"),
    ],
)
def test_validation(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_inf_accepted_everywhere():
    inf = np.inf
    assert ic.stationary_distribution(4, 1, inf).sum() == pytest.approx(1)
    assert ic.energy_distribution(6, 1, inf)[1].sum() == pytest.approx(1)
    assert ic.entropy_production_distribution(3, 2, 1, inf)[1].sum() == pytest.approx(1)
    assert np.isfinite(ic.large_deviation_function(0.1, 1, inf))
    assert np.isfinite(ic.effective_temperature(1, inf))
    assert ic.conductivity(inf) == 0.0
    assert np.all(np.isfinite(ic.one_site_current_distribution(10.0, 1, inf)[1]))
