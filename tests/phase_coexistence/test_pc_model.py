"""The model functions: mu, f, p, mu~, currents and d rho/dt (eqs. 2.6-2.17, 6.1)."""

import numpy as np
import pytest

import noneq.phase_coexistence as pc


def test_mu_is_derivative_of_f():
    rho = np.linspace(0.1, 3.0, 50)
    h = 1e-6
    num = (pc.free_energy_density(rho + h) - pc.free_energy_density(rho - h)) / (2 * h)
    np.testing.assert_allclose(num, pc.mu(rho), atol=1e-8)


def test_mu_keeps_the_shape_and_scalars():
    assert isinstance(pc.mu(2.0), np.floating) and pc.mu(2.0) == pytest.approx(-0.375)
    assert pc.mu(np.ones((2, 3))).shape == (2, 3)
    assert pc.mu([]).shape == (0,)
    # zeros of eq. 6.1 are the coexisting densities and the spinodal midpoint
    np.testing.assert_array_equal(pc.mu([pc.RHO_G, 1.5, pc.RHO_L]), 0.0)


def test_pressure_is_equal_at_coexistence():
    assert pc.pressure(pc.RHO_G) == pytest.approx(pc.pressure(pc.RHO_L), abs=1e-15)
    rho = np.linspace(0.2, 2.8, 7)
    np.testing.assert_allclose(pc.pressure(rho), rho * pc.mu(rho) - pc.free_energy_density(rho), rtol=1e-15)


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


def test_drho_dt_conserves_mass(rough_profile):
    d = pc.drho_dt(rough_profile, 0.4, 0.1)
    assert abs(d.sum()) < 1e-12 * np.abs(d).max() * d.size


def test_max_stable_dt():
    # lambda_max = 4 sigma (mu' + 4 kappa) at rho_max; Heun needs lambda dt <= 2
    assert pc.max_stable_dt(0.5) == pytest.approx(2 / (4 * 2.75 * (3 * 1.25**2 - 1 + 2.0)))
    assert pc.max_stable_dt(0.0) > pc.max_stable_dt(2.0) > 0.01


def test_initial_profile_mass_and_layout():
    r = pc.initial_profile(64, 1.5, "liquid-first")
    assert r.sum() == pytest.approx(96.0, abs=1e-12)
    assert r[0] > 2 and r[-1] < 1
    g = pc.initial_profile(64, 1.5, "gas-first")
    assert g[0] < 1 and g[-1] > 2
    a = pc.initial_profile(5, 1.2, [1, 1, 1, 1, 2])
    assert a.sum() == pytest.approx(6.0)
    np.testing.assert_array_equal(pc.initial_profile(7, 1.1, "uniform"), 1.1)


@pytest.mark.parametrize("call,name", [
    (lambda: pc.mu([1.0, np.nan]), "rho"),
    (lambda: pc.pressure(np.inf), "rho"),
    (lambda: pc.mu_tilde([1.0, 2.0], 0.1), "rho"),
    (lambda: pc.mu_tilde(np.ones(5), -0.1), "kappa"),
    (lambda: pc.currents(np.ones(5), 0.1, np.nan), "phi"),
    (lambda: pc.drho_dt(np.ones((5, 2)), 0.1, 0.0), "rho"),
    (lambda: pc.stationary_current(np.ones(5), np.inf), "phi"),
    (lambda: pc.max_stable_dt(-1.0), "kappa"),
    (lambda: pc.max_stable_dt(0.5, rho_max=1.0), "rho_max"),
    (lambda: pc.initial_profile(2), "N"),
    (lambda: pc.initial_profile(8, 2.5), "rho_bar"),
    (lambda: pc.initial_profile(8, 1.5, "droplet"), "init"),
    (lambda: pc.initial_profile(4, 1.5, [1.0, 2.0]), "init"),
    (lambda: pc.initial_profile(4, 0.6, [0.01, 0.01, 0.01, 3.0]), "non-positive"),
])
def test_model_validation(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def _plain_rhs(rho, kappa, phi):
    """Eqs. 2.8-2.12 with T_eff = 0, written out with loops (independent of the package)."""
    n = len(rho)
    mu = [(r - 0.5) * (r - 1.5) * (r - 2.5) for r in rho]
    mt = [mu[i] - kappa * (rho[(i + 1) % n] + rho[i - 1] - 2 * rho[i]) for i in range(n)]
    j = []
    for i in range(n):  # bond i -> i+1; the battery sits on the bond N -> 1 (i = n - 1)
        sigma = 0.5 * (rho[i] + rho[(i + 1) % n])
        j.append(-sigma * (mt[(i + 1) % n] - mt[i] - (phi if i == n - 1 else 0.0)))
    return np.array([-(j[i] - j[i - 1]) for i in range(n)]), np.array(j)


def test_rhs_matches_plain_implementation(rough_profile):
    for kappa, phi in ((0.0, 0.0), (0.4, 0.1), (1.5, -0.05)):
        d, j = _plain_rhs(rough_profile, kappa, phi)
        np.testing.assert_allclose(pc.drho_dt(rough_profile, kappa, phi), d, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(pc.currents(rough_profile, kappa, phi), j, rtol=1e-12, atol=1e-13)
