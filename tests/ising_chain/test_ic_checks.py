"""Checks of a law of ΔS (noneq.ising_chain.checks): fluctuation-theorem residual and the χ² alias."""

import numpy as np
import pytest

from noneq import ising_chain as ic
from noneq.stats import binned_chi2


def test_residual_of_a_law_obeying_the_theorem():
    # P(x) ∝ e^{x/2} g(x) with g even satisfies P(x)/P(-x) = e^x exactly
    x = np.arange(-30, 31) * 0.25
    p = np.exp(x / 2 - x**2 / 8)
    r = ic.fluctuation_theorem_residual(x, p / p.sum())
    np.testing.assert_allclose(r.delta_s, x[x > 0])
    np.testing.assert_allclose(r.log_ratio, x[x > 0], rtol=1e-12)
    assert r.max_error < 1e-12 and r.unpaired == 0
    assert r["residual"].shape == r.delta_s.shape


def test_residual_detects_a_wrong_slope_and_missing_mirrors():
    x = np.arange(-20, 21) * 0.2
    p = np.exp(0.4 * x - x**2 / 4)  # slope 0.8
    r = ic.fluctuation_theorem_residual(x, p)
    np.testing.assert_allclose(r.residual, -0.2 * r.delta_s, atol=1e-12)
    assert r.max_error == pytest.approx(0.2 * 4.0 / 4.0, rel=1e-9)
    p[x < -3] = 0.0  # support no longer symmetric
    r = ic.fluctuation_theorem_residual(x, p)
    assert r.unpaired == int(np.sum(x > 3 + 1e-9))
    # unsorted input and values without a mirror at all
    rng = np.random.default_rng(0)
    order = rng.permutation(x.size)
    r2 = ic.fluctuation_theorem_residual(np.append(x[order], 9.3), np.append(p[order], 0.1))
    assert r2.unpaired == r.unpaired + 1
    np.testing.assert_allclose(r2.log_ratio, r.log_ratio)


def test_residual_on_counts_matches_the_bin_by_bin_ratio():
    # Monte Carlo counts on a symmetric grid, both bins with at least 10 counts (the notebook's rule)
    r = ic.simulate(6, 3, 1.0, 2.0, samples=100_000, seed=5)
    c, n = r.bin_centers, r.counts
    nb = (len(c) - 1) // 2
    pos = np.arange(nb + 1, len(c))
    neg = 2 * nb - pos
    good = (n[pos] >= 10) & (n[neg] >= 10)
    res = ic.fluctuation_theorem_residual(c, n, min_prob=9.5)
    np.testing.assert_array_equal(res.delta_s, c[pos][good])
    np.testing.assert_array_equal(res.log_ratio, np.log(n[pos][good] / n[neg][good]))
    assert res.delta_s.size > 5 and np.all(np.abs(res.residual) < 1.0)


def test_residual_of_exact_histogram(exact_law_m6):
    # binning breaks the per-value identity only slightly (bin 0.2)
    r = ic.fluctuation_theorem_residual(exact_law_m6.bin_centers, exact_law_m6.probabilities, min_prob=1e-14)
    assert r.unpaired == 0 and r.max_error < 0.3


def test_residual_without_pairs_is_nan():
    r = ic.fluctuation_theorem_residual([0.5, 1.0], [0.5, 0.5])
    assert np.isnan(r.max_error) and r.unpaired == 2 and r.delta_s.size == 0


def test_chi2_test_is_binned_chi2(exact_law_m6):
    ce, pe = exact_law_m6.bin_centers, exact_law_m6.probabilities
    r = ic.simulate(6, 3, 1.0, 2.0, samples=50_000, seed=9)
    a = ic.chi2_test(ce, pe, r.bin_centers, r.counts, 0.2)
    b = binned_chi2(ce, pe, r.bin_centers, r.counts, 0.2)
    assert a == b and isinstance(a, ic.Chi2Result)
    assert (a["chi2"], a["dof"], a["pvalue"], a["outside"]) == (b.chi2, b.dof, b.pvalue, b.outside)
    c = ic.chi2_test(centers_exact=ce, probs_exact=pe, centers_mc=r.bin_centers, counts_mc=r.counts, bin_width=0.2,
                     min_expected=20.0)
    assert c.dof < a.dof


def test_slope_error_matches_the_spread_of_poisson_counts():
    # a law obeying eq. 18 exactly on the bin centres: (slope - 1) / slope_err over
    # independent Poisson draws has mean 0 and spread 1 (400 draws: the sample mean and
    # standard deviation are within 0.05 and 0.04 of them at 1 sigma; allow 4 sigma)
    c = 0.2 * np.arange(-30, 31)
    p = np.exp(c / 2 - c**2 / 8)
    p /= p.sum()
    rng = np.random.default_rng(5)
    z = []
    for _ in range(400):
        r = ic.fluctuation_theorem_slope(c, rng.poisson(1e6 * p), 0.2)
        z.append((r.slope - 1) / r.slope_err)
    z = np.array(z)
    assert abs(z.mean()) < 0.2 and abs(z.std(ddof=1) - 1) < 0.16, (z.mean(), z.std())
    # a wrong slope is seen at once
    q = np.exp(0.4 * c - c**2 / 8)
    r = ic.fluctuation_theorem_slope(c, np.rint(1e6 * q / q.sum()), 0.2)
    assert abs(r.slope - 0.8) < 5 * r.slope_err and 20 * r.slope_err < 0.2


def test_slope_of_binned_exact_law_stays_within_the_binning_bound():
    c, p = ic.entropy_production_distribution(6, 3, 1.0, 2.0, bin_width=0.2)
    r = ic.fluctuation_theorem_slope(c, 1e9 * p, 0.2, reference=(c, p))
    # same law as reference: identical slopes; binned, the slope is off 1 but within the bound
    assert r.reference_slope == pytest.approx(r.slope, rel=1e-12)
    assert abs(r.slope - 1) <= r.binning_bound
    assert abs(r.slope - 1) > 10 * r.slope_err  # binning, not noise, at 1e9 runs
    with pytest.raises(ValueError, match="min_count"):
        ic.fluctuation_theorem_slope(c, 1e9 * p, 0.2, min_count=1e12)
    with pytest.raises(ValueError, match="multiples of bin_width"):
        ic.fluctuation_theorem_slope(c + 0.05, 1e9 * p, 0.2)
    with pytest.raises(ValueError, match="reference"):
        ic.fluctuation_theorem_slope(c, 1e9 * p, 0.2, reference=(c, np.where(c > 1, 0.0, p)))
