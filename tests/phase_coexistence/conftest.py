"""Fixtures of the phase-coexistence tests (Sasa & Nakagawa, discrete fluctuating hydrodynamics)."""

import numpy as np
import pytest

import noneq.phase_coexistence as pc


@pytest.fixture
def rng():
    return np.random.default_rng(20240601)


@pytest.fixture
def rough_profile(rng):
    """A rough positive profile on a ring of 13 boxes (odd N, far from stationary)."""
    return rng.uniform(0.3, 2.7, 13)


@pytest.fixture(scope="session")
def steady_64():
    """The noiseless steady state of Fig. 7 at kappa_Lambda = 0.5: (rho, info)."""
    return pc.steady_state(64, 0.5, 0.05, return_info=True)
