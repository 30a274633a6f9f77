"""Tests of noneq.phase_coexistence (Sasa & Nakagawa, discrete fluctuating hydrodynamics)."""

import numpy as np
import pytest

import noneq.phase_coexistence as pc

# --- model functions -------------------------------------------------------

def test_mu_is_derivative_of_f():
    rho = np.linspace(0.1, 3.0, 50)
    h = 1e-6
    num = (pc.free_energy_density(rho + h) - pc.free_energy_density(rho - h)) / (2 * h)
    np.testing.assert_allclose(num, pc.mu(rho), atol=1e-8)


def test_coexistence_values():
    g, l, m = pc.coexistence()
    assert g == pytest.approx(0.5, abs=1e-12)
    assert l == pytest.approx(2.5, abs=1e-12)
    assert m == pytest.approx(0.0, abs=1e-12)
    assert pc.pressure(g) == pytest.approx(pc.pressure(l), abs=1e-12)


def test_mu_tilde_is_gradient_of_free_energy():
    # mu~_i = dF/drho_i with F = sum f(rho_i) + kappa/2 (rho_{i+1} - rho_i)^2 (eqs. 2.7, 2.9)
    rng = np.random.default_rng(0)
    rho = 1.5 + 0.8 * rng.standard_normal(12)
    kappa = 0.7

    def F(r):
        return np.sum(pc.free_energy_density(r) + 0.5 * kappa * (np.roll(r, -1) - r) ** 2)

    h = 1e-6
    grad = np.array([(F(rho + h * e) - F(rho - h * e)) / (2 * h) for e in np.eye(12)])
    np.testing.assert_allclose(pc.mu_tilde(rho, kappa), grad, atol=1e-7)


def test_battery_drives_current_n_to_1():
    # uniform density: the only force is the battery on bond N; j_N = sigma phi > 0
    rho = np.full(8, 1.5)
    j = pc.currents(rho, 0.3, 0.05)
    assert j[-1] == pytest.approx(1.5 * 0.05)
    np.testing.assert_allclose(j[:-1], 0.0)


def test_theory_limits():
    assert pc.interface_chemical_potential_theory(0.05) == pytest.approx(0.05 / 6, rel=1e-14)
    assert pc.interface_chemical_potential_theory(0.0) == 0.0
    # X_eq = 1/4 (rho_bar = 1): (phi/2)(2)(3/16)/(0.125 + 1.875)
    assert pc.interface_chemical_potential_theory(0.1, 1.0) == pytest.approx(0.05 * 2 * (3 / 16) / 2.0)
    assert pc.x_eq(1.5) == 0.5


# --- interface chemical potential (eqs. 6.3-6.4) ----------------------------

def test_interface_interpolation():
    rho = np.array([2.5, 2.5, 2.0, 1.0, 0.5, 0.5])
    mt = np.array([0.0, 0.0, 0.1, 0.3, 0.0, 0.0])
    m, x = pc.interface_chemical_potential(rho, mt, return_position=True)
    # crossing between rho_3 = 2.0 (i*-1 = 3) and rho_4 = 1.0, halfway
    assert m == pytest.approx(0.2)
    assert x == pytest.approx(3.5 / 6)


def test_interface_wraps_round_the_ring():
    rho = np.array([0.5, 0.5, 0.5, 2.5, 2.5, 2.0])
    mt = np.arange(6.0)
    m, x = pc.interface_chemical_potential(rho, mt, return_position=True)
    # crossing between site 6 (rho=2.0) and site 1 (0.5): w = (1.5-0.5)/1.5 on site 6
    assert m == pytest.approx((1 / 1.5) * 5 + (0.5 / 1.5) * 0)
    assert 0 <= x < 1


def test_interface_missing_raises():
    with pytest.raises(ValueError, match="interface"):
        pc.interface_chemical_potential(np.full(5, 0.5), np.zeros(5))


# --- noiseless steady state -------------------------------------------------

@pytest.mark.parametrize("init", ["liquid-first", "gas-first"])
def test_steady_state_equilibrium_mu_uniform(init):
    rho, info = pc.steady_state(32, 0.5, 0.0, init=init, return_info=True)
    mt = pc.mu_tilde(rho, 0.5)
    assert info["residual"] <= 1e-10
    assert rho.sum() == pytest.approx(32 * 1.5, abs=1e-10)
    # phi = 0: mu~ uniform (eq. 2.15); here = mu_c = 0 up to finite-size effects
    assert np.ptp(mt) < 1e-9
    assert abs(mt.mean()) < 5e-3


def test_steady_state_residual_and_current():
    rho, info = pc.steady_state(64, 0.5, 0.05, return_info=True)
    assert info["residual"] <= 1e-10 and info["mass_error"] <= 1e-10
    assert info["growth_rate"] < 0
    j = pc.currents(rho, 0.5, 0.05)
    np.testing.assert_allclose(j, pc.stationary_current(rho, 0.05), rtol=1e-8)  # eq. 2.28


def test_steady_state_limits():
    # kappa << 1: mu^I -> phi/6 (eq. 6.5); finite N = 64 gives a few per cent
    r = pc.steady_state(64, 0.1, 0.05)
    m = pc.interface_chemical_potential(r, pc.mu_tilde(r, 0.1))
    assert m == pytest.approx(0.05 / 6, rel=0.05)
    # kappa >> 1: mu^I -> mu_c = 0; at N = 64, kappa = 2 it is < 5 % of phi/6
    r = pc.steady_state(64, 2.0, 0.05)
    m = pc.interface_chemical_potential(r, pc.mu_tilde(r, 2.0))
    assert abs(m) < 0.05 * 0.05 / 6


def test_initial_profile_mass_and_layout():
    r = pc.initial_profile(64, 1.5, "liquid-first")
    assert r.sum() == pytest.approx(96.0, abs=1e-12)
    assert r[0] > 2 and r[-1] < 1
    g = pc.initial_profile(64, 1.5, "gas-first")
    assert g[0] < 1 and g[-1] > 2
    a = pc.initial_profile(5, 1.2, [1, 1, 1, 1, 2])
    assert a.sum() == pytest.approx(6.0)


# --- noisy dynamics ----------------------------------------------------------

def test_simulate_mass_conserved_and_seeded():
    a = pc.simulate(32, 0.5, 0.05, 0.002, t_max=50, seed=7, t_burn=0)
    b = pc.simulate(32, 0.5, 0.05, 0.002, t_max=50, seed=7, t_burn=0)
    c = pc.simulate(32, 0.5, 0.05, 0.002, t_max=50, seed=8, t_burn=0)
    assert a.mass_drift < 1e-11
    np.testing.assert_array_equal(a.rho_final, b.rho_final)
    np.testing.assert_array_equal(a.mu_I, b.mu_I)
    assert not np.array_equal(a.rho_final, c.rho_final)


def test_simulate_noiseless_matches_steady_state():
    r0 = pc.steady_state(32, 0.5, 0.05)
    s = pc.simulate(32, 0.5, 0.05, 0.0, t_max=10, init=r0, seed=1, t_burn=0)
    np.testing.assert_allclose(s.rho_final, r0, atol=1e-9)


def test_scan_independent_of_chunking():
    ks = [0.4, 0.8, 1.2]
    a = pc.interface_scan(16, ks, t_max=20, seed=3, n_runs=2, n_chunks=1, show_progress=False, t_burn=0)
    b = pc.interface_scan(16, ks, t_max=20, seed=3, n_runs=2, n_chunks=6, show_progress=False, t_burn=0)
    np.testing.assert_array_equal(a.mu_I, b.mu_I)
    np.testing.assert_array_equal(a.rho_mean, b.rho_mean)


def test_noise_variance_matches_boltzmann():
    # phi = 0: stationary law exp(-F/T_eff) (eq. 2.14). A uniform liquid ring with kappa = 0,
    # linearised: Var(rho_i) = T_eff / mu'(2.5) * (1 - 1/N) (the 1/N from mass conservation).
    N, T = 16, 0.002
    rho_bar = 2.5
    scan = pc.interface_scan(N, [0.0], phi=0.0, T_eff=T, rho_bar=2.4999999, init=np.full(N, rho_bar), t_max=20.0,
                             t_burn=0.0, n_runs=400, seed=11, show_progress=False, sample_every=1.0)
    d = scan.rho_final.reshape(-1, N) - scan.rho_final.reshape(-1, N).mean(axis=1, keepdims=True)
    var = np.mean(d**2)  # the ring mean is exactly rho_bar (mass conservation)
    exact = T / 2.0 * (1 - 1 / N)
    # statistical error ~ sqrt(2/(400*15)) = 1.8 %, cubic corrections ~ 3 T / mu'^2 ~ 0.3 %,
    # Heun bias <= 1 % at dt = 0.01: allow 8 %
    assert var == pytest.approx(exact, rel=0.08)


def test_standard_normal_sampler():
    z = pc.standard_normal(400_000, seed=1)
    assert abs(z.mean()) < 5 * 1 / np.sqrt(z.size)
    assert abs(z.var() - 1) < 5 * np.sqrt(2 / z.size)
    assert abs(np.mean(z**4) - 3) < 5 * np.sqrt(96 / z.size)
    from scipy import stats
    assert stats.kstest(z[:100_000], "norm").pvalue > 1e-3
    np.testing.assert_array_equal(z[:10], pc.standard_normal(10, seed=1))


def test_dimensional_scaling():
    # with t in units of Lambda^2 the dynamics depends on kappa/Lambda^2 and T/(A Lambda) only
    base = pc.simulate_dimensional(16, 0.5, 0.05, T=0.002, A=1.0, Lambda=1.0, t_max=5.0, seed=4)
    lam = 2.0
    same = pc.simulate_dimensional(16, 0.5 * lam**2, 0.05, T=0.002 * 3.0 * lam, A=3.0, Lambda=lam,
                                   t_max=5.0 * lam**2, seed=4)
    np.testing.assert_allclose(same.rho_final, base.rho_final, atol=1e-10)
    diff = pc.simulate_dimensional(16, 0.5 * lam**2, 0.05, T=0.002 * 3.0, A=3.0, Lambda=lam,
                                   t_max=5.0 * lam**2, seed=4)
    assert np.max(np.abs(diff.rho_final - base.rho_final)) > 1e-4


# --- validation --------------------------------------------------------------

@pytest.mark.parametrize("kwargs,name", [
    (dict(N=2), "N"), (dict(kappa=-0.1), "kappa"), (dict(T_eff=-1e-3), "T_eff"), (dict(dt=0.0), "dt"),
    (dict(dt=0.5), "dt"), (dict(rho_bar=0.4), "rho_bar"), (dict(rho_bar=2.6), "rho_bar"),
    (dict(init="droplet"), "init"), (dict(t_max=-1.0), "t_max"), (dict(seed=-1), "seed"),
])
def test_simulate_validation(kwargs, name):
    args = dict(N=16, kappa=0.5, phi=0.05, T_eff=0.002, t_max=1.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        pc.simulate(**args)


@pytest.mark.parametrize("kwargs,name", [
    (dict(N=1), "N"), (dict(kappa=-1), "kappa"), (dict(rho_bar=3.0), "rho_bar"), (dict(init="x"), "init"),
    (dict(phi=float("nan")), "phi"),
])
def test_steady_state_validation(kwargs, name):
    args = dict(N=16, kappa=0.5, phi=0.05)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        pc.steady_state(**args)


def test_theory_validation():
    with pytest.raises(ValueError, match="rho_bar"):
        pc.interface_chemical_potential_theory(0.05, 0.5)
    with pytest.raises(ValueError, match="phi"):
        pc.interface_chemical_potential_theory(float("inf"))


def test_fixed_x_formula_matches_noiseless_states():
    # at X = X_eq = 1/2 the fixed-X member and eq. 4.22 coincide (phi/6)
    assert pc.interface_chemical_potential_fixed_x(0.05, 0.5, 1.5) == pytest.approx(0.05 / 6, rel=1e-12)
    # away from rho_bar = 1.5 the noiseless state keeps X = X_eq and follows the fixed-X formula
    for rb in (1.0, 2.0):
        r = pc.steady_state(128, 0.1, 0.02, rb)
        m = pc.interface_chemical_potential(r, pc.mu_tilde(r, 0.1))
        fx = pc.interface_chemical_potential_fixed_x(0.02, pc.x_eq(rb), rb)
        assert m == pytest.approx(fx, rel=0.1, abs=2e-4)
        assert abs(m - pc.interface_chemical_potential_theory(0.02, rb)) > 1e-3


def test_command_line_runs(tmp_path, capsys):
    out = tmp_path / "fig8.npz"
    assert pc.main(["--N", "16", "--n-kappa", "2", "--t-max", "20", "--t-burn", "0", "--out", str(out)]) == 0
    data = np.load(out)
    assert data["N16_noiseless"].shape == (2,) and data["N16_noisy"].shape == (2,)
    assert "eq. 4.22" in capsys.readouterr().out


def test_scan_validation():
    with pytest.raises(ValueError, match="kappas"):
        pc.interface_scan(16, [-0.1, 0.5], t_max=10, show_progress=False)
    with pytest.raises(ValueError, match="n_runs"):
        pc.interface_scan(16, [0.5], t_max=10, n_runs=0, show_progress=False)
