"""Closed formulas (noneq.ising_chain.theory) and their consistency with the other implementations."""

import math

import numpy as np
import pytest

from noneq import ising_chain as ic
from noneq.ising_chain.theory import fermi


def test_currents_eq8_eq9_and_inf():
    p1, p2 = ic.insertion_probabilities(1.0, 2.0)
    assert ic.particle_current(10, 1.0, 2.0) == pytest.approx((p2 - p1) / 10, rel=1e-15)
    assert ic.heat_current(10, 1.0, 2.0) == pytest.approx(2 * (p2 - p1) / 10, rel=1e-13)
    assert ic.insertion_probabilities(1.0, np.inf)[1] == 0.5
    assert ic.heat_current(4, 1.0, np.inf) == pytest.approx(2 * (0.5 - p1) / 4, rel=1e-13)


@pytest.mark.parametrize("T1,T2,eps", [(1.0, 2.0, 2.0), (0.7, 5.0, 1.0), (1.0, np.inf, 3.0), (2.0, 1.5, 2.0)])
def test_heat_current_is_eps_times_particle_current(T1, T2, eps):
    # eq. (9) (tanh form) against ε times eq. (8) (Fermi form): the two implementations of J_Q
    for M in (2, 7, 40):
        assert ic.heat_current(M, T1, T2, eps) == pytest.approx(eps * ic.particle_current(M, T1, T2, eps),
                                                                rel=1e-13, abs=1e-17)


def test_fermi_function_shared_by_probabilities_and_power():
    # eq. (5) and the power of eq. (52) use the same f: with mu = 0 (x_i = eps/T_i) and eta_C = 0,
    # power / (x2 - x1) = f(x2) - f(x1) = p2 - p1 = M J
    T1, T2, eps, M = 1.0, 3.0, 2.0, 7
    x1, x2 = eps / T1, eps / T2
    assert ic.power(x1, x2, 0.0) / (x2 - x1) == pytest.approx(M * ic.particle_current(M, T1, T2, eps), rel=1e-14)
    x = np.array([-800.0, -3.0, 0.0, 2.5, 800.0])
    np.testing.assert_allclose(fermi(x), 1.0 / (1.0 + np.exp(np.clip(x, -700, 700))), rtol=1e-15, atol=1e-300)
    z = np.array([0.3 + 0.2j, 2.0 - 1.0j])
    np.testing.assert_allclose(fermi(z), 1.0 / (1.0 + np.exp(z)), rtol=1e-14)


def test_fermi_difference_keeps_relative_accuracy():
    # against fermi(x2) - fermi(x1) for separated values, and against 50-digit decimals for close ones
    from decimal import Decimal, getcontext

    from noneq.ising_chain.theory import fermi_difference

    x1, x2 = np.array([3.0, -2.0, 0.5 + 0.1j]), np.array([-1.0, 4.0, 2.0 - 0.3j])
    np.testing.assert_allclose(fermi_difference(x2, x1), fermi(x2) - fermi(x1), rtol=1e-14)
    getcontext().prec = 50
    a, b = 2.4, 2.4 + 3e-5
    ref = 1 / (1 + Decimal(b).exp()) - 1 / (1 + Decimal(a).exp())
    assert abs(float(fermi_difference(b, a)) / float(ref) - 1) < 1e-14


def test_temperature_profile_and_conductivity():
    T1, T2, eps = 1.0, 2.0, 2.0
    x = np.linspace(0, 1, 11)
    T = ic.temperature_profile(x, T1, T2)
    assert T[0] == pytest.approx(T1, rel=1e-12) and T[-1] == pytest.approx(T2, rel=1e-12)
    # Fourier: J_Q = κ(T) dT/dx with x in units of the lattice spacing (L = M Δx, Δx = 1)
    M = 50
    xs = np.linspace(0.1, 0.9, 5) * M
    h = 1e-4
    dTdx = (ic.temperature_profile(xs + h, T1, T2, length=M)
            - ic.temperature_profile(xs - h, T1, T2, length=M)) / (2 * h)
    kappa = ic.conductivity(ic.temperature_profile(xs, T1, T2, length=M), eps)
    np.testing.assert_allclose(kappa * dTdx, ic.heat_current(M, T1, T2, eps), rtol=1e-7)
    # eq. 47 (corrected): linear response
    dT = 1e-5
    exact = ic.heat_current(7, 1.0, 1.0 + dT)
    assert ic.linear_response_current(7, 1.0, dT) == pytest.approx(exact, rel=1e-4)


def test_temperature_profile_inverts_eq45():
    # p(T(x)) is the linear profile of eq. (45) at x = i
    M = 9
    T = ic.temperature_profile(np.arange(1, M), 1.0, 4.0, length=M)
    np.testing.assert_allclose(fermi(2.0 / T), ic.link_profile_theory(M, 1.0, 4.0), rtol=1e-13)


def test_effective_temperature():
    assert ic.effective_temperature(1.0, 2.0) == pytest.approx(1.40473, abs=5e-6)
    assert ic.effective_temperature(1.3, 1.3) == pytest.approx(1.3, rel=1e-14)
    assert 1.0 < ic.effective_temperature(1.0, np.inf) < math.inf


def test_omega_binomial_erratum():
    # at T = inf the package's effective form (eq. 83 corrected) is Ω(E)/2^M with
    # Ω(E) = 2 C(M-1, (M-1+E)/2), which sums to 2^M; the printed 2 C(M, ...) does not
    M = 9
    E, p = ic.effective_energy_distribution(M, np.inf)
    good = np.array([2 * math.comb(M - 1, (M - 1 + e) // 2) for e in E])
    bad = np.array([2 * math.comb(M, (M - 1 - e) // 2) for e in E])
    assert good.sum() == 2**M and bad.sum() != 2**M
    np.testing.assert_allclose(p * 2**M, good, rtol=1e-14)
    # in equilibrium (T1 = T2) the exact p(E) of the ansatz equals the corrected form and
    # not the printed one (a relative difference of order one)
    T = 1.3
    _, exact_p = ic.energy_distribution(M, T, T)
    np.testing.assert_allclose(exact_p, ic.effective_energy_distribution(M, T)[1], rtol=1e-12)
    w = bad * np.exp(-E / T)
    assert np.max(np.abs(exact_p / (w / w.sum()) - 1)) > 0.1


def test_effective_energy_distribution_is_binomial():
    M, T = 8, 1.7
    E, p = ic.effective_energy_distribution(M, T)
    w = np.array([2 * math.comb(M - 1, (M - 1 + e) // 2) * math.exp(-e / T) for e in E])
    np.testing.assert_allclose(p, w / w.sum(), rtol=1e-13)


def test_mean_bath_entropy_production_formula():
    for T2 in (2.0, np.inf):
        val = ic.mean_bath_entropy_production(6, 3, 1.0, T2)
        assert val == pytest.approx(3 * ic.heat_current(6, 1.0, T2) * (1.0 - (0 if np.isinf(T2) else 1 / T2)))
        assert val > 0
