"""Monte Carlo sampler (noneq.ising_chain.montecarlo): kernel against the plain rule, against the exact law."""

import math

import numpy as np
import pytest
from _ic_reference import mc_kernel_reference, run_same_uniforms, spins_from_tau, trial
from scipy.stats import chi2

from noneq import ising_chain as ic
from noneq.ising_chain import exact, montecarlo
from noneq.ising_chain._common import bath_coefficients, half_bins, log_p
from noneq.ising_chain._kernels import _initial_states, _mc_kernel, _run, _tables
from noneq.ising_chain.mpa import mpa_tau
from noneq.rng import spawn_seeds, xoshiro_state


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


def _kernel_args(M, T2):
    p1, p2 = ic.insertion_probabilities(1.0, T2)
    thr1, thr2 = montecarlo.thresholds(p1, p2)
    tables = _tables(M - 1, M, thr1, thr2)
    return p1, p2, np.uint64(M), np.uint64((2**32 - M) % M), tables


# ---------------------------------------------------------------- kernel against the plain rule


@pytest.mark.parametrize("M,T2", [(2, 2.0), (3, 5.0), (6, np.inf), (10, 2.0), (24, 1.5)])
def test_one_sweep_matches_rule_with_same_uniforms(M, T2):
    # one MCS (M trials) of the kernel and of eq. (37) + spin flips in plain Python, fed the same numbers
    p1, p2, Mu, rej, tables = _kernel_args(M, T2)
    rng = np.random.default_rng(M)
    for seed in range(40):
        st = [int(x) for x in xoshiro_state(seed)]
        tau0 = int(rng.integers(0, 1 << (M - 1)))
        tau, n1, s0, s1, s2, s3 = _run(np.uint64(tau0), M, np.uint64(st[0]), np.uint64(st[1]), np.uint64(st[2]),
                                       np.uint64(st[3]), Mu, rej, *tables)
        ref_tau, ref_n1, _ = run_same_uniforms(tau0, M, st, M, p1, p2)
        assert (int(tau), int(n1)) == (ref_tau, ref_n1)
        assert [int(s0), int(s1), int(s2), int(s3)] == st


def test_sampler_kernel_matches_rule_with_same_uniforms():
    # the whole kernel: initial state from the alias table, t MCS, heat from both baths, ΔS and its bin
    M, t, T1, T2, eps, w = 5, 2, 1.0, 3.0, 2.0, 0.2
    p1, p2 = ic.insertion_probabilities(T1, T2, eps)
    ptau = mpa_tau(M - 1, p1, p2)
    lnp = log_p(ptau)
    alias_p, alias_j = montecarlo.alias_table(ptau)
    nb = half_bins(M, t, T1, T2, eps, lnp, w)
    thr1, thr2 = montecarlo.thresholds(p1, p2)
    c1, c2 = bath_coefficients(T1, T2, eps)
    seeds = spawn_seeds(3, 8)
    counts = montecarlo.split(50, 8)
    args = (M - 1, M, M * t, thr1, thr2, alias_p, alias_j, lnp, c1, c2, w, nb)
    kstates = _initial_states(seeds)
    hist, sums = np.zeros((8, 2 * nb + 1), dtype=np.int64), np.zeros((8, 4))
    _mc_kernel(*args, counts, kstates, hist, sums)
    states = [xoshiro_state(s) for s in seeds]
    final = []
    ref_hist, ref_sums = mc_kernel_reference(M, M * t, p1, p2, alias_p, alias_j, lnp, c1, c2, w, nb, counts, states,
                                             final)
    np.testing.assert_array_equal(hist, ref_hist)
    np.testing.assert_array_equal(sums, ref_sums)
    # the streams' states are advanced in place: two calls of 2/5 + 3/5 of the runs are the one call
    kstates = _initial_states(seeds)
    first = counts * 2 // 5
    h2, s2 = np.zeros_like(hist), np.zeros_like(sums)
    _mc_kernel(*args, first, kstates, h2, s2)
    _mc_kernel(*args, counts - first, kstates, h2, s2)
    np.testing.assert_array_equal(h2, hist)
    np.testing.assert_array_equal(s2, sums)
    assert [[int(x) for x in row] for row in kstates] == final


def test_one_trial_frequencies_chi2():
    # empirical transition frequencies of single kernel trials against the probabilities of the rule
    M, T2 = 4, 2.0
    p1, p2, Mu, rej, tables = _kernel_args(M, T2)
    tau0 = 0b010
    # probabilities of the rule: each node 1/M, the ends redraw their link, inner nodes swap neighbours
    expected = {}
    for node in range(M):
        outcomes = [(0.0, p1 if node == 0 else p2), (1.0, 1 - (p1 if node == 0 else p2))] if node in (0, M - 1) \
            else [(0.5, 1.0)]
        for u, prob in outcomes:
            s = spins_from_tau(tau0, M)
            trial(s, node, u, p1, p2)
            key = int(sum(int(b) << i for i, b in enumerate((1 - s[:-1] * s[1:]) // 2)))
            expected[key] = expected.get(key, 0.0) + prob / M
    st = [np.uint64(x) for x in xoshiro_state(12345)]
    n = 20000
    seen = {}
    for _ in range(n):
        tau, _, *state = _run(np.uint64(tau0), 1, *st, Mu, rej, *tables)
        st = [np.uint64(x) for x in state]
        seen[int(tau)] = seen.get(int(tau), 0) + 1
    assert set(seen) <= set(expected)
    keys = sorted(expected)
    obs = np.array([seen.get(k, 0) for k in keys])
    exp = n * np.array([expected[k] for k in keys])
    assert chi2.sf(np.sum((obs - exp) ** 2 / exp), len(keys) - 1) > 1e-4


def test_alias_table_reproduces_probabilities():
    p = mpa_tau(6, *ic.insertion_probabilities(1.0, 2.0))
    prob, alias = montecarlo.alias_table(p)
    n = len(p)
    back = prob / n
    np.add.at(back, alias, (1.0 - prob) / n)
    np.testing.assert_allclose(back, p / p.sum(), rtol=1e-12, atol=1e-15)


def test_numpy_reference_same_rule(bench_reference):
    # the vectorised reference of the benchmarks samples the same rule: its mean quanta
    # from B1 and B2 after 400 MCS from the empty chain equal the exact means from τ = 0
    # (the exact joint law includes the filling transient, which shifts <n2>/t by 2.5
    # standard errors from J), within 5 standard errors measured from the 2000 runs
    M, t = 4, 400
    p1, p2 = ic.insertion_probabilities(1.0, 2.0)
    n1, n2 = bench_reference.numpy_reference(M, t, p1, p2, 2000, seed=3)
    K, _, R = exact.exact_joint(M, t, 1.0, 2.0, 2.0)
    k0 = K[0]  # from τ = 0: law of (τ_t, n1)
    N = np.array([bin(i).count("1") for i in range(k0.shape[0])])
    m1 = float(k0.sum(axis=0) @ (np.arange(k0.shape[1]) - R))
    m2 = float(k0.sum(axis=1) @ N) - m1  # energy balance: n2 = N(τ_t) - N(0) - n1
    for x, m in ((n1, m1), (n2, m2)):
        assert abs(x.mean() - m) < 5 * x.std() / math.sqrt(len(x)), (x.mean(), m)
    # and the exact mean current from τ = 0 tends to eq. (8): the transient is O(L/t)
    assert abs(m2 / t - ic.particle_current(M, 1.0, 2.0)) < (M - 1) / t


# ---------------------------------------------------------------- sampler against the exact law


def test_monte_carlo_matches_exact_chi2(exact_law_m6):
    M, t, T2, K = 6, 3, 2.0, 400_000
    ce, pe = exact_law_m6.bin_centers, exact_law_m6.probabilities
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


def test_result_fields_and_progress_switch(capsys, monkeypatch):
    monkeypatch.delenv("NONEQ_PROGRESS", raising=False)
    r = ic.simulate(4, 2, 1.0, 2.0, samples=1000, seed=2, progress=False)
    assert isinstance(r, ic.SimulationResult)
    assert r.samples == r["samples"] == 1000 == r.counts.sum()
    assert "Q1_err" in r and set(r.keys()) >= {"bin_centers", "probabilities", "counts", "seconds"}
    with pytest.raises(KeyError):
        r["nope"]
    assert capsys.readouterr().err == ""
    s = ic.simulate(4, 2, 1.0, 2.0, samples=1000, seed=2, show_progress=True)  # old spelling
    assert "MC M=4" in capsys.readouterr().err
    np.testing.assert_array_equal(s.counts, r.counts)
    monkeypatch.setenv("NONEQ_PROGRESS", "0")
    ic.simulate(4, 2, 1.0, 2.0, samples=1000, seed=2)
    assert capsys.readouterr().err == ""
    with pytest.raises(ValueError, match="progress"):
        ic.simulate(4, 2, 1.0, 2.0, samples=1000, progress=True, show_progress=False)
