"""The Ising <-> SSEP mapping of the generators (noneq.ising_chain.lumping, eq. 4)."""

import numpy as np
import pytest
import scipy.linalg

from noneq import ising_chain as ic
from noneq.ising_chain.stationary import spin_generator


def _ssep(M, T1, T2, lam=1.0, swap=False):
    p1, p2 = ic.insertion_probabilities(T1, T2)
    a = 1 - p1 if swap else p1
    # eq. (4): alpha = lam p1, gamma = lam (1 - p1), delta = lam p2, beta = lam (1 - p2)
    return ic.ssep_rate_matrix(M - 1, lam * a, lam * (1 - a), lam * (1 - p2), lam * p2, lam=lam)


@pytest.mark.parametrize("M", [3, 6, 9])
def test_spin_rates_are_m_times_the_trial_probabilities(M):
    # independent of the sparse generator of exact.py (same rule, other code)
    p1, p2 = ic.insertion_probabilities(1.0, 2.0)
    np.testing.assert_allclose(ic.spin_rate_matrix(M, 1.0, 2.0), M * spin_generator(M, p1, p2).toarray(),
                               rtol=0, atol=1e-14)


@pytest.mark.parametrize("M", [2, 3, 5, 8])
@pytest.mark.parametrize("T1,T2", [(1.0, 2.0), (1.0, np.inf), (0.7, 3.0)])
def test_lumped_spin_generator_is_the_ssep(M, T1, T2):
    lumped, defect = ic.lump(ic.spin_rate_matrix(M, T1, T2), ic.link_labels(M))
    assert defect < 1e-15
    # diagonal entries are sums of up to M rates: a few ulps
    assert np.max(np.abs(lumped - _ssep(M, T1, T2))) < 4e-15 * M


def test_wrong_dictionary_and_wrong_rate_fail():
    M = 5
    lumped, _ = ic.lump(ic.spin_rate_matrix(M, 1.0, 2.0), ic.link_labels(M))
    # alpha = 1 - p1 instead of p1: off by |1 - 2 p1| = tanh(eps/2T1)
    assert np.max(np.abs(lumped - _ssep(M, 1.0, 2.0, swap=True))) == pytest.approx(np.tanh(1.0), rel=1e-13)
    # hops at lambda = 1/M (per trial) instead of 1 (per MCS)
    assert np.max(np.abs(lumped - _ssep(M, 1.0, 2.0, lam=1.0 / M))) > 0.5
    # a field on spin 1 breaks the global flip symmetry: not lumpable, defect linear in h
    d = [ic.lump(ic.spin_rate_matrix(M, 1.0, 2.0, field=h), ic.link_labels(M))[1] for h in (1e-4, 2e-4, 0.3)]
    assert d[2] > 0.1
    assert d[1] / d[0] == pytest.approx(2.0, rel=1e-3)


def test_stationary_states_correspond():
    # null vector of the SSEP generator = ansatz law of the links = lumped spin law
    M = 7
    S = _ssep(M, 1.0, 2.0)
    v = scipy.linalg.null_space(S.T)[:, 0]
    v /= v.sum()
    np.testing.assert_allclose(v, ic.stationary_tau_distribution(M, 1.0, 2.0), rtol=1e-11)
    P = ic.stationary_distribution(M, 1.0, 2.0)
    np.testing.assert_allclose(np.bincount(ic.link_labels(M), weights=P), v, rtol=1e-11)


def test_validation():
    with pytest.raises(ValueError, match="M"):
        ic.spin_rate_matrix(11, 1.0, 2.0)
    with pytest.raises(ValueError, match="alpha"):
        ic.ssep_rate_matrix(3, -0.1, 0.5, 0.5, 0.5)
    with pytest.raises(ValueError, match="labels"):
        ic.lump(np.zeros((4, 4)), np.array([0, 0, 2, 2]))
