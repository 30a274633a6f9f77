"""Two-point function of the links and variance of the energy (ising_chain.correlations) against the ansatz."""

import numpy as np
import pytest

from noneq import ising_chain as ic


def _tau_covariance(M, T1, T2):
    # covariance of the links from the full stationary law of the ansatz (eqs. 63-75)
    P = ic.stationary_tau_distribution(M, T1, T2)
    L = M - 1
    tau = (np.arange(2**L)[:, None] >> np.arange(L)) & 1
    m = P @ tau
    return (tau * P[:, None]).T @ tau - np.outer(m, m)


@pytest.mark.parametrize("M", [2, 3, 5, 9, 12])
@pytest.mark.parametrize("T1,T2", [(1.0, 2.0), (1.0, np.inf), (3.0, 0.5)])
def test_link_covariance_equals_the_ansatz(M, T1, T2):
    # the closed form -(p2-p1)^2 i (M-j) / (M^2 (M-1)) for every pair, to rounding of
    # sums of 2^(M-1) probabilities of size <= 1
    C = ic.link_covariance(M, T1, T2)
    np.testing.assert_allclose(C, _tau_covariance(M, T1, T2), rtol=0, atol=1e-15)


def test_correlations_are_negative_and_vanish_in_equilibrium():
    C = ic.link_covariance(12, 1.0, 2.0)
    off = C[~np.eye(11, dtype=bool)]
    assert np.all(off < 0)
    assert np.all(ic.link_covariance(12, 1.5, 1.5)[~np.eye(11, dtype=bool)] == 0)
    # equilibrium: Var(E) is the canonical one
    assert ic.energy_variance(12, 1.5, 1.5) == pytest.approx(ic.canonical_energy_variance(12, 1.5), rel=1e-14)


@pytest.mark.parametrize("M", [10, 100, 400])
def test_energy_variance_equals_the_site_recursion(M):
    # Var(E) from the exact p(E) of the ansatz's site recursion, for long chains
    E, p = ic.energy_distribution(M, 1.0, 2.0)
    var = p @ E.astype(float) ** 2 - (p @ E) ** 2
    assert var == pytest.approx(ic.energy_variance(M, 1.0, 2.0), rel=1e-11)


def test_variance_ratio_tends_to_its_limit():
    # Var/Var_can(T_eff) = r_inf + O(1/M) from above, with r_inf = 1 - (p2-p1)^2/(6 rho(1-rho))
    Teff = ic.effective_temperature(1.0, 2.0)
    r_inf = ic.energy_variance_ratio_limit(1.0, 2.0)
    r = {M: ic.energy_variance(M, 1.0, 2.0) / ic.canonical_energy_variance(M, Teff) for M in (50, 100, 200, 400)}
    d = {M: r[M] - r_inf for M in r}
    assert all(v > 0 for v in d.values())
    # the correction halves when M doubles (to 2 %)
    for M in (50, 100, 200):
        assert d[2 * M] / d[M] == pytest.approx(0.5, rel=0.02)
    assert 0.975 < r_inf < 0.977


def test_gaussian_total_variation():
    from scipy.integrate import quad
    from scipy.stats import norm

    for ratio in (0.5, 0.9761, 1.3):
        s = np.sqrt(ratio)
        ref = 0.5 * quad(lambda x, s=s: abs(norm.pdf(x) - norm.pdf(x, scale=s)), -12, 12, points=[-1, 0, 1],
                         limit=200, epsabs=1e-13)[0]
        assert ic.gaussian_total_variation(ratio) == pytest.approx(ref, rel=1e-9)
    assert ic.gaussian_total_variation(1.0) == 0.0
    assert ic.gaussian_total_variation(0.8) == pytest.approx(ic.gaussian_total_variation(1 / 0.8), rel=1e-14)


def test_validation():
    with pytest.raises(ValueError, match="M"):
        ic.link_covariance(1, 1.0, 2.0)
    with pytest.raises(ValueError, match="ratio"):
        ic.gaussian_total_variation(0.0)
    with pytest.raises(ValueError, match="T"):
        ic.canonical_energy_variance(5, -1.0)
