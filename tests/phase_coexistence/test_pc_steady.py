"""Noiseless stationary profiles and the noiseless mu^I scan (eqs. 2.8, 2.10 with T_eff = 0, 2.28, 6.4)."""

import numpy as np
import pytest

import noneq.phase_coexistence as pc


@pytest.mark.parametrize("init", ["liquid-first", "gas-first"])
def test_steady_state_equilibrium_mu_uniform(init):
    rho, info = pc.steady_state(32, 0.5, 0.0, init=init, return_info=True)
    mt = pc.mu_tilde(rho, 0.5)
    assert info["residual"] <= 1e-10
    assert rho.sum() == pytest.approx(32 * 1.5, abs=1e-10)
    # phi = 0: mu~ uniform (eq. 2.15); here = mu_c = 0 up to finite-size effects
    assert np.ptp(mt) < 1e-9
    assert abs(mt.mean()) < 5e-3


def test_steady_state_residual_and_current(steady_64):
    rho, info = steady_64
    assert info["residual"] <= 1e-10 and info["mass_error"] <= 1e-10
    assert info["growth_rate"] < 0
    j = pc.currents(rho, 0.5, 0.05)
    np.testing.assert_allclose(j, pc.stationary_current(rho, 0.05), rtol=1e-8)  # eq. 2.28
    assert info.current == info["current"] == pc.stationary_current(rho, 0.05)


def test_steady_state_info_reads_like_the_old_dict(steady_64):
    _, info = steady_64
    assert set(info.keys()) >= {"residual", "mass_error", "newton_iterations", "t_relax", "growth_rate", "current"}
    assert "residual" in info and "nonsense" not in info
    assert dict(info.items())["t_relax"] == info.t_relax
    assert info.seconds > 0
    with pytest.raises(KeyError):
        info["nonsense"]


def test_steady_state_matches_paper_value(steady_64):
    rho, _ = steady_64
    m = pc.interface_chemical_potential(rho, pc.mu_tilde(rho, 0.5))
    assert abs(m - 7.7e-3) <= 0.05e-3  # Sec. 6: 7.7e-3 at kappa_Lambda = 0.5


def test_steady_state_limits():
    # kappa << 1: mu^I -> phi/6 (eq. 6.5); finite N = 64 gives a few per cent
    r = pc.steady_state(64, 0.1, 0.05)
    m = pc.interface_chemical_potential(r, pc.mu_tilde(r, 0.1))
    assert m == pytest.approx(0.05 / 6, rel=0.05)
    # kappa >> 1: mu^I -> mu_c = 0; at N = 64, kappa = 2 it is < 5 % of phi/6
    r = pc.steady_state(64, 2.0, 0.05)
    m = pc.interface_chemical_potential(r, pc.mu_tilde(r, 2.0))
    assert abs(m) < 0.05 * 0.05 / 6


def test_fixed_x_formula_matches_noiseless_states():
    # away from rho_bar = 1.5 the noiseless state keeps X = X_eq and follows the fixed-X formula
    for rb in (1.0, 2.0):
        r = pc.steady_state(128, 0.1, 0.02, rb)
        m = pc.interface_chemical_potential(r, pc.mu_tilde(r, 0.1))
        fx = pc.interface_chemical_potential_fixed_x(0.02, pc.x_eq(rb), rb)
        assert m == pytest.approx(fx, rel=0.1, abs=2e-4)
        assert abs(m - pc.interface_chemical_potential_theory(0.02, rb)) > 1e-3


def test_steady_state_scan_reads_like_the_old_dict():
    ks = [0.2, 0.6, 1.2]
    r = pc.steady_state_scan(24, ks, 0.05, continuation=True, progress=False)
    assert isinstance(r, pc.SteadyScanResult)
    for key in ("kappa", "mu_I", "x_I", "growth_rate", "t_relax", "rho"):
        assert key in r
    np.testing.assert_array_equal(r["kappa"], ks)
    assert r["rho"].shape == (3, 24) and np.all(r["growth_rate"] < 0)
    # each entry is the single steady state's mu^I
    rho = pc.steady_state(24, 0.2, 0.05)
    assert r["mu_I"][0] == pytest.approx(pc.interface_chemical_potential(rho, pc.mu_tilde(rho, 0.2)), abs=1e-12)
    # the old keyword is still accepted and gives the same numbers
    old = pc.steady_state_scan(24, ks, 0.05, continuation=True, show_progress=False)
    np.testing.assert_array_equal(old["mu_I"], r["mu_I"])


@pytest.mark.parametrize("kwargs,name", [
    (dict(N=1), "N"), (dict(kappa=-1), "kappa"), (dict(rho_bar=3.0), "rho_bar"), (dict(init="x"), "init"),
    (dict(phi=float("nan")), "phi"), (dict(phi=1.5), "phi"), (dict(tol=0.0), "tol"), (dict(dt=1.0), "dt"),
    (dict(t_relax_max=-1.0), "t_relax_max"),
])
def test_steady_state_validation(kwargs, name):
    args = dict(N=16, kappa=0.5, phi=0.05)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        pc.steady_state(**args)


def test_steady_state_scan_validation():
    with pytest.raises(ValueError, match="kappas"):
        pc.steady_state_scan(16, [0.5, -0.1])
    with pytest.raises(ValueError, match="progress"):
        pc.steady_state_scan(16, [0.5], progress="yes")
