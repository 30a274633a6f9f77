"""Coexistence, X_eq and the interface chemical potential from theory (eqs. 2.16-2.18, 2.39-2.43, 4.22)."""

import pytest

import noneq.phase_coexistence as pc


def test_coexistence_values():
    g, l, m = pc.coexistence()
    assert g == pytest.approx(0.5, abs=1e-12)
    assert l == pytest.approx(2.5, abs=1e-12)
    assert m == pytest.approx(0.0, abs=1e-12)
    assert pc.pressure(g) == pytest.approx(pc.pressure(l), abs=1e-12)


def test_theory_limits():
    assert pc.interface_chemical_potential_theory(0.05) == pytest.approx(0.05 / 6, rel=1e-14)
    assert pc.interface_chemical_potential_theory(0.0) == 0.0
    # X_eq = 1/4 (rho_bar = 1): (phi/2)(2)(3/16)/(0.125 + 1.875)
    assert pc.interface_chemical_potential_theory(0.1, 1.0) == pytest.approx(0.05 * 2 * (3 / 16) / 2.0)
    assert pc.x_eq(1.5) == 0.5
    assert pc.interface_chemical_potential_theory([0.0, 0.06]).tolist() == pytest.approx([0.0, 0.01])


def test_fixed_x_coincides_with_eq_422_at_x_eq():
    assert pc.interface_chemical_potential_fixed_x(0.05, 0.5, 1.5) == pytest.approx(0.05 / 6, rel=1e-12)
    # linear in phi
    a = pc.interface_chemical_potential_fixed_x(0.02, 0.3, 1.2)
    b = pc.interface_chemical_potential_fixed_x(0.04, 0.3, 1.2)
    c = pc.interface_chemical_potential_fixed_x(0.0, 0.3, 1.2)
    assert b - a == pytest.approx(a - c, rel=1e-12)


def test_theory_validation():
    with pytest.raises(ValueError, match="rho_bar"):
        pc.interface_chemical_potential_theory(0.05, 0.5)
    with pytest.raises(ValueError, match="phi"):
        pc.interface_chemical_potential_theory(float("inf"))
    with pytest.raises(ValueError, match="x"):
        pc.interface_chemical_potential_fixed_x(0.05, 1.0)
    with pytest.raises(ValueError, match="rho_bar"):
        pc.x_eq(3.0)
