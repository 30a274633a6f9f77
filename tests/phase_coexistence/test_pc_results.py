"""Result containers and their statistics (noneq.stats behind the family's names)."""

import numpy as np
import pytest

import noneq.phase_coexistence as pc
from noneq import stats


def test_batch_means_is_the_shared_estimator(rng):
    x = np.cumsum(rng.standard_normal(4000)) * 0.01 + rng.standard_normal(4000)
    x[5] = np.nan
    assert pc.batch_means(x) == stats.batch_means(x, n_blocks=20)
    assert pc.batch_means(x, n_batches=7) == stats.batch_means(x, n_blocks=7)
    m, e = pc.batch_means(x[:5], 20)
    assert np.isfinite(m) and np.isnan(e)
    with pytest.raises(ValueError, match="n_batches"):
        pc.batch_means(x, n_batches=1)


def test_batch_means_of_white_noise(rng):
    x = rng.standard_normal(20_000)
    m, e = pc.batch_means(x, 20)
    assert e == pytest.approx(1 / np.sqrt(x.size), rel=0.5)


def test_simulation_result_statistics():
    r = pc.simulate(24, 0.5, 0.05, 0.002, t_max=100.0, seed=3, t_burn=5.0, n_batches=10)
    assert (r.mu_I_mean, r.mu_I_err) == stats.batch_means(r.mu_I, n_blocks=10)
    assert r.tau_int == stats.integrated_autocorrelation_time(r.mu_I) * 0.1
    ok = np.isfinite(r.mu_I_batches)
    assert r.mu_I_of_mean_err == stats.block_mean(r.mu_I_batches[ok])[1]
    assert r.n_blocks == 10 and r.mu_I_batches.shape == (10,)
    # eq. 6.4 of the time-averaged profiles
    assert r.mu_I_of_mean == pc.interface_chemical_potential(r.rho_mean, r.mu_tilde_mean)
    assert r.t[0] == pytest.approx(5.1) and r.t[-1] == pytest.approx(105.0)


def test_scan_combined_is_combine_independent():
    s = pc.interface_scan(16, [0.3, 0.9], t_max=30.0, seed=4, n_runs=3, t_burn=0.0, progress=False)
    for of_mean, (m, e) in ((True, (s.mu_I_of_mean, s.mu_I_of_mean_err)), (False, (s.mu_I_mean, s.mu_I_err))):
        got = s.combined(of_mean=of_mean)
        want = stats.combine_independent(m, e, axis=1)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
        np.testing.assert_allclose(got[1], np.sqrt(np.sum(e**2, axis=1)) / 3, rtol=1e-14)


def test_combined_leaves_out_runs_without_an_error_bar():
    nan = np.nan
    s = pc.ScanResult(kappas=np.array([0.1, 0.2]), mu_I_mean=np.zeros((2, 3)), mu_I_err=np.ones((2, 3)),
                      mu_I_of_mean=np.array([[1.0, nan, 2.0], [3.0, 4.0, 5.0]]),
                      mu_I_of_mean_err=np.array([[0.1, nan, 0.2], [0.3, 0.4, nan]]),
                      tau_int=None, rho_mean=None, mu_tilde_mean=None, mass_drift=None, mu_I=None, rho_final=None)
    m, e = s.combined()
    np.testing.assert_allclose(m, [1.5, 3.5])
    np.testing.assert_allclose(e, [np.sqrt(0.05) / 2, 0.5 / 2])
