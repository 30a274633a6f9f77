"""Efficiency at maximum power (noneq.ising_chain.engine) and the lazily computed constant A0."""

import subprocess
import sys

import numpy as np
import pytest

from noneq import ising_chain as ic
from noneq.ising_chain import engine


def test_efficiency_series_coefficients():
    s = ic.efficiency_series(order=6)
    # 0, 1/2, 1/8 to the rounding of the contour integral; the others to half a unit of
    # the last printed digit (eq. 17 with its 0.0774919 corrected to 0.0774920)
    assert abs(s["eta"][0]) < 1e-12 and abs(s["eta"][1] - 0.5) < 1e-12 and abs(s["eta"][2] - 0.125) < 1e-12
    for k, r in zip(range(3, 7), [0.0774920, 0.0540545, 0.0396952, 0.0301064]):
        assert abs(s["eta"][k] - r) < 5e-8, (k, s["eta"][k])
    # the printed 0.0774919 is not the 6-digit rounding of the coefficient
    assert abs(s["eta"][3] - 0.0774919) > 5e-8
    # eqs. (61)-(62) to half a unit of the last printed digit
    a = ["2.39936", "0.599839", "0.399893", "0.294431", "0.230513"]
    b = ["2.39936", "-0.599839", "-0.199946", "-0.0944843", "-0.0529399"]
    for got, printed in list(zip(s["x1"], a)) + list(zip(s["x2"], b)):
        half = 0.5 * 10.0 ** -len(printed.split(".")[1])
        assert abs(got - float(printed)) < half, (got, printed)
    # Appendix III relations with the labels of eqs. (15)-(16): a1 = b1 + a0/2, b1 = -a0/4
    a0 = ic.A0
    assert s["x1"][1] == pytest.approx(s["x2"][1] + a0 / 2, rel=1e-10)
    assert s["x2"][1] == pytest.approx(-a0 / 4, rel=1e-10)
    assert isinstance(s, ic.EfficiencySeries) and s.eta is s["eta"]


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
    assert ic.efficiency(x1, x2, 0.3) == pytest.approx(ic.efficiency_at_max_power(0.3), rel=1e-14)


def test_gradient_is_that_of_the_power():
    # the analytic gradient used by Newton's method against finite differences of power()
    x1, x2, eC, h = 2.7, 2.1, 0.3, 1e-6
    g1, g2, *_ = engine._grad_hess(x1, x2, 1 - eC)
    assert g1 == pytest.approx((ic.power(x1 + h, x2, eC) - ic.power(x1 - h, x2, eC)) / (2 * h), rel=1e-7)
    assert g2 == pytest.approx((ic.power(x1, x2 + h, eC) - ic.power(x1, x2 - h, eC)) / (2 * h), rel=1e-7)


def test_a0_root_of_eq56_and_cached():
    a0 = engine.a0()
    assert a0 == pytest.approx(2.39936, abs=5e-6)
    assert abs(2 * engine._fp(a0) + a0 * engine._fpp(a0)) < 1e-15
    assert engine.a0() is a0 and ic.A0 == a0 == engine.A0
    assert ic.efficiency_series(order=2)["x1"][0] == pytest.approx(a0, rel=1e-12)


def test_import_does_not_load_scipy_optimize():
    code = ("import sys, noneq.ising_chain as ic; assert 'scipy.optimize' not in sys.modules; "
            "assert 'noneq.ising_chain.cli' not in sys.modules; ic.A0; assert 'scipy.optimize' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_curzon_ahlborn():
    e = np.array([0.0, 0.5, 0.75])
    np.testing.assert_allclose(ic.curzon_ahlborn(e), [0.0, 1 - np.sqrt(0.5), 0.5])
    assert np.all(ic.efficiency_at_max_power(e[1:]) > ic.curzon_ahlborn(e[1:]))
