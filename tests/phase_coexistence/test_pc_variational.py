"""The variational function of eqs. 3.39 / 4.9 on the lattice, the selected state and the pinned family."""

import numpy as np
import pytest

import noneq.phase_coexistence as pc


def _plain_variational(rho, kappa, phi):
    """Eq. 3.39 per box written out with loops (independent of the package)."""
    n = len(rho)
    total = 0.0
    liq, gas = [], []
    for i in range(n):
        d = rho[i] - 1.5
        total += -0.5 * d * d + 0.25 * d**4
        total += 0.5 * kappa * (rho[(i + 1) % n] - rho[i]) ** 2
        (liq if rho[i] > 1.5 else gas).append(rho[i])
    x = len(liq) / n
    return total / n - 0.5 * phi * (sum(liq) / len(liq) - sum(gas) / len(gas)) * x * (1 - x)


def test_variational_function_matches_plain_formula(rng):
    rho = np.concatenate([rng.uniform(2.2, 2.6, 9), rng.uniform(0.4, 0.8, 14)])
    for kappa, phi in ((0.0, 0.0), (0.3, 0.05), (1.2, -0.1)):
        assert pc.variational_function(rho, kappa, phi) == pytest.approx(
            _plain_variational(rho, kappa, phi), rel=1e-13, abs=1e-15)


def test_variational_function_gradient_is_mu_tilde(rng):
    # at phi = 0 it is the lattice free energy per box, whose gradient is mu~ (eq. 2.12)
    rho = np.concatenate([rng.uniform(2.2, 2.6, 9), rng.uniform(0.4, 0.8, 14)])
    kappa, h, n = 0.4, 1e-6, len(rho)
    grad = np.empty(n)
    for i in range(n):
        e = np.zeros(n)
        e[i] = h
        grad[i] = n * (pc.variational_function(rho + e, kappa, 0.0)
                       - pc.variational_function(rho - e, kappa, 0.0)) / (2 * h)
    np.testing.assert_allclose(grad, pc.mu_tilde(rho, kappa), atol=1e-7)


def test_variational_function_validation():
    with pytest.raises(ValueError, match="liquid"):
        pc.variational_function(np.full(8, 0.6), 0.1, 0.05)
    with pytest.raises(ValueError, match="phi"):
        pc.variational_function(np.array([2.5, 0.5, 0.5]), 0.1, 2.0)


def test_pinned_state_is_stationary_stable_and_keeps_its_shape():
    rho, info = pc.pinned_state(64, 0.5, 0.05, n_liquid=32, offset=0, return_info=True)
    assert info["residual"] <= 1e-10 and info["growth_rate"] < 0
    assert np.flatnonzero(rho > 1.5).tolist() == list(range(32))
    # the independent check of the chapter: mu^I = 7.6941e-3 (liquid right after the battery)
    assert info["mu_I"] == pytest.approx(7.6941e-3, abs=1e-7)
    # the same state as steady_state from the liquid-first start
    np.testing.assert_allclose(rho, pc.steady_state(64, 0.5, 0.05), atol=1e-8)
    with pytest.raises(ValueError, match="offset"):
        pc.pinned_state(64, 0.5, 0.05, offset=64)
    # no pinned domain of a quarter of the ring at rho_bar = 1.5 and kappa = 1.5
    with pytest.raises(ValueError, match="no pinned state"):
        pc.pinned_state(64, 1.5, 0.05, n_liquid=16)


def test_selected_state_at_rho_bar_15_is_the_liquid_first_state():
    # X_* = X_eq = 1/2: the O(phi) term of eq. 4.9 has zero slope at X = 1/2
    s = pc.selected_steady_state(128, 0.1, 0.05, 1.5)
    assert s["m"] == 0 and s["n_liquid"] == 64
    assert s["residual"] <= 1e-10 and s["growth_rate"] < 0
    assert np.all(np.diff(s["F"][s["ms"] >= 0]) > 0) and np.all(np.diff(s["F"][s["ms"] <= 0]) < 0)


def test_selected_state_away_from_rho_bar_15_follows_eq_422():
    phi = 0.05
    s = pc.selected_steady_state(512, 0.1, phi, 1.0)
    # X_* > X_eq for rho_bar < 1.5 (eq. 4.9: the phi term favours X closer to 1/2);
    # measured m = 2 at N = 512 (m_* = 1.6), 1 at N = 256, 3 at N = 1024
    assert s["m"] == 2
    theory = pc.interface_chemical_potential_theory(phi, 1.0) / phi  # 0.09375
    fixed = pc.interface_chemical_potential_fixed_x(phi, pc.x_eq(1.0), 1.0) / phi  # 0.34375
    # the continuum estimate mu^I(m_*) is 0.087-0.090 phi for N = 64 ... 1024; eq. 4.22
    # neglects O(phi^2) and the interface width, so allow 0.015 phi (the fixed-X
    # value is 0.25 phi away)
    assert abs(s["mu_I_star"] / phi - theory) < 0.015
    assert abs(s["mu_I_star"] / phi - fixed) > 0.2


def test_rotation_family_at_kappa_05():
    fam = pc.pinned_family(64, 0.5, 0.05)
    # every rotation of the two-phase profile is a linearly stable stationary state
    assert fam["found"].all()
    assert np.all(fam["growth_rate"] < 0)
    # an independent implementation found mu^I from -1.3e-2 to +2.8e-2 over the rotations
    assert np.min(fam["mu_I"]) == pytest.approx(-1.3e-2, abs=0.05e-2)
    assert np.max(fam["mu_I"]) == pytest.approx(2.8e-2, abs=0.05e-2)
    assert fam["mu_I"][0] == pytest.approx(7.6941e-3, abs=1e-7)


def test_fold_of_the_liquid_first_state():
    f = pc.fold_point(64, 0.85, 0.05, dk_min=1e-4)
    # the liquid-right-after-the-battery state disappears between kappa = 0.90 and 0.91
    assert 0.90 < f["kappa_last"] < f["kappa_fail"] < 0.91
    assert f["growth_rate"][-1] > 0.1 * f["growth_rate"][0]  # growth rate -> 0 at the fold


def test_eqs_423_424_approached_as_n_grows():
    # at rho_bar = 1.5, X_* = X_eq = 1/2 exactly; the phase averages of mu (eq. 4.23:
    # mu^L = X_eq phi / 2, mu^G = -(1 - X_eq) phi / 2) and the pressure difference
    # (eq. 4.24: p^L - p^G = phi rho_bar / 2) include the interface boxes, an O(1/N)
    # contamination: measured |mu^L / phi - 1/4| = 0.061 (N = 256), 0.018 (N = 1024),
    # |(p^L - p^G) / phi - 3/4| = 0.21, 0.06
    phi, dev = 0.05, {}
    for n in (256, 1024):
        r = pc.pinned_state(n, 0.1, phi, 1.5)
        liq, m = r > 1.5, pc.mu(r)
        dp = pc.pressure(r[liq].mean()) - pc.pressure(r[~liq].mean())
        dev[n] = (abs(m[liq].mean() / phi - 0.25), abs(m[~liq].mean() / phi + 0.25), abs(dp / phi - 0.75))
    assert all(b < 0.5 * a for a, b in zip(dev[256], dev[1024])), dev
    assert max(dev[1024][:2]) < 0.03 and dev[1024][2] < 0.1, dev
