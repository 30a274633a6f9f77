"""Settings of the chapter's figures, their runs and the command line."""

import dataclasses

import numpy as np
import pytest

import noneq.phase_coexistence as pc
from noneq.phase_coexistence import cli, figures


def test_fig7_settings_are_the_papers():
    for scale in ("ci", "book", "paper"):
        s = pc.FIG7.at(scale)
        assert s.scale == scale
        assert (s.N, s.T_eff, s.phi, s.rho_bar, s.kappas, s.dt) == (64, 0.002, 0.05, 1.5, (0.5, 1.5), 0.01)  # eq. 6.2
    assert pc.FIG7.at("ci").t_max < pc.FIG7.at("book").t_max < pc.FIG7.at("paper").t_max
    assert pc.FIG7.at("paper").n_runs == 8
    with pytest.raises(dataclasses.FrozenInstanceError):
        pc.FIG7.at("ci").N = 32


def test_fig8_settings():
    ci, book, paper = (pc.FIG8.at(s) for s in ("ci", "book", "paper"))
    assert book.kappas == paper.kappas and len(book.kappas) == 20
    assert book.kappas[0] == 0.1 and book.kappas[-1] == 2.0
    assert set(ci.noisy_kappas) <= set(ci.kappas) and {0.5, 1.5} <= set(ci.noisy_kappas)
    assert (book.seed, book.N) == (2024, 64)  # the old command line's defaults
    # errors from the run-to-run spread: at least 8 independent runs per kappa above ci
    assert ci.n_runs >= 2 and book.n_runs >= 8 and paper.n_runs >= 8
    assert set(ci.spread_kappas) <= set(ci.noisy_kappas) and set(book.spread_kappas) <= set(book.noisy_kappas)
    with pytest.raises(ValueError, match="n_runs"):
        dataclasses.replace(ci, n_runs=1)
    assert paper.sizes == (64, 128, 256)


def test_at_follows_the_environment(monkeypatch):
    monkeypatch.setenv("NONEQ_SCALE", "paper")
    assert pc.FIG8.at() is pc.FIG8.paper
    monkeypatch.delenv("NONEQ_SCALE")
    assert pc.FIG8.at() is pc.FIG8.book
    with pytest.raises(ValueError, match="scale"):
        pc.FIG8.at("huge")
    monkeypatch.setenv("NONEQ_SCALE", "huge")
    with pytest.raises(ValueError, match="NONEQ_SCALE"):
        pc.FIG8.at()


def test_command_line_old_options(tmp_path, capsys):
    out = tmp_path / "fig8.npz"
    assert pc.main(["--N", "16", "--n-kappa", "2", "--t-max", "20", "--t-burn", "0", "--out", str(out)]) == 0
    data = np.load(out)
    assert data["N16_noiseless"].shape == (2,) and data["N16_noisy"].shape == (2,)
    text = capsys.readouterr().out
    assert "eq. 4.22" in text
    assert text.startswith("fig8 (book scale)") and text.index("  t_max = 20.0") < text.index("eq. 4.22")


def test_command_line_fig8_ci_noiseless(capsys, tmp_path):
    out = tmp_path / "f.npz"
    assert pc.main(["fig8", "--scale", "ci", "--noiseless-only", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("fig8 (ci scale)") and "  kappas = (0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 1.5, 2.0)" in text
    data = np.load(out)
    mu = data["N64_noiseless"]
    assert mu.shape == (8,)
    assert mu[0] == pytest.approx(0.05 / 6, rel=0.05) and abs(mu[-1]) < 0.05 * 0.05 / 6


def test_command_line_fig7_ci(capsys, monkeypatch):
    # shorter runs than the ci scale, through the same code path
    small = dataclasses.replace(pc.FIG7.ci, t_max=200.0, n_runs=1)
    fig7 = dataclasses.replace(pc.FIG7, ci=small)
    monkeypatch.setitem(figures.FIGURES, "fig7", fig7)
    assert pc.main(["fig7", "--scale", "ci", "--seed", "3"]) == 0
    text = capsys.readouterr().out
    assert "  seed = 3" in text and "  t_max = 200.0" in text
    assert "7.7e-03" in text and "2.1e-04" in text


def test_run_fig7_noiseless_values():
    r = pc.run_fig7("ci", settings=dataclasses.replace(pc.FIG7.ci, t_max=50.0, n_runs=1), progress=False)
    assert abs(r.noiseless_mu_I[0] - 7.7e-3) <= 0.05e-3
    assert r.scan.mu_I_mean.shape == (2, 1) and r.mu_I.shape == (2,)


def test_command_line_rejects_unknown(capsys):
    with pytest.raises(SystemExit):
        pc.main(["fig9"])
    with pytest.raises(SystemExit):
        pc.main(["fig7", "--scale", "huge"])


def test_every_figure_has_three_validated_scales():
    assert set(pc.FIGURES) == {"fig6", "fig7", "fig8", "rho-bar", "bifurcation"}
    for name, fig in pc.FIGURES.items():
        assert fig.name == name
        for scale in ("ci", "book", "paper"):
            s = fig.at(scale)
            assert s.scale == scale
            assert fig.describe(scale).splitlines()[0].startswith(f"{name} ({scale} scale)")
    with pytest.raises(ValueError, match="t_max"):
        dataclasses.replace(pc.FIG6.ci, t_max=0.0)
    with pytest.raises(ValueError, match="n_runs"):
        dataclasses.replace(pc.FIG7.ci, n_runs=0)
    with pytest.raises(ValueError, match="kappas"):
        dataclasses.replace(pc.FIG8.ci, kappas=())
    with pytest.raises(ValueError, match="scale"):
        pc.FIG6.at("huge")


def test_rho_bar_settings_have_whole_liquid_boxes():
    # the noiseless states have X = X_eq exactly when N X_eq is an integer
    for scale in ("ci", "book", "paper"):
        s = pc.RHO_BAR.at(scale)
        nx = np.array([s.N * pc.x_eq(r) for r in s.rhos])
        np.testing.assert_allclose(nx, np.round(nx), atol=1e-9)


def test_run_fig6_two_interfaces_and_periodic_psi():
    r = pc.run_fig6(settings=dataclasses.replace(pc.FIG6.ci, t_max=50.0))
    assert len(r.up) == 1 and len(r.down) == 1
    assert abs(r.psi[-1]) < 1e-12 and r.run.mass_drift < 1e-10
    np.testing.assert_allclose(np.diff(r.psi) * 64, r.run.rho_final[1:] - 1.5, atol=1e-12)  # eq. 3.17


def test_run_rho_bar_noiseless_on_the_fixed_x_curve():
    s = dataclasses.replace(pc.RHO_BAR.ci, phis=(0.05,))
    r = pc.run_rho_bar(settings=s, noisy=False)
    # noiseless mu^I on the fixed-X formula within 0.02 phi (first order in phi, N = 64 corrections)
    assert np.all(np.abs(r.noiseless[0.05] - r.fixed_x[0.05]) < 0.02 * 0.05)
    # eq. 4.22 holds at rho_bar = 1.5 (X_eq = 1/2) but not at rho_bar = 1.0
    assert abs(r.noiseless[0.05][1] / r.theory[0.05][1] - 1) < 0.05
    assert abs(r.noiseless[0.05][0] - r.theory[0.05][0]) > 0.1 * 0.05
    assert np.all(np.isnan(r.noisy_mu_I))


def test_command_line_fig6_and_rho_bar(capsys, monkeypatch):
    small = dataclasses.replace(pc.RHO_BAR, ci=dataclasses.replace(pc.RHO_BAR.ci, phis=(0.05,), t_max=100.0))
    monkeypatch.setitem(figures.FIGURES, "rho-bar", small)
    assert cli.main(["rho-bar", "--scale", "ci"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("rho-bar (ci scale)") and "  t_max = 100.0" in text and "noisy rho_bar=2" in text
    assert cli.main(["fig6", "--scale", "ci", "--seed", "4"]) == 0
    text = capsys.readouterr().out
    assert "  seed = 4" in text and "interfaces: up at" in text


def test_rho_bar_settings_kappa_comparison_fields():
    for scale in ("ci", "book", "paper"):
        s = pc.RHO_BAR.at(scale)
        assert s.kappa_sizes[0] == 64 and all(k > 0 for k in s.selected_kappas)
    with pytest.raises(ValueError, match="kappa_sizes"):
        dataclasses.replace(pc.RHO_BAR.ci, kappa_sizes=())
