"""The paper's iteration for the stationary distribution (noneq.ising_chain.iteration, eqs. 76-80)."""

import numpy as np
import pytest

from noneq import ising_chain as ic
from noneq.ising_chain.stationary import spin_generator


@pytest.mark.parametrize("method", ["power", "jacobi", "gauss_seidel"])
@pytest.mark.parametrize("M,T2", [(3, 2.0), (7, 2.0), (9, np.inf)])
def test_converges_to_the_ansatz(method, M, T2):
    # stopping at an L1 change of 1e-13 leaves an error of ~change / spectral gap
    r = ic.stationary_by_iteration(M, 1.0, T2, method=method, tol=1e-13)
    # eq. (78) conserves the sum only up to rounding accumulated over ~10^3 sweeps
    assert r.converged and r.P.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(r.P, ic.stationary_distribution(M, 1.0, T2), rtol=1e-9)


def test_power_sweep_is_the_trial_matrix():
    # one sweep of eq. (78) is P <- (I + generator)^T P with the master-equation generator
    M = 6
    p1, p2 = ic.insertion_probabilities(1.0, 2.0)
    P0 = np.random.default_rng(3).random(2**M)
    P0 /= P0.sum()
    r = ic.stationary_by_iteration(M, 1.0, 2.0, method="power", max_iterations=1, initial=P0)
    G = spin_generator(M, p1, p2)
    np.testing.assert_allclose(r.P, P0 + G.T @ P0, rtol=1e-14, atol=1e-17)
    assert r.iterations == 1 and not r.converged


def test_jacobi_oscillates_from_a_generic_guess():
    # the move graph is bipartite: eq. (79) from the previous sweep has the eigenvalue -1;
    # the in-place sweep and eq. (78) converge from the same guess
    M = 6
    P0 = np.random.default_rng(1).random(2**M)
    bad = ic.stationary_by_iteration(M, 1.0, 2.0, method="jacobi", initial=P0, max_iterations=5000)
    assert not bad.converged and bad.change > 1e-3
    for method in ("gauss_seidel", "power"):
        good = ic.stationary_by_iteration(M, 1.0, 2.0, method=method, initial=P0, tol=1e-13)
        assert good.converged
        np.testing.assert_allclose(good.P, ic.stationary_distribution(M, 1.0, 2.0), rtol=1e-9)


def test_in_place_sweep_needs_fewer_iterations():
    its = {m: ic.stationary_by_iteration(8, 1.0, 2.0, method=m).iterations for m in ("power", "gauss_seidel")}
    assert its["gauss_seidel"] < its["power"] / 3


def test_validation():
    with pytest.raises(ValueError, match="method"):
        ic.stationary_by_iteration(4, 1.0, 2.0, method="sor")
    with pytest.raises(ValueError, match="M"):
        ic.stationary_by_iteration(23, 1.0, 2.0)
    with pytest.raises(ValueError, match="tol"):
        ic.stationary_by_iteration(4, 1.0, 2.0, tol=0.0)
    with pytest.raises(ValueError, match="initial"):
        ic.stationary_by_iteration(4, 1.0, 2.0, initial=np.ones(8))
