"""Current statistics in discrete and continuous time (noneq.ising_chain.tilted)."""

import numpy as np
import pytest

from noneq import ising_chain as ic
from noneq.ising_chain.exact import exact_joint


def _second_derivative(f, h=1e-2):
    # five-point stencil, error O(h^4)
    return (-f(2 * h) + 16 * f(h) - 30 * f(0.0) + 16 * f(-h) - f(-2 * h)) / (12 * h * h)


def test_trial_matrix_is_stochastic():
    for M in (2, 3, 6):
        T0, Ap, Am = ic.tilted_trial_matrices(M, 0.1, 0.3)
        np.testing.assert_allclose((T0 + Ap + Am).sum(axis=0), 1.0, rtol=0, atol=1e-15)


def test_continuous_time_one_site_is_eq28():
    # M = 2, continuous time: psi = sqrt(u) - 1 (eqs. 28-29) and I(J) of eqs. (32)-(33)
    xi = np.linspace(-4, 4, 17)
    for T2 in (2.0, np.inf):
        np.testing.assert_allclose(ic.current_scgf(xi, 2, 1.0, T2, time="continuous"),
                                   ic.scaled_cumulant_generating_function(xi, 1.0, T2), rtol=0, atol=1e-14)
        J = np.linspace(-0.6, 0.6, 13)
        np.testing.assert_allclose(ic.current_ldf(J, 2, 1.0, T2, time="continuous"),
                                   ic.large_deviation_function(J, 1.0, T2), rtol=0, atol=1e-11)


@pytest.mark.parametrize("M", [2, 3, 5])
@pytest.mark.parametrize("time", ["discrete", "continuous"])
def test_fluctuation_theorem_and_mean(M, time):
    T1, T2 = 1.0, 2.0
    p1, p2 = ic.insertion_probabilities(T1, T2)
    J = np.linspace(-0.3, 0.3, 7) / M
    d = ic.current_ldf(J, M, T1, T2, time=time) - ic.current_ldf(-J, M, T1, T2, time=time)
    np.testing.assert_allclose(d, 2.0 * (1 / T1 - 1 / T2) * J, rtol=0, atol=1e-9)
    # zero of I at the mean current (p1 - p2)/M of eq. (8)
    assert abs(ic.current_ldf((p1 - p2) / M, M, T1, T2, time=time)) < 1e-12
    # psi(0) = psi(xi0) = 0, xi0 = eps (1/T1 - 1/T2)
    assert np.allclose(ic.current_scgf([0.0, 1.0], M, T1, T2, time=time), 0.0, atol=1e-13)


@pytest.mark.parametrize("M", [2, 3, 4])
def test_discrete_variance_from_the_exact_propagation(M):
    # The exact law of n1 (particles from B1) after t MCS of the Appendix I rule, started
    # in the stationary state: Var(n1(t+1)) - Var(n1(t)) -> psi_d''(0) exponentially fast.
    T1, T2 = 1.0, 2.0
    var = []
    for t in (24, 25):
        K, ptau, R = exact_joint(M, t, T1, T2, 2.0)
        w = (ptau[:, None, None] * K).sum(axis=(0, 1))
        n = np.arange(w.size) - R
        var.append(w @ n**2 - (w @ n) ** 2)
    inc = var[1] - var[0]
    vd = _second_derivative(lambda x: ic.current_scgf(x, M, T1, T2, time="discrete")[0])
    vc = _second_derivative(lambda x: ic.current_scgf(x, M, T1, T2, time="continuous")[0])
    assert inc == pytest.approx(vd, rel=1e-6)
    # continuous time fluctuates more: Var_c - Var_d = Jbar^2 / M
    p1, p2 = ic.insertion_probabilities(T1, T2)
    assert vc - vd == pytest.approx(((p1 - p2) / M) ** 2 / M, rel=1e-5)
    assert abs(inc - vc) > 1e-3 * vc


def test_discrete_rate_function_is_larger():
    J = np.linspace(-0.8, 0.8, 33)
    Id = ic.current_ldf(J, 2, 1.0, 2.0, time="discrete")
    Ic = ic.current_ldf(J, 2, 1.0, 2.0, time="continuous")
    assert np.all(Id >= Ic - 1e-12)
    # discrete time: at most one particle from B1 per MCS for M = 2
    assert np.isinf(ic.current_ldf(1.2, 2, 1.0, 2.0))


def test_validation():
    with pytest.raises(ValueError, match="time"):
        ic.current_scgf(0.0, 2, 1.0, 2.0, time="mcs")
    with pytest.raises(ValueError, match="M"):
        ic.current_ldf(0.0, 10, 1.0, 2.0)
    with pytest.raises(ValueError, match="p1"):
        ic.tilted_trial_matrices(3, 1.5, 0.2)
