"""Settings of Figs. 3, 5, 6, 7 and of the ZRP section, and the command line that runs them."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from noneq import mass_transport as mt
from noneq.mass_transport import figures


def test_paper_sizes():
    assert (mt.FIG3.at("paper").N, mt.FIG3.at("paper").N_pr) == (15870, 512)
    assert (mt.FIG5.at("paper").N_b, mt.FIG5.at("paper").N_pr) == (43348, 1024)
    assert mt.FIG6.at("paper").N_b == 341 and mt.FIG7.at("paper").scan is mt.FIG6.at("paper")
    assert mt.FIG5.at("paper").init == "balanced" and mt.ZRP.at("paper").n == 1000
    # the paper's run ends at t = 12000; the sweep runs 2 probes per branch for 30000
    assert [(mt.FIG5.at(k).paper_run, mt.FIG5.at(k).n_rep) for k in ("ci", "paper")] == [(12000.0, 1), (12000.0, 2)]
    assert mt.FIG5.at("paper").t_max == 30000.0


@pytest.mark.parametrize("field", ["n_rep", "paper_run"])
def test_probe_branch_settings_rejects_nonpositive(field):
    with pytest.raises(ValueError, match=field):
        dataclasses.replace(mt.FIG5.at("ci"), **{field: 0})


def test_notebook_values():
    """The ci and book values are the sizes the chapter's notebooks ran with pick(ci=..., book=...)."""
    assert (mt.FIG3.at("ci").N, mt.FIG3.at("ci").N_pr, mt.FIG3.at("ci").t_max, mt.FIG3.at("ci").n_blocks) == \
        (1024, 32, 800.0, 150)
    s = mt.FIG5.at("book")
    assert (s.N_b, s.N_pr, s.t_max, s.t_relax, s.init) == (512, 64, 12 * 512 / 0.5, 10 * 512 / 0.5, "uniform")
    assert np.allclose(mt.FIG6.at("book").rhos, np.linspace(0.1, 1.0, 10))
    assert [(mt.FIG6.at(k).n_win, mt.FIG6.at(k).n_bins) for k in ("ci", "book", "paper")] == \
        [(16, 8), (12, 16), (24, 32)]
    assert mt.FIG7.at("ci").sizes == (32, 64) and mt.ZRP.at("ci").t_relax == 20 * 3 * 24 / 0.5
    assert [(mt.FIG7.at(k).n_rep, mt.FIG7.at(k).N_b_p, mt.FIG7.at(k).n_rep_p) for k in ("ci", "book", "paper")] == \
        [(4, 32, 3), (8, 96, 6), (12, 96, 8)]
    assert [(mt.RING.at(k).N, mt.RING.at(k).t_max, mt.RING.at(k).n_seed) for k in ("ci", "book", "paper")] == \
        [(400, 300.0, 6), (2000, 400.0, 6), (15870, 400.0, 8)]
    assert [mt.GAMMA_ETA.at(k).N_b for k in ("ci", "book", "paper")] == [32, 128, 341]


def test_p_times_and_ring_seeds():
    s = mt.FIG7.at("book")
    for p in (0.75, 0.6):
        t = 96 / (0.5 * (2 * p - 1))  # N_b / (rho (p - q))
        assert s.p_times(p) == (20 * t, 10 * t)
    assert mt.RING.at("ci").seeds(0) == (1, 2) and mt.RING.at("ci").seeds(3) == (301, 302)


NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "book" / "mass_transport").glob("0*.ipynb"))


def test_notebooks_read_the_settings_objects():
    """Every sizing of the chapter comes from figures.py: no pick() left, every object used by a notebook."""
    assert len(NOTEBOOKS) == 5
    code = {}
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text())["cells"]
        code[path.name] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert "pick(" not in code[path.name] and "noneq.scale" not in code[path.name], path.name
    names = ("RING", "FIG3", "FIG5", "FIG6", "FIG7", "ZRP", "GAMMA_ETA", "PROBE_TAU", "BRANCH_LAW")
    used = {name for name in names if any(f"mt.{name}.at()" in c for c in code.values())}
    assert used == set(names)
    assert {f.name for f in mt.FIGURES.values()} == {"ring", "fig3", "fig5", "fig6", "fig7", "zrp", "gamma_eta"}


def test_scale_from_environment(monkeypatch):
    monkeypatch.setenv("NONEQ_SCALE", "ci")
    assert mt.FIG3.at() is mt.FIG3.ci
    monkeypatch.setenv("NONEQ_SCALE", "paper")
    assert mt.FIG3.at() is mt.FIG3.paper
    assert "N = 15870" in mt.FIG3.describe()
    assert "  scan.N_b = 341" in mt.FIG7.describe() and "  n_rep = 12" in mt.FIG7.describe()


def test_settings_are_frozen_and_validated():
    s = mt.FIG3.at("ci")
    with pytest.raises(AttributeError):
        s.N = 3
    with pytest.raises(ValueError, match="N_pr"):
        figures.RingProbeSettings(N=10, N_pr=0, t_max=1.0, n_blocks=2)
    with pytest.raises(ValueError, match="init"):
        figures.ProbeBranchSettings(N_b=10, N_pr=2, t_max=1.0, t_relax=0.0, init="random")
    with pytest.raises(ValueError, match="rhos"):
        figures.DensityScanSettings(N_b=10, rhos=(0.5, -1.0))
    with pytest.raises(ValueError, match="p_dis"):
        figures.RingSettings(N=10, t_max=1.0, n_seed=2, p_dis=1.5)
    with pytest.raises(ValueError, match="N_b_p"):
        figures.FiniteSizeSettings(mt.FIG6.at("ci"), sizes=(32, 64), n_rep=2, N_b_p=48)
    with pytest.raises(ValueError, match="p_values"):
        figures.FiniteSizeSettings(mt.FIG6.at("ci"), sizes=(32, 64), n_rep=2, p_values=(0.5,))
    with pytest.raises(ValueError, match="gammas"):
        figures.GammaEtaSettings(N_b=16, gammas=(0.5, 1.0))
    with pytest.raises(ValueError, match="n_win"):
        figures.DensityScanSettings(N_b=10, rhos=(0.5,), n_win=1)
    cases = s.cases()
    assert list(cases) == ["sin_N/4", "sin_3N/4", "random"] and cases["sin_3N/4"][1] == 3 * 1024 // 4


def _main(capsys, *argv):
    assert mt.main(list(argv)) == 0
    return capsys.readouterr().out


def test_cli_fig3(capsys, tmp_path):
    out = _main(capsys, "fig3", "--scale", "ci", "--N", "64", "--N-pr", "4", "--t-max", "20", "--seed", "3",
                "--out", str(tmp_path / "f3.npz"))
    assert "fig3 (ci scale)" in out and "N = 64" in out and "eta_seed = 3" in out
    assert out.count("probe lambda") == 3
    assert set(np.load(tmp_path / "f3.npz").files) >= {"random_probe", "sin_N/4_expected"}


def test_cli_fig5_serial_subset(capsys):
    out = _main(capsys, "fig5", "--scale", "ci", "--N", "16", "--N-pr", "4", "--t-max", "40", "--t-relax", "10",
                "--jobs", "1", "--branches", "AB")
    assert "probe in A" in out and "probe in B" in out and "probe in C" not in out


def test_cli_fig5_parallel(capsys):
    out = _main(capsys, "fig5", "--scale", "ci", "--N", "12", "--N-pr", "4", "--t-max", "20", "--t-relax", "5",
                "--jobs", "2", "--branches", "BC")
    assert "probe in B" in out and "probe in C" in out


def test_cli_fig6_and_fig7(capsys):
    out6 = _main(capsys, "fig6", "--scale", "ci", "--N", "16", "--t-max", "100", "--t-relax", "20")
    assert out6.count("rho=") == 4 and "ring control" in out6
    assert "16 runs at rho = 0.5" in out6 and out6.count("z(start)") == 4
    out7 = _main(capsys, "fig7", "--scale", "ci", "--N", "16", "--t-max", "100", "--t-relax", "20")
    assert "alpha (eq. 35)" in out7 and "fit a + b/N_b" in out7
    assert "over 4 runs" in out7 and "p = 0.75, N_b = 32" in out7 and "p = 0.6, N_b = 32" in out7


def test_cli_ring_matches_notebook_estimator(capsys, tmp_path):
    """The ring command reproduces eq. (11) with the settings of the first notebook (4 standard errors)."""
    out = _main(capsys, "ring", "--scale", "ci", "--N", "200", "--t-max", "100", "--out", str(tmp_path / "r.npz"))
    assert "n_seed = 6" in out and out.count("eq. (11)") == 2
    f = np.load(tmp_path / "r.npz")
    # eq. (11), (p - q) / lambda^2: lambda = eta / rho = 1 (hom, p = 1); sum(eta) / M = 1 (dis, p - q = 1/2)
    for key, exact in (("hom", 1.0), ("dis", 0.5)):
        x = f[key + "_flux"]
        assert x.size == 6 and abs(x.mean() - exact) < 4 * x.std(ddof=1) / np.sqrt(x.size), (key, x)


def test_cli_gamma_eta(capsys):
    out = _main(capsys, "gamma_eta", "--scale", "ci", "--N", "8", "--seed", "5")
    assert "gamma_eta (ci scale)" in out and "seed = 5" in out and out.count("flux balance eq. (18)") == 9 * 4


def test_cli_zrp(capsys):
    out = _main(capsys, "zrp", "--scale", "ci", "--N", "6", "--t-max", "2000", "--t-relax", "100")
    assert "zrp (ci scale)" in out and "z_A/z_B" in out


def test_cli_rejects_bad_arguments(capsys):
    with pytest.raises(SystemExit):
        mt.main(["fig4"])
    with pytest.raises(SystemExit):
        mt.main(["fig3", "--scale", "ci", "--N", "1"])
    with pytest.raises(SystemExit):
        mt.main(["fig5", "--scale", "ci", "--branches", "XY", "--N", "12"])


def test_python_dash_m():
    env = dict(os.environ, NONEQ_PROGRESS="0")
    env.pop("NONEQ_SCALE", None)
    p = subprocess.run([sys.executable, "-m", "noneq.mass_transport", "zrp", "--scale", "ci", "--N", "4",
                        "--t-max", "500", "--t-relax", "10"], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "zrp (ci scale)" in p.stdout and "RuntimeWarning" not in p.stderr


def test_schematics_draw_and_old_module_reexports():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from noneq import mass_transport_plots as old
    from noneq.mass_transport import plots

    for name in old.__all__:  # the schematics, importable from the former module too
        assert getattr(old, name) is getattr(plots, name)
        fig, ax = plt.subplots()
        assert getattr(plots, name)(ax) is ax and ax.patches
        plt.close(fig)
