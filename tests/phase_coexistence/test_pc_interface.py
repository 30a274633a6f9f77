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


class _Scan:  # the fields of a ScanResult that hop_statistics reads
    def __init__(self, x_I, N=64, rho_bar=1.5, sample_every=1.0, stride=1):
        self.x_I = np.asarray(x_I, dtype=float)
        self.kappas = np.arange(self.x_I.shape[0], dtype=float)
        self.rho_mean = np.zeros(self.x_I.shape[:2] + (N,))
        self.params = {"sample_every": sample_every, "series_stride": stride, "rho_bar": rho_bar}


def test_hop_statistics_counts_offsets_hops_and_rates():
    at = {o: (o + 32 + 0.5) / 64 for o in (0, 1, 2)}  # X^I of a domain of 32 boxes at offset o
    run_a = np.repeat([at[0], at[1], at[0], at[2]], 100)  # 3 hops in 400 samples = 800 time units
    run_b = np.full(400, at[1])
    h = pc.hop_statistics(_Scan([[run_a, run_b]], stride=2), window=20.0)  # samples 2 apart: 10 per window
    assert h.window == 20.0 and h.observed == 800.0 and h.offsets.shape == (1, 2, 40)
    assert h.hops.tolist() == [[3, 0]] and h.dominant.tolist() == [[0, 1]]
    assert h.share(0)[0] == 0.25 and h.share(1)[0] == 0.625 and h.share(2)[0] == 0.125
    rate, err = h.hop_rate()
    assert rate[0] == 3 / 1600 and err[0] == np.sqrt(3) / 1600
    # n_liquid follows X_eq: at rho_bar = 1.5 it is 32; with 31 the same series reads one box later
    assert pc.hop_statistics(_Scan([[run_b]]), window=10.0, n_liquid=31).dominant[0, 0] == 2
    with pytest.raises(ValueError, match="window"):
        pc.hop_statistics(_Scan([[run_b]]), window=0.5)
    with pytest.raises(ValueError, match="window"):
        pc.hop_statistics(_Scan([[run_b]]), window=500.0)
    with pytest.raises(ValueError, match="n_liquid"):
        pc.hop_statistics(_Scan([[run_b]]), n_liquid=64)
    with pytest.raises(ValueError, match="x_I"):
        pc.hop_statistics(type("NoSeries", (), {"x_I": None})())


def test_hop_statistics_from_stored_offsets():
    h = pc.HopStatistics.from_offsets([0.5], [[[0, 1, 1, 1, 1, 0], [2, 2, 2, 2, 2, 2]]], 50.0)
    assert h.hops.tolist() == [[2, 0]] and h.dominant.tolist() == [[1, 2]] and h.observed == 300.0
    assert h.share(0)[0] == 2 / 12 and h.share(2)[0] == 0.5
    with pytest.raises(ValueError, match="offsets"):
        pc.HopStatistics.from_offsets([0.5], [[0, 1]], 50.0)
    with pytest.raises(ValueError, match="window"):
        pc.HopStatistics.from_offsets([0.5], [[[0, 1]]], 0.0)


def test_series_offsets_of_one_run():
    x = np.repeat([(0 + 32.5) / 64, (1 + 32.5) / 64], 50)  # offset 0, then 1: 100 samples 2 time units apart
    offsets, hops, window = pc.series_offsets(x, 64, 1.5, 21.0, 2.0)  # 10.5 samples -> 10 per window
    assert window == 20.0 and offsets.tolist() == [0] * 5 + [1] * 5 and hops == 1
    assert pc.series_offsets(x, 64, 1.5, 20.0, 2.0, n_liquid=31)[0][0] == 1  # one box fewer reads one later
    with pytest.raises(ValueError, match="spacing"):
        pc.series_offsets(x, 64, 1.5, 20.0, 0.0)
    with pytest.raises(ValueError, match="window"):
        pc.series_offsets(x, 64, 1.5, 201.0, 2.0)
    with pytest.raises(ValueError, match="rho_bar"):
        pc.series_offsets(x, 64, 3.0, 20.0, 2.0)
