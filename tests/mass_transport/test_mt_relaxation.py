"""The probe relaxation time estimator (fit_relaxation), the power-law fit and the probe runs."""

import math

import numpy as np
import pytest

from noneq import mass_transport as mt
from noneq.mass_transport import relaxation as rx


def _synthetic(tau, n_series, noise, seed, t_end=None, x_inf=0.44, gap=-0.24, n_t=100):
    """Independent noisy exponential relaxations with a known ``tau`` (AR(1) noise, correlated in time)."""
    rng = np.random.default_rng(seed)
    t_end = 10 * tau if t_end is None else t_end
    t = (np.arange(n_t) + 0.5) * t_end / n_t
    a = math.exp(-(t[1] - t[0]) / tau)  # noise correlated on the same time as the signal, as for a probe
    e = np.empty((n_series, n_t))
    e[:, 0] = rng.normal(size=n_series)
    for k in range(1, n_t):
        e[:, k] = a * e[:, k - 1] + math.sqrt(1 - a * a) * rng.normal(size=n_series)
    return t, x_inf + gap * np.exp(-t / tau) + noise * e


def test_exact_exponential_recovered():
    t = np.linspace(0.0, 400.0, 81)
    for tau in (7.0, 40.0, 120.0):
        f = rx.fit_relaxation(t, 3.0 + 2.0 * np.exp(-t / tau))
        assert math.isclose(f.tau, tau, rel_tol=1e-6) and math.isclose(f.x_inf, 3.0, rel_tol=1e-8)
        assert math.isclose(f.amplitude, 2.0, rel_tol=1e-6) and math.isnan(f.tau_err)
        assert np.allclose(f.curve(t), 3.0 + 2.0 * np.exp(-t / tau))


def test_noisy_series_tau_within_its_jackknife_error():
    """Known tau = 150 from 32 noisy series: within 3 jackknife errors, and the error is a few per cent."""
    t, x = _synthetic(150.0, 32, 0.05, seed=4)
    f = rx.fit_relaxation(t, x)
    assert abs(f.tau - 150.0) < 3 * f.tau_err, f
    assert 0.005 * 150 < f.tau_err < 0.1 * 150, f
    assert abs(f.x_inf - 0.44) < 3 * f.x_inf_err and f.n_series == 32 and f.n_points == 100


def test_jackknife_error_matches_the_spread_of_repetitions():
    """The jackknife error agrees with the scatter of tau over independent repetitions (within 40 %)."""
    taus, errs = [], []
    for s in range(24):
        t, x = _synthetic(80.0, 16, 0.05, seed=100 + s)
        f = rx.fit_relaxation(t, x)
        taus.append(f.tau)
        errs.append(f.tau_err)
    spread = np.std(taus, ddof=1)
    assert 0.6 < np.mean(errs) / spread < 1.4, (np.mean(errs), spread)
    assert abs(np.mean(taus) - 80.0) < 3 * spread / math.sqrt(len(taus))


def test_tail_window_picks_the_slow_mode():
    """Two exponentials (10 and 60): the whole-curve fit mixes them, the tail fit finds the slow one."""
    t = np.linspace(0.0, 600.0, 301)
    x = 1.0 - 0.8 * np.exp(-t / 10.0) - 0.2 * np.exp(-t / 60.0)
    whole = rx.fit_relaxation(t, x)
    tail = rx.fit_relaxation(t, x, tail=0.01)
    assert whole.tau < 50.0
    assert math.isclose(tail.tau, 60.0, rel_tol=0.02) and tail.t_min > 0
    assert math.isclose(rx.fit_relaxation(t, x, t_min=tail.t_min).tau, tail.tau)


def test_power_law_fit_and_prediction():
    x = np.array([16.0, 32.0, 64.0, 128.0])
    y = 2.9 * x ** 1.02
    f = rx.fit_power_law(x, y, 0.1 * y)
    assert math.isclose(f.z, 1.02, rel_tol=1e-10) and math.isclose(f.c, 2.9, rel_tol=1e-10)
    assert f.chi2 < 1e-20 and f.dof == 2
    # 10 % errors on four points a factor 8 apart: sigma_z = 0.1 / sqrt(sum (ln x - mean)^2)
    lx = np.log(x)
    assert math.isclose(f.z_err, 0.1 / math.sqrt(((lx - lx.mean()) ** 2).sum()), rel_tol=1e-10)
    y1024, e1024 = f.predict(1024)
    assert math.isclose(y1024, 2.9 * 1024 ** 1.02, rel_tol=1e-10) and e1024 > 0.1 * y1024


def test_advective_probe_time():
    assert math.isclose(rx.probe_tau_advective(1024, 0.5), 1024 / math.log(1.5))
    assert np.allclose(rx.probe_tau_advective(np.array([16, 32]), 0.25), np.array([32, 64]) / math.log(1.5))


def test_probe_relaxation_runs():
    r = rx.probe_relaxation(8, 32, t_max=60.0, n_seed=3, n_blocks=6, t_relax=10.0, seed=2)
    assert r.mass.shape == (3, 6) and r.density.shape == (3,) and r.times.shape == (6,)
    assert np.allclose(r.times, (np.arange(6) + 0.5) * 10.0)
    assert np.all(r.mass > 0) and r.seconds > 0
    again = rx.probe_relaxation(8, 32, t_max=60.0, n_seed=3, n_blocks=6, t_relax=10.0, seed=2)
    assert np.array_equal(again.mass, r.mass)  # same seed, same numbers


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: rx.fit_relaxation([0, 1, 2], [1, 2, 3]), "times"),
        (lambda: rx.fit_relaxation([0, 2, 1, 3], [1, 2, 3, 4]), "times"),
        (lambda: rx.fit_relaxation([0, 1, 2, 3], [1, 2, 3]), "values"),
        (lambda: rx.fit_relaxation([0, 1, 2, 3], [1, 2, np.nan, 3]), "values"),
        (lambda: rx.fit_relaxation(np.arange(8.0), np.ones(8), t_min=6.0), "t_min"),
        (lambda: rx.fit_relaxation(np.arange(8.0), np.ones(8), tail=1.5), "tail"),
        (lambda: rx.fit_relaxation(np.arange(8.0), np.ones(8), tail=0.5, t_min=1.0), "t_min or tail"),
        (lambda: rx.fit_power_law([1, 2], [1, -2], [1, 1]), "y"),
        (lambda: rx.fit_power_law([2, 2], [1, 2], [1, 1]), "x"),
        (lambda: rx.fit_power_law([1, 2], [1, 2], [0, 1]), "y_err"),
        (lambda: rx.probe_tau_advective(0, 0.5), "N_pr"),
        (lambda: rx.probe_tau_advective(16, 0.0), "rho"),
        (lambda: rx.probe_relaxation(1, 32), "N_pr"),
        (lambda: rx.probe_relaxation(8, 32, branch="D"), "branch"),
        (lambda: rx.probe_relaxation(8, 32, n_seed=0), "n_seed"),
        (lambda: rx.probe_relaxation(8, 32, n_blocks=3), "n_blocks"),
        (lambda: rx.probe_relaxation(8, 32, t_max=-1.0), "t_max"),
    ],
)
def test_validation(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_three_branch_snapshots():
    """snap_sites records the masses at the end of each block, without changing the run."""
    sites = np.arange(3 * 16)
    r = mt.simulate_three_branch(16, 0.5, t_max=40.0, t_relax=10.0, n_blocks=4, snap_sites=sites, seed=5,
                                 progress=False)
    plain = mt.simulate_three_branch(16, 0.5, t_max=40.0, t_relax=10.0, n_blocks=4, seed=5, progress=False)
    assert r.snapshots.shape == (4, 48) and np.array_equal(r.snap_sites, sites)
    assert np.allclose(r.snapshots.sum(axis=1), 0.5 * 48)  # every site of the closed system: M
    assert r.density == plain.density and plain.snapshots is None
    part = mt.simulate_three_branch(16, 0.5, t_max=40.0, t_relax=10.0, n_blocks=4, snap_sites=[20, 3], seed=5,
                                    progress=False)
    assert np.array_equal(part.snapshots, r.snapshots[:, [20, 3]])
    for bad in ([48], [-1], [[1, 2]]):
        with pytest.raises(ValueError, match="snap_sites"):
            mt.simulate_three_branch(16, 0.5, t_max=4.0, t_relax=1.0, snap_sites=bad, progress=False)


def _probe_runs(rel_sd, n_rep, n_blocks=40, lam=(1.6, 2.3, 2.3), seed=3):
    """Runs whose probe mass per block is constant in a run and spread by rel_sd between runs."""
    rng = np.random.default_rng(seed)
    level = 1 + rel_sd * rng.standard_normal((3, n_rep, 1))
    lam_probe = np.asarray(lam)[:, None, None] / level * np.ones((1, 1, n_blocks))
    dens = np.broadcast_to(1 / np.asarray(lam), (3, n_rep, n_blocks, 3)).copy()
    return lam_probe, dens


def test_probe_estimates_pooled_spread_matches_the_runs():
    lam_probe, dens = _probe_runs(0.02, 200)
    est = mt.probe_estimates(lam_probe, dens, 1024)
    assert est.dof == 199 + 399
    # the pooled relative spread estimates 0.02 (its own error ~ 0.02 / sqrt(2 * 598))
    assert abs(est.rel_sd - 0.02) < 4 * 0.02 / math.sqrt(2 * est.dof), est.rel_sd
    for label, lam in (("A", 1.6), ("B,C", 2.3)):
        value, err = est.probe[label]
        n = 200 * len(est.groups[label])
        assert abs(err - value * est.rel_sd / math.sqrt(n)) < 1e-12
        assert abs(value - lam) < 4 * err, (label, value, err)
        assert est.bulk[label] == pytest.approx((lam, 0.0), abs=1e-12)


def test_probe_estimates_second_half_and_parts():
    # the probe mass of one run rises until the middle of the run, then stays at N_pr / 2
    n_blocks, N_pr = 40, 64
    mass = np.concatenate([np.linspace(10.0, 31.0, 20), np.full(20, 32.0)])
    lam_probe = np.broadcast_to(N_pr / mass, (3, 2, n_blocks)).copy()
    lam_probe[:, 1] *= 1.01  # a second run 1 % off: known spread
    dens = np.full((3, 2, n_blocks, 3), 0.5)
    est = mt.probe_estimates(lam_probe, dens, N_pr, groups=("A", "B", "C"))
    assert est.dof == 3
    np.testing.assert_allclose(est.run["B"], [2.0, 2.02])
    # parts: the first quarter reads the rising mass, the last two the stationary value
    values, errors = est.parts["C"]
    assert values[0] == pytest.approx(N_pr / mass[:10].mean() * 1.005, rel=1e-4)
    np.testing.assert_allclose(values[2:], 2.01)
    np.testing.assert_allclose(errors[2:], 2.01 * est.rel_sd / math.sqrt(2))


@pytest.mark.parametrize("kwargs, name", [
    (dict(lam_probe=np.ones((2, 2, 40))), "lam_probe"),
    (dict(lam_probe=-np.ones((3, 2, 40))), "lam_probe"),
    (dict(bulk_density=np.ones((3, 2, 40, 2))), "bulk_density"),
    (dict(N_pr=0), "N_pr"),
    (dict(n_parts=1), "n_parts"),
    (dict(n_parts=21), "lam_probe"),
    (dict(groups=(("A", "B"), ("B", "C"))), "groups"),
    (dict(groups=(("A", "X"),)), "groups"),
    (dict(groups=(("A",), ("B",), ("C",)), lam_probe=np.ones((3, 1, 40)),
          bulk_density=np.ones((3, 1, 40, 3))), "groups"),
])
def test_probe_estimates_validation(kwargs, name):
    args = dict(lam_probe=np.ones((3, 2, 40)), bulk_density=np.ones((3, 2, 40, 3)), N_pr=16)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        mt.probe_estimates(**args)
