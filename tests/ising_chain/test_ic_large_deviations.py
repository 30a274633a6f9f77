"""One-site system (noneq.ising_chain.large_deviations): I(J), its Legendre pair and the finite-time law."""

import numpy as np
import pytest

from noneq import ising_chain as ic


@pytest.mark.parametrize("T2", [2.0, 5.0, 10.0, np.inf])
def test_ldf_symmetry_slope(T2):
    J = np.linspace(-0.3, 0.3, 61)
    I = ic.large_deviation_function(J, 1.0, T2)
    Im = ic.large_deviation_function(-J, 1.0, T2)
    slope = 2.0 * (1.0 - (0.0 if np.isinf(T2) else 1.0 / T2))
    assert np.max(np.abs(I - Im - slope * J)) < 1e-10
    assert np.all(I >= -1e-14)
    p1, p2 = ic.insertion_probabilities(1.0, T2)
    Jbar = (p1 - p2) / 2
    assert ic.large_deviation_function(Jbar, 1.0, T2) == pytest.approx(0.0, abs=1e-14)


def test_ldf_is_legendre_transform():
    xi = np.linspace(-4, 4, 4001)
    phi = ic.scaled_cumulant_generating_function(xi, 1.0, 5.0)
    for J in (-0.2, -0.05, 0.1, 0.3):
        brute = np.max(J * xi - phi)
        assert ic.large_deviation_function(J, 1.0, 5.0) == pytest.approx(brute, abs=1e-5)


def test_scgf_slope_is_mean_current_and_scalar_shapes():
    p1, p2 = ic.insertion_probabilities(1.0, 2.0)
    h = 1e-5
    d = ic.scaled_cumulant_generating_function(np.array([-h, h]), 1.0, 2.0)
    assert (d[1] - d[0]) / (2 * h) == pytest.approx((p1 - p2) / 2, rel=1e-8)
    assert ic.scaled_cumulant_generating_function(0.0, 1.0, 2.0).shape == (1,)
    assert ic.scaled_cumulant_generating_function(0.0, 1.0, 2.0)[0] == pytest.approx(0.0, abs=1e-15)
    assert isinstance(ic.large_deviation_function(0.1, 1.0, 2.0), float)


def test_finite_time_law_normalised_and_approaches_ldf():
    p1, p2 = ic.insertion_probabilities(1.0, 2.0)
    N, P = ic.one_site_current_distribution(200.0, 1.0, 2.0)
    assert abs(P.sum() - 1) < 1e-12
    assert abs(np.dot(N, P) / 200 - (p1 - p2) / 2) < 0.5 / 200
    dev = []
    for t in (25, 100, 400):
        N, P = ic.one_site_current_distribution(t, 1.0, 2.0, nfft=4096)
        ok = (P > 1e-12) & (np.abs(N / t) <= 0.5)
        dev.append(np.max(np.abs(-np.log(P[ok]) / t - ic.large_deviation_function(N[ok] / t, 1.0, 2.0))))
    assert dev[0] > dev[1] > dev[2]
