"""Tests of noneq.ising_chain against exact formulas of Toral et al. and exact arithmetic."""

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy.stats import chi2

from noneq import ising_chain as ic

# ---------------------------------------------------------------- helpers

def _ft_max_error(v, p, tiny=1e-250):
    """max |ln[P(ΔS)/P(-ΔS)] - ΔS| / max(1, ΔS) over distinct positive values."""
    pos = v > 1e-9
    j = np.clip(np.searchsorted(v, -v[pos]), 0, len(v) - 1)
    j2 = np.clip(j - 1, 0, len(v) - 1)
    jj = np.where(np.abs(v[j] + v[pos]) < np.abs(v[j2] + v[pos]), j, j2)
    assert np.all(np.abs(v[jj] + v[pos]) < 1e-8), "every ΔS must have a partner -ΔS"
    ok = p[pos] > tiny
    return np.max(np.abs(np.log(p[pos][ok] / p[jj][ok]) - v[pos][ok]) / np.maximum(1, v[pos][ok]))


def _chi2_pvalue(centers_e, probs_e, centers_m, counts_m, samples, w):
    ie = np.rint(centers_e / w).astype(int)
    im = np.rint(centers_m / w).astype(int)
    cnt = dict(zip(im, counts_m))
    assert sum(cnt[i] for i in set(im) - set(ie)) == 0, "MC bins outside the exact support"
    obs = np.array([cnt.get(i, 0) for i in ie], dtype=float)
    exp = probs_e * samples
    ok = exp >= 5
    # pool the sparse tail into one cell
    o = np.append(obs[ok], obs[~ok].sum())
    e = np.append(exp[ok], exp[~ok].sum())
    if e[-1] < 5:
        o, e = o[:-1], e[:-1]
    c = np.sum((o - e) ** 2 / e)
    return chi2.sf(c, len(o) - 1)


# ---------------------------------------------------------------- stationary state

@pytest.mark.parametrize("M,T2", [(2, 2.0), (3, 5.0), (6, 2.0), (9, np.inf), (12, 1.3)])
def test_mpa_matches_sparse_solve(M, T2):
    a = ic.stationary_distribution(M, 1.0, T2)
    b = ic.stationary_distribution(M, 1.0, T2, method="solve")
    assert a.shape == (2**M,)
    assert abs(a.sum() - 1) < 1e-13
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=0)


def test_stationary_global_flip_and_tau():
    M = 8
    P = ic.stationary_distribution(M, 1.0, 3.0)
    s = np.arange(2**M)
    np.testing.assert_allclose(P, P[(~s) & (2**M - 1)], rtol=1e-14)
    Pt = ic.stationary_tau_distribution(M, 1.0, 3.0)
    tau = (s ^ (s >> 1)) & (2 ** (M - 1) - 1)
    np.testing.assert_allclose(2 * P, Pt[tau], rtol=1e-14)


def test_mpa_small_chain_exact_rational():
    # L = 2 by hand from the two-site master equation (continuous-time SSEP, λ = 1)
    p1, p2 = ic.insertion_probabilities(1.0, 2.0)
    a, g, b, d = p1, 1 - p1, 1 - p2, p2
    import scipy.linalg as la

    # states τ = (τ1, τ2) index bit0 = τ1
    Q = np.zeros((4, 4))
    for s in range(4):
        t1, t2 = s & 1, (s >> 1) & 1
        Q[s, s ^ 1] += a if t1 == 0 else g
        Q[s, s ^ 2] += d if t2 == 0 else b
        if t1 != t2:
            Q[s, s ^ 3] += 1.0
    Q -= np.diag(Q.sum(axis=1))
    v = la.null_space(Q.T)[:, 0]
    v /= v.sum()
    np.testing.assert_allclose(ic.stationary_tau_distribution(3, 1.0, 2.0), v, rtol=1e-12)


def test_boltzmann_when_equal_temperatures():
    M, T = 9, 1.7
    P = ic.stationary_distribution(M, T, T)
    s = np.arange(2**M)
    spins = 2 * ((s[:, None] >> np.arange(M)) & 1) - 1
    H = -(2.0 / 2) * np.sum(spins[:, :-1] * spins[:, 1:], axis=1)
    B = np.exp(-H / T)
    np.testing.assert_allclose(P, B / B.sum(), rtol=1e-12)
    E, p = ic.energy_distribution(M, T, T)
    _, q = ic.effective_energy_distribution(M, T)
    np.testing.assert_allclose(p, q, rtol=1e-12)


def test_stationary_m20_fast_and_normalised():
    P = ic.stationary_distribution(20, 1.0, 2.0)
    assert abs(P.sum() - 1) < 1e-12 and P.min() > 0


def test_energy_distribution_vs_enumeration_and_rational():
    M = 12
    E, p = ic.energy_distribution(M, 1.0, 2.0)
    Pt = ic.stationary_tau_distribution(M, 1.0, 2.0)
    N = np.array([bin(i).count("1") for i in range(len(Pt))])
    np.testing.assert_allclose(np.bincount(N, weights=Pt), p, rtol=1e-13)
    np.testing.assert_array_equal(E, 2 * np.arange(M) - (M - 1))
    # exact rational recursion for M = 30 (same algebra in Fractions)
    M = 30
    L = M - 1
    p1, p2 = ic.insertion_probabilities(1.0, 2.0)
    a, g, b, d = Fraction(p1), 1 - Fraction(p1), 1 - Fraction(p2), Fraction(p2)
    G = [[Fraction(1)] * (L + 1)] + [[Fraction(0)] * (L + 1) for _ in range(L)]
    for k in range(1, L + 1):
        n = L + 1 - k
        H = [[Fraction(0)] * n for _ in range(L + 1)]
        for m in range(k):
            for j in range(n):
                y = j + 1
                a1, a0 = (y + 1) * G[m][j + 1], y * G[m][j]
                H[m][j] += g * a1 + (b - g) * a0
                H[m + 1][j] += a * a1 + (d - a) * a0
        G = H
    w = [G[m][0] for m in range(L + 1)]
    tot = sum(w)
    exact = np.array([float(x / tot) for x in w])
    np.testing.assert_allclose(ic.energy_distribution(M, 1.0, 2.0)[1], exact, rtol=1e-13)


def test_energy_distribution_m100_normalised_and_mean():
    M = 100
    E, p = ic.energy_distribution(M, 1.0, 2.0)
    assert abs(p.sum() - 1) < 1e-13 and p.min() > 0
    # eq. (81): <Σℓ> = -(M-1)/2 [tanh(ε/2T1) + tanh(ε/2T2)]
    mean = -(M - 1) / 2 * (math.tanh(1.0) + math.tanh(0.5))
    assert abs(np.dot(E, p) - mean) < 1e-10 * (M - 1)


def test_link_profile_linear_eq45():
    for M, T2 in [(5, 2.0), (30, np.inf), (200, 3.0)]:
        np.testing.assert_allclose(ic.link_profile(M, 1.0, T2), ic.link_profile_theory(M, 1.0, T2),
                                   rtol=1e-12)
    Pt = ic.stationary_tau_distribution(7, 1.0, 2.0)
    tau = np.arange(len(Pt))
    dens = [(Pt * ((tau >> i) & 1)).sum() for i in range(6)]
    np.testing.assert_allclose(dens, ic.link_profile_theory(7, 1.0, 2.0), rtol=1e-12)


# ---------------------------------------------------------------- currents, profiles

def test_currents_eq8_eq9_and_inf():
    p1, p2 = ic.insertion_probabilities(1.0, 2.0)
    assert ic.particle_current(10, 1.0, 2.0) == pytest.approx((p2 - p1) / 10, rel=1e-15)
    assert ic.heat_current(10, 1.0, 2.0) == pytest.approx(2 * (p2 - p1) / 10, rel=1e-13)
    assert ic.insertion_probabilities(1.0, np.inf)[1] == 0.5
    assert ic.heat_current(4, 1.0, np.inf) == pytest.approx(2 * (0.5 - p1) / 4, rel=1e-13)


def test_temperature_profile_and_conductivity():
    T1, T2, eps = 1.0, 2.0, 2.0
    x = np.linspace(0, 1, 11)
    T = ic.temperature_profile(x, T1, T2)
    assert T[0] == pytest.approx(T1, rel=1e-12) and T[-1] == pytest.approx(T2, rel=1e-12)
    # Fourier: J_Q = κ(T) dT/dx with x in units of the lattice spacing (L = M Δx, Δx = 1)
    M = 50
    xs = np.linspace(0.1, 0.9, 5) * M
    h = 1e-4
    dTdx = (ic.temperature_profile(xs + h, T1, T2, length=M) - ic.temperature_profile(xs - h, T1, T2, length=M)) / (2 * h)
    kappa = ic.conductivity(ic.temperature_profile(xs, T1, T2, length=M), eps)
    np.testing.assert_allclose(kappa * dTdx, ic.heat_current(M, T1, T2, eps), rtol=1e-7)
    # eq. 47 (corrected): linear response
    dT = 1e-5
    exact = ic.heat_current(7, 1.0, 1.0 + dT)
    assert ic.linear_response_current(7, 1.0, dT) == pytest.approx(exact, rel=1e-4)


def test_effective_temperature():
    assert ic.effective_temperature(1.0, 2.0) == pytest.approx(1.40473, abs=5e-6)
    assert ic.effective_temperature(1.3, 1.3) == pytest.approx(1.3, rel=1e-14)
    assert 1.0 < ic.effective_temperature(1.0, np.inf) < math.inf


def test_omega_binomial_erratum():
    # Ω(E) = 2 C(M-1, (M-1+E)/2) sums to 2^M; the printed 2 C(M, ...) does not
    M = 9
    E = 2 * np.arange(M) - (M - 1)
    good = sum(2 * math.comb(M - 1, (M - 1 + e) // 2) for e in E)
    bad = sum(2 * math.comb(M, (M - 1 - e) // 2) for e in E)
    assert good == 2**M and bad != 2**M


# ---------------------------------------------------------------- entropy production

@pytest.mark.parametrize("M,t,T2", [(3, 4, 2.0), (5, 3, np.inf), (6, 2, 5.0)])
def test_exact_fluctuation_theorem_per_value(M, t, T2):
    v, p = ic.entropy_production_atoms(M, t, 1.0, T2)
    assert abs(p.sum() - 1) < 1e-12
    assert _ft_max_error(v, p) < 1e-10
    # <ΔS> = <ΔS_bath> = t J_Q (1/T1 - 1/T2) in the stationary state
    assert np.dot(v, p) == pytest.approx(ic.mean_bath_entropy_production(M, t, 1.0, T2), rel=1e-10)


def test_exact_kernel_conserves_probability_and_detailed_ft():
    M, t = 5, 3
    p1, p2 = ic.insertion_probabilities(1.0, 2.0)
    K, ptau, R = ic._exact_joint(M, t, 1.0, 2.0, 2.0)
    np.testing.assert_allclose(K.sum(axis=(1, 2)), 1.0, rtol=1e-13)
    # stationarity: Σ_τ0 P(τ0) K(τ0 -> τ) = P(τ)
    np.testing.assert_allclose(np.einsum("i,ijk->j", ptau, K), ptau, rtol=1e-12)
    # detailed FT per (τ0, τt, n1): P(τ0) K(τ0->τt, n1) = e^{ΔS} P(τt) K(τt->τ0, -n1)
    vals, probs = ic._joint_values(K, ptau, R, M, 1.0, 2.0, 2.0)
    vals = vals.reshape(K.shape)
    probs = probs.reshape(K.shape)
    rev = probs.transpose(1, 0, 2)[:, :, ::-1]
    ok = (probs > 1e-250) & (rev > 1e-250)
    assert ok.sum() > 100
    assert np.max(np.abs(np.log(probs[ok] / rev[ok]) - vals[ok])) < 1e-10
    assert np.all((probs > 0) == (rev > 0))


def test_binned_distribution_grid_and_mass():
    c, p = ic.entropy_production_distribution(4, 3, 1.0, 2.0, bin_width=0.25)
    assert abs(p.sum() - 1) < 1e-13
    np.testing.assert_allclose(c / 0.25, np.rint(c / 0.25), atol=1e-9)
    np.testing.assert_allclose(c, -c[::-1], atol=1e-12)
    # binning the distinct values reproduces the histogram
    v, q = ic.entropy_production_atoms(4, 3, 1.0, 2.0)
    idx = np.floor(v / 0.25 + 0.5).astype(int)
    h = {}
    for i, w in zip(idx, q):
        h[i] = h.get(i, 0.0) + w
    for ci, pi in zip(c, p):
        assert pi == pytest.approx(h.get(int(round(ci / 0.25)), 0.0), abs=1e-15)


def test_monte_carlo_matches_exact_chi2():
    M, t, T2, K = 6, 3, 2.0, 400_000
    ce, pe = ic.entropy_production_distribution(M, t, 1.0, T2)
    r = ic.simulate(M, t, 1.0, T2, samples=K, seed=11)
    pval = _chi2_pvalue(ce, pe, r["bin_centers"], r["counts"], K, 0.2)
    assert pval > 1e-4
    test = ic.chi2_test(ce, pe, r["bin_centers"], r["counts"], 0.2)
    assert test["outside"] == 0 and test["pvalue"] == pytest.approx(pval, rel=1e-12)
    # heat taken from B2 per MCS vs eq. (9), 5 standard errors
    jq = ic.heat_current(M, 1.0, T2)
    assert abs(r["Q2_mean"] / t - jq) < 5 * r["Q2_err"] / t
    assert abs(-r["Q1_mean"] / t - jq) < 5 * r["Q1_err"] / t


def test_monte_carlo_seed_reproducible():
    a = ic.simulate(5, 2, 1.0, np.inf, samples=5000, seed=7)
    b = ic.simulate(5, 2, 1.0, np.inf, samples=5000, seed=7)
    c = ic.simulate(5, 2, 1.0, np.inf, samples=5000, seed=8)
    np.testing.assert_array_equal(a["counts"], b["counts"])
    assert a["Q2_mean"] == b["Q2_mean"]
    assert not np.array_equal(a["counts"], c["counts"]) or a["Q2_mean"] != c["Q2_mean"]
    x = ic.entropy_production_distribution(5, 2, 1.0, 2.0, method="mc", samples=3000, seed=1)
    y = ic.entropy_production_distribution(5, 2, 1.0, 2.0, method="mc", samples=3000, seed=1)
    np.testing.assert_array_equal(x[1], y[1])


def test_chi2_test_detects_wrong_temperature():
    # a histogram sampled at T2 = 3 is rejected against the exact law at T2 = 2
    ce, pe = ic.entropy_production_distribution(5, 3, 1.0, 2.0)
    r = ic.simulate(5, 3, 1.0, 3.0, samples=200_000, seed=4)
    assert ic.chi2_test(ce, pe, r["bin_centers"], r["counts"], 0.2)["pvalue"] < 1e-6


def test_numpy_reference_same_rule():
    # the vectorised reference samples the same heat current
    p1, p2 = ic.insertion_probabilities(1.0, 2.0)
    n1, n2 = ic._numpy_reference(4, 400, p1, p2, 2000, seed=3)
    jq = ic.particle_current(4, 1.0, 2.0)
    # from τ = 0 the transient is short compared with 400 MCS; 5 standard errors
    m = n2.mean() / 400
    se = n2.std() / 400 / math.sqrt(len(n2))
    assert abs(m - jq) < 5 * se + 2e-3


# ---------------------------------------------------------------- large deviations

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


# ---------------------------------------------------------------- efficiency

def test_efficiency_series_coefficients():
    s = ic.efficiency_series(order=6)
    ref = [0.0, 0.5, 0.125, 0.0774920, 0.0540545, 0.0396952, 0.0301064]
    for k, r in enumerate(ref):
        assert abs(s["eta"][k] - r) < 5e-7 * max(1, abs(r) * 10), (k, s["eta"][k])
    a = [2.39936, 0.599839, 0.399893, 0.294431, 0.230513]
    b = [2.39936, -0.599839, -0.199946, -0.0944843, -0.0529399]
    np.testing.assert_allclose(s["x1"][:5], a, rtol=5e-6)
    np.testing.assert_allclose(s["x2"][:5], b, rtol=5e-6)
    # Appendix III relations with the labels of eqs. (15)-(16): a1 = b1 + a0/2, b1 = -a0/4
    a0 = ic.A0
    assert s["x1"][1] == pytest.approx(s["x2"][1] + a0 / 2, rel=1e-10)
    assert s["x2"][1] == pytest.approx(-a0 / 4, rel=1e-10)


def test_efficiency_exact_vs_series_and_bounds():
    e = np.array([0.01, 0.05, 0.1])
    s = ic.efficiency_series(order=8)
    series = sum(c * e**k for k, c in enumerate(s["eta"]))
    np.testing.assert_allclose(ic.efficiency_at_max_power(e), series, rtol=1e-9)
    big = np.linspace(0.05, 0.95, 10)
    eta = ic.efficiency_at_max_power(big)
    assert np.all(eta < big) and np.all(eta > big / 2)
    assert ic.efficiency_at_max_power(0.0) == 0.0


def test_power_maximum_is_stationary():
    x1, x2 = ic.optimal_affinities(0.3)
    h = 1e-5
    p0 = ic.power(x1, x2, 0.3)
    for dx1, dx2 in [(h, 0), (-h, 0), (0, h), (0, -h), (h, h)]:
        assert ic.power(x1 + dx1, x2 + dx2, 0.3) <= p0 + 1e-15
    assert x1 > x2


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize(
    "call,name",
    [
        (lambda: ic.stationary_distribution(1, 1, 2), "M"),
        (lambda: ic.stationary_distribution(4, 0, 2), "T1"),
        (lambda: ic.stationary_distribution(4, 1, -2), "T2"),
        (lambda: ic.stationary_distribution(4, 1, 2, method="lu"), "method"),
        (lambda: ic.stationary_distribution(20, 1, 2, method="solve"), "M"),
        (lambda: ic.energy_distribution(1, 1, 2), "M"),
        (lambda: ic.energy_distribution(5, 1, 2, eps=0), "eps"),
        (lambda: ic.entropy_production_distribution(1, 3, 1, 2), "M"),
        (lambda: ic.entropy_production_distribution(4, 0, 1, 2), "t"),
        (lambda: ic.entropy_production_distribution(4, 3, 1, 2, bin_width=0), "bin_width"),
        (lambda: ic.entropy_production_distribution(4, 3, 1, 2, method="x"), "method"),
        (lambda: ic.entropy_production_distribution(4, 3, 1, 2, method="mc", samples=0), "samples"),
        (lambda: ic.entropy_production_distribution(4, 3, 1, 2, method="mc"), "samples"),
        (lambda: ic.entropy_production_distribution(30, 3, 1, 2), "M"),
        (lambda: ic.simulate(4, 3, 1, 2, samples=-1), "samples"),
        (lambda: ic.simulate(4, 3, 1, 2, samples=10, seed=-3), "seed"),
        (lambda: ic.large_deviation_function(0.1, 1, 0), "T2"),
        (lambda: ic.large_deviation_function(np.nan, 1, 2), "J"),
        (lambda: ic.efficiency_at_max_power(1.0), "eta_C"),
        (lambda: ic.effective_temperature(-1, 2), "T1"),
        (lambda: ic.temperature_profile(2.0, 1, 2), "x"),
    ],
)
def test_validation(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_inf_accepted_everywhere():
    inf = np.inf
    assert ic.stationary_distribution(4, 1, inf).sum() == pytest.approx(1)
    assert ic.energy_distribution(6, 1, inf)[1].sum() == pytest.approx(1)
    assert ic.entropy_production_distribution(3, 2, 1, inf)[1].sum() == pytest.approx(1)
    assert np.isfinite(ic.large_deviation_function(0.1, 1, inf))
    assert np.isfinite(ic.effective_temperature(1, inf))
