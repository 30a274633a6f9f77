"""The conservation baseline of eq. (14) and the window measurements of Fig. 6."""

import math

import numpy as np
import pytest
from scipy import stats
from scipy.signal import fftconvolve

from noneq import mass_transport as mt


def test_baseline_three_branch_values():
    # rho_A^2 = 2 rho_B^2 (eq. 17): 1 - ell / (2 N_b) in A, 1 - ell / (4 N_b) in B
    N_b, rB = 300, 0.4
    dens = [math.sqrt(2) * rB, rB, rB]
    for ell in (1, 37, 150, 300):
        assert math.isclose(mt.g_conservation_baseline(ell, dens[0], [N_b] * 3, dens),
                            1 - ell / (2 * N_b), rel_tol=1e-12)
        assert math.isclose(mt.g_conservation_baseline(ell, rB, [N_b] * 3, dens),
                            1 - ell / (4 * N_b), rel_tol=1e-12)
    out = mt.g_conservation_baseline(np.array([10, 20]), np.array([rB, 2 * rB]), [N_b] * 3, dens)
    assert out.shape == (2,)


def test_baseline_is_the_conditional_variance_of_a_factorised_law():
    # exact conditional variance of the window mass X given the total T = M, for
    # independent exponential sites (f = 1): X ~ Gamma(ell, a), the rest of its part
    # Gamma(n - ell, a), the other part Gamma(k, b); density of X given T by quadrature.
    # The Gaussian baseline is exact up to O(1/N).
    a, b, n, k = 1.5, 1.0, 120, 240
    M = n * a + k * b
    x = np.linspace(0, M, 400001)[1:-1]
    dx = x[1] - x[0]
    rest_b = stats.gamma(k, scale=b).pdf(x)
    for ell in (15, 60, 120):
        if ell < n:
            rest = fftconvolve(stats.gamma(n - ell, scale=a).pdf(x), rest_b)[: x.size] * dx
        else:
            rest = rest_b
        # P(X = x | T = M) ~ f_X(x) f_rest(M - x); the grid is symmetric, M - x = x[::-1]
        w = stats.gamma(ell, scale=a).pdf(x) * rest[::-1]
        w /= w.sum()
        mean = np.sum(w * x)
        var = np.sum(w * (x - mean) ** 2)
        exact = var / (ell * a ** 2)
        base = mt.g_conservation_baseline(ell, a, [n, k], [a, b])
        assert abs(exact - base) < 3.0 / (n + k), (ell, exact, base)
    # a wrong baseline (the homogeneous 1 - ell / N) is far off for the whole part
    assert abs(exact - (1 - n / (n + k))) > 0.05


def test_baseline_matches_dirichlet_on_a_ring():
    # homogeneous ring: exact (1 - ell/N) N / (N + 1); Monte Carlo of eq. (3) agrees
    N, ell = 60, 20
    base = mt.g_conservation_baseline(ell, 1.0, [N], [1.0])
    assert math.isclose(base, 1 - ell / N)
    assert abs(base - (1 - ell / N) * N / (N + 1)) <= 1 / (N + 1)
    rng = np.random.default_rng(3)
    samples = N * rng.dirichlet(np.ones(N), size=200000)
    g = samples[:, :ell].sum(axis=1).var() / ell
    err = g * math.sqrt(2 / samples.shape[0]) * 2  # generous: kurtosis of the window mass
    assert abs(g - (1 - ell / N) * N / (N + 1)) < 4 * err


def test_baseline_validation():
    with pytest.raises(ValueError, match="rho_nu"):
        mt.g_conservation_baseline(10, 0.0, [10], [1.0])
    with pytest.raises(ValueError, match="ell"):
        mt.g_conservation_baseline(-1, 1.0, [10], [1.0])
    with pytest.raises(ValueError, match="same length"):
        mt.g_conservation_baseline(1, 1.0, [10, 10], [1.0])
    with pytest.raises(ValueError, match="inside"):
        mt.g_conservation_baseline(20, 1.0, [10], [1.0])


def test_windows_shapes_seed_and_positions():
    kw = dict(t_max=200.0, t_relax=20.0, n_blocks=4, seed=5)
    r1 = mt.three_branch_windows(16, 0.5, **kw)
    r2 = mt.three_branch_windows(16, 0.5, **kw)
    assert r1.ells.tolist() == [2, 4, 8]
    for b in "ABC":
        assert r1.g[b].shape == (3, 3) and np.array_equal(r1.g[b], r2.g[b])
        assert r1.profile[b].shape == (16,)
        # the whole branch's density is the mean of its profile
        assert math.isclose(r1.density[b], r1.profile[b].mean(), rel_tol=1e-9)
    # mass conservation: the three branches hold all the mass
    assert math.isclose(sum(r1.density[b] for b in "ABC") * 16, 0.5 * 48, rel_tol=1e-9)
    rr = mt.ring_windows(48, 0.5, part=16, t_max=200.0, n_blocks=4, seed=5)
    assert set(rr.sizes) == {"ring", "rest"} and rr.sizes["rest"] == 32
    with pytest.raises(ValueError, match="fractions"):
        mt.three_branch_windows(16, 0.5, fractions=(0.0,), seed=1)
    with pytest.raises(ValueError, match="N_b"):
        mt.three_branch_windows(4, 0.5, seed=1)
