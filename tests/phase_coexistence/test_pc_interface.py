"""The interface chemical potential of a profile (eqs. 6.3-6.4)."""

import numpy as np
import pytest

import noneq.phase_coexistence as pc


def test_interface_interpolation():
    rho = np.array([2.5, 2.5, 2.0, 1.0, 0.5, 0.5])
    mt = np.array([0.0, 0.0, 0.1, 0.3, 0.0, 0.0])
    m, x = pc.interface_chemical_potential(rho, mt, return_position=True)
    # crossing between rho_3 = 2.0 (i*-1 = 3) and rho_4 = 1.0, halfway
    assert m == pytest.approx(0.2)
    assert x == pytest.approx(3.5 / 6)
    assert pc.interface_chemical_potential(rho, mt) == m


def test_interface_wraps_round_the_ring():
    rho = np.array([0.5, 0.5, 0.5, 2.5, 2.5, 2.0])
    mt = np.arange(6.0)
    m, x = pc.interface_chemical_potential(rho, mt, return_position=True)
    # crossing between site 6 (rho=2.0) and site 1 (0.5): w = (1.5-0.5)/1.5 on site 6
    assert m == pytest.approx((1 / 1.5) * 5 + (0.5 / 1.5) * 0)
    assert 0 <= x < 1


def test_interface_takes_the_steepest_crossing():
    rho = np.array([2.5, 1.4, 1.6, 2.5, 0.5, 0.5])
    mt = np.arange(6.0)
    m, x = pc.interface_chemical_potential(rho, mt, return_position=True)
    assert x == pytest.approx(4.5 / 6)  # the drop 2.5 -> 0.5, not 2.5 -> 1.4
    assert m == pytest.approx(3.5)


def test_interface_missing_raises():
    with pytest.raises(ValueError, match="interface"):
        pc.interface_chemical_potential(np.full(5, 0.5), np.zeros(5))
    with pytest.raises(ValueError, match="mu_tilde"):
        pc.interface_chemical_potential(np.full(5, 0.5), np.zeros(4))
    with pytest.raises(ValueError, match="level"):
        pc.interface_chemical_potential(np.full(5, 0.5), np.zeros(5), level=np.nan)


def test_domain_offsets_of_pinned_states_and_hops():
    # the X^I of each pinned state at kappa = 0.5 gives back its offset
    for o in (0, 1, 2, 5, 63):
        rho, info = pc.pinned_state(64, 0.5, 0.05, offset=o, return_info=True)
        offs, hops = pc.domain_offsets(np.full(10, info["x_I"]), 64, 32, 5)
        assert offs.tolist() == [o, o] and hops == 0
    # a series that moves from offset 0 to 1 and back: two hops; across x = 0 too
    x = np.concatenate([np.full(20, 32.57), np.full(20, 33.52), np.full(20, 32.57)]) / 64
    offs, hops = pc.domain_offsets(x + 0.01 * np.sin(np.arange(60)), 64, 32, 10)
    assert offs.tolist() == [0, 0, 1, 1, 0, 0] and hops == 2
    offs, _ = pc.domain_offsets(np.array([0.999, 0.003, 0.998, 0.002]), 64, 32, 4)
    assert offs.tolist() == [32]  # X^I at 0: the liquid starts half a ring earlier
    with pytest.raises(ValueError, match="window"):
        pc.domain_offsets(x, 64, 32, 0)
