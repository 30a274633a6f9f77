"""Exact law of the entropy production (noneq.ising_chain.exact): kernels against plain NumPy, consistency."""

import math

import numpy as np
import pytest
from _ic_reference import entropy_production_enumeration, exact_joint_reference, one_trial_matrix, spins_from_tau

from noneq import ising_chain as ic
from noneq.ising_chain import exact, stationary
from noneq.ising_chain._common import bath_coefficients, half_bins, log_p, n1_bound
from noneq.ising_chain._kernels import _exact_hist, _exact_kernel, _nonzero_values

# ---------------------------------------------------------------- kernels against the plain reference


@pytest.mark.parametrize("M,t,T2", [(3, 2, 2.0), (4, 2, np.inf), (5, 1, 5.0)])
def test_exact_kernel_matches_dense_reference(M, t, T2):
    p1, p2 = ic.insertion_probabilities(1.0, T2)
    R = n1_bound(M, t)
    K = _exact_kernel(M - 1, M, M * t, p1, p2, R)
    ref = exact_joint_reference(M, t, p1, p2, R)
    np.testing.assert_allclose(K, ref, rtol=1e-12, atol=1e-16)


def test_one_trial_rule_matches_master_equation_generator():
    # the dense (τ, n1) rule of the reference, summed over n1 and lifted to spins, is I + generator (eq. 76)
    M, T2 = 5, 3.0
    p1, p2 = ic.insertion_probabilities(1.0, T2)
    R = 2
    W = 2 * R + 1
    S = 1 << (M - 1)
    T = one_trial_matrix(M, p1, p2, R)[np.arange(S) * W + R].reshape(S, S, W).sum(axis=2)
    G = stationary.spin_generator(M, p1, p2).toarray() + np.eye(2**M)
    s = np.arange(2**M)
    tau = (s ^ (s >> 1)) & (S - 1)
    for t0 in range(S):
        s0 = int(sum(int(b > 0) << i for i, b in enumerate(spins_from_tau(t0, M))))
        np.testing.assert_allclose(np.bincount(tau, weights=G[s0], minlength=S), T[t0], rtol=1e-14, atol=1e-16)


def test_histogram_and_value_kernels_match_numpy():
    M, t, T1, T2, eps, w = 5, 3, 1.0, 2.0, 2.0, 0.2
    K, ptau, R = exact.exact_joint(M, t, T1, T2, eps)
    lnp = log_p(ptau)
    c1, c2 = bath_coefficients(T1, T2, eps)
    vals, probs = exact.joint_values(K, ptau, R, T1, T2, eps)
    # the ΔS of every entry, by plain NumPy from the definitions (heat quanta from energy balance)
    S = K.shape[0]
    N = np.array([bin(i).count("1") for i in range(S)])
    n1 = np.arange(K.shape[2]) - R
    n2 = (N[None, :] - N[:, None])[:, :, None] - n1
    ds = -(c1 * n1 + c2 * n2) + (lnp[:, None, None] - lnp[None, :, None])
    np.testing.assert_allclose(vals, ds.ravel(), rtol=1e-14, atol=1e-14)
    nz = probs > 0
    v_k, p_k = _nonzero_values(K, ptau, lnp, c1, c2, R)
    np.testing.assert_allclose(v_k, vals[nz], rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(p_k, probs[nz], rtol=1e-14)
    nb = half_bins(M, t, T1, T2, eps, lnp, w)
    hist = np.zeros(2 * nb + 1)
    _exact_hist(K, ptau, lnp, c1, c2, R, w, nb, 0, 3, hist)   # in two pieces of initial states
    _exact_hist(K, ptau, lnp, c1, c2, R, w, nb, 3, K.shape[0], hist)
    ref = np.bincount(np.floor(vals[nz] / w + 0.5).astype(int) + nb, weights=probs[nz], minlength=2 * nb + 1)
    np.testing.assert_allclose(hist, ref, rtol=1e-12, atol=1e-16)


# ---------------------------------------------------------------- the exact law


@pytest.mark.parametrize("M,t,T2", [(3, 4, 2.0), (5, 3, np.inf), (6, 2, 5.0)])
def test_exact_fluctuation_theorem_per_value(M, t, T2):
    v, p = ic.entropy_production_atoms(M, t, 1.0, T2)
    assert abs(p.sum() - 1) < 1e-12
    ft = ic.fluctuation_theorem_residual(v, p, min_prob=1e-250)
    assert ft.unpaired == 0 and ft.delta_s.size > 10
    assert ft.max_error < 1e-10
    # <ΔS> = <ΔS_bath> = t J_Q (1/T1 - 1/T2) in the stationary state
    assert np.dot(v, p) == pytest.approx(ic.mean_bath_entropy_production(M, t, 1.0, T2), rel=1e-10)


def test_exact_kernel_conserves_probability_and_detailed_ft():
    M, t = 5, 3
    K, ptau, R = exact.exact_joint(M, t, 1.0, 2.0, 2.0)
    np.testing.assert_allclose(K.sum(axis=(1, 2)), 1.0, rtol=1e-13)
    # stationarity: Σ_τ0 P(τ0) K(τ0 -> τ) = P(τ)
    np.testing.assert_allclose(np.einsum("i,ijk->j", ptau, K), ptau, rtol=1e-12)
    # detailed FT per (τ0, τt, n1): P(τ0) K(τ0->τt, n1) = e^{ΔS} P(τt) K(τt->τ0, -n1)
    vals, probs = exact.joint_values(K, ptau, R, 1.0, 2.0, 2.0)
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


def test_one_pass_result_equals_separate_calls(exact_law_m6):
    r = exact_law_m6
    c, p = ic.entropy_production_distribution(6, 3, 1.0, 2.0)
    v, q = ic.entropy_production_atoms(6, 3, 1.0, 2.0)
    np.testing.assert_array_equal(r.bin_centers, c)
    np.testing.assert_array_equal(r.probabilities, p)
    np.testing.assert_array_equal(r["values"], v)
    np.testing.assert_array_equal(r["atom_probabilities"], q)
    assert r.mean == pytest.approx(ic.mean_bath_entropy_production(6, 3, 1.0, 2.0), rel=1e-10)
    assert r.seconds > 0


def test_grid_holds_every_value():
    # the histogram window of half_bins contains every reachable ΔS (no clipping at the edges)
    for M, t, T2 in [(4, 3, 2.0), (5, 2, np.inf)]:
        v, _ = ic.entropy_production_atoms(M, t, 1.0, T2)
        K, ptau, R = exact.exact_joint(M, t, 1.0, T2, 2.0)
        assert R == n1_bound(M, t)
        nb = half_bins(M, t, 1.0, T2, 2.0, log_p(ptau), 0.2)
        assert np.max(np.abs(v)) < (nb - 1) * 0.2


# ---------------------------------------------------------------- bath and system parts (Sec. IV)


@pytest.mark.parametrize("M,t,T2", [(3, 3, 2.0), (4, 2, np.inf), (4, 3, 5.0)])
def test_contributions_match_spin_enumeration(M, t, T2):
    # every trial enumerated in spin space with explicit heats (eq. 37 from the temperatures), started from the
    # stationary law of the sparse master-equation solve: the bath, system and total laws of the package agree bin by
    # bin (two bin widths) and, for the bath part, value by value (sums of <= 1e4 products: 1e-13)
    P = ic.stationary_distribution(M, 1.0, T2, method="solve")
    law = entropy_production_enumeration(M, t, 1.0, T2, 2.0, P)
    parts = {"bath": lambda b, s: b, "system": lambda b, s: s, "total": lambda b, s: b + s}
    for part, f in parts.items():
        for w in (0.2, 0.01):
            c, p = ic.entropy_production_distribution(M, t, 1.0, T2, bin_width=w, contribution=part)
            ref = {}
            for (b, s_), q in law.items():
                k = math.floor(f(b, s_) / w + 0.5)
                ref[k] = ref.get(k, 0.0) + q
            got = dict(zip(np.rint(c / w).astype(int).tolist(), p))
            for k in set(ref) | {k for k, v in got.items() if v > 0}:
                assert abs(got.get(k, 0.0) - ref.get(k, 0.0)) < 1e-13, (part, w, k)
    bath = {}
    for (b, _), q in law.items():
        bath[b] = bath.get(b, 0.0) + q
    v, q = ic.entropy_production_atoms(M, t, 1.0, T2, contribution="bath")
    ref_v = np.array(sorted(bath))
    np.testing.assert_allclose(v, ref_v, atol=1e-9)
    np.testing.assert_allclose(q, [bath[x] for x in ref_v], rtol=1e-12, atol=1e-15)
    # the bath part alone has the mean of Sec. IV, the system part mean zero (stationary start)
    r = ic.entropy_production_exact(M, t, 1.0, T2, contribution="bath")
    assert r.mean == pytest.approx(ic.mean_bath_entropy_production(M, t, 1.0, T2), rel=1e-10)
    assert abs(ic.entropy_production_exact(M, t, 1.0, T2, contribution="system").mean) < 1e-13


def test_bath_contribution_monte_carlo_against_exact():
    # the sampler bins the bath part with the same grid: chi-square against the exact bath law (p > 1e-4); the runs and
    # heats do not depend on the part binned (same seed, same Q means), and the default is the total
    M, t, T2, K = 4, 3, 2.0, 200_000
    ce, pe = ic.entropy_production_distribution(M, t, 1.0, T2, contribution="bath")
    r = ic.simulate(M, t, 1.0, T2, samples=K, seed=5, contribution="bath")
    test = ic.chi2_test(ce, pe, r.bin_centers, r.counts, 0.2)
    assert test.outside == 0 and test.dof > 5 and test.pvalue > 1e-4, test
    tot = ic.simulate(M, t, 1.0, T2, samples=K, seed=5)
    assert tot.Q1_mean == r.Q1_mean and tot.Q2_mean == r.Q2_mean
    default = ic.entropy_production_distribution(M, t, 1.0, T2, method="mc", samples=K, seed=5)
    np.testing.assert_array_equal(default[1], tot.probabilities)
    # at t = 3 the system term matters: the bath law differs from the total law by O(0.1) in some bin
    ct, pt = ic.entropy_production_distribution(M, t, 1.0, T2)
    n = max(len(ct), len(ce))
    pad = [np.pad(x, ((n - len(x)) // 2,)) for x in (pt, pe)]
    assert np.max(np.abs(pad[0] - pad[1])) > 0.05
    with pytest.raises(ValueError, match="contribution"):
        ic.entropy_production_distribution(M, t, 1.0, T2, contribution="reservoirs")


def test_joint_law_gives_every_part():
    # the joint law of (n1, n2, system term) reproduces the three binned laws of the package
    M, t, w = 5, 2, 0.2
    n1, n2, sys_, p = ic.entropy_production_joint(M, t, 1.0, 2.0)
    assert abs(p.sum() - 1) < 1e-13
    bath = -2.0 * (n1 / 1.0 + n2 / 2.0)
    for part, v in (("bath", bath), ("system", sys_), ("total", bath + sys_)):
        c, q = ic.entropy_production_distribution(M, t, 1.0, 2.0, bin_width=w, contribution=part)
        h = np.bincount(np.floor(v / w + 0.5).astype(int) - int(round(c[0] / w)), weights=p, minlength=len(c))
        np.testing.assert_allclose(h, q, rtol=1e-12, atol=1e-16)
