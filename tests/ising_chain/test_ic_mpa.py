"""Stationary state: the matrix product ansatz (kernels against plain NumPy), the master equation, p(E)."""

import math
from fractions import Fraction

import numpy as np
import pytest
from _ic_reference import mpa_weights_reference

from noneq import ising_chain as ic
from noneq.ising_chain import mpa, stationary

# ---------------------------------------------------------------- kernels against the plain reference


@pytest.mark.parametrize("L,T2", [(1, 2.0), (3, 2.0), (6, 5.0), (8, np.inf), (7, 0.6)])
def test_ansatz_level_kernel_matches_reference(L, T2):
    p1, p2 = ic.insertion_probabilities(1.0, T2)
    ref = mpa_weights_reference(L, p1, p2)
    assert ref.sum() == pytest.approx(1.0, rel=1e-13)  # <W|(D^+E^)^L|V>/(L+1)! = 1
    np.testing.assert_allclose(mpa.mpa_tau(L, p1, p2), ref, rtol=1e-13, atol=0)


@pytest.mark.parametrize("L,T2", [(2, 2.0), (6, 5.0), (9, np.inf), (8, 0.6)])
def test_ansatz_density_and_particle_number_kernels_match_reference(L, T2):
    p1, p2 = ic.insertion_probabilities(1.0, T2)
    ref = mpa_weights_reference(L, p1, p2)
    tau = np.arange(1 << L)
    dens = np.array([ref[(tau >> i) & 1 == 1].sum() for i in range(L)])
    np.testing.assert_allclose(mpa.mpa_density(L, p1, p2), dens, rtol=1e-13)
    N = np.array([bin(i).count("1") for i in tau])
    np.testing.assert_allclose(mpa.mpa_particle_numbers(L, p1, p2), np.bincount(N, weights=ref), rtol=1e-13)


def test_tau_to_spin_kernel():
    M = 7
    Pt = ic.stationary_tau_distribution(M, 1.0, 3.0)
    P = ic.stationary_distribution(M, 1.0, 3.0)
    spins = 2 * ((np.arange(2**M)[:, None] >> np.arange(M)) & 1) - 1
    tau = ((1 - spins[:, :-1] * spins[:, 1:]) // 2) @ (1 << np.arange(M - 1))
    np.testing.assert_array_equal(P, 0.5 * Pt[tau])


# ---------------------------------------------------------------- ansatz against the master equation


@pytest.mark.parametrize("M,T2", [(2, 2.0), (3, 5.0), (6, 2.0), (9, np.inf), (12, 1.3)])
def test_mpa_matches_sparse_solve(M, T2):
    a = ic.stationary_distribution(M, 1.0, T2)
    b = ic.stationary_distribution(M, 1.0, T2, method="solve")
    assert a.shape == (2**M,)
    assert abs(a.sum() - 1) < 1e-13
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=0)


@pytest.mark.parametrize("M,T2", [(5, 2.0), (8, np.inf)])
def test_mpa_is_stationary_under_the_generator(M, T2):
    p1, p2 = ic.insertion_probabilities(1.0, T2)
    P = ic.stationary_distribution(M, 1.0, T2)
    G = stationary.spin_generator(M, p1, p2)
    assert np.max(np.abs(G.T @ P)) < 1e-15


def test_stationary_global_flip_and_tau():
    M = 8
    P = ic.stationary_distribution(M, 1.0, 3.0)
    s = np.arange(2**M)
    np.testing.assert_allclose(P, P[(~s) & (2**M - 1)], rtol=1e-14)
    Pt = ic.stationary_tau_distribution(M, 1.0, 3.0)
    tau = (s ^ (s >> 1)) & (2 ** (M - 1) - 1)
    np.testing.assert_allclose(2 * P, Pt[tau], rtol=1e-14)
    np.testing.assert_allclose(ic.stationary_tau_distribution(M, 1.0, 3.0, method="solve"), Pt, rtol=1e-12)


def _fraction_stationary(L, a, g, b, d):
    """Stationary law of the continuous-time SSEP on L sites (λ = 1), in exact rational arithmetic."""
    S = 1 << L
    Q = [[Fraction(0)] * S for _ in range(S)]
    for s in range(S):
        Q[s][s ^ 1] += g if s & 1 else a  # site 1: removal γ, insertion α
        top = 1 << (L - 1)
        Q[s][s ^ top] += b if s & top else d  # site L: removal β, insertion δ
        for i in range(L - 1):
            if ((s >> i) ^ (s >> (i + 1))) & 1:
                Q[s][s ^ (3 << i)] += 1
        Q[s][s] = -sum(Q[s][k] for k in range(S) if k != s)
    # Q^T π = 0 with the last equation replaced by Σ π = 1; Gauss-Jordan in Fractions
    A = [[Q[k][r] for k in range(S)] + [Fraction(0)] for r in range(S - 1)]
    A.append([Fraction(1)] * S + [Fraction(1)])
    for c in range(S):
        piv = next(r for r in range(c, S) if A[r][c] != 0)
        A[c], A[piv] = A[piv], A[c]
        A[c] = [x / A[c][c] for x in A[c]]
        for r in range(S):
            if r != c and A[r][c] != 0:
                f = A[r][c]
                A[r] = [x - f * y for x, y in zip(A[r], A[c])]
    return [A[r][S] for r in range(S)]


@pytest.mark.parametrize("M,T2", [(3, 2.0), (4, 5.0)])
def test_mpa_small_chain_exact_rational(M, T2):
    # the master equation of the SSEP on L = M - 1 sites solved in exact rational
    # arithmetic (the binary fractions p1, p2 of the floats are exact rationals); the
    # ansatz in floating point agrees to rounding (a few units of 1e-16 per operation)
    p1, p2 = ic.insertion_probabilities(1.0, T2)
    a, d = Fraction(p1), Fraction(p2)
    pi = _fraction_stationary(M - 1, a, 1 - a, 1 - d, d)
    assert sum(pi) == 1 and all(x > 0 for x in pi)
    np.testing.assert_allclose(ic.stationary_tau_distribution(M, 1.0, T2), [float(x) for x in pi],
                               rtol=1e-14, atol=0)


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


# ---------------------------------------------------------------- energy distribution and link profile


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
    exact_p = np.array([float(x / tot) for x in w])
    np.testing.assert_allclose(ic.energy_distribution(M, 1.0, 2.0)[1], exact_p, rtol=1e-13)


def test_energy_distribution_m100_normalised_and_mean():
    M = 100
    E, p = ic.energy_distribution(M, 1.0, 2.0)
    assert abs(p.sum() - 1) < 1e-13 and p.min() > 0
    # eq. (81): <Σℓ> = -(M-1)/2 [tanh(ε/2T1) + tanh(ε/2T2)]
    mean = -(M - 1) / 2 * (math.tanh(1.0) + math.tanh(0.5))
    assert abs(np.dot(E, p) - mean) < 1e-10 * (M - 1)


@pytest.mark.parametrize("M,T2", [(60, np.inf), (100, 2.0), (150, 10.0)])
def test_energy_distribution_positive_in_the_far_tail(M, T2):
    # a weight that loses every digit in one orientation of the chain (it may even come out negative) must not be
    # preferred to the well-conditioned one: every p(E) stays positive, down to 1e-70 and below
    E, p = ic.energy_distribution(M, 1.0, T2)
    assert p.min() > 0 and abs(p.sum() - 1) < 1e-13
    # the ratios p(n+1)/p(n), divided by those of the binomial, vary smoothly with n (no digits lost)
    L = M - 1
    n = np.arange(L)
    r = np.log(p[1:] / p[:-1]) - np.log((L - n) / (n + 1))
    assert np.max(np.abs(np.diff(r, 2))) < 1e-3


def test_link_profile_linear_eq45():
    for M, T2 in [(5, 2.0), (30, np.inf), (200, 3.0)]:
        np.testing.assert_allclose(ic.link_profile(M, 1.0, T2), ic.link_profile_theory(M, 1.0, T2), rtol=1e-12)
    Pt = ic.stationary_tau_distribution(7, 1.0, 2.0)
    tau = np.arange(len(Pt))
    dens = [(Pt * ((tau >> i) & 1)).sum() for i in range(6)]
    np.testing.assert_allclose(dens, ic.link_profile_theory(7, 1.0, 2.0), rtol=1e-12)


def test_levels_in_chunks_equal_levels_in_one_call(monkeypatch):
    # the large levels run in chunks of rows; with a tiny threshold every level past the
    # third is chunked, and the numbers must not change
    from noneq.ising_chain import mpa

    a = mpa.mpa_tau(12, 0.3, 0.7)
    monkeypatch.setattr(mpa, "_ROWS_AT_ONCE", 4)
    b = mpa.mpa_tau(12, 0.3, 0.7)
    np.testing.assert_array_equal(a, b)
    assert a.sum() == pytest.approx(1.0, rel=1e-13)
