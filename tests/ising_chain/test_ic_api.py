"""Public interface of noneq.ising_chain: every name importable as before the split, results readable as dicts."""

import inspect

import numpy as np
import pytest

from noneq import ising_chain as ic

# the public names of the single-module version, with their parameters
OLD_SIGNATURES = {
    "insertion_probabilities": "(T1, T2, eps=2.0)",
    "particle_current": "(M, T1, T2, eps=2.0)",
    "heat_current": "(M, T1, T2, eps=2.0)",
    "link_profile": "(M, T1, T2, eps=2.0)",
    "link_profile_theory": "(M, T1, T2, eps=2.0)",
    "temperature_profile": "(x, T1, T2, eps=2.0, length=1.0)",
    "conductivity": "(T, eps=2.0)",
    "linear_response_current": "(M, T1, dT, eps=2.0)",
    "effective_temperature": "(T1, T2, eps=2.0)",
    "effective_energy_distribution": "(M, T, eps=2.0)",
    "stationary_distribution": "(M, T1, T2, eps=2.0, method='mpa')",
    "stationary_tau_distribution": "(M, T1, T2, eps=2.0, method='mpa')",
    "energy_distribution": "(M, T1, T2, eps=2.0)",
    "entropy_production_distribution": "(M, t, T1, T2, eps=2.0, bin_width=0.2, method='exact', samples=None, "
                                       "seed=None)",
    "entropy_production_atoms": "(M, t, T1, T2, eps=2.0, decimals=9)",
    "entropy_production_exact": "(M, t, T1, T2, eps=2.0, bin_width=0.2, decimals=9)",
    "mean_bath_entropy_production": "(M, t, T1, T2, eps=2.0)",
    "scaled_cumulant_generating_function": "(xi, T1, T2, eps=2.0)",
    "one_site_current_distribution": "(t, T1, T2, eps=2.0, nfft=4096)",
    "large_deviation_function": "(J, T1, T2, eps=2.0)",
    "power": "(x1, x2, eta_C)",
    "efficiency": "(x1, x2, eta_C)",
    "optimal_affinities": "(eta_C)",
    "efficiency_at_max_power": "(eta_C)",
    "efficiency_series": "(order=6, radius=0.25, points=128)",
    "chi2_test": "(centers_exact, probs_exact, centers_mc, counts_mc, bin_width, min_expected=5.0)",
    "curzon_ahlborn": "(eta_C)",
    "main": "(argv=None)",
}

# parameters added since, after the old ones and with defaults (old calls are unchanged)
ADDED = {
    "entropy_production_distribution": ", contribution='total'",
    "entropy_production_atoms": ", contribution='total'",
    "entropy_production_exact": ", contribution='total'",
}


@pytest.mark.parametrize("name", sorted(OLD_SIGNATURES))
def test_old_names_keep_their_parameters(name):
    assert name in ic.__all__
    sig = str(inspect.signature(getattr(ic, name))).split(" ->")[0]
    old = OLD_SIGNATURES[name]
    assert sig == old[:-1] + ADDED.get(name, "") + ")"


def test_simulate_keeps_its_parameters_and_gains_progress():
    params = list(inspect.signature(ic.simulate).parameters)
    assert params[:9] == ["M", "t", "T1", "T2", "eps", "samples", "bin_width", "seed", "show_progress"]
    assert params[9] == "progress"
    assert params[10:] == ["contribution"]


def test_every_exported_name_exists_and_constants():
    for name in ic.__all__:
        assert hasattr(ic, name), name
    assert (ic.M_MAX_FULL, ic.M_MAX_SOLVE, ic.M_MAX_EXACT, ic.M_MAX_MC, ic.M_MAX_ENERGY, ic.N_CHUNKS) == \
        (27, 14, 12, 24, 400, 64)
    assert "A0" in dir(ic)
    with pytest.raises(AttributeError):
        ic.not_a_name  # noqa: B018


def test_dict_style_results(exact_law_m6):
    r = exact_law_m6
    assert isinstance(r, ic.ExactEntropyProduction)
    assert r.keys() == ("bin_centers", "probabilities", "values", "atom_probabilities", "mean", "seconds")
    assert r["mean"] == r.mean and "values" in r and "counts" not in r
    np.testing.assert_array_equal(r["probabilities"], r.probabilities)
