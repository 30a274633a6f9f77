"""Pseudo-arclength continuation of the noiseless stationary states in kappa_Lambda (eqs. 2.8-2.12, 6.2)."""

import dataclasses
import doctest
import inspect

import numpy as np
import pytest

import noneq.phase_coexistence as pc
from noneq.phase_coexistence import continuation as cont
from noneq.phase_coexistence import steady
from noneq.phase_coexistence._kernels import _relax_kernel

N, PHI, RHO_BAR = 64, 0.05, 1.5


@pytest.fixture(scope="module")
def branch0():
    """The liquid-right-after-the-battery state (offset 0) through its fold and back to kappa = 0.7."""
    return pc.continue_branch(N, 0.7, PHI, RHO_BAR, offset=0, kappa_min=0.7, ds_max=0.02, keep_profiles=True)


def _plain_dF_dkappa(rho, phi):
    """d/dkappa of eqs. 2.8-2.12 (T_eff = 0), written out with loops (independent of the package)."""
    n = len(rho)
    dmt = [-(rho[(i + 1) % n] + rho[i - 1] - 2 * rho[i]) for i in range(n)]  # d mu~_i / d kappa (eq. 2.12)
    dj = [-0.5 * (rho[i] + rho[(i + 1) % n]) * (dmt[(i + 1) % n] - dmt[i]) for i in range(n)]  # phi drops out
    return np.array([-(dj[i] - dj[i - 1]) for i in range(n)])


def test_kappa_derivative_matches_plain_formula(rough_profile):
    for phi in (0.0, 0.05, -0.3):
        np.testing.assert_allclose(cont._dF_dkappa(rough_profile, phi), _plain_dF_dkappa(rough_profile, phi),
                                   rtol=1e-12, atol=1e-13)


def test_extended_jacobian_matches_finite_differences(rough_profile):
    # the N x (N + 1) Jacobian of (F_1..F_{N-1}, sum rho) in (rho, kappa), central differences
    n, h = rough_profile.size, 1e-6
    for kappa, phi in ((0.0, 0.05), (0.7, 0.05), (1.3, -0.2)):
        a = cont._extended_jacobian(rough_profile, kappa, phi)
        fd = np.empty((n, n + 1))
        x = np.append(rough_profile, kappa)
        for c in range(n + 1):
            e = np.zeros(n + 1)
            e[c] = h
            fp = cont._constrained((x + e)[:n], (x + e)[n], phi, 0.0)
            fm = cont._constrained((x - e)[:n], (x - e)[n], phi, 0.0)
            fd[:, c] = (fp - fm) / (2 * h)
        # F is a cubic polynomial of rho (entries up to ~30): truncation h^2 * 30, rounding 1e-16 * 30 / h
        np.testing.assert_allclose(a, fd, atol=2e-8)


def test_start_point_is_the_pinned_state(branch0):
    rho, info = pc.pinned_state(N, 0.7, PHI, RHO_BAR, offset=0, return_info=True)
    np.testing.assert_allclose(branch0.rho[0], rho, atol=1e-12)
    assert branch0.kappa[0] == 0.7
    assert branch0.mu_I[0] == pytest.approx(info["mu_I"], abs=1e-14)
    assert branch0.eigenvalue[0] == pytest.approx(info["growth_rate"], abs=1e-14)
    assert branch0.dkappa_ds[0] > 0


def test_fold_agrees_with_the_bisection_of_fold_point(branch0):
    # fold_point brackets the saddle-node between the last stable kappa and the first one without a state
    # (0.90219 and 0.90234 at the default dk_min); the continuation's fold must lie inside
    bis = pc.fold_point(N, 0.85, PHI, RHO_BAR)
    assert bis["kappa_fail"] - bis["kappa_last"] < 3e-5
    assert len(branch0.folds) == 1
    f = branch0.folds[0]
    assert bis["kappa_last"] < f.kappa < bis["kappa_fail"], (bis["kappa_last"], f.kappa, bis["kappa_fail"])
    # a fold to the right: kappa at the fold exceeds the branch points on either side
    assert f.kappa > max(f.bracket)
    assert np.all(branch0.kappa <= f.kappa)
    # the public wrapper gives the same fold; a coarser step finds it to rounding
    g = pc.continuation_fold(N, 0.85, PHI, RHO_BAR, ds_max=0.05)
    assert g.kappa == pytest.approx(f.kappa, abs=1e-9)
    assert g.eigenvalue == pytest.approx(0.0, abs=1e-9) and f.residual <= 1e-10


def test_leading_eigenvalue_changes_sign_at_the_fold(branch0):
    f = branch0.folds[0]
    i = f.index
    lam, k = branch0.eigenvalue, branch0.kappa
    # stable before the fold, unstable after it: only at the fold does dkappa/ds change sign
    assert np.all(lam[: i + 1] < 0) and np.all(lam[i + 1:] > 0)
    assert np.all(branch0.stable == (lam < 0))
    assert np.all(branch0.dkappa_ds[: i + 1] > 0) and np.all(branch0.dkappa_ds[i + 1:] < 0)
    # a few steps from the fold both are well away from zero (measured +-1.1e-3 at 0.013 from the fold)
    far_s = (np.arange(lam.size) <= i) & (f.kappa - k > 0.01)
    far_u = (np.arange(lam.size) > i) & (f.kappa - k > 0.01)
    assert far_s.sum() >= 3 and far_u.sum() >= 3
    assert np.all(lam[far_s] < -5e-4) and np.all(lam[far_u] > 5e-4)
    # saddle-node normal form: lambda = -+ c sqrt(kappa_f - kappa) on the two sides, so at the same kappa
    # near the fold the two eigenvalues are opposite (to O(kappa_f - kappa): measured 2 % at 0.01)
    ks = np.array([0.895, 0.89])
    ls = np.interp(ks, k[: i + 1], lam[: i + 1])
    lu = np.interp(ks, k[i + 1:][::-1], lam[i + 1:][::-1])
    np.testing.assert_allclose(lu, -ls, rtol=0.05)


def test_unstable_states_are_stationary_states(branch0):
    i = branch0.folds[0].index
    assert (~branch0.stable).sum() >= 5
    for rho, kappa in zip(branch0.rho, branch0.kappa):
        assert np.max(np.abs(pc.drho_dt(rho, kappa, PHI))) <= 1e-10  # the tolerance of steady_state
        assert abs(rho.mean() - RHO_BAR) < 1e-12 and np.all(rho > 0)
    assert np.all(branch0.residual <= 1e-10)
    # mu^I is eq. 6.4 of each profile (the package's function)
    j = i + 3
    assert branch0.mu_I[j] == pytest.approx(
        pc.interface_chemical_potential(branch0.rho[j], pc.mu_tilde(branch0.rho[j], branch0.kappa[j])), abs=1e-15)


def test_unstable_state_grows_at_its_eigenvalue_in_the_dynamics(branch0):
    # independent of the eigenvalue solver: a small zero-mass perturbation of the unstable state, integrated
    # with the noiseless Heun relaxation, grows at the leading eigenvalue; one of the stable state decays
    rng = np.random.default_rng(3)
    lam_all = branch0.eigenvalue
    for j in (int(np.flatnonzero(lam_all > 1e-3)[0]), int(np.flatnonzero(lam_all < -1e-3)[-1])):
        rho0, k, lam = branch0.rho[j], branch0.kappa[j], branch0.eigenvalue[j]
        d = rng.normal(size=N)
        d -= d.mean()
        # rho0 is stationary to 1e-10, i.e. within ~1e-10 / |lambda| ~ 1e-7 of the exact state: start well
        # above that, and well below the nonlinear scale (the distance to the other state, ~1e-1)
        rho = rho0 + (1e-5 if lam > 0 else 1e-4) * d / np.linalg.norm(d)
        t_run, dt, dist = 4.0 / abs(lam), 0.01, []
        n_step = int(t_run / dt / 20)
        for _ in range(20):
            _relax_kernel(rho, k, PHI, dt, n_step, 0.0, 10)
            dist.append(np.linalg.norm(rho - rho0))
        # the last half is dominated by the leading mode: slope of log(distance) against time
        ts = dt * n_step * np.arange(1, 21)
        slope = np.polyfit(ts[10:], np.log(dist[10:]), 1)[0]
        # measured within 3e-4 of lambda (the faster modes have died out by then)
        assert slope == pytest.approx(lam, rel=0.01), (k, slope, lam)


def test_branch_does_not_depend_on_the_step(branch0):
    # no jump to a neighbouring branch: every point of the coarse continuation is the state that Newton's
    # method at fixed kappa reaches from the nearest point (same side of the fold) of a finer continuation
    fine = pc.continue_branch(N, 0.7, PHI, RHO_BAR, offset=0, kappa_min=0.7, ds=0.005, ds_max=0.005,
                              keep_profiles=True)
    f = branch0.folds[0]
    assert fine.folds[0].kappa == pytest.approx(f.kappa, abs=1e-9)
    for b in (branch0, fine):
        assert b.params["stop"] == "kappa range" and b.kappa[-1] == pytest.approx(0.7, abs=1e-12)
    checked = 0
    for j, (rho, k, st) in enumerate(zip(branch0.rho, branch0.kappa, branch0.stable)):
        if f.kappa - k < 0.005:  # at fixed kappa Newton's method is singular at the fold
            continue
        side = np.flatnonzero(fine.stable == st)
        n = side[np.argmin(np.abs(fine.kappa[side] - k))]
        got, _, res = steady._newton(fine.rho[n].copy(), k, PHI, RHO_BAR, 1e-11)
        assert res <= 1e-11
        np.testing.assert_allclose(got, rho, atol=1e-8, err_msg=f"point {j}, kappa {k}")
        checked += 1
    assert checked >= 10


def test_no_jump_where_another_branch_passes_close():
    # the unstable branch of offset 31 passes close to a stable state with 31 liquid boxes near kappa = 0.56;
    # without the guard against large corrector steps a step of 0.02 lands on it (a spurious regain of
    # stability); with it the branch stays unstable down to kappa = 0.5, as with steps of 0.005
    coarse = pc.continue_branch(N, 0.5, PHI, RHO_BAR, offset=31, kappa_min=0.5, ds_max=0.02)
    fine = pc.continue_branch(N, 0.5, PHI, RHO_BAR, offset=31, kappa_min=0.5, ds=0.005, ds_max=0.005)
    for b in (coarse, fine):
        i = b.folds[0].index
        assert len(b.folds) == 1 and np.all(b.stable[: i + 1]) and not np.any(b.stable[i + 1:])
        assert b.kappa[-1] == pytest.approx(0.5, abs=1e-12)
    assert coarse.mu_I[-1] == pytest.approx(fine.mu_I[-1], abs=1e-9)
    assert coarse.eigenvalue[-1] == pytest.approx(fine.eigenvalue[-1], abs=1e-9)


def test_stable_state_count_on_a_constructed_branch():
    fold = cont.Fold(kappa=0.72, mu_I=0.0, eigenvalue=0.0, residual=0.0, index=1, bracket=(0.6, 0.7), rho=None)
    k = np.array([0.5, 0.6, 0.7, 0.65, 0.55])
    lam = np.array([-2.0, -1.0, 1.0, 2.0, 3.0])
    b = cont.Branch(kappa=k, mu_I=np.zeros(5), eigenvalue=lam, stable=lam < 0, residual=np.zeros(5),
                    s=np.arange(5.0), dkappa_ds=np.array([1, 1, -1, -1, -1.0]), folds=(fold,), rho=None, params={})
    # stable from 0.5 up to the fold at 0.72 (inside the segment 0.6 -> 0.7), never on the way back
    assert pc.stable_state_count([b], [0.49, 0.5, 0.59, 0.69, 0.71, 0.73]).tolist() == [0, 1, 1, 1, 1, 0]
    assert pc.stable_state_count([b, b], [0.55]).tolist() == [2]
    with pytest.raises(ValueError, match="branches"):
        pc.stable_state_count([{"kappa": k}], [0.5])
    with pytest.raises(ValueError, match="kappas"):
        pc.stable_state_count([b], [-0.1])


def test_run_bifurcation_counts_every_rotation():
    s = dataclasses.replace(pc.BIFURCATION.ci, branch_offsets=(0, 1), n_count=41)
    r = pc.run_bifurcation(settings=s)
    # at kappa_start every rotation is a stable state (pinned_family, Fig. 8 chapter)
    assert r.count[0] == s.N and r.kappas[0] == s.kappa_start
    # the count is that of the first folds (no branch regains stability on its stable side)
    expect = [np.sum(~(r.first_fold <= k)) for k in r.kappas]
    assert r.count.tolist() == expect
    # offset 1 is the state that survives: no fold up to kappa_max (the liquid-first relaxation lands there)
    assert np.isnan(r.first_fold[1]) and np.sum(np.isnan(r.first_fold)) == 1
    assert r.first_fold[0] == pytest.approx(r.branches[0].folds[0].kappa, abs=1e-12)
    assert set(r.branches) == {0, 1} and r.branches[1].kappa[-1] == pytest.approx(s.kappa_max, abs=1e-12)
    with pytest.raises(ValueError, match="settings"):
        pc.run_bifurcation(settings=pc.FIG8.ci)


def test_bifurcation_settings_validation():
    for scale in ("ci", "book", "paper"):
        s = pc.BIFURCATION.at(scale)
        assert s.branch_offsets == pc.FIG8.at(scale).branch_offsets and s.kappa_start == pc.FIG8.at(scale).family_kappa
    for field, value, match in (("kappa_max", 0.4, "kappa_max"), ("ds_max", 0.001, "ds_max"),
                                ("branch_offsets", (0, 64), "branch_offsets"), ("n_count", 1, "n_count"),
                                ("tol", 0.0, "tol")):
        with pytest.raises(ValueError, match=match):
            dataclasses.replace(pc.BIFURCATION.ci, **{field: value})


@pytest.mark.parametrize("kwargs,name", [
    ({"N": 2}, "N"), ({"N": 2048}, "N"), ({"kappa_start": -0.1}, "kappa_start"), ({"phi": 2.0}, "phi"),
    ({"rho_bar": 2.5}, "rho_bar"), ({"n_liquid": 64}, "n_liquid"), ({"offset": 64}, "offset"),
    ({"kappa_min": 0.8}, "kappa_min"), ({"kappa_max": 0.7}, "kappa_max"), ({"ds": 0.0}, "ds"),
    ({"ds": 0.1}, "ds"), ({"ds_min": 0.05}, "ds_min"), ({"ds_max": 2.0}, "ds_max"), ({"max_steps": 0}, "max_steps"),
    ({"max_folds": -1}, "max_folds"), ({"tol": 1e-2}, "tol"), ({"kappa_start": float("nan")}, "kappa_start"),
])
def test_continue_branch_validation(kwargs, name):
    args = {"N": N, "kappa_start": 0.7, "phi": PHI}
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        pc.continue_branch(**args)


def test_no_state_or_no_fold_raises():
    with pytest.raises(ValueError, match="no pinned state"):
        pc.continue_branch(N, 1.5, PHI, n_liquid=16)
    with pytest.raises(ValueError, match="no fold"):
        pc.continuation_fold(N, 0.5, PHI, offset=1, kappa_max=1.0)


def test_result_classes_and_examples():
    for cls in (pc.Branch, pc.Fold, pc.BifurcationResult, pc.figures.BifurcationSettings):
        assert "Attributes\n----------" in inspect.getdoc(cls), cls.__name__
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder(exclude_empty=True).find(cont, cont.__name__):
        runner.run(test)
    assert runner.failures == 0 and runner.tries >= 1


def test_command_line_bifurcation(capsys, monkeypatch, tmp_path):
    from noneq.phase_coexistence import cli, figures

    small = dataclasses.replace(pc.BIFURCATION, ci=dataclasses.replace(pc.BIFURCATION.ci, branch_offsets=(0,),
                                                                       kappa_max=1.0, n_count=11))
    monkeypatch.setitem(figures.FIGURES, "bifurcation", small)
    out = tmp_path / "bif.npz"
    assert cli.main(["bifurcation", "--scale", "ci", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("bifurcation (ci scale)") and "branch_offsets = (0,)" in text
    assert "     0     0.90223" in text and "stable states: 64 ->" in text
    data = np.load(out)
    assert data["count"][0] == 64 and data["first_fold"][0] == pytest.approx(0.902235, abs=1e-6)
    with pytest.raises(SystemExit):
        cli.main(["bifurcation", "--scale", "ci", "--seed", "3"])
