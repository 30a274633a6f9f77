"""Exact partition functions of the zero range process against brute-force enumeration."""

import itertools
import math

import numpy as np
import pytest

from noneq import mass_transport as mt
from noneq.mass_transport.zrp import zrp_amplitudes, zrp_chemical_potentials, zrp_log_partition


def _compositions(n_sites, M):
    """All occupations of ``n_sites`` sites with ``M`` particles."""
    for cut in itertools.combinations(range(M + n_sites - 1), n_sites - 1):
        bounds = (-1,) + cut + (M + n_sites - 1,)
        yield tuple(bounds[i + 1] - bounds[i] - 1 for i in range(n_sites))


def _stationary_by_master_equation(n_A, n_B, n_C, M, p, q, gamma_B, gamma_C):
    """Stationary law of the ZRP (f = 1) on the three-branch graph, from its generator."""
    g = mt.three_branch_graph(n_A, n_B, n_C, p=p, q=q, gamma_B=gamma_B, gamma_C=gamma_C)
    states = list(_compositions(g.n, M))
    index = {s: k for k, s in enumerate(states)}
    Q = np.zeros((len(states), len(states)))
    for k, s in enumerate(states):
        for i in range(g.n):
            if s[i] == 0:
                continue
            for e in range(g.out_ptr[i], g.out_ptr[i + 1]):
                t = list(s)
                t[i] -= 1
                t[g.out_idx[e]] += 1
                Q[k, index[tuple(t)]] += g.out_w[e]
        Q[k, k] = -Q[k].sum()
    A = np.vstack([Q.T, np.ones(len(states))])
    b = np.zeros(len(states) + 1)
    b[-1] = 1.0
    pi = np.linalg.lstsq(A, b, rcond=None)[0]
    return g, states, pi


def test_log_partition_against_enumeration():
    z = np.array([0.7, 1.3, 2.0, 1.0])
    M = 7
    lz = zrp_log_partition(z, M)
    for m in range(M + 1):
        Z = sum(np.prod(z ** np.array(c)) for c in _compositions(z.size, m))
        assert math.isclose(lz[m], math.log(Z), rel_tol=1e-11, abs_tol=1e-11)
    # large systems stay finite (no overflow), and ln Z is concave (log-concave)
    lz = zrp_log_partition(np.full(500, 2.0), 800)
    assert np.all(np.isfinite(lz)) and np.all(np.diff(lz, 2) < 0)


@pytest.mark.parametrize("sizes,gammas", [((1, 1, 1), (1.0, 1.0)), ((1, 2, 1), (1.0, 1.0)),
                                          ((2, 1, 1), (0.5, 0.5))])
def test_split_distribution_against_master_equation(sizes, gammas):
    p, q, M = 0.7, 0.3, 4
    g, states, pi = _stationary_by_master_equation(*sizes, M, p, q, *gammas)
    S = np.array(states)
    nA = len(g.info["A"])
    P_bf = np.bincount(S[:, :nA].sum(axis=1), weights=pi, minlength=M + 1)
    r = zrp_chemical_potentials(*sizes, M, p, q, *gammas)
    assert np.allclose(r["P"], P_bf, atol=1e-10), (r["P"], P_bf)
    # currents: J = p P(n_j > 0) - q P(n_{j+1} > 0) on every link of A; the ratio of
    # the branch currents equals the amplitude ratio z_A / z_B of eq. (23)
    a = zrp_amplitudes(*sizes, p, q, *gammas)
    occ = (S > 0).T @ pi
    A_sites = g.info["A"]
    J_A = [p * occ[A_sites[i]] - q * occ[A_sites[i + 1]] for i in range(nA - 1)]
    assert np.allclose(J_A, J_A[0], atol=1e-12)
    s, b0 = g.info["split"], g.info["B"][0]
    J_B = gammas[0] * p * occ[s] - q * occ[b0]
    assert math.isclose(J_A[0] / J_B, a["J"]["A"] / a["J"]["B"], rel_tol=1e-9)
    assert math.isclose(a["z"]["A"] / a["z"]["B"], J_A[0] / J_B, rel_tol=1e-9)


def test_amplitude_ratio_is_two_at_every_size():
    for n in range(1, 25):
        for p, gam in ((0.75, 1.0), (0.55, 1.0), (0.9, 0.5)):
            a = zrp_amplitudes(n + 3, n, n, p, gamma_B=gam, gamma_C=gam)
            assert abs(a["z"]["A"] / a["z"]["B"] - 2) < 1e-10, (n, p)
            assert abs(a["J"]["A"] / a["J"]["B"] - 2) < 1e-10
            assert abs(a["z"]["B"] - 1) < 1e-12
            # eq. (23) reproduces every site with these amplitudes
            for b in "ABC":
                zj = a["fugacities"][b]
                N = len(zj)
                j = np.arange(1, N + 1)
                pred = a["z"][b] * (1 + a["K"][b] * ((1 - p) / p) ** (N - j))
                assert np.allclose(zj, pred, rtol=1e-9), (n, b)
    # the mid-branch site ratio is not exactly 2 at small sizes
    z = mt.zrp_fugacities(3, 3, 3, 0.75)
    assert abs(z["A"][2] / z["B"][1] - 2) > 1e-3
    # unequal branches: the ratio is J_A / J_B = 1 + J_C / J_B, not 2
    a = zrp_amplitudes(6, 3, 9, 0.75)
    r = a["z"]["A"] / a["z"]["B"]
    assert math.isclose(r, a["J"]["A"] / a["J"]["B"], rel_tol=1e-12)
    assert math.isclose(r, 1 + a["J"]["C"] / a["J"]["B"], rel_tol=1e-12)
    assert abs(r - 2) > 1e-3


def test_global_equal_local_shifted():
    # the global chemical potentials of A and B + C cross at the most probable split;
    # the local ones differ by ln(z_A / z_B) = ln 2 up to O(1/N) corrections, and
    # lambda_A - lambda~_A -> ln 2, lambda_BC - lambda~_BC -> 0 (eq. 26, z_B = 1)
    prev = None
    for n in (20, 40, 80, 160):
        M = int(round(0.5 * (3 * n + 2)))
        r = zrp_chemical_potentials(n, n, n, M, 0.75)
        assert abs(r["lam_A"] - r["lam_BC"]) < 1e-12
        assert abs(r["m_cross"] - r["m_star"]) <= 1
        dev = abs(r["lam_local"]["B"] - r["lam_local"]["A"] - math.log(2))
        assert dev < 0.5 / n, (n, dev)
        assert abs(r["lam_A"] - r["lam_local"]["A"] - math.log(2)) < 1.0 / n
        assert abs(r["lam_BC"] - r["lam_local"]["B"]) < 1.0 / n
        # grand-canonical global chemical potential -ln x agrees up to O(1/N)
        assert abs(r["lam_A"] + math.log(r["x"])) < 1.0 / n
        if prev is not None:
            assert dev < prev
        prev = dev


def test_zrp_validation():
    with pytest.raises(ValueError, match="p and q"):
        zrp_amplitudes(3, 3, 3, 0.5)
    with pytest.raises(ValueError, match="M"):
        zrp_chemical_potentials(3, 3, 3, 1, 0.75)
    with pytest.raises(ValueError, match="z"):
        zrp_log_partition([1.0, -1.0], 3)
