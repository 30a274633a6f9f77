"""Exact results (eqs. 7-8, 11, 17-23, 32-35) and the consistency of the places that use the same equation."""

import itertools
import math

import numpy as np
import pytest
from scipy.optimize import brentq

from noneq import mass_transport as mt
from noneq.mass_transport.theory import _bulk_flux, _lambda_eq8, _local_lambda, _zrp_lambda

# ----------------------------------------------------------------------------- paper values


def test_alpha_theory_eq35():
    assert math.isclose(mt.alpha_theory(0.5), 1.0 / 1.5)
    rho = np.array([0.2, 0.7])
    # eq. (34) from the flux-balance densities with kappa = 1/2
    th = mt.three_branch_theory(0.7, kappa=(0.5, 0.25, 0.25))
    assert math.isclose(th["lam"]["B"] - th["lam"]["A"], mt.alpha_theory(0.7, kappa=0.5), rel_tol=1e-12)
    assert np.allclose(mt.alpha_theory(rho, eta=2.0), 2.0 / (3.0 * rho))


def test_three_branch_theory_eq17():
    th = mt.three_branch_theory(0.5)
    assert math.isclose(th["lam"]["A"], th["lam"]["B"] / math.sqrt(2))
    assert math.isclose(th["lam"]["B"], th["lam"]["C"])
    assert math.isclose(th["flux"]["A"], th["flux"]["B"] + th["flux"]["C"])
    assert math.isclose(sum(th["density"].values()) / 3, 0.5)
    assert th.lam is th["lam"] and "flux" in th and set(th.keys()) == {"density", "lam", "flux"}


def test_zrp_fugacities_ratio_two_and_eq23():
    p, q = 0.8, 0.2
    z = mt.zrp_fugacities(60, 60, 60, p, q)
    assert abs(z["A"][30] / z["B"][30] - 2.0) < 1e-10
    # eq. (21) inside branch B
    zb = z["B"]
    assert np.allclose(p * zb[:-2] - zb[1:-1] + q * zb[2:], 0.0, atol=1e-12)
    # eq. (23): z_j - z_nu decays as (q/p)**(N_nu - j) towards the end of the branch
    dev = zb - zb[0]
    assert np.allclose(dev[-5:-1] / dev[-4:], q / p, rtol=1e-8)
    # symmetric branches B and C
    assert np.allclose(z["B"], z["C"])


def test_zrp_densities_sum():
    z = np.array([1.0, 2.0, 1.5])
    for canonical in (True, False):
        d, x = mt.zrp_densities(z, 3, canonical=canonical)
        assert math.isclose(d.sum(), 3.0, rel_tol=1e-10) and x * z.max() < 1
    # two sites, one particle: P(site 2) = z_2 / (z_1 + z_2) exactly
    d, _ = mt.zrp_densities(np.array([1.0, 3.0]), 1)
    assert np.allclose(d, [0.25, 0.75])


def test_lambda_ring_eqs_7_and_8():
    eta = mt.sinusoidal_eta(40)
    assert math.isclose(mt.lambda_ring(eta, 80.0), (eta.sum() - 1) / 80.0)
    assert math.isclose(mt.lambda_ring(eta, 80.0, exact=False) - mt.lambda_ring(eta, 80.0), 1 / 80.0)


# ----------------------------------------------------------------------------- consistency between implementations


@pytest.mark.parametrize("rho, eta", [(0.3, 1.0), (1.7, 2.5), (0.05, 0.6)])
def test_bulk_flux_is_eq11_at_the_local_chemical_potential(rho, eta):
    """Phi(rho) = rho**2 / eta**2 used by the flux balance is eq. (11) with p = 1 and lambda = eta / rho."""
    assert math.isclose(_bulk_flux(rho, eta), mt.flux_theory(_local_lambda(rho, eta), 1.0), rel_tol=1e-12)
    assert math.isclose(mt.flux_theory(_local_lambda(rho, eta), 0.8, 0.3), 0.5 * _bulk_flux(rho, eta), rel_tol=1e-12)


def test_local_lambda_is_eq8_on_a_homogeneous_ring():
    eta, rho, N = 1.8, 0.6, 50
    assert math.isclose(_local_lambda(rho, eta), mt.lambda_ring(np.full(N, eta), rho * N, exact=False), rel_tol=1e-12)
    assert _lambda_eq8(N * eta, rho * N) == mt.lambda_ring(np.full(N, eta), rho * N, exact=False)


@pytest.mark.parametrize("rho, eta, kappa", [(0.5, 1.0, 1 / 3), (0.2, 2.0, 0.5), (1.3, 0.7, 0.2)])
def test_alpha_closed_form_against_flux_balance(rho, eta, kappa):
    """Eq. (35) against a numerical solution of eqs. (32)-(33) and against three_branch_theory (eq. 34)."""
    rho_bc = brentq(lambda r: _bulk_flux((rho - (1 - kappa) * r) / kappa, eta) - 2 * _bulk_flux(r, eta),
                    1e-12, rho / (1 - kappa) * (1 - 1e-12), xtol=1e-15)
    rho_a = (rho - (1 - kappa) * rho_bc) / kappa
    alpha = _local_lambda(rho_bc, eta) - _local_lambda(rho_a, eta)
    assert math.isclose(mt.alpha_theory(rho, eta, kappa), alpha, rel_tol=1e-9)
    th = mt.three_branch_theory(rho, eta=eta, kappa=(kappa, (1 - kappa) / 2, (1 - kappa) / 2))
    assert math.isclose(th["lam"]["B"] - th["lam"]["A"], alpha, rel_tol=1e-9)
    assert math.isclose(th["flux"]["A"], 2 * th["flux"]["B"], rel_tol=1e-12)  # eq. (32)


@pytest.mark.parametrize("gB, gC", [(0.5, 0.5), (0.2, 0.8), (1.0, 3.0)])
def test_flux_balance_splits_as_the_branching_weights(gB, gC):
    """Eq. (17): Phi_nu = gamma_nu Phi_A / (gamma_B + gamma_C) and lambda_nu = eta / rho_nu."""
    th = mt.three_branch_theory(0.8, gB, gC, eta=1.5)
    assert math.isclose(th["flux"]["B"], gB / (gB + gC) * th["flux"]["A"], rel_tol=1e-12)
    assert math.isclose(th["flux"]["C"], gC / (gB + gC) * th["flux"]["A"], rel_tol=1e-12)
    for b in "ABC":
        assert math.isclose(th["lam"][b] * th["density"][b], 1.5, rel_tol=1e-12)


@pytest.mark.parametrize("p, q, gB, gC", [(0.75, None, 1.0, 1.0), (0.6, 0.3, 0.4, 1.2)])
def test_zrp_fugacities_solve_eq20_on_the_graph(p, q, gB, gC):
    """sum_j w_ij z_i = sum_j w_ji z_j at every site of the graph the simulation uses."""
    zf = mt.zrp_fugacities(7, 5, 6, p, q, gB, gC)
    g = mt.three_branch_graph(7, 5, 6, p=p, q=q, gamma_B=gB, gamma_C=gC)
    z = np.zeros(g.n)
    for b in "ABC":
        z[g.info[b]] = zf[b]
    src = np.repeat(np.arange(g.n), np.diff(g.out_ptr))
    inflow = np.bincount(g.out_idx, weights=g.out_w * z[src], minlength=g.n)
    assert np.allclose(g.out_weight * z, inflow, rtol=1e-12, atol=1e-14)


def test_zrp_canonical_densities_against_enumeration():
    """Eq. (19) at fixed M: the recursion against a sum over every configuration of 4 sites."""
    z = np.array([0.7, 1.0, 1.6, 1.2])
    M = 5
    num, Z = np.zeros(4), 0.0
    for n in itertools.product(range(M + 1), repeat=4):
        if sum(n) == M:
            w = float(np.prod(z ** np.array(n)))
            Z += w
            num += w * np.array(n)
    d, _ = mt.zrp_densities(z, M, canonical=True)
    assert np.allclose(d, num / Z, rtol=1e-10)


def test_zrp_local_lambda_is_minus_log_fugacity():
    """Grand canonically <n_i> = w_i / (1 - w_i) with w_i = x z_i, so ln((1 + rho_i) / rho_i) = -ln(x z_i)."""
    z = np.array([0.4, 1.0, 2.0, 1.5])
    d, x = mt.zrp_densities(z, 6, canonical=False)
    assert np.allclose(_zrp_lambda(d), -np.log(x * z), rtol=1e-12)
    assert math.isclose(_zrp_lambda(float(d[1])), -math.log(x), rel_tol=1e-12)


def test_probe_branch_lambda_conserves_the_mass():
    rho, rho_pr, N_b, N_pr = 0.5, 0.2, 512, 64
    th = mt.three_branch_theory(rho)
    assert mt.probe_branch_lambda(rho, rho_pr, N_b, 0, "B") == pytest.approx(th["lam"]["B"], rel=1e-14)
    for b in "ABC":
        lam = mt.probe_branch_lambda(rho, rho_pr, N_b, N_pr, b)
        # flux balance (eq. 18) scales every branch by the same factor as the touched one
        dens = {nu: th["density"][nu] * th["lam"][b] / lam for nu in "ABC"}
        total = N_b * sum(dens.values()) + N_pr * dens[b]
        assert total == pytest.approx(3 * N_b * rho + N_pr * rho_pr, rel=1e-13)
    with pytest.raises(ValueError, match="branch"):
        mt.probe_branch_lambda(rho, rho_pr, N_b, N_pr, "D")
    with pytest.raises(ValueError, match="rho_pr"):
        mt.probe_branch_lambda(rho, -0.1, N_b, N_pr, "A")
